"""Commands on the referentials: validate, stats, export, publish-store, query, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..loader import check_paths
from ..problems import format_problems
from .common import RefsOption, _bundle, _fail, app


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or directories (default: referentials/).")] = None,
    shacl: Annotated[bool, typer.Option("--shacl/--no-shacl", help="Also check the SHACL shapes.")] = True,
) -> None:
    """Check referentials: structure, references, levels, then SHACL shapes. Lists every problem."""
    from ..settings import referential_dirs

    targets = paths or [p for p in referential_dirs() if p.exists()]
    bundle, problems = check_paths(targets)
    if bundle is not None and shacl:
        from ..shacl import check_shapes

        problems = problems + check_shapes(bundle)
    errors = [p for p in problems if p.severity == "error"]
    if problems:
        typer.echo(format_problems(problems), err=True)
    if errors:
        typer.echo(f"{len(errors)} error(s); nothing loaded.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {len(bundle.referentials)} referential(s), {len(bundle.items)} items, {len(bundle.edges)} links.")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    referentials: RefsOption = None,
) -> None:
    """Counts per referential and kind, provenance counts and the number of RDF triples."""
    from ..rdf import publish
    from ..stats import compute_stats

    bundle = _bundle(referentials)
    result = compute_stats(bundle, triples=len(publish(bundle)))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    columns = ["poles", "competencies", "levels", "activities", "trades", "jobs", "certifications", "blocs",
               "modalities", "links", "reconstructed", "provisional", "unverified"]
    header = f"{'referential':28}" + "".join(f"{c[:6]:>8}" for c in columns)
    typer.echo(header)
    for key, row in result["referentials"].items():
        typer.echo(f"{key:28}" + "".join(f"{row[c]:>8}" for c in columns))
    typer.echo(f"{'total':28}" + "".join(f"{result['totals'][c]:>8}" for c in columns))
    typer.echo(f"RDF triples: {result['triples']}")
    for name in ("occupations_without_rectec_link", "occupations_without_rome_link"):
        if result[name]:
            typer.echo(f"{name}: {', '.join(result[name])}")


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    format: Annotated[str, typer.Option("--format", "-f", help="turtle | json-ld | graphml")] = "turtle",
    referentials: RefsOption = None,
    inline_context: Annotated[bool, typer.Option("--inline-context", help="JSON-LD: embed the @context instead of naming its published URL.")] = False,
) -> None:
    """Export the referential graph (RDF Turtle / compact JSON-LD, or the networkx projection as GraphML)."""
    if format not in ("turtle", "json-ld", "graphml"):
        _fail(f"unknown format '{format}': choose turtle, json-ld or graphml")
    bundle = _bundle(referentials)
    if format == "graphml":
        import networkx as nx

        from ..network import to_networkx

        graph = to_networkx(bundle)
        for _, data in graph.nodes(data=True):
            for key, value in list(data.items()):
                if value is None:
                    data[key] = ""
        for _, _, data in graph.edges(data=True):
            for key, value in list(data.items()):
                if isinstance(value, list):
                    data[key] = " ".join(value)
        nx.write_graphml(graph, output)
    else:
        from ..rdf import publish, serialize

        output.write_text(serialize(publish(bundle), format, inline_context=inline_context), encoding="utf-8")
    typer.echo(f"written {output}")


@app.command("publish-store")
def publish_store(
    location: Annotated[Path, typer.Argument(help="Directory of the Oxigraph store to (re)write.")],
    referentials: RefsOption = None,
) -> None:
    """Write the published graph into an on-disk Oxigraph store, for ``oxigraph serve-read-only --location``
    (then set COMPETENCY_GRAPH_SPARQL_URL to its /query URL)."""
    from ..rdf_store import save_store

    count = save_store(_bundle(referentials), location)
    typer.echo(f"{count} triples written to {location}")


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL SELECT/ASK query (read-only).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows.")] = False,
    referentials: RefsOption = None,
) -> None:
    """Run a read-only SPARQL query on the referential graph and print a table."""
    from ..rdf import publish
    from ..sparql import SparqlError, run_query

    bundle = _bundle(referentials)
    try:
        columns, rows = run_query(publish(bundle), sparql)
    except SparqlError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=2))
        return
    widths = [max([len(c), *(len(str(r[i])) for r in rows)]) for i, c in enumerate(columns)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        typer.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    typer.echo(f"({len(rows)} row(s))", err=True)


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o")] = None,
) -> None:
    """Print (or write) the JSON Schema of the referential format, generated from the pydantic models."""
    from ..schema import referential_json_schema

    text = referential_json_schema()
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"written {output}")
    else:
        typer.echo(text)
