"""Tables of accounts and accountability: password hashes and lock-out, sessions, the append-only audit log,
the erasure log and a few security settings.

Registered on the same ``Base.metadata`` as :mod:`.models` (migration ``0002_security`` creates them). The audit
and erasure logs never hold personal content: a person is named there only by a keyed pseudonym
(``subject_ref``), so erasing the person leaves no row carrying their id.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..vocab import AuditAction, AuditOutcome, values
from .models import Base, _in, utcnow

__all__ = ["AUDIT_ACTIONS", "AUDIT_OUTCOMES", "Account", "AuthSession", "AuditEntry", "ErasureEntry",
           "SecuritySetting", "SignInThrottle", "ErasureRequest"]

AUDIT_ACTIONS = values(AuditAction)
AUDIT_OUTCOMES = values(AuditOutcome)


class Account(Base):
    """The local credentials of a user: an argon2 hash, and the failed attempts that lock the account."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("failed_attempts >= 0", name="failed_attempts"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when someone else (an admin, the command line) chose the password: it must be changed at the next
    # sign-in before anything else opens (migration 0006).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuthSession(Base):
    """A signed-in session; only the SHA-256 of its token is stored (a database leak gives no session)."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


class AuditEntry(Base):
    """Who did what to which record, when, and whether it was allowed. Never updated nor deleted (database
    triggers refuse it); never holds names, comments or any personal content."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),
        CheckConstraint(_in("outcome", AUDIT_OUTCOMES), name="outcome"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # No foreign keys: the log outlives the users and records it mentions.
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    record_kind: Mapped[str] = mapped_column(String(32))
    # Id of a record that is not personal (user account, structure, referential); None for a person's data.
    record_id: Mapped[str | None] = mapped_column(String(64))
    # Keyed pseudonym of the person the record is about (see ``security.audit.pseudonym``).
    subject_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    structure_id: Mapped[str | None] = mapped_column(String(64))


class ErasureEntry(Base):
    """Proof that a person's data was erased: when, by whom, how much; the person only as a pseudonym."""

    __tablename__ = "erasure_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[str | None] = mapped_column(String(64))
    subject_ref: Mapped[str] = mapped_column(String(64))
    rows_deleted: Mapped[int] = mapped_column(Integer)
    files_deleted: Mapped[int] = mapped_column(Integer)


class SecuritySetting(Base):
    """Key/value settings: the pseudonym key (created by the migration), the retention period…"""

    __tablename__ = "security_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class SignInThrottle(Base):
    """Failed sign-ins counted per key: a (login, client) pair, a client, or a login. The key is a keyed hash
    (no login nor address is stored). Only a pair or a client gets locked, so that nobody can lock a real
    user out by failing on purpose with their login (migration 0006)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column()


class ErasureRequest(Base):
    """An erasure asked by one admin, waiting for a second admin of the structure to confirm it."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
