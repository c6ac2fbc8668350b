"""What every command group shares: the Typer ``app``, the ``--referentials`` option, failing with a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import settings
from ..loader import load_bundle
from ..messages import t
from ..problems import ReferentialError, format_problems

app = typer.Typer(add_completion=False, no_args_is_help=True, help=t("cli.help"))

RefsOption = Annotated[
    Optional[list[Path]],
    typer.Option("--referentials", "-r", help="Referential directory or file (repeatable). Default: shipped + imported."),
]


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


@app.callback()
def _settings_first() -> None:
    # Every command reads the settings first: a value not understood (or an unknown COMPETENCY_GRAPH_*
    # variable) stops it with the French message naming the variable, before anything is read or written.
    try:
        settings.check()
    except settings.SettingsError as exc:
        _fail(exc.message_fr)


def _bundle(referentials: list[Path] | None):
    try:
        return load_bundle(referentials or None)
    except ReferentialError as exc:
        _fail(format_problems(exc.problems) + f"\n{len(exc.problems)} problem(s); nothing loaded.")


def _print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
