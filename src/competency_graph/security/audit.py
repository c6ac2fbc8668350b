"""The append-only audit log: who read, created, changed, erased or exported which record, and when.

Entries never hold personal content. A person is named only by :func:`pseudonym` (an HMAC of their id with a
per-database key), so the log survives an erasure without keeping the person's id. The key is read once per
repository and kept in memory (:func:`pseudonym_key`). A list read names its whole set in one entry
(:func:`record_set`): one ``audit_log`` row and one ``audit_subjects`` row per person, written together.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from ..store.read_models import AuditSubject
from ..store.models import Membership, utcnow
from ..store.repository import Repository
from ..store.security_models import AUDIT_ACTIONS, AUDIT_OUTCOMES, AuditEntry, SecuritySetting
from .errors import AccessDenied

__all__ = ["AuditRecord", "pseudonym", "pseudonym_key", "record", "record_set", "list_audit", "audit_csv",
           "setting", "set_setting"]

_CSV_FIELDS = ("at", "actor_id", "action", "outcome", "record_kind", "record_id", "subject_ref", "structure_id")


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


def setting(repo: Repository, key: str) -> str | None:
    """A value of ``security_settings`` (None when unset)."""
    def read(s: Session) -> str | None:
        row = s.get(SecuritySetting, key)
        return row.value if row is not None else None
    return repo._run(read, write=False)


def set_setting(repo: Repository, key: str, value: str) -> None:
    if key == "pseudonym_key":
        _KEYS.pop(repo, None)

    def write(s: Session) -> None:
        row = s.get(SecuritySetting, key)
        if row is None:
            s.add(SecuritySetting(key=key, value=value))
        else:
            row.value = value
    repo._run(write, write=True)


#: the pseudonym key of each open repository, read once (it was re-read at every audit entry: one SELECT and
#: one transaction per person read). The key never changes in a database's life except when its row was lost.
_KEYS: weakref.WeakKeyDictionary[Repository, bytes] = weakref.WeakKeyDictionary()


def pseudonym_key(repo: Repository) -> bytes:
    """The database's pseudonym key (created when its row was lost: old pseudonyms then no longer match)."""
    key = _KEYS.get(repo)
    if key is None:
        text = setting(repo, "pseudonym_key")
        if text is None:
            import secrets

            text = secrets.token_hex(32)
            set_setting(repo, "pseudonym_key", text)
        key = _KEYS[repo] = bytes.fromhex(text)
    return key


def pseudonym(repo: Repository, person_id: str) -> str:
    """A stable keyed pseudonym of a person id (hex); the key never leaves the database."""
    return hmac.new(pseudonym_key(repo), person_id.encode("utf-8"), hashlib.sha256).hexdigest()


def record(repo: Repository, actor_id: str | None, action: str, record_kind: str, *, outcome: str = "allowed",
           person_id: str | None = None, record_id: str | None = None, structure_id: str | None = None,
           at: dt.datetime | None = None) -> None:
    """Append one entry. ``person_id`` is stored only as its pseudonym; ``record_id`` must not be personal."""
    if action not in AUDIT_ACTIONS or outcome not in AUDIT_OUTCOMES:
        raise ValueError(f"bad audit action/outcome: {action}/{outcome}")
    subject = pseudonym(repo, person_id) if person_id is not None else None

    def write(s: Session) -> None:
        s.add(AuditEntry(at=at or utcnow(), actor_id=actor_id, action=action, outcome=outcome,
                         record_kind=record_kind, record_id=record_id, subject_ref=subject,
                         structure_id=structure_id))
    repo._run(write, write=True)


def record_set(repo: Repository, actor_id: str | None, action: str, record_kind: str, person_ids: Iterable[str],
               *, outcome: str = "allowed", record_id: str | None = None, structure_id: str | None = None,
               at: dt.datetime | None = None) -> int:
    """Append ONE entry naming a set of people (a list or page read): its ``record_id`` is ``set:<count>``
    unless given (it must not be personal),
    its ``subject_ref`` the pseudonym when the set holds one person, and each person of the set gets an
    ``audit_subjects`` row (pseudonym only) in the same transaction and one multi-row INSERT. Returns the
    number of people named."""
    if action not in AUDIT_ACTIONS or outcome not in AUDIT_OUTCOMES:
        raise ValueError(f"bad audit action/outcome: {action}/{outcome}")
    key = pseudonym_key(repo)
    subjects = sorted({hmac.new(key, p.encode("utf-8"), hashlib.sha256).hexdigest() for p in person_ids})

    def write(s: Session) -> None:
        entry = AuditEntry(at=at or utcnow(), actor_id=actor_id, action=action, outcome=outcome,
                           record_kind=record_kind, record_id=record_id or f"set:{len(subjects)}",
                           subject_ref=subjects[0] if len(subjects) == 1 else None, structure_id=structure_id)
        s.add(entry)
        s.flush()
        if len(subjects) > 1:
            s.execute(insert(AuditSubject), [{"audit_id": entry.id, "subject_ref": ref} for ref in subjects])
    repo._run(write, write=True)
    return len(subjects)


def _require_admin(repo: Repository, user_id: str) -> None:
    def read(s: Session) -> bool:
        return s.scalar(select(Membership.id).where(Membership.user_id == user_id,
                                                    Membership.role == "admin").limit(1)) is not None
    if not repo._run(read, write=False):
        raise AccessDenied("Seuls les administrateurs peuvent consulter le journal d'audit.")


def list_audit(repo: Repository, user_id: str, *, action: str | None = None, actor_id: str | None = None,
               person_id: str | None = None, since: dt.datetime | None = None,
               until: dt.datetime | None = None, limit: int = 1000) -> list[AuditRecord]:
    """Entries, newest first, for an admin (``user_id``); filter by action, actor, person, time."""
    _require_admin(repo, user_id)
    subject = pseudonym(repo, person_id) if person_id is not None else None

    def read(s: Session) -> list[AuditRecord]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if actor_id is not None:
            query = query.where(AuditEntry.actor_id == actor_id)
        if subject is not None:  # named alone, or as one of a list read's set
            in_sets = select(AuditSubject.audit_id).where(AuditSubject.subject_ref == subject)
            query = query.where(or_(AuditEntry.subject_ref == subject, AuditEntry.id.in_(in_sets)))
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
        return [AuditRecord(r.id, r.at, r.actor_id, r.action, r.outcome, r.record_kind, r.record_id,
                            r.subject_ref, r.structure_id) for r in s.scalars(query)]
    return repo._run(read, write=False)


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, dt.datetime) else str(value)
    # Neutralise spreadsheet formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(repo: Repository, user_id: str, **filters: object) -> str:
    """The entries :func:`list_audit` returns, as CSV text (for an admin)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_CSV_FIELDS)
    for entry in list_audit(repo, user_id, **filters):  # type: ignore[arg-type]
        writer.writerow([_cell(getattr(entry, f)) for f in _CSV_FIELDS])
    return out.getvalue()
