"""RDF exports: referential Turtle / JSON-LD and one person's positionings as a separate named graph, each
isomorphic to a committed golden file; the person graph never leaks into the referential graph."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, RDFS

from competency_graph.exports.person_rdf import person_graph, person_graph_iri, person_iri, person_jsonld, person_turtle
from competency_graph.ids import BASE_IRI
from competency_graph.loader import load_bundle
from competency_graph.rdf import CG, CONTEXT_URL, jsonld_context, publish, to_jsonld

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
PSEUDONYM = "golden-fixture-pseudonym"  # what services.exports derives with the database's key


def _same(graph: Graph, expected: Graph) -> None:
    if not isomorphic(graph, expected):
        _, only_new, only_old = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        raise AssertionError(f"graph differs from golden:\n+ {sorted(only_new)[:5]}\n- {sorted(only_old)[:5]}")


def _golden(name: str, text: str) -> Path:
    """The golden file; ``COMPETENCY_GRAPH_REGOLD=1`` rewrites it (then review the diff before committing)."""
    path = GOLDEN / name
    if os.environ.get("COMPETENCY_GRAPH_REGOLD") == "1":
        path.write_text(text, encoding="utf-8")
    return path


def test_referential_turtle_export_matches_golden(mini_dir):
    text = publish(load_bundle([mini_dir])).serialize(format="turtle")
    _same(Graph().parse(data=text, format="turtle"), Graph().parse(GOLDEN / "mini.ttl", format="turtle"))


def _with_context(text: str) -> str:
    """Compact JSON-LD names its context by URL; a consumer loads it (here: the shipped copy, offline)."""
    data = json.loads(text)
    assert data["@context"] == CONTEXT_URL
    return json.dumps(dict(data, **{"@context": jsonld_context()}))


def test_referential_jsonld_export_matches_golden(mini_dir):
    text = to_jsonld(publish(load_bundle([mini_dir])))
    golden = _golden("mini.jsonld", text)
    _same(Graph().parse(data=_with_context(text), format="json-ld"),
          Graph().parse(data=_with_context(golden.read_text(encoding="utf-8")), format="json-ld"))


@pytest.fixture
def graph_p1(repo, person):
    return person_graph(repo, person, pseudonym=PSEUDONYM)


def test_person_turtle_matches_golden(graph_p1):
    text = person_turtle(graph_p1)
    golden = _golden("person-p1.ttl", text)
    _same(Graph().parse(data=text, format="turtle"), Graph().parse(golden, format="turtle"))


def test_person_jsonld_is_its_own_named_graph_and_matches_golden(graph_p1):
    text = person_jsonld(graph_p1)
    golden = _golden("person-p1.jsonld", text)
    name = person_graph_iri(PSEUDONYM)
    for source in (text, golden.read_text(encoding="utf-8")):
        dataset = Dataset().parse(data=source, format="json-ld")
        assert len(dataset.default_graph) == 0  # everything sits in the person's named graph
        named = dataset.graph(name)
        assert len(named) == len(graph_p1)
        _same(Graph() + named, Graph() + graph_p1)
    assert json.loads(text)["@id"] == str(name)


def test_person_graph_is_minimised(repo, person, graph_p1):
    text = person_turtle(graph_p1) + person_jsonld(graph_p1)
    for secret in (person, "Zoé", "Martin", "Émeraude", "ESAT", "Premier point", "Mise en place"):
        assert secret not in text, secret
    who = person_iri(PSEUDONYM)
    assert str(who).startswith("urn:uuid:") and (who, RDF.type, CG.Person) in graph_p1
    assert set(graph_p1.objects(None, CG.role)) <= {Literal("self"), Literal("accompanist")}
    assert len(list(graph_p1.subjects(RDF.type, CG.Positioning))) == 5  # every event, never averaged
    with pytest.raises(ValueError):
        person_graph(repo, person, pseudonym=person)


def test_comments_only_on_request(repo, person):
    repo.record_positioning(person, "rectec:C04", role="accompanist", level=3, comment="Vu en atelier",
                            at=dt.datetime(2025, 3, 12, tzinfo=dt.UTC))
    plain = person_graph(repo, person, pseudonym=PSEUDONYM)
    assert not list(plain.objects(None, RDFS.comment))
    asked = person_graph(repo, person, pseudonym=PSEUDONYM, include_comments=True)
    assert Literal("Vu en atelier", lang="fr") in set(asked.objects(None, RDFS.comment))


def test_referential_graph_holds_no_person_triple(graph_p1, shipped_bundle):
    referential = publish(shipped_bundle)
    assert not set(graph_p1) & set(referential)
    people = {person_iri(PSEUDONYM), person_graph_iri(PSEUDONYM)} | set(graph_p1.subjects(RDF.type, CG.Positioning))
    assert not any(node in people for triple in referential for node in triple)
    # the person graph points at referential items only through their published IRIs
    referenced = set(graph_p1.objects(None, CG.item)) | set(graph_p1.objects(None, CG.level))
    assert referenced and all(str(iri).startswith(BASE_IRI) for iri in referenced)
    assert all((iri, None, None) in referential for iri in referenced)
    assert isinstance(next(iter(referenced)), URIRef)
