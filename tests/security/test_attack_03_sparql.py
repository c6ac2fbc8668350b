"""Finding 3 (security round 2): the SPARQL time limit did not stop the query — the thread ran on, and three
cross products took the server from 253 MiB to 4.5 GiB. Queries now run in a worker process killed at
the deadline."""

from __future__ import annotations

import resource
import threading
import time

import pytest
from rdflib import Graph, Literal, URIRef

from competency_graph import sparql
from competency_graph.sparql import SparqlError, run_query

CROSS_PRODUCT = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h } ORDER BY ?a ?c ?e ?g"


@pytest.fixture
def graph():
    g = Graph()
    for i in range(300):
        g.add((URIRef(f"urn:item:{i}"), URIRef("urn:p"), Literal(i)))
    yield g
    sparql.stop_worker()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_three_cross_products_are_stopped_at_the_deadline_and_leave_nothing_running(graph) -> None:
    run_query(graph, "ASK { ?s ?p ?o }")  # the worker is up (its start is not part of a query's time)
    threads = threading.active_count()
    for _ in range(3):
        started = time.monotonic()
        with pytest.raises(SparqlError, match="stopped"):
            run_query(graph, CROSS_PRODUCT, timeout_s=1.0)
        assert time.monotonic() - started < 4.0
    # Nothing keeps computing in the app's process once the queries were refused.
    assert threading.active_count() <= threads
    before = _cpu()
    time.sleep(1.0)
    assert _cpu() - before < 0.3
    # The next query gets a fresh worker and an answer.
    assert run_query(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == (["n"], [["300"]])


def test_a_query_needing_too_much_memory_is_refused_not_the_app(graph) -> None:
    """A lower memory limit makes the same attack hit the limit of the worker, never the app."""
    sparql.stop_worker()
    query = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?a ?c ?e"
    with pytest.raises(SparqlError, match="memory"):
        run_query(graph, query, timeout_s=90.0, memory_bytes=300 * 1024 * 1024)
    sparql.stop_worker()


def test_update_and_service_queries_stay_refused(graph) -> None:
    for text in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"):
        with pytest.raises(SparqlError, match="only read queries"):
            run_query(graph, text)
    with pytest.raises(SparqlError, match="invalid query"):
        run_query(graph, "SELECT WHERE {")
