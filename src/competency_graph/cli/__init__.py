"""The ``competency-graph`` command line (offline). Every command exits 0 on success, 1 on a user error.

One module per command group, each adding its commands to the one Typer :data:`app`:
:mod:`.referentials` (validate, stats, export, publish-store, query, schema), :mod:`.analysis` (recommend,
gaps, pathway, course-links), :mod:`.records` (demo, backup, restore, export-person, clean-files),
:mod:`.accounts` (create-user, set-password, grant-role), :mod:`.importers` (import-rome, import-rncp,
import-esco) and :mod:`.badges` (the ``badge`` sub-commands).
"""

from __future__ import annotations

import sys

# The help lists the commands in the order their modules register them.
# isort: off
from . import referentials, analysis, records, accounts, importers  # noqa: F401 - they register their commands
# isort: on
from .badges import badge_app
from .common import app

__all__ = ["app", "main"]

app.add_typer(badge_app, name="badge")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
