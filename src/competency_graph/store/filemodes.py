"""Owner-only files for the SQLite record database: the database, its ``-wal`` and ``-shm`` side files and
its directory hold personal data, so they are created 0600 (0700 for a directory we create) and checked at
every start (a wider mode is narrowed, with a warning in the server log).

SQLite creates ``-wal`` and ``-shm`` with the mode of the database file, so creating the database file
itself 0600 before SQLite opens it is enough for new files.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

__all__ = ["secure_sqlite_file", "SIDE_FILES"]

log = logging.getLogger("competency_graph.store")

SIDE_FILES = ("-wal", "-shm", "-journal")


def secure_sqlite_file(path: Path | str) -> None:
    """Create ``path`` (empty, 0600) when absent, its directory 0700 when absent; narrow the database and
    side files to 0600 when they are readable by others."""
    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                os.chmod(candidate, 0o600)
                log.warning("database file %s was readable by others (mode %o): narrowed to 0600",
                            candidate.name, mode)
            except PermissionError:  # not ours: say so, the operator must fix it
                log.error("database file %s is readable by others (mode %o) and cannot be changed",
                          candidate.name, mode)
