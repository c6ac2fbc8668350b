"""Commands importing the national referentials: ROME 4.0, RNCP, ESCO."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
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


def _report_import(run: Callable[[], Mapping[str, object]], refused: type[Exception], as_json: bool = False) -> None:
    """Run one importer; print its counts (JSON, or ``kind: n, …``), or its refusal and exit 1."""
    try:
        counts = run()
    except refused as exc:
        _fail(str(exc))
        return
    if as_json:
        _print_json(counts)
    else:
        typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("import-rome")
def import_rome_cmd(
    directory: Annotated[Path, typer.Argument(help="ROME 4.0 CSV bundle (unix_*_utf8.csv).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for rome.json (default: data dir).")] = None,
) -> None:
    """Import the ROME 4.0 bundle (jobs, savoir-faire, savoir-être, savoirs, core flags, mobility) into the graph."""
    from ..importers.rome import RomeImportError, import_rome

    _report_import(lambda: import_rome(directory, output, progress=_progress_bar("ROME", as_json)), RomeImportError,
                   as_json)


@app.command("import-rncp")
def import_rncp_cmd(
    path: Annotated[Path, typer.Argument(help="France compétences export: XML v4.1 file, or the CSV directory.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for rncp.json (default: data dir).")] = None,
) -> None:
    """Import RNCP certifications and blocs (streaming XML, or the CSV export); re-importing updates."""
    from ..importers.rncp import RncpImportError, import_rncp

    _report_import(lambda: import_rncp(path, output, progress=_progress_bar("RNCP", as_json)), RncpImportError,
                   as_json)


@app.command("import-esco")
def import_esco_cmd(
    path: Annotated[Path, typer.Argument(help="ROME ↔ ESCO correspondence CSV (code_rome / code_ogr, uri_esco).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for esco-mapping.json (default: data dir).")] = None,
) -> None:
    """Import a ROME ↔ ESCO correspondence table as SKOS mapping links (docs/esco-mapping.md)."""
    from ..importers.esco import EscoImportError, import_esco_mapping

    _report_import(lambda: import_esco_mapping(path, output), EscoImportError)
