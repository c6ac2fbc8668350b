"""Importers that turn official exports (ROME CSV bundle, RNCP XML) into referential files.

The RNCP import's per-fiche work (:mod:`.rncp_text_scan`, :mod:`.rncp_text`, :mod:`.rncp_fields`, :mod:`.rncp_map`)
is compiled with mypyc at install time when it can be (``setup.py``; the same typed Python): the interpreter
then finds a ``.so`` next to each ``.py`` and imports it first. When a compiled module is older than its source
(the source was edited or checked out after the build) or when the build's shared library is missing, the
sources are loaded here instead, all four together (compiled modules of one build call each other directly),
until the next ``pip install -e .`` compiles them again (``COMPETENCY_GRAPH_PURE=1 pip install -e .`` does not
compile).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

#: compiled together by setup.py, in dependency order, into one shared library (GROUP)
COMPILED = ("rncp_text_scan", "rncp_text", "rncp_fields", "rncp_map")
GROUP = "competency_graph_rncp__mypyc"


def _stale(folder: Path, name: str) -> bool:
    source = folder / f"{name}.py"
    built = list(folder.glob(f"{name}.*.so")) + list(folder.glob(f"{name}.*.pyd"))
    try:
        return any(lib.stat().st_mtime < source.stat().st_mtime for lib in built)
    except OSError:
        return True


def _pure() -> bool:
    """Load the sources: a compiled module is stale, or the build's shared library is missing (a compiled
    module could not be imported)."""
    folder = Path(__file__).resolve().parent
    if not any(folder.glob("rncp_*.so")) and not any(folder.glob("rncp_*.pyd")):
        return False  # nothing compiled: the sources are what the interpreter imports anyway
    return any(_stale(folder, name) for name in COMPILED) or importlib.util.find_spec(GROUP) is None


def _load_sources_if_stale() -> None:
    if not _pure():
        return
    folder = Path(__file__).resolve().parent
    for name in COMPILED:
        full = f"{__name__}.{name}"
        if full in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(full, folder / f"{name}.py")
        if spec is None or spec.loader is None:  # pragma: no cover - the source is part of the package
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)


_load_sources_if_stale()
