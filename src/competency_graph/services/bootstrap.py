"""First start of the app: load the referentials, migrate the database and create the demo when it is empty.

The checked bundle is also kept on disk (``<data dir>/cache``, pickled) under the hash of the referential
files and of the code that builds it: a restarted server reads it back in a tenth of the time YAML parsing and
checking take. The file is ours (written 0600 in a 0700 directory) and is read only when it still is.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import settings
from ..bundle import Bundle
from ..gcpause import gc_paused
from ..loader import load_bundle, referential_files
from ..store import Repository
from ..store.demo import ensure_demo

__all__ = ["referential_paths", "referential_content_hash", "load_referentials", "open_repository",
           "demo_enabled", "bundle_cache_dir"]

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


def bundle_cache_dir() -> Path:
    """Where checked bundles are kept between runs (``<data dir>/cache``)."""
    return settings.data_dir() / "cache"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of what shapes a pickled bundle: the package's modules, Python's and pydantic's versions."""
    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _owned_file(path: Path) -> bool:
    """True when ``path`` is a regular file of ours that nobody else may write (we never unpickle others')."""
    try:
        info = path.stat()
    except OSError:
        return False
    return (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _read_cached(path: Path, content_hash: str) -> Bundle | None:
    if not _owned_file(path):
        return None
    try:
        with path.open("rb") as handle, gc_paused():
            bundle = pickle.load(handle)
    except Exception as exc:  # noqa: BLE001 - a stale or broken cache file is rebuilt, never fatal
        log.warning("bundle cache %s unreadable (%s): rebuilt", path.name, type(exc).__name__)
        return None
    return bundle if isinstance(bundle, Bundle) and bundle.content_hash == content_hash else None


_set = object.__setattr__


def _model(cls: type[BaseModel], values: dict[str, Any], fields_set: set[str]) -> BaseModel:
    """A pydantic model back from the cache: its state set directly, as pydantic's own ``__setstate__`` does
    (the models were validated when the bundle was built; ``_Pickler`` only reduces models without extras
    nor private attributes)."""
    obj = object.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


class _Pickler(pickle.Pickler):
    """Pydantic models as ``(_model, (class, values, fields set))``: no per-model state dict in the file, a
    plain function call to rebuild them, and one shared set per distinct "fields set" (the models are frozen,
    and pydantic copies that set before changing it in ``model_copy``): ≈150,000 models with ROME."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fields_sets: dict[frozenset[str], set[str]] = {}

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel) and obj.__pydantic_extra__ is None and obj.__pydantic_private__ is None:
            fields_set = obj.__pydantic_fields_set__
            shared = self._fields_sets.setdefault(frozenset(fields_set), fields_set)
            return _model, (type(obj), obj.__dict__, shared)
        return NotImplemented


def _write_cached(path: Path, bundle: Bundle) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".bundle-", suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(bundle)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob("bundle-*.pickle"):  # one bundle is enough: drop the previous ones
            if old != path:
                old.unlink(missing_ok=True)
    except Exception as exc:  # noqa: BLE001 - the cache only saves time; the app works without it
        log.warning("bundle cache not written (%s)", type(exc).__name__)


def load_referentials(*, use_disk_cache: bool = True) -> Bundle:
    """The referential bundle (raises ``ReferentialError`` with every problem when a file is wrong).

    With ``use_disk_cache``, a bundle checked by an earlier run from the same files and the same code is read
    back from :func:`bundle_cache_dir` instead of being parsed and checked again.
    """
    settings.shape_files()  # fail at start-up, not later, when the installation carries no shapes
    paths = referential_paths()
    path = None
    if use_disk_cache:
        content_hash = referential_content_hash(paths)
        path = bundle_cache_dir() / f"bundle-{content_hash[:32]}-{_code_fingerprint()}.pickle"
        bundle = _read_cached(path, content_hash)
        if bundle is not None:
            log.info("referentials read from the cache: %d items, hash %s", len(bundle.items),
                     bundle.content_hash[:12])
            return bundle
    with gc_paused():
        bundle = load_bundle(paths)
    log.info("referentials loaded: %d items, hash %s", len(bundle.items), bundle.content_hash[:12])
    if path is not None and bundle.content_hash == referential_content_hash(paths):
        _write_cached(path, bundle)
    return bundle


def demo_enabled() -> bool:
    """Whether an empty database gets the demo structure: on by default, off with ``COMPETENCY_GRAPH_DEMO=0``
    and off by default in production mode (``COMPETENCY_GRAPH_MODE=production``) unless asked for."""
    from ..security.accounts import mode

    default = "0" if mode() == "production" else "1"
    return settings.demo_requested(default)


def open_repository(bundle: Bundle, url: str | None = None, *, demo: bool | None = None) -> Repository:
    """The repository on ``url`` (default from settings), migrated; on an empty database, the demo data.
    The settings are checked first (an unknown mode stops the start: :class:`settings.SettingsError`)."""
    from .. import settings
    from ..security import erasures

    settings.check()
    repo = Repository.open(url, catalog=bundle)
    erasures.reapply(repo)  # a backup copied in by hand must not bring an erased person back
    if demo_enabled() if demo is None else demo:
        created = ensure_demo(repo, catalog=bundle)
        if created is not None:
            log.info("demo data created in an empty database")
    return repo
