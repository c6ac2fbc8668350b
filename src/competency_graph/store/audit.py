"""The audit log's storage: append an entry, query entries, and the small key/value security settings.

What an entry may hold (a pseudonym, never a person's id or content) and who may read the log are decided in
:mod:`competency_graph.security.audit`; this module only reads and writes rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from .models import utcnow
from .read_models import AuditSubject
from .security_models import AuditEntry, SecuritySetting
from .unit import UnitOfWork

__all__ = ["AuditRecord", "append_entry", "append_set_entry", "query_entries", "get_setting", "put_setting"]


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: dt.datetime
    actor_id: str | None
    action: str
    outcome: str
    record_kind: str
    record_id: str | None
    subject_ref: str | None
    structure_id: str | None


_INSERT_ENTRY = insert(AuditEntry.__table__)


def get_setting(uow: UnitOfWork, key: str) -> str | None:
    """A value of ``security_settings`` (None when unset)."""
    def read(s: Session) -> str | None:
        row = s.get(SecuritySetting, key)
        return row.value if row is not None else None
    return uow.read(read)


def put_setting(uow: UnitOfWork, key: str, value: str) -> None:
    """Set a value of ``security_settings``."""
    def write(s: Session) -> None:
        row = s.get(SecuritySetting, key)
        if row is None:
            s.add(SecuritySetting(key=key, value=value))
        else:
            row.value = value
    uow.write(write)


def append_entry(uow: UnitOfWork, *, actor_id: str | None, action: str, outcome: str, record_kind: str,
                 record_id: str | None, subject_ref: str | None, structure_id: str | None,
                 at: dt.datetime | None = None) -> None:
    """Append one row (joins the open transaction, so the entry commits with the change it records)."""
    row = {"at": at or utcnow(), "actor_id": actor_id, "action": action, "outcome": outcome,
           "record_kind": record_kind, "record_id": record_id, "subject_ref": subject_ref,
           "structure_id": structure_id}
    # A Core INSERT on the table (built once): the ORM's add + flush tripled the cost of an entry (issue #19).
    uow.write(lambda s: s.connection().execute(_INSERT_ENTRY, row))


def append_set_entry(uow: UnitOfWork, *, actor_id: str | None, action: str, outcome: str, record_kind: str,
                     record_id: str, subject_refs: list[str], structure_id: str | None,
                     at: dt.datetime | None = None) -> None:
    """Append ONE entry naming a set of people: ``subject_ref`` is the pseudonym when the set holds one person,
    else each gets an ``audit_subjects`` row, in the same transaction and one multi-row INSERT."""
    def write(s: Session) -> None:
        entry = AuditEntry(at=at or utcnow(), actor_id=actor_id, action=action, outcome=outcome,
                           record_kind=record_kind, record_id=record_id,
                           subject_ref=subject_refs[0] if len(subject_refs) == 1 else None, structure_id=structure_id)
        s.add(entry)
        s.flush()
        if len(subject_refs) > 1:
            s.execute(insert(AuditSubject), [{"audit_id": entry.id, "subject_ref": ref} for ref in subject_refs])
    uow.write(write)


def query_entries(uow: UnitOfWork, *, action: str | None = None, actor_id: str | None = None,
                  subject_ref: str | None = None, since: dt.datetime | None = None,
                  until: dt.datetime | None = None, limit: int = 1000) -> list[AuditRecord]:
    """Entries, newest first, filtered by action, actor, subject pseudonym and time."""
    def read(s: Session) -> list[AuditRecord]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if actor_id is not None:
            query = query.where(AuditEntry.actor_id == actor_id)
        if subject_ref is not None:  # named alone, or as one of a list read's set
            in_sets = select(AuditSubject.audit_id).where(AuditSubject.subject_ref == subject_ref)
            query = query.where(or_(AuditEntry.subject_ref == subject_ref, AuditEntry.id.in_(in_sets)))
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
        return [AuditRecord(r.id, r.at, r.actor_id, r.action, r.outcome, r.record_kind, r.record_id,
                            r.subject_ref, r.structure_id) for r in s.scalars(query)]
    return uow.read(read)
