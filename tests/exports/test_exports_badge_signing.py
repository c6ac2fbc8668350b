"""Signed Open Badges 3.0: eddsa-rdfc-2022 proofs checked here AND by an independent implementation
(Digital Bazaar's @digitalbazaar/vc stack on jsonld.js, run with node), plus 1EdTech's official schema."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from competency_graph.exports import badge_image, signing
from competency_graph.exports.issuing import issue_badge, issue_badges
from competency_graph.exports.openbadges import NotMastered, schema_errors
from competency_graph.exports.vendor_contexts import CONTEXT_FILES, VENDOR

VC_DIR = Path(__file__).parent / "vc"


def _issue(repo, bundle, person, tmp_path, item="rectec:C01", **kw):
    return issue_badge(repo, bundle, person, item, valid_from=dt.datetime(2025, 4, 1, 9, tzinfo=dt.timezone.utc),
                       valid_until=dt.date(2030, 4, 1), salt="sel-fixe", base=tmp_path, **kw)


def _node_verify(credential: dict, did_document: dict, tmp_path: Path) -> dict:
    if shutil.which("node") is None or not (VC_DIR / "node_modules" / "@digitalbazaar" / "vc").exists():
        pytest.skip("node or tests/exports/vc/node_modules missing (run: cd tests/exports/vc && npm ci)")
    request = tmp_path / "verify-input.json"
    request.write_text(json.dumps({
        "credential": credential, "didDocument": did_document,
        "contexts": {url: str(VENDOR / name) for url, name in CONTEXT_FILES.items()},
        "schema": str(VENDOR / "ob_v3p0_achievementcredential_schema.json")}), encoding="utf-8")
    out = subprocess.run(["node", "verify.mjs", str(request)], cwd=VC_DIR, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_signed_badge_verifies_with_digital_bazaar_vc_and_the_official_schema(repo, person, shipped_bundle,
                                                                              tmp_path):
    badge = _issue(repo, shipped_bundle, person, tmp_path)
    cred = badge.credential
    issuer = signing.issuer_for(repo.get_person(person).structure_id, base=tmp_path)
    assert cred["issuer"]["id"] == issuer.did and issuer.did.startswith("did:web:")
    assert cred["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    result = _node_verify(cred, issuer.did_document, tmp_path)
    assert result == {"verified": True, "errors": [], "schemaValid": True, "schemaErrors": []}
    assert signing.verify(cred, base=tmp_path).verified
    # the same tools reject a modified badge
    forged = copy.deepcopy(cred)
    forged["credentialSubject"]["result"][0]["value"] = "cercle 4"
    assert _node_verify(forged, issuer.did_document, tmp_path)["verified"] is False
    assert not signing.verify(forged, base=tmp_path).verified


def test_badge_content_vc2_dates_french_result_evidence_endorsement_image(repo, person, shipped_bundle, tmp_path):
    cred = _issue(repo, shipped_bundle, person, tmp_path).credential
    text = json.dumps(cred, ensure_ascii=False)
    assert "issuanceDate" not in text and "expirationDate" not in text
    assert cred["validFrom"] == "2025-04-01T09:00:00Z" and cred["validUntil"] == "2030-04-01T00:00:00Z"
    assert cred["credentialSubject"]["result"][0]["value"] == "cercle 2"
    assert cred["evidence"][0]["name"].startswith("Mise en place")
    endorsement = cred["endorsement"][0]
    assert endorsement["issuer"]["name"] == "Mme Tutrice" and "validFrom" in endorsement
    image = cred["credentialSubject"]["achievement"]["image"]
    assert image["id"].startswith("data:image/svg+xml;base64,")
    assert schema_errors({k: v for k, v in cred.items() if k != "proof"}) == []
    assert "Zoé" not in text


def test_baked_png_and_svg_carry_the_signed_credential(repo, person, shipped_bundle, tmp_path):
    badge = _issue(repo, shipped_bundle, person, tmp_path, item="rae:agent-de-restauration/A1")
    assert badge.png.startswith(b"\x89PNG")
    from_png = badge_image.unbake_png(badge.png)
    from_svg = badge_image.unbake_svg(badge.svg)
    assert from_png == from_svg == badge.credential
    assert signing.verify(from_png, base=tmp_path).verified
    assert badge.credential["credentialSubject"]["result"][0]["value"] == "acquis"


def test_only_recognised_items_are_issued(repo, person, shipped_bundle, tmp_path):
    with pytest.raises(NotMastered, match="pas validée"):  # C04: the person's own word only, never validated
        _issue(repo, shipped_bundle, person, tmp_path, item="rectec:C04")
    with pytest.raises(NotMastered):
        _issue(repo, shipped_bundle, person, tmp_path, item="rae:agent-de-restauration/A2")
    issued = issue_badges(repo, shipped_bundle, person, ["rectec:C01", ("rectec:C01", 1)],
                          valid_from=dt.date(2025, 4, 1), base=tmp_path)
    assert [b.credential["credentialSubject"]["result"][0]["value"] for b in issued] == ["cercle 2", "cercle 1"]


def test_keys_private_and_rotation_keeps_old_badges_valid_unless_retired(repo, person, shipped_bundle, tmp_path):
    structure = repo.get_person(person).structure_id
    old = _issue(repo, shipped_bundle, person, tmp_path).credential
    issuer = signing.issuer_for(structure, base=tmp_path)
    key_file = issuer.directory / "key-1.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(issuer.directory).st_mode) == 0o700
    assert "PRIVATE" not in (issuer.directory / "did.json").read_text(encoding="utf-8")
    rotated = signing.rotate_key(structure, base=tmp_path)
    assert rotated.key_id.endswith("#key-2") and rotated.did == issuer.did
    new = _issue(repo, shipped_bundle, person, tmp_path).credential
    assert new["proof"][0]["verificationMethod"] == rotated.key_id
    assert signing.verify(old, base=tmp_path).verified and signing.verify(new, base=tmp_path).verified
    signing.rotate_key(structure, base=tmp_path, retire_previous=True)
    assert not signing.verify(old, base=tmp_path).verified
    assert "retirée" in signing.verify(new, base=tmp_path).message


def test_multikey_round_trip():
    raw = bytes(range(32))
    key = signing.multikey_from_public(raw)
    assert key.startswith("z6Mk") and signing.public_from_multikey(key) == raw


def test_vendored_files_match_the_hashes_in_the_readme():
    import hashlib
    import re

    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+\.json)` \|.*\| `([0-9a-f]{64})` \|", readme, flags=re.M)
    assert len(rows) == 4
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "@vocab" not in json.dumps(json.loads((VENDOR / "credentials-v2.json").read_text())["@context"])[:200]


def test_cli_verify_and_rotate_key(repo, person, shipped_bundle, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from competency_graph.cli import app

    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    badge = issue_badge(repo, shipped_bundle, person, "rectec:C01", valid_from=dt.date(2025, 4, 1))
    png, svg, js = tmp_path / "b.png", tmp_path / "b.svg", tmp_path / "b.json"
    png.write_bytes(badge.png)
    svg.write_text(badge.svg, encoding="utf-8")
    forged = copy.deepcopy(badge.credential)
    forged["validUntil"] = "2099-01-01T00:00:00Z"
    js.write_text(json.dumps(forged), encoding="utf-8")
    runner = CliRunner()
    for path in (png, svg):
        ok = runner.invoke(app, ["badge", "verify", str(path)])
        assert ok.exit_code == 0, ok.output
        assert "signature valide" in ok.output and "conforme au schéma officiel" in ok.output
    bad = runner.invoke(app, ["badge", "verify", str(js)])
    assert bad.exit_code == 1 and "signature invalide" in bad.output
    structure = repo.get_person(person).structure_id
    rotated = runner.invoke(app, ["badge", "rotate-key", structure, "--retire-previous"])
    assert rotated.exit_code == 0 and "#key-2" in rotated.output
    assert runner.invoke(app, ["badge", "verify", str(png)]).exit_code == 1  # its key was withdrawn
