"""Commands importing the national referentials: ROME 4.0, RNCP, ESCO."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import _fail, _print_json, app


# -- imports --------------------------------------------------------------------------------------------------
def _progress_bar(label: str, quiet: bool):
    """A progress callback ``(done, total)`` drawing a bar on stderr (nothing when quiet)."""
    state: dict[str, object] = {}

    def callback(done: int, total: int) -> None:
        if quiet or not total:
            return
        bar = state.get("bar")
        if bar is None:
            bar = typer.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"], state["done"] = bar, 0
        bar.update(max(0, done - state["done"]))  # type: ignore[union-attr]
        state["done"] = done
        if done >= total:
            bar.__exit__(None, None, None)  # type: ignore[union-attr]

    return callback


@app.command("import-rome")
def import_rome_cmd(
    directory: Annotated[Path, typer.Argument(help="ROME 4.0 CSV bundle (unix_*_utf8.csv).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for rome.json (default: data dir).")] = None,
) -> None:
    """Import the ROME 4.0 bundle (jobs, savoir-faire, savoir-être, savoirs, core flags, mobility) into the graph."""
    from ..importers.rome import RomeImportError, import_rome

    try:
        counts = import_rome(directory, output, progress=_progress_bar("ROME", as_json))
    except RomeImportError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(counts)
    else:
        typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("import-rncp")
def import_rncp_cmd(
    path: Annotated[Path, typer.Argument(help="France compétences export: XML v4.1 file, or the CSV directory.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for rncp.json (default: data dir).")] = None,
) -> None:
    """Import RNCP certifications and blocs (streaming XML, or the CSV export); re-importing updates."""
    from ..importers.rncp import RncpImportError, import_rncp

    try:
        counts = import_rncp(path, output, progress=_progress_bar("RNCP", as_json))
    except RncpImportError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(counts)
    else:
        typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("import-esco")
def import_esco_cmd(
    path: Annotated[Path, typer.Argument(help="ROME ↔ ESCO correspondence CSV (code_rome / code_ogr, uri_esco).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for esco-mapping.json (default: data dir).")] = None,
) -> None:
    """Import a ROME ↔ ESCO correspondence table as SKOS mapping links (docs/esco-mapping.md)."""
    from ..importers.esco import EscoImportError, import_esco_mapping

    try:
        counts = import_esco_mapping(path, output)
    except EscoImportError as exc:
        _fail(str(exc))
    typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
