"""Online backup and restore of a SQLite record database (sqlite3's backup API: safe while the app runs).

PostgreSQL is backed up with its own tools (``pg_dump``); these functions refuse other URLs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from .errors import SecurityError

__all__ = ["backup", "restore", "sqlite_path"]


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///`` URL; :class:`SecurityError` for other databases or in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise SecurityError("backup_unsupported",
                            "Sauvegarde intégrée réservée à une base SQLite sur disque (PostgreSQL : pg_dump).")
    return Path(parsed.database)


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
        raise SecurityError("backup_missing", "Base introuvable : rien à sauvegarder.")
    target = Path(path)
    if target.exists():
        raise SecurityError("backup_exists", "Le fichier de sauvegarde existe déjà : choisissez un autre nom.")
    _copy(source, target)
    return target


def restore(path: Path | str, url: str) -> None:
    """Replace the content of the database at ``url`` with the backup file ``path`` (checked first)."""
    source = Path(path)
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as check:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            ok = ok and check.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
                                      ).fetchone()[0] == 1
        check.close()
    except sqlite3.Error:
        ok = False
    if not ok:
        raise SecurityError("backup_invalid", "Ce fichier n'est pas une sauvegarde valide de la base.")
    _copy(source, sqlite_path(url))
