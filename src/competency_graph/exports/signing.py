"""Issuer keys and Data Integrity proofs (``eddsa-rdfc-2022``) for the Open Badges credentials.

One issuer per structure: a ``did:web`` identifier (``did:web:<domain>:structures:<slug>``) whose DID
document (``did.json``) and Ed25519 key pairs live in ``<data dir>/issuers/<slug>/``; private keys are PKCS#8
PEM files readable by the owner only (mode 0600). :func:`rotate_key` adds a new key and makes it the signing
key; earlier public keys stay in the DID document (``assertionMethod``) so badges already issued still
verify, unless ``retire_previous`` removes them. Publish ``did.json`` at
``https://<domain>/structures/<slug>/did.json`` for verifiers outside this tool.

The proof follows W3C "Data Integrity EdDSA Cryptosuites v1.0" (§3.2 eddsa-rdfc-2022): the proof options
and the unsecured document are canonicalised with RDFC-1.0 (pyld's URDNA2015, identical output), each hashed
with SHA-256, and Ed25519 signs ``hash(proof options) || hash(document)``; ``proofValue`` is multibase
base58-btc. JSON-LD contexts are served from the vendored copies only (no network).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import settings
from .vendor_contexts import document_loader

__all__ = ["Issuer", "issuer_for", "rotate_key", "sign", "verify", "VerificationResult", "issuer_dir",
           "multikey_from_public", "public_from_multikey", "resolve_verification_method", "SigningError"]

CRYPTOSUITE = "eddsa-rdfc-2022"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, varint
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
DEFAULT_DOMAIN = "localhost"


class SigningError(Exception):
    """A credential cannot be signed or its proof cannot be checked (French message)."""


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        idx = _B58.find(ch)
        if idx < 0:
            raise SigningError(f"caractère base58 invalide « {ch} »")
        n = n * 58 + idx
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey_from_public(raw: bytes) -> str:
    """``z6Mk…``: the Multikey ``publicKeyMultibase`` of a 32-byte Ed25519 public key."""
    return "z" + _b58encode(_ED25519_PUB + raw)


def public_from_multikey(value: str) -> bytes:
    if not value.startswith("z"):
        raise SigningError("clé publique : encodage multibase base58-btc attendu (préfixe « z »)")
    data = _b58decode(value[1:])
    if not data.startswith(_ED25519_PUB) or len(data) != 34:
        raise SigningError("clé publique : ce n'est pas une clé Ed25519 Multikey")
    return data[2:]


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "structure"


def issuer_dir(structure_id: str, base: Path | None = None) -> Path:
    from ..settings import data_dir

    return (base or data_dir()) / "issuers" / _slug(structure_id)


@dataclass(frozen=True)
class Issuer:
    """A structure's issuer identity: its DID, current signing key id and DID document."""

    did: str
    key_id: str
    directory: Path
    did_document: dict[str, Any]

    def private_key(self) -> Any:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        fragment = self.key_id.rsplit("#", 1)[1]
        return load_pem_private_key((self.directory / f"{fragment}.pem").read_bytes(), password=None)

    def profile(self, name: str, url: str | None = None, image: str | None = None) -> dict[str, Any]:
        """The OB 3.0 ``Profile`` of this issuer (``id`` = the DID)."""
        out: dict[str, Any] = {"id": self.did, "type": ["Profile"], "name": name}
        if url:
            out["url"] = url
        if image:
            out["image"] = {"id": image, "type": "Image"}
        return out


def _domain(domain: str | None) -> str:
    value = domain or settings.issuer_domain() or DEFAULT_DOMAIN
    return value.strip().lower().replace(":", "%3A")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def _load(directory: Path) -> Issuer | None:
    did_path = directory / "did.json"
    if not did_path.exists():
        return None
    doc = json.loads(did_path.read_text(encoding="utf-8"))
    current = json.loads((directory / "current.json").read_text(encoding="utf-8"))["key"]
    return Issuer(doc["id"], current, directory, doc)


