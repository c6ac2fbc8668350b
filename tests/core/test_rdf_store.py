"""The published graph in Oxigraph (issue #19): the same triples as rdflib's graph, the same SPARQL answers,
serialisations that read back, and the same queries answered by an Oxigraph server selected by URL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal

from competency_graph import rdf, rdf_store
from competency_graph.services import referentials
from competency_graph.sparql import SparqlError, run_query

QUERIES = [
    """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation ?label WHERE { ?c skos:notation ?notation ; skos:prefLabel ?label .
  FILTER(REGEX(STR(?notation), "^rectec:C[0-9]+$")) } ORDER BY ?notation""",
    """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme (COUNT(?c) AS ?n) WHERE { ?c skos:inScheme ?scheme } GROUP BY ?scheme ORDER BY ?scheme""",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> }",
]


def _values(graph: Graph) -> tuple[set, int]:
    """Triples without blank nodes, literals compared by value (Oxigraph writes 7.0 as 7), and how many
    triples have a blank node."""
    plain = set()
    blank = 0
    for triple in graph:
        if any(isinstance(t, BNode) for t in triple):
            blank += 1
            continue
        plain.add(tuple((t.toPython(), t.datatype, t.language) if isinstance(t, Literal) else t for t in triple))
    return plain, blank


@pytest.fixture(scope="module")
def published(shipped_bundle):
    return rdf.publish(shipped_bundle), rdf_store.build_store(shipped_bundle)


def test_the_store_holds_the_published_triples(published) -> None:
    graph, store = published
    assert len(store) == len(graph) > 10_000
    back = Graph().parse(data=rdf_store.serialize(store, "nt"), format="nt")
    assert _values(back) == _values(graph)


def test_the_store_holds_exactly_the_triples_rdflib_terms_give(shipped_bundle) -> None:
    """``build_store`` makes Oxigraph terms itself (``OxigraphTerms``): the same triples, lexical forms and
    datatypes included, as ``build_triples``' rdflib terms converted; blank nodes matched by canonicalisation."""
    import pyoxigraph as ox

    expected = ox.Dataset(rdf_store.to_oxigraph(rdf.build_triples(shipped_bundle)[0]))
    actual = ox.Dataset(rdf_store.build_store(shipped_bundle))
    kinds = {q.object.datatype.value.rsplit("#")[-1] for q in actual if isinstance(q.object, ox.Literal)}
    assert {"date", "decimal", "integer", "boolean", "anyURI", "langString", "string"} <= kinds
    for dataset in (expected, actual):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(actual) == len(expected) > 10_000
    assert set(actual) == set(expected)


ODD_TEXTS = ["", " ", "a\nb\r\n", 'quo"te \\ back', "é\u2028\u0085😀", "\x00", "<b>&amp;</b>", "true", "3"]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_oxigraph_terms_equal_rdflib_terms_on_odd_values(text) -> None:
    """``OxigraphTerms`` builds plain, ``fr`` and project-typed literals itself: on odd strings, ids with dots
    and slashes, odd dates and numbers the store still holds the rdflib path's triples."""
    import dataclasses
    import datetime as dt

    import pyoxigraph as ox

    from competency_graph.bundle import Bundle
    from competency_graph.examples import shipped_bundle, tiny_bundle

    tiny, shipped = tiny_bundle(), shipped_bundle()
    kinds = {}
    for item in shipped.items.values():
        kinds.setdefault(item.kind, item)
    items = dict(tiny.items)
    odd_id = f"ex:A.b/../c-{len(text)}"  # ids cannot hold spaces, accents, '#' or '?' (ids.ID_PATTERN)
    items[odd_id] = dataclasses.replace(items.pop("ex:C01"), id=odd_id, label=text or "x")
    comp = items["ex:C02"]
    items["ex:C02"] = dataclasses.replace(comp, model=comp.model.model_copy(
        update={"category": text, "notation": text, "description": text, "note": text}))
    cert, modality = kinds["certification"], kinds["modality"]
    items[cert.id] = dataclasses.replace(cert, model=cert.model.model_copy(update={
        "abbrev": text, "level": 8, "decision_date": dt.date(1, 1, 1), "effect_date": dt.date(9999, 12, 31),
        "active": False, "formacodes": [text]}))
    items[modality.id] = dataclasses.replace(modality, model=modality.model.model_copy(
        update={"duration_months": 1e-7 if text else 123456789.125, "jury": text, "writing_required": False}))
    referentials = [*tiny.referentials, *(r for r in shipped.referentials
                                          if r.key in (cert.referential, modality.referential))]
    edges = [dataclasses.replace(e, source=odd_id if e.source == "ex:C01" else e.source,
                                 target=odd_id if e.target == "ex:C01" else e.target) for e in tiny.edges]
    bundle = Bundle(referentials, items, edges, tiny.content_hash)
    expected = ox.Dataset(rdf_store.to_oxigraph(rdf.build_triples(bundle)[0]))
    actual = ox.Dataset(rdf_store.build_store(bundle))
    for dataset in (expected, actual):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(actual) == len(expected) > 300
    assert set(actual) == set(expected)


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("xml", "xml"), ("nt", "nt")])
def test_serialisations_read_back(published, fmt: str, parse_as: str) -> None:
    graph, store = published
    data = rdf_store.serialize(store, fmt)
    assert _values(Graph().parse(data=data, format=parse_as)) == _values(graph)
    if fmt == "turtle":
        assert data.startswith(b"@prefix")


@pytest.mark.parametrize("query", QUERIES)
def test_sparql_answers_are_the_same_on_both_engines(published, query: str) -> None:
    graph, store = published
    assert run_query(store, query) == run_query(graph, query)


def test_the_store_refuses_updates_and_reports_bad_queries(published) -> None:
    _, store = published
    with pytest.raises(SparqlError, match="only read queries"):
        run_query(store, "DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(SparqlError, match="invalid query"):
        run_query(store, "SELECT WHERE {")
    assert len(store) > 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _oxigraph() -> str | None:
    found = Path(sys.executable).parent / "oxigraph"
    return str(found) if found.exists() else shutil.which("oxigraph")


@pytest.mark.skipif(_oxigraph() is None, reason="the oxigraph server (pip package oxigraph) is not installed")
def test_an_oxigraph_server_selected_by_url_answers_the_same_queries(published, shipped_bundle, tmp_path,
                                                                    monkeypatch) -> None:
    _, store = published
    location = tmp_path / "store"
    assert rdf_store.save_store(shipped_bundle, location) == len(store)
    port = _free_port()
    server = subprocess.Popen([_oxigraph(), "serve-read-only", "--location", str(location), "--bind",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        monkeypatch.setenv("COMPETENCY_GRAPH_SPARQL_URL", url)
        for query in QUERIES:
            assert referentials.sparql_select(None, query) == run_query(store, query, max_rows=1000)
        with pytest.raises(SparqlError, match="only read queries"):
            referentials.sparql_select(None, "CLEAR ALL")
        with pytest.raises(SparqlError, match="SPARQL server"):
            referentials.sparql_select(None, "SELECT WHERE {")
    finally:
        server.terminate()
        server.wait(timeout=10)
