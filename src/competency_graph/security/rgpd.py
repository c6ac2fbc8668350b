"""RGPD: export everything about a person (right of access/portability), erase a person and their files
(right to erasure) with a record of the erasure, and the retention period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..store import erasure as store_erasure
from ..store import utcnow
from ..store.repository import Repository
from . import audit, erasures
from .erasures import ErasureRecord
from .errors import AccessDenied, SecurityError

__all__ = ["ErasureRecord", "export_person", "erase_person", "retention_days", "set_retention_days",
           "people_past_retention", "list_erasures", "DEFAULT_RETENTION_DAYS"]

DEFAULT_RETENTION_DAYS = 3 * 365


def export_person(repo: Repository, person_id: str) -> dict[str, Any]:
    """Everything stored about a person, as JSON-serialisable data (files listed by hash and type)."""
    rows = store_erasure.person_rows(repo, person_id)
    if rows is None:
        raise SecurityError(code="unknown_person", message="unknown_person.short")
    return {"format": "competency-graph/person-export/1", "exported_at": utcnow().isoformat(), **rows}


def erase_person(repo: Repository, person_id: str, by_user_id: str) -> ErasureRecord:
    """Delete every row about the person (record, positionings, evidence, follow-up, their own accounts) and
    the evidence files nobody else references; log the erasure under a pseudonym, in the database and in the
    erasure journal kept outside it (so that restoring an older backup erases the person again). Admins of
    the person's structure only (the guard also asks for a second admin's confirmation). Files are removed
    from disk after the commit; then the SQLite write-ahead log is checkpointed and truncated, so that no
    copy of the erased rows stays in the ``-wal`` file (``secure_delete`` zeroes them in the database)."""
    subject = audit.pseudonym(repo, person_id)
    now = utcnow()

    def write(r: Repository) -> tuple[int, list[str]]:  # the check, the erasure and both log entries: together
        structure_id = store_erasure.person_structure(r, person_id)
        if structure_id is None:
            raise SecurityError(code="unknown_person", message="unknown_person.short")
        if not r.has_role(by_user_id, "admin", structure_id):
            raise AccessDenied(code="access_denied", message="access_denied.erase")
        rows, orphans = store_erasure.erase_person(r, person_id, logged_as=subject, by_user_id=by_user_id, at=now)
        audit.record(r, by_user_id, "erase", "person", person_id=person_id, structure_id=structure_id, at=now)
        return rows, orphans

    rows, orphans = repo.transaction(write)
    record = ErasureRecord(subject, rows, len(orphans), now)
    erasures.journal(repo, record, by_user_id)
    for sha in orphans:
        repo.files.delete(sha)
    erasures.checkpoint(repo)
    return record


def list_erasures(repo: Repository, *, limit: int = 500) -> list[ErasureRecord]:
    """The erasure log, newest first (pseudonyms and counts only; callers check the reader is an admin)."""
    return store_erasure.erasure_log(repo, limit=limit)


def retention_days(repo: Repository) -> int:
    """How long a person's record is kept after its last activity (days)."""
    value = audit.setting(repo, "retention_days")
    return int(value) if value is not None else DEFAULT_RETENTION_DAYS


def set_retention_days(repo: Repository, days: int, *, by_user_id: str | None = None) -> None:
    if not isinstance(days, int) or not 30 <= days <= 20 * 365:
        raise SecurityError(code="bad_retention")
    audit.set_setting(repo, "retention_days", str(days))
    audit.record(repo, by_user_id, "change", "setting", record_id="retention_days")


def people_past_retention(repo: Repository, *, now: dt.datetime | None = None) -> list[str]:
    """Ids of people with no activity (record, positioning, evidence, follow-up) within the retention period,
    to be reviewed for erasure (nothing is erased automatically)."""
    limit = (now or utcnow()) - dt.timedelta(days=retention_days(repo))
    return sorted(person_id for person_id, last in store_erasure.last_activity(repo).items() if last < limit)