def _new_key(directory: Path, did: str, doc: dict[str, Any], retire_previous: bool) -> Issuer:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    n = 1 + max((int(m.group(1)) for p in directory.glob("key-*.pem")
                 if (m := re.fullmatch(r"key-(\d+)\.pem", p.name))), default=0)
    key = Ed25519PrivateKey.generate()
    _write_private(directory / f"key-{n}.pem", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = f"{did}#key-{n}"
    method = {"id": key_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey_from_public(raw)}
    if retire_previous:
        doc["verificationMethod"], doc["assertionMethod"] = [], []
    doc["verificationMethod"] = [method] + doc.get("verificationMethod", [])
    doc["assertionMethod"] = [key_id] + doc.get("assertionMethod", [])
    (directory / "did.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (directory / "current.json").write_text(json.dumps({"key": key_id}) + "\n", encoding="utf-8")
    return Issuer(did, key_id, directory, doc)


def issuer_for(structure_id: str, *, domain: str | None = None, base: Path | None = None) -> Issuer:
    """The issuer of a structure, created (DID document + first key pair) on first use."""
    directory = issuer_dir(structure_id, base)
    existing = _load(directory)
    if existing is not None:
        return existing
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    did = f"did:web:{_domain(domain)}:structures:{_slug(structure_id)}"
    doc = {"@context": [DID_CONTEXT, MULTIKEY_CONTEXT], "id": did}
    return _new_key(directory, did, doc, retire_previous=False)


def rotate_key(structure_id: str, *, retire_previous: bool = False, base: Path | None = None,
               domain: str | None = None) -> Issuer:
    """A new signing key for the structure; previous public keys stay valid unless ``retire_previous``."""
    issuer = issuer_for(structure_id, domain=domain, base=base)
    return _new_key(issuer.directory, issuer.did, copy.deepcopy(issuer.did_document), retire_previous)


def _canonical_hash(document: dict[str, Any]) -> bytes:
    from pyld import jsonld

    nquads = jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                         "documentLoader": document_loader})
    if not nquads.strip():
        raise SigningError("document vide après canonisation : contexte JSON-LD manquant ?")
    return hashlib.sha256(nquads.encode("utf-8")).digest()


def _proof_options(document: dict[str, Any], key_id: str, created: str) -> dict[str, Any]:
    return {"@context": document["@context"], "type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE,
            "created": created, "verificationMethod": key_id, "proofPurpose": "assertionMethod"}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sign(document: dict[str, Any], issuer: Issuer, *, created: str | None = None) -> dict[str, Any]:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` ``DataIntegrityProof`` (a one-proof set) by the
    issuer's current key."""
    if document.get("issuer", {}).get("id") if isinstance(document.get("issuer"), dict) else None:
        if document["issuer"]["id"] != issuer.did:
            raise SigningError("l'émetteur du badge n'est pas celui de la clé de signature")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = _proof_options(unsecured, issuer.key_id, created or _now())
    data = _canonical_hash(options) + _canonical_hash(unsecured)
    signature = issuer.private_key().sign(data)
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + _b58encode(signature)
    out = copy.deepcopy(unsecured)
    out["proof"] = [proof]  # a set: 1EdTech's schema wants an array, VC 2.0 allows either
    return out


@dataclass(frozen=True)
class VerificationResult:
    verified: bool
    message: str


def resolve_verification_method(key_id: str, base: Path | None = None) -> dict[str, Any] | None:
    """The Multikey of ``key_id`` from the local issuers' DID documents (offline: no did:web fetch)."""
    from ..settings import data_dir

    did = key_id.split("#", 1)[0]
    for did_path in ((base or data_dir()) / "issuers").glob("*/did.json"):
        doc = json.loads(did_path.read_text(encoding="utf-8"))
        if doc.get("id") != did:
            continue
        if key_id not in doc.get("assertionMethod", []):
            return None
        return next((m for m in doc.get("verificationMethod", []) if m.get("id") == key_id), None)
    return None


def verify(document: dict[str, Any], *, did_document: dict[str, Any] | None = None,
           base: Path | None = None) -> VerificationResult:
    """Check the ``eddsa-rdfc-2022`` proof of a credential (French message either way)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        return VerificationResult(False, "aucune preuve (proof) : badge non signé")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return VerificationResult(False, f"type de preuve non pris en charge ({proof.get('cryptosuite')})")
    if proof.get("proofPurpose") != "assertionMethod":
        return VerificationResult(False, "la preuve n'a pas pour objet assertionMethod")
    key_id = str(proof.get("verificationMethod", ""))
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if key_id.split("#", 1)[0] != issuer_id:
        return VerificationResult(False, "la clé de signature n'appartient pas à l'émetteur du badge")
    if did_document is not None:
        method = next((m for m in did_document.get("verificationMethod", []) if m.get("id") == key_id
                       and key_id in did_document.get("assertionMethod", [])), None)
    else:
        method = resolve_verification_method(key_id, base)
    if method is None:
        return VerificationResult(False, f"clé inconnue ou retirée : {key_id}")
    try:
        public = Ed25519PublicKey.from_public_bytes(public_from_multikey(method["publicKeyMultibase"]))
        signature = _b58decode(str(proof.get("proofValue", ""))[1:])
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        options["@context"] = unsecured.get("@context")
        public.verify(signature, _canonical_hash(options) + _canonical_hash(unsecured))
    except InvalidSignature:
        return VerificationResult(False, "signature invalide : le badge a été modifié ou la clé ne correspond pas")
    except SigningError as exc:
        return VerificationResult(False, str(exc))
    return VerificationResult(True, f"signature valide (clé {key_id})")
