"""Importers that turn official exports (ROME CSV bundle, RNCP XML) into referential files.

The RNCP text splitter (:mod:`.rncp_text`, :mod:`.rncp_text_scan`) is compiled with mypyc at install time when
it can be (``setup.py``): the interpreter then finds a ``.so`` next to each ``.py`` and imports it first. A
compiled module older than its source (the source was edited or checked out after the build) is ignored here:
the source is loaded instead, for both modules together (compiled modules of one build call each other
directly), until the next ``pip install -e .`` compiles it again.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

#: compiled together by setup.py, in dependency order
COMPILED = ("rncp_text_scan", "rncp_text", "rncp_fields", "rncp_map")


def _stale(folder: Path, name: str) -> bool:
    source = folder / f"{name}.py"
    built = list(folder.glob(f"{name}.*.so")) + list(folder.glob(f"{name}.*.pyd"))
    try:
        return any(lib.stat().st_mtime < source.stat().st_mtime for lib in built)
    except OSError:
        return True


def _load_sources_if_stale() -> None:
    folder = Path(__file__).resolve().parent
    if not any(_stale(folder, name) for name in COMPILED):
        return
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
