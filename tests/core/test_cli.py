"""The command line: validate, stats, export, query, schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from typer.testing import CliRunner

from competency_graph.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_validate_ok(mini_dir):
    result = runner.invoke(app, ["validate", str(mini_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 2 referential(s)")


def test_validate_reports_located_errors(tmp_path, mini_dir):
    target = tmp_path / "refs"
    shutil.copytree(mini_dir, target)
    (target / "transversal.yaml").write_text(
        (mini_dir / "transversal.yaml").read_text(encoding="utf-8").replace("pole: tx:P1\n    levels", "pole: tx:P7\n    levels", 1),
        encoding="utf-8")
    result = runner.invoke(app, ["validate", str(target)])
    assert result.exit_code == 1
    assert "transversal.yaml:17:11: error [unknown-reference] 'tx:P7'" in result.output
    assert "nothing loaded" in result.output


def test_stats_json(mini_dir):
    result = runner.invoke(app, ["stats", "--json", "-r", str(mini_dir)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    tx = data["referentials"]["tx@1"]
    assert (tx["poles"], tx["competencies"], tx["levels"]) == (1, 2, 3)
    assert data["referentials"]["tr@1"]["trades"] == 1
    assert data["referentials"]["tr@1"]["activities"] == 3
    assert data["totals"]["reconstructed"] == 3  # the transversal file is reconstructed
    assert data["triples"] > 50


def test_export_formats(tmp_path, mini_dir):
    for fmt, parse_as in (("turtle", "turtle"), ("json-ld", "json-ld")):
        out = tmp_path / f"g.{fmt}"
        extra = ["--inline-context"] if fmt == "json-ld" else []
        result = runner.invoke(app, ["export", "--format", fmt, "--output", str(out), "-r", str(mini_dir), *extra])
        assert result.exit_code == 0, result.output
        assert len(Graph().parse(out, format=parse_as)) > 50
    out = tmp_path / "g.jsonld"
    assert runner.invoke(app, ["export", "-f", "json-ld", "-o", str(out), "-r", str(mini_dir)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["@context"] == "https://w3id.org/competency-graph/context.jsonld"
    out = tmp_path / "g.graphml"
    assert runner.invoke(app, ["export", "-f", "graphml", "-o", str(out), "-r", str(mini_dir)]).exit_code == 0
    import networkx as nx

    assert nx.read_graphml(out).has_edge("tr:jardinier/A1", "tx:C01")
    bad = runner.invoke(app, ["export", "-f", "pdf", "-o", str(out), "-r", str(mini_dir)])
    assert bad.exit_code == 1 and "unknown format" in bad.output


def test_query_table_and_json(mini_dir):
    q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE { ?c skos:notation ?n } ORDER BY ?n LIMIT 2"
    result = runner.invoke(app, ["query", q, "--json", "-r", str(mini_dir)])
    assert result.exit_code == 0, result.output
    assert not any(":" in row["n"] for row in json.loads(result.stdout))  # official codes, no tool prefix
    q = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE { ?c skos:notation ?n "
         "FILTER(STRSTARTS(STR(?n), 'jardinier')) } ORDER BY ?n LIMIT 2")
    result = runner.invoke(app, ["query", q, "--json", "-r", str(mini_dir)])
    assert [row["n"] for row in json.loads(result.stdout)] == ["jardinier", "jardinier/A1"]  # no "tr:" prefix
    update = runner.invoke(app, ["query", "DELETE WHERE { ?s ?p ?o }", "-r", str(mini_dir)])
    assert update.exit_code == 1 and "only read queries" in update.output


def test_schema_is_up_to_date():
    from competency_graph.schema import referential_json_schema

    checked_in = (ROOT / "schema" / "referential.schema.json").read_text(encoding="utf-8")
    assert checked_in == referential_json_schema(), (
        "schema/referential.schema.json is stale: run `competency-graph schema -o schema/referential.schema.json`")


def test_console_script_runs():
    exe = Path(sys.executable).parent / "competency-graph"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "validate" in result.stdout


def test_demo_command_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    first = runner.invoke(app, ["demo", "--json", "-r", str(ROOT / "referentials")])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["created"] is True
    again = json.loads(runner.invoke(app, ["demo", "--json", "-r", str(ROOT / "referentials")]).stdout)
    assert again["created"] is False and again["people"] == json.loads(first.stdout)["people"]


def test_recommend_json_shape():
    profile = ROOT / "examples" / "profiles" / "ime-badge-securite.yaml"
    result = runner.invoke(app, ["recommend", str(profile), "--as-of", "2024-06-01", "--json", "-r", str(ROOT / "referentials")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[0]["modality"] == "modality:open-badge"
    assert set(data[0]) == {"modality", "eligible", "score", "reasons", "missing", "sources", "variant",
                            "eligible_from", "value", "tier", "goal_fit", "provenance", "duration_source"}
    bad = runner.invoke(app, ["recommend", str(profile), "--as-of", "juin"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output
