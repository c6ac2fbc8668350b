"""Erasures that hold: a journal outside the database, re-applied after a restore; the write-ahead log
emptied after an erasure; erasure requests confirmed by a second admin.

The journal (one JSON line per erasure: pseudonym, time, counts; no personal data) lives next to the
SQLite file (``<database>-erasures.jsonl``, mode 0600) or, for PostgreSQL, in the data directory. A backup
copies the database only, so restoring a backup taken before an erasure brings the person back *in the
database*; :func:`reapply` (called by ``backup.restore`` and at every start) erases them again and puts
the missing lines back into the erasure log, with a warning in the server log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from pathlib import Path

from .. import settings
from ..store import erasure as store_erasure
from ..store import utcnow
from ..store.engine import checkpoint_wal, database_location, redacted_url
from ..store.repository import Repository
from . import audit

__all__ = ["ErasureRecord", "journal_path", "journal", "read_journal", "checkpoint", "reapply", "PendingErasure",
           "request", "pending", "cancel"]

log = logging.getLogger("competency_graph.security")


#: one erasure: pseudonym, counts, when (the store's line of the erasure log)
ErasureRecord = store_erasure.ErasureLine


def journal_path(repo: Repository) -> Path | None:
    """Where the erasure journal of this database lives (None for an in-memory database)."""
    backend, database = database_location(repo.engine)
    if backend == "sqlite":
        database = database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return None
        return Path(database).with_name(Path(database).name + "-erasures.jsonl")
    digest = hashlib.sha256(redacted_url(repo.engine).encode()).hexdigest()[:16]
    return settings.data_dir() / f"erasures-{digest}.jsonl"


def journal(repo: Repository, record: ErasureRecord, by_user_id: str | None) -> None:
    """Append one erasure to the journal (created 0600; fsynced: it must outlive a crash and a restore)."""
    path = journal_path(repo)
    if path is None:
        return
    line = json.dumps({"subject_ref": record.subject_ref, "at": record.at.isoformat(), "by": by_user_id,
                       "rows": record.rows_deleted, "files": record.files_deleted}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_journal(repo: Repository) -> list[dict[str, object]]:
    path = journal_path(repo)
    if path is None or not path.is_file():
        return []
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(raw)
        except ValueError:  # a line cut by a crash
            continue
        if isinstance(entry, dict) and isinstance(entry.get("subject_ref"), str):
            entries.append(entry)
    return entries


def checkpoint(repo: Repository) -> bool:
    """Copy the SQLite write-ahead log into the database and truncate it to zero bytes (no erased row
    stays in ``-wal``). True when done; False when a reader kept it busy (logged) or not SQLite."""
    if database_location(repo.engine)[0] != "sqlite":
        return False
    busy = not checkpoint_wal(repo.engine)
    if busy:
        log.warning("write-ahead log not truncated after an erasure: a reader is still open")
    return not busy


def reapply(repo: Repository) -> int:
    """Erase again everyone the journal says was erased but who is back (a restored backup), and put the
    journal's lines back into the erasure log. Returns how many people were erased again."""
    entries = read_journal(repo)
    if not entries:
        return 0
    wanted = {str(e["subject_ref"]): e for e in entries}

    def write(r: Repository) -> tuple[int, list[str]]:  # the log's lines and the erasures: together
        key_hex = audit.setting(r, "pseudonym_key")
        if key_hex is None:
            return 0, []
        key = bytes.fromhex(key_hex)
        logged = store_erasure.logged_subjects(r)
        store_erasure.log_erasures(r, [
            (ErasureRecord(ref, int(entry.get("rows") or 0), int(entry.get("files") or 0),
                           dt.datetime.fromisoformat(str(entry.get("at"))) if entry.get("at") else utcnow()),
             entry.get("by")) for ref, entry in wanted.items() if ref not in logged])
        again, files = 0, []
        for person_id in store_erasure.person_ids(r):
            if hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).hexdigest() in wanted:
                _rows, orphans = store_erasure.erase_person(r, person_id)
                files += orphans
                again += 1
        return again, files

    again, files = repo.transaction(write)
    for sha in files:
        repo.files.delete(sha)
    if again:
        log.warning("%d erased person(s) found again in the database (restored backup?): erased again", again)
        checkpoint(repo)
    return again


# -- erasure requests: a second admin confirms ------------------------------------------------------------


#: an admin's request to erase a person, waiting for a second admin
PendingErasure = store_erasure.ErasureRequestRow


def request(repo: Repository, person_id: str, structure_id: str, by_user_id: str) -> None:
    """Record that ``by_user_id`` asks for the person's erasure (once per admin)."""
    store_erasure.add_erasure_request(repo, person_id, structure_id, by_user_id, utcnow())


def pending(repo: Repository, structures: tuple[str, ...]) -> list[PendingErasure]:
    return store_erasure.erasure_requests(repo, structures)


def cancel(repo: Repository, person_id: str) -> None:
    store_erasure.drop_erasure_requests(repo, person_id)
