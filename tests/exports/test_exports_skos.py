"""SKOS as consumers read it: the published graph conforms to a published SKOS quality profile (AGLDWG's
VocPub, vendored), parses to the same triples with rdflib and pyoxigraph, and is compact JSON-LD with a
published @context."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from competency_graph.importers.rncp import import_rncp
from competency_graph.importers.rome import import_rome
from competency_graph.loader import load_bundle
from competency_graph.rdf import CG, CONTEXT_URL, jsonld_context, publish, scheme_graph, to_jsonld

VOCPUB = Path(__file__).parent / "vocpub"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def imported_graph(tmp_path_factory):
    """Shipped referentials + an RNCP/RS import + a ROME import (own fixtures)."""
    out = tmp_path_factory.mktemp("imported")
    import_rncp(FIXTURES / "rncp" / "full" / "export_fiches_RNCP_V4_1_2025_11_03.xml", out_dir=out)
    import_rncp(FIXTURES / "rncp" / "full" / "export_fiches_RS_V4_1_2025_11_03.xml", out_dir=out)
    import_rome(FIXTURES / "rome", out)
    from competency_graph.settings import referential_dirs

    return publish(load_bundle([*referential_dirs()[:-1], out]))


def _violations(data: Graph) -> Counter:
    import pyshacl

    shapes = Graph().parse(VOCPUB / "validator.ttl")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    return Counter((str(report.value(r, SH.resultMessage))[:90], str(report.value(r, SH.focusNode)))
                   for r in report.subjects(RDF.type, SH.ValidationResult))


def test_vocpub_validator_is_the_published_one():
    digest = hashlib.sha256((VOCPUB / "validator.ttl").read_bytes()).hexdigest()
    assert digest in (VOCPUB / "README.md").read_text(encoding="utf-8")
    assert "Attribution 4.0 International" in (VOCPUB / "LICENSE").read_text(encoding="utf-8")


def test_every_vocabulary_conforms_to_vocpub(imported_graph):
    schemes = sorted(imported_graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 9
    for scheme in schemes:
        assert _violations(scheme_graph(imported_graph, scheme)) == Counter(), scheme


def test_vocpub_catches_what_consumers_complained_about(imported_graph):
    """The profile is not vacuous here: without hasTopConcept / with a plain-text publisher it fails."""
    scheme = URIRef("https://w3id.org/competency-graph/id/scheme/rectec/2019")
    broken = scheme_graph(imported_graph, scheme)
    broken.remove((scheme, SKOS.hasTopConcept, None))
    broken.remove((None, SKOS.topConceptOf, None))
    broken.remove((scheme, DCTERMS.publisher, None))
    broken.add((scheme, DCTERMS.publisher, Literal("GIP-FCIP")))
    found = " ".join(message for message, _focus in _violations(broken))
    assert "2.1.09" in found and "2.1.06" in found


def test_skos_shape_of_the_published_graph(imported_graph):
    g = imported_graph
    rectec = URIRef("https://w3id.org/competency-graph/id/scheme/rectec/2019")
    c01 = URIRef("https://w3id.org/competency-graph/id/rectec/C01")
    pole = g.value(c01, SKOS.broader)
    assert (rectec, SKOS.hasTopConcept, pole) in g and (rectec, SKOS.prefLabel, None) in g
    assert set(g.objects(c01, SKOS.notation)) == {Literal("C01", datatype=CG.RectecCode)}
    for _s, notation in g.subject_objects(SKOS.notation):  # official codes, typed, never "prefix:"
        assert notation.datatype is not None and not str(notation).startswith(("rectec:", "rncp:", "rome:"))
    for s, o in g.subject_objects(SKOS.related):  # skos:related stays inside one scheme
        assert set(g.objects(s, SKOS.inScheme)) & set(g.objects(o, SKOS.inScheme))
    assert len(set(g.triples((None, SKOS.relatedMatch, None)))) > 0
    for scheme in g.subjects(RDF.type, SKOS.ConceptScheme):
        assert all(isinstance(o, URIRef) for o in g.objects(scheme, DCTERMS.license))
        assert all(isinstance(o, URIRef) for o in g.objects(scheme, DCTERMS.publisher))
    rncp = URIRef("https://w3id.org/competency-graph/id/scheme/rncp-import")  # no date: stable across imports
    assert (rncp, RDF.type, SKOS.ConceptScheme) in g
    cert = URIRef("https://w3id.org/competency-graph/id/rncp/RNCP99001")
    assert (cert, SKOS.inScheme, rncp) in g
    assert (URIRef("https://w3id.org/competency-graph/id/rncp/RS99032"), CG.repertoire, Literal("RS")) in g
    c312 = URIRef("https://w3id.org/competency-graph/id/rncp/RNCP99001BC01/C6")
    assert Literal("3.1.2", datatype=CG.OutlineNumber) in set(g.objects(c312, SKOS.notation))
    c11 = URIRef("https://w3id.org/competency-graph/id/rncp/RNCP99001BC01/C2")
    assert g.value(c11, SKOS.broader) == URIRef("https://w3id.org/competency-graph/id/rncp/RNCP99001BC01/C1")
    bloc = URIRef("https://w3id.org/competency-graph/id/rncp/RNCP99001BC01")
    assert (bloc, SKOS.exactMatch, URIRef("https://w3id.org/competency-graph/id/rncp/RNCP88001BC02")) in g


def test_rdflib_and_pyoxigraph_read_the_same_triples(imported_graph):
    import pyoxigraph

    turtle = imported_graph.serialize(format="turtle")
    ox = pyoxigraph.Store()
    ox.load(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    back = Graph().parse(data=pyoxigraph.serialize(ox, format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8"),
                         format="nt")
    assert len(ox) == len(imported_graph) > 1000
    # same triples; xsd:decimal compared by value (oxigraph writes "6" for the Turtle shorthand 6.0)
    assert isomorphic(_decimals_by_value(back), _decimals_by_value(Graph().parse(data=turtle, format="turtle")))


def _decimals_by_value(graph: Graph) -> Graph:
    from decimal import Decimal

    from rdflib.namespace import XSD

    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            text = format(Decimal(str(o)), "f")
            o = Literal(text.rstrip("0").rstrip(".") if "." in text else text, datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def test_compact_jsonld_with_the_published_context(mini_dir):
    graph = publish(load_bundle([mini_dir]))
    text = to_jsonld(graph)
    data = json.loads(text)
    assert data["@context"] == CONTEXT_URL
    first = data["@graph"][0]
    assert "prefLabel" in json.dumps(data) and "http://www.w3.org/2004/02/skos/core#" not in json.dumps(first)
    offline = dict(data, **{"@context": jsonld_context()})  # what a consumer gets after loading the context
    assert isomorphic(Graph().parse(data=json.dumps(offline), format="json-ld"), graph)
    shipped = json.loads((Path(__file__).resolve().parents[2] / "src" / "competency_graph" / "jsonld"
                          / "context.jsonld").read_text(encoding="utf-8"))
    assert shipped["@context"] == jsonld_context()


def test_rome_hierarchy_in_skos(imported_graph):
    g = imported_graph
    iri = lambda i: URIRef("https://w3id.org/competency-graph/id/" + i)  # noqa: E731
    assert g.value(iri("rome/N1103"), SKOS.broader) == iri("rome/N11")  # job → domaine professionnel
    assert g.value(iri("rome/N11"), SKOS.broader) == iri("rome/N")  # → grand domaine
    rome = URIRef("https://w3id.org/competency-graph/id/scheme/rome")
    assert (rome, SKOS.hasTopConcept, iri("rome/N")) in g
    assert g.value(iri("rome-ogr/100101"), SKOS.broader) == iri("rome-ogr/300001")  # competence → macro
    assert g.value(iri("rome-ogr/900004"), SKOS.broader) == iri("rome/N1103")  # appellation → job
    assert Literal("Cariste (appellation fictive)", lang="fr") in set(g.objects(iri("rome/N1103"), SKOS.altLabel))
    assert any("entrepôt" in str(o) for o in g.objects(iri("rome/N1103"), CG.workContext))
    assert "Prépare les commandes" in str(g.value(iri("rome/N1103"), SKOS.definition))
