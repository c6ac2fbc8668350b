"""Graph load: all shipped referentials YAML → bundle → RDF graph, against rdflib parsing the same graph as Turtle."""

from __future__ import annotations

import json
import sys

from common import ROOT, median_time


def run(quick: bool = False) -> dict:
    from rdflib import Graph

    from competency_graph.loader import load_bundle
    from competency_graph.rdf import publish

    refs = [ROOT / "referentials"]
    repeat = 3 if quick else 7
    turtle = publish(load_bundle(refs)).serialize(format="turtle")

    def ours():
        publish(load_bundle(refs))

    def baseline():
        Graph().parse(data=turtle, format="turtle")

    ours()  # warm imports
    ours_s = median_time(ours, repeat)
    base_s = median_time(baseline, repeat)
    load_only = median_time(lambda: load_bundle(refs), repeat)
    return {"graph_load_s": round(ours_s, 3), "graph_load_bundle_only_s": round(load_only, 3),
            "graph_load_baseline_turtle_s": round(base_s, 3), "graph_load_ratio": round(base_s / ours_s, 2)}


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
