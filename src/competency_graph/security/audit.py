"""The append-only audit log: who read, created, changed, erased or exported which record, and when.

Entries never hold personal content. A person is named only by :func:`pseudonym` (an HMAC of their id with a
per-database key), so the log survives an erasure without keeping the person's id.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io

from ..store import audit as store_audit
from ..store.audit import AuditRecord
from ..store.repository import Repository
from ..store.security_models import AUDIT_ACTIONS, AUDIT_OUTCOMES
from .errors import AccessDenied

__all__ = ["AuditRecord", "pseudonym", "record", "list_audit", "audit_csv", "setting", "set_setting"]

_CSV_FIELDS = ("at", "actor_id", "action", "outcome", "record_kind", "record_id", "subject_ref", "structure_id")


def setting(repo: Repository, key: str) -> str | None:
    """A value of ``security_settings`` (None when unset)."""
    return store_audit.get_setting(repo, key)


def set_setting(repo: Repository, key: str, value: str) -> None:
    store_audit.put_setting(repo, key, value)


def pseudonym(repo: Repository, person_id: str) -> str:
    """A stable keyed pseudonym of a person id (hex); the key never leaves the database."""
    key = setting(repo, "pseudonym_key")
    if key is None:  # a database whose key row was lost: make a new one (old pseudonyms no longer match)
        import secrets

        key = secrets.token_hex(32)
        set_setting(repo, "pseudonym_key", key)
    return hmac.new(bytes.fromhex(key), person_id.encode("utf-8"), hashlib.sha256).hexdigest()


def record(repo: Repository, actor_id: str | None, action: str, record_kind: str, *, outcome: str = "allowed",
           person_id: str | None = None, record_id: str | None = None, structure_id: str | None = None,
           at: dt.datetime | None = None) -> None:
    """Append one entry. ``person_id`` is stored only as its pseudonym; ``record_id`` must not be personal."""
    if action not in AUDIT_ACTIONS or outcome not in AUDIT_OUTCOMES:
        raise ValueError(f"bad audit action/outcome: {action}/{outcome}")
    subject = pseudonym(repo, person_id) if person_id is not None else None

    store_audit.append_entry(repo, actor_id=actor_id, action=action, outcome=outcome, record_kind=record_kind,
                             record_id=record_id, subject_ref=subject, structure_id=structure_id, at=at)


def _require_admin(repo: Repository, user_id: str) -> None:
    if not repo.has_role(user_id, "admin"):
        raise AccessDenied("Seuls les administrateurs peuvent consulter le journal d'audit.")


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
