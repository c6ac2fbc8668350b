"""First start of the app: load the referentials, migrate the database and create the demo when it is empty."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from .. import settings
from ..bundle import Bundle
from ..loader import load_bundle, referential_files
from ..store import Repository
from ..store.demo import ensure_demo

__all__ = ["referential_paths", "referential_content_hash", "load_referentials", "open_repository",
           "demo_enabled"]

log = logging.getLogger("competency_graph.app")

# (path, mtime_ns, size) of every file -> the content hash; avoids re-reading unchanged files at each rerun.
_HASHES: dict[tuple[tuple[str, int, int], ...], str] = {}


def referential_paths() -> list[Path]:
    """The referential directories the app loads (shipped, then imported)."""
    return [p for p in settings.referential_dirs() if p.exists()]


def referential_content_hash(paths: Iterable[Path] | None = None) -> str:
    """The hash :func:`load_bundle` would give the bundle, computed from the files only (cheap when unchanged)."""
    files = referential_files(referential_paths() if paths is None else paths)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if stamp not in _HASHES:
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
        _HASHES[stamp] = digest.hexdigest()
    return _HASHES[stamp]


def load_referentials() -> Bundle:
    """The referential bundle (raises ``ReferentialError`` with every problem when a file is wrong)."""
    bundle = load_bundle(referential_paths())
    log.info("referentials loaded: %d items, hash %s", len(bundle.items), bundle.content_hash[:12])
    return bundle


def demo_enabled() -> bool:
    """Whether an empty database gets the demo structure (``COMPETENCY_GRAPH_DEMO=0`` turns it off)."""
    return os.environ.get("COMPETENCY_GRAPH_DEMO", "1").strip().lower() not in ("0", "false", "no", "non")


def open_repository(bundle: Bundle, url: str | None = None, *, demo: bool | None = None) -> Repository:
    """The repository on ``url`` (default from settings), migrated; on an empty database, the demo data."""
    repo = Repository.open(url, catalog=bundle)
    if demo_enabled() if demo is None else demo:
        created = ensure_demo(repo, catalog=bundle)
        if created is not None:
            log.info("demo data created in an empty database")
    return repo
