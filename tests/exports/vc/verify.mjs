// Independent check of a signed Open Badge (used by tests/exports/test_exports_badge_signing.py).
// Usage: node verify.mjs <input.json>, input = {credential, didDocument, contexts: {url: path}, schema: path}.
// Verifies the eddsa-rdfc-2022 Data Integrity proof with Digital Bazaar's VC stack (jsonld.js, safe mode)
// and validates the credential against 1EdTech's official JSON schema with ajv. Prints one JSON line.
import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const contexts = {};
for (const [url, path] of Object.entries(input.contexts)) {
  contexts[url] = JSON.parse(fs.readFileSync(path, 'utf8'));
}
const did = input.didDocument;
const methods = Object.fromEntries((did.verificationMethod || []).map(m => [m.id, m]));

// Offline loader: vendored contexts, the issuer's DID document and its keys; anything else is refused.
const documentLoader = async url => {
  if (contexts[url]) {
    return {contextUrl: null, documentUrl: url, document: contexts[url]};
  }
  if (methods[url]) {
    return {contextUrl: null, documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...methods[url]}};
  }
  if (url === did.id) {
    return {contextUrl: null, documentUrl: url, document: did};
  }
  throw new Error(`document not available offline: ${url}`);
};

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const result = await vc.verifyCredential({credential: input.credential, suite, documentLoader});

const ajv = new Ajv2019({strict: false, allErrors: true});
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(input.schema, 'utf8')));
const schemaValid = validate(input.credential);

const errors = [];
const collect = e => { if (e) { errors.push(String(e.message || e)); (e.errors || []).forEach(collect); } };
(result.error ? [result.error] : []).forEach(collect);
(result.results || []).forEach(r => collect(r.error));
console.log(JSON.stringify({verified: result.verified, errors, schemaValid, schemaErrors: validate.errors || []}));
