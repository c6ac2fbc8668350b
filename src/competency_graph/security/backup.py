"""Online backup and restore of a SQLite record database (sqlite3's backup API: safe while the app runs).

PostgreSQL is backed up with its own tools (``pg_dump``); these functions refuse other URLs. A backup file
holds personal data: it is created readable by its owner only (mode 0600). A file is restored only when it is
an intact SQLite database at a migration revision this version of the package knows.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..store.engine import database_location
from .errors import SecurityError

__all__ = ["backup", "restore", "sqlite_path", "check_backup"]


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///`` URL; :class:`SecurityError` for other databases or in-memory ones."""
    backend, database = database_location(url)
    if backend != "sqlite" or database in (None, "", ":memory:"):
        raise SecurityError(code="backup_unsupported")
    return Path(str(database))


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source), timeout=10)
    try:
        dst = sqlite3.connect(str(target), timeout=10)
        try:
            src.backup(dst, pages=1024)
        finally:
            dst.close()
    finally:
        src.close()


def backup(url: str, path: Path | str) -> Path:
    """Copy the live database at ``url`` into the file ``path`` (a consistent snapshot) and return it."""
    source = sqlite_path(url)
    if not source.is_file():
        raise SecurityError(code="backup_missing")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: never overwrite (even a file created meanwhile); 0600: the copy holds personal data.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise SecurityError(code="backup_exists") from None
    try:
        _copy(source, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from ..store.engine import alembic_config

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}


def check_backup(path: Path | str) -> str:
    """The migration revision of the backup file ``path``; :class:`SecurityError` when it is not an intact
    competency-graph SQLite database (or comes from a newer version of the package)."""
    source = Path(path)
    revision: str | None = None
    if source.is_file():
        try:
            check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                if check.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and check.execute(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()[0] == 1:
                    rows = check.execute("SELECT version_num FROM alembic_version").fetchall()
                    revision = rows[0][0] if len(rows) == 1 else None
            finally:
                check.close()
        except sqlite3.Error:
            revision = None
    if revision is None:
        raise SecurityError(code="backup_invalid")
    if revision not in _known_revisions():
        raise SecurityError(code="backup_newer")
    return revision


def restore(path: Path | str, url: str) -> int:
    """Replace the content of the database at ``url`` with the backup file ``path`` (checked first by
    :func:`check_backup`; the target is written by the backup API, so open connections see the new content),
    then erase again everyone erased since the backup was taken (the erasure journal lives outside the
    database, see :mod:`.erasures`). Returns how many people were erased again (0: nothing to redo)."""
    target = sqlite_path(url)
    check_backup(path)
    _copy(Path(path), target)
    from ..store.engine import make_engine, upgrade
    from ..store.repository import Repository
    from . import erasures

    engine = make_engine(url)
    try:
        upgrade(engine)  # an older backup gets the current schema before anything is written to it
        return erasures.reapply(Repository(engine))
    finally:
        engine.dispose()
