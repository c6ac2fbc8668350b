"""The published graph with ROME 4.0 (~775,000 triples): built into Oxigraph, counted with SPARQL, written as
Turtle, validated with SHACL — against pyoxigraph loading the same triples itself, measured in the same run.

- ``graph_build_rome_s`` — ``rdf_store.build_store``: the bundle's triples (``rdf.build_triples`` with
  ``rdf_store.OxigraphTerms``: Oxigraph terms and quads) loaded into Oxigraph; ``graph_build_pyoxigraph_s`` —
  pyoxigraph parsing and loading the same graph from N-Triples (what its own loader costs);
  ``graph_build_over_pyoxigraph`` = ours / theirs;
- ``sparql_count_rome_s`` — ``SELECT (COUNT(*) …)`` through ``rdf_store.select``;
  ``sparql_count_pyoxigraph_s`` — ``Store.query`` directly on the baseline store;
- ``turtle_rome_s`` — Turtle with the project's prefixes; ``graph_rome_triples``;
- full run only: ``rdflib_graph_build_rome_s`` (the former path, ``rdf.publish``) and ``shacl_rome_s`` (every
  SHACL subset of the ROME bundle, no cache).

The ROME bundle is imported once into a temporary directory (``COMPETENCY_GRAPH_ROME_DIR`` or
``../shared/data/rome-v460``); its import is timed by ``bench_rome``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

ROME_CACHE = Path(tempfile.gettempdir()) / "cg-bench-rome-import"


def rome_referentials() -> Path | None:
    """A directory holding the imported ROME referential (imported on first use), or None without the data."""
    source = Path(os.environ.get("COMPETENCY_GRAPH_ROME_DIR") or ROOT.parent / "shared" / "data" / "rome-v460")
    if not source.is_dir():
        return None
    if not (ROME_CACHE / "rome.json").is_file():
        from competency_graph.importers.rome import import_rome

        ROME_CACHE.mkdir(parents=True, exist_ok=True)
        import_rome(source, out_dir=ROME_CACHE)
    return ROME_CACHE


def _timed(fn, repeat: int):  # type: ignore[no-untyped-def]
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def run(quick: bool = False) -> dict:
    import pyoxigraph as ox

    from competency_graph import rdf_store
    from competency_graph.gcpause import gc_paused
    from competency_graph.loader import load_bundle

    rome = rome_referentials()
    if rome is None:
        return {"graph_build_rome_s": None, "sparql_count_rome_s": None, "graph_rome_skipped": "no ROME data"}
    repeat = 1 if quick else 3
    with gc_paused():
        bundle = load_bundle([ROOT / "referentials", rome])
    result: dict[str, object] = {"load_before": os.getloadavg()[0], "graph_rome_items": len(bundle.items)}
    wall, cpu, store = _timed(lambda: rdf_store.build_store(bundle), repeat)
    data = rdf_store.serialize(store, "nt")

    def baseline() -> ox.Store:
        other = ox.Store()
        other.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        return other

    base_wall, base_cpu, other = _timed(baseline, repeat)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sparql_wall, sparql_cpu, answer = _timed(lambda: rdf_store.select(store, count), 5)
    direct = _timed(lambda: next(iter(other.query(count)))["n"].value, 5)[0]
    turtle_wall, turtle_cpu, turtle = _timed(lambda: rdf_store.serialize(store, "turtle"), repeat)
    result.update({
        "graph_rome_triples": len(store), "graph_build_rome_s": round(wall, 2), "graph_build_rome_cpu_s": round(cpu, 2),
        "graph_build_pyoxigraph_s": round(base_wall, 2), "graph_build_pyoxigraph_cpu_s": round(base_cpu, 2),
        "graph_build_over_pyoxigraph": round(wall / base_wall, 2),
        "sparql_count_rome_s": round(sparql_wall, 3), "sparql_count_rome_cpu_s": round(sparql_cpu, 3),
        "sparql_count_pyoxigraph_s": round(direct, 3), "sparql_count_answer": int(answer[1][0][0]),
        "turtle_rome_s": round(turtle_wall, 2), "turtle_rome_cpu_s": round(turtle_cpu, 2),
        "turtle_rome_mb": round(len(turtle) / 1e6, 1)})
    if not quick:
        from competency_graph.rdf import publish
        from competency_graph.shacl_subsets import check_subsets

        with gc_paused():
            rdflib_wall, rdflib_cpu, _ = _timed(lambda: publish(bundle), 1)
        result.update({"rdflib_graph_build_rome_s": round(rdflib_wall, 1),
                       "rdflib_graph_build_rome_cpu_s": round(rdflib_cpu, 1)})
        shacl_wall, shacl_cpu, (problems, validated) = _timed(lambda: check_subsets(bundle), 1)
        result.update({"shacl_rome_s": round(shacl_wall, 1), "shacl_rome_cpu_s": round(shacl_cpu, 1),
                       "shacl_rome_subsets": validated, "shacl_rome_problems": len(problems)})
    result["load_after"] = os.getloadavg()[0]
    return result


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
