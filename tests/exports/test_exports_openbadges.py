from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from competency_graph.exports.openbadges import (
    OB_SCHEMA_URL,
    VENDOR,
    NotMastered,
    achievement_for,
    credential_for,
    ob_schema,
    offline_jsonld,
    schema_errors,
)
from competency_graph.ids import level_iri, mint_iri

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
CRED = "https://www.w3.org/2018/credentials#"


def _cred(repo, bundle, person, item="rectec:C01", **kw):
    return credential_for(repo, bundle, person, item, issuer_name=None, valid_from=dt.date(2025, 4, 1),
                          valid_until=dt.date(2030, 4, 1), salt="sel-fixe", **kw)


def test_achievement_of_a_rectec_circle(shipped_bundle):
    a = achievement_for(shipped_bundle, "rectec:C01", 2)
    assert a["id"] == level_iri("rectec:C01", 2)
    assert a["alignment"][0]["targetUrl"] == mint_iri("rectec:C01")
    rd = a["resultDescription"][0]
    assert rd["requiredLevel"] == level_iri("rectec:C01", 2)
    assert [lv["level"] for lv in rd["rubricCriterionLevel"]] == ["1", "2", "3", "4"]
    assert "Cercle 2" in a["criteria"]["narrative"]


def test_achievement_of_an_activity_lists_its_circles(shipped_bundle):
    a = achievement_for(shipped_bundle, "rae:agent-de-restauration/A1")
    assert a["id"] == mint_iri("rae:agent-de-restauration/A1")
    required = {rd.get("requiredLevel") for rd in a["resultDescription"]}
    assert level_iri("rectec:C01", 2) in required


def test_vendored_schema_is_the_official_one_and_self_contained():
    schema = ob_schema()
    assert schema["$id"] == OB_SCHEMA_URL
    assert schema["title"] == "JSON Schema for the AchievementCredential class."
    assert "REDUCED" not in json.dumps(schema)
    jsonschema.Draft201909Validator.check_schema(schema)
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert refs and all(r.startswith("#/$defs/") and r[8:] in schema["$defs"] for r in refs)  # no network
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert OB_SCHEMA_URL in readme and "1EdTech" in readme


def test_credential_validates_and_hides_the_name(repo, person, shipped_bundle):
    cred = _cred(repo, shipped_bundle, person)
    assert schema_errors(cred) == []
    named_errors = schema_errors(_cred(repo, shipped_bundle, person, level=1))
    assert named_errors == []
    assert cred["validFrom"] == "2025-04-01T00:00:00Z" and "issuanceDate" not in cred
    assert "issuanceDate" not in cred["endorsement"][0] and cred["endorsement"][0]["validFrom"]
    text = json.dumps(cred, ensure_ascii=False)
    assert "Zoé" not in text and "Martin" not in text
    assert cred["issuer"]["name"] == "ESAT Les Ateliers d'Émeraude"
    assert cred["credentialSubject"]["achievement"]["id"] == level_iri("rectec:C01", 2)  # accompanist's level
    assert cred["evidence"][0]["name"].startswith("Mise en place")
    assert cred["endorsement"][0]["issuer"]["name"] == "Mme Tutrice"
    named = _cred(repo, shipped_bundle, person, reveal_name=True)
    assert "Zoé Martin-Lefèvre" in json.dumps(named, ensure_ascii=False)
    assert schema_errors(named) == []


def test_activity_credential_validates(repo, person, shipped_bundle):
    cred = _cred(repo, shipped_bundle, person, "rae:agent-de-restauration/A1")
    assert schema_errors(cred) == []
    assert cred["credentialSubject"]["result"][0]["value"] == "acquis"


def test_schema_rejects_a_broken_credential(repo, person, shipped_bundle):
    cred = _cred(repo, shipped_bundle, person)
    del cred["credentialSubject"]["achievement"]["criteria"]
    cred["credentialSubject"]["identifier"][0]["nickname"] = "x"  # IdentityObject forbids extra properties
    cred["validFrom"] = "01/04/2025"
    errors = schema_errors(cred)
    assert any("criteria" in e for e in errors)
    assert any("nickname" in e for e in errors)
    assert any(e.startswith("validFrom:") for e in errors)
    del cred["validFrom"]
    assert any("'validFrom' is a required property" in e for e in schema_errors(cred))


def test_not_mastered_gives_no_badge(repo, person, shipped_bundle):
    with pytest.raises(NotMastered):
        _cred(repo, shipped_bundle, person, "rae:agent-de-restauration/A2")
    with pytest.raises(NotMastered):
        _cred(repo, shipped_bundle, person, "rectec:C01", level=3)
    with pytest.raises(NotMastered):
        _cred(repo, shipped_bundle, person, "rectec:C05")
    with pytest.raises(NotMastered, match="pas validée"):  # self-assessed only: not recognised
        _cred(repo, shipped_bundle, person, "rectec:C04")


def test_credential_loads_as_rdf_offline(repo, person, shipped_bundle):
    cred = _cred(repo, shipped_bundle, person)
    g = Graph().parse(data=json.dumps(offline_jsonld(cred)), format="json-ld")
    subject = URIRef(cred["id"])
    assert (subject, RDF.type, URIRef(OB + "OpenBadgeCredential")) in g
    assert (subject, RDF.type, URIRef(CRED + "VerifiableCredential")) in g
    achievement = URIRef(level_iri("rectec:C01", 2))
    assert (achievement, RDF.type, URIRef(OB + "Achievement")) in g
    assert (achievement, URIRef("https://schema.org/name"), None) in g
    issuers = list(g.objects(subject, URIRef(CRED + "issuer")))
    assert (issuers[0], URIRef("https://schema.org/name"), Literal("ESAT Les Ateliers d'Émeraude")) in g
