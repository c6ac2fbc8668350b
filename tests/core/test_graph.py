"""RDF publication (golden Turtle), SHACL findings mapped to YAML lines, the networkx projection."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from competency_graph.ids import id_from_iri, level_iri, mint_iri, scheme_iri
from competency_graph.loader import load_bundle
from competency_graph.network import to_networkx
from competency_graph.rdf import CG, build_graph, publish
from competency_graph.shacl import check_shapes

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden" / "mini.ttl"


def test_golden_turtle(mini_dir):
    graph = publish(load_bundle([mini_dir]))
    expected = Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(graph, expected):
        _, only_new, only_old = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        raise AssertionError(f"graph differs from golden:\n+ {sorted(only_new)[:5]}\n- {sorted(only_old)[:5]}")


def test_iris_minted_from_ids_not_labels(mini_dir):
    graph = publish(load_bundle([mini_dir]))
    c01 = URIRef(mint_iri("tx:C01"))
    assert str(c01) == "https://w3id.org/competency-graph/id/tx/C01"
    assert (c01, SKOS.prefLabel, Literal("Organiser son activité", lang="fr")) in graph
    assert (URIRef(level_iri("tx:C01", 2)), CG.rank, Literal(2)) in graph
    assert (URIRef(mint_iri("tr:jardinier/A1")), CG.requiresLevel, URIRef(level_iri("tx:C01", 2))) in graph
    assert (c01, SKOS.inScheme, URIRef(scheme_iri("tx", "1"))) in graph
    assert id_from_iri(mint_iri("tr:jardinier/A1/C1")) == "tr:jardinier/A1/C1"


def test_shipped_referentials_conform_to_shapes(shipped_bundle):
    problems = [p for p in check_shapes(shipped_bundle) if p.severity == "error"]
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_shacl_violation_mapped_to_yaml_line(tmp_path, mini_dir):
    target = tmp_path / "refs"
    shutil.copytree(mini_dir, target)
    path = target / "transversal.yaml"
    # levels 1 then 3: monotonic (the loader accepts it) but with a hole (the shapes refuse it)
    text = path.read_text(encoding="utf-8") + (
        "  - id: tx:C03\n    label: Communiquer\n    levels:\n"
        "      - {rank: 1, title: Écoute}\n      - {rank: 3, title: Explique}\n")
    path.write_text(text, encoding="utf-8")
    bundle = load_bundle([target])
    problems = check_shapes(bundle)
    assert [p.code for p in problems] == ["shacl-sparql"], problems
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip() == "- id: tx:C03")
    assert Path(problems[0].location.path).name == "transversal.yaml"
    assert problems[0].location.line == line
    assert "tx:C03" in problems[0].message and "niveau 2 manquant" in problems[0].message


def test_shacl_too_few_activities(tmp_path, mini_dir):
    target = tmp_path / "refs"
    shutil.copytree(mini_dir, target)
    path = target / "trades.yaml"
    text = path.read_text(encoding="utf-8")
    text = text[: text.index("      - id: tr:jardinier/A3")] + text[text.index("links:"):]
    path.write_text(text, encoding="utf-8")
    problems = check_shapes(load_bundle([target]))
    assert len(problems) == 1 and problems[0].code == "shacl-sparql"
    assert problems[0].location.line == next(i for i, l in enumerate(text.splitlines(), 1) if "id: tr:jardinier" in l)


def test_where_map_covers_every_subject(mini_dir):
    graph, where = build_graph(load_bundle([mini_dir]))
    concepts = set(graph.subjects(predicate=SKOS.inScheme))
    assert concepts and all(str(c) in where for c in concepts)


def test_networkx_projection(mini_dir):
    bundle = load_bundle([mini_dir])
    graph = to_networkx(bundle)
    assert graph.nodes["tx:C01"]["kind"] == "competency"
    assert graph.edges["tr:jardinier/A1", "tx:C01"] == {"type": "requires-level", "level": 2}
    assert graph.edges["tr:jardinier/A1", "tr:jardinier"]["type"] == "part-of"
    assert graph.nodes["rome:A1203"]["kind"] == "external"
    import networkx as nx

    # path question: from an activity's competency up to the pole of the transversal competency it calls for
    assert nx.has_path(graph, "tr:jardinier/A1/C1", "tr:jardinier")
    assert nx.shortest_path(graph, "tr:jardinier/A1", "tx:P1") == ["tr:jardinier/A1", "tx:C01", "tx:P1"]
