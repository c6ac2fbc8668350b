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

from ..store import audit as store_audit
from ..store.audit import AuditRecord
from ..store.repository import Repository
from ..vocab import AuditAction, AuditOutcome, values
from .errors import AccessDenied

__all__ = ["AuditRecord", "pseudonym", "pseudonym_key", "record", "record_set", "list_audit", "audit_csv",
           "setting", "set_setting"]

AUDIT_ACTIONS = values(AuditAction)
AUDIT_OUTCOMES = values(AuditOutcome)
_CSV_FIELDS = ("at", "actor_id", "action", "outcome", "record_kind", "record_id", "subject_ref", "structure_id")


def setting(repo: Repository, key: str) -> str | None:
    """A value of ``security_settings`` (None when unset)."""
    return store_audit.get_setting(repo, key)


def set_setting(repo: Repository, key: str, value: str) -> None:
    if key == "pseudonym_key":
        _KEYS.pop(repo, None)
    store_audit.put_setting(repo, key, value)


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

    store_audit.append_entry(repo, actor_id=actor_id, action=action, outcome=outcome, record_kind=record_kind,
                             record_id=record_id, subject_ref=subject, structure_id=structure_id, at=at)


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

    store_audit.append_set_entry(repo, actor_id=actor_id, action=action, outcome=outcome, record_kind=record_kind,
                                 record_id=record_id or f"set:{len(subjects)}", subject_refs=subjects,
                                 structure_id=structure_id, at=at)
    return len(subjects)


def _require_admin(repo: Repository, user_id: str) -> None:
    if not repo.has_role(user_id, "admin"):
        raise AccessDenied(code="access_denied", message="access_denied.audit_admins")


def list_audit(repo: Repository, user_id: str, *, action: str | None = None, actor_id: str | None = None,
               person_id: str | None = None, since: dt.datetime | None = None,
               until: dt.datetime | None = None, limit: int = 1000) -> list[AuditRecord]:
    """Entries, newest first, for an admin (``user_id``); filter by action, actor, person, time."""
    _require_admin(repo, user_id)
    subject = pseudonym(repo, person_id) if person_id is not None else None

    return store_audit.query_entries(repo, action=action, actor_id=actor_id, subject_ref=subject, since=since,
                                     until=until, limit=limit)


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
