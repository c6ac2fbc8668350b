"""Where things live: data directory, database URL, referential directories (from the environment)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "data_dir", "database_url", "referential_dirs", "imported_referentials_dir"]


def project_root() -> Path:
    """The checkout (or install) root that holds the shipped ``referentials/`` directory."""
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Writable data directory: ``$COMPETENCY_GRAPH_DATA_DIR`` or ``<project>/var``."""
    path = Path(os.environ.get("COMPETENCY_GRAPH_DATA_DIR") or project_root() / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """``$COMPETENCY_GRAPH_DATABASE_URL`` or an SQLite file in the data directory."""
    url = os.environ.get("COMPETENCY_GRAPH_DATABASE_URL")
    return url or f"sqlite:///{data_dir() / 'competency-graph.sqlite'}"


def imported_referentials_dir() -> Path:
    """Where importers (ROME, RNCP) write the referentials they build (JSON files)."""
    path = data_dir() / "referentials"
    path.mkdir(parents=True, exist_ok=True)
    return path


def referential_dirs() -> list[Path]:
    """Directories loaded into the bundle: the shipped ones, then the imported ones (if any)."""
    env = os.environ.get("COMPETENCY_GRAPH_REFERENTIALS")
    shipped = [Path(p) for p in env.split(os.pathsep)] if env else [project_root() / "referentials"]
    return shipped + [imported_referentials_dir()]
