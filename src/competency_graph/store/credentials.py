"""Local passwords and sign-in sessions (tables ``accounts``, ``sessions``, ``session_activity``).

Persistence only: hashing, lock-out, expiry and the idle timeout are rules of :mod:`competency_graph.security`
(``accounts``, ``sessions``), which reads and writes these rows through the functions below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .caseload_models import SessionActivity
from .models import User
from .security_models import Account, AuthSession
from .unit import UnitOfWork

__all__ = ["SignInRow", "SessionRow", "save_password", "user_ids_with_password", "has_password", "password_hash",
           "must_change_password", "sign_in_row", "users_with_login_like", "clear_failures", "open_session",
           "session_row", "end_session", "end_session_and_purge", "mark_seen"]


@dataclass(frozen=True)
class SignInRow:
    """What a sign-in checks: the user with this exact login, and their password hash (None: no password)."""

    user_id: str
    active: bool
    password_hash: str | None


@dataclass(frozen=True)
class SessionRow:
    """A session and what its checks read: its user (``user_active`` None when the user is gone), whether the
    user must still change a password chosen by someone else, and when it was last used (None: never marked)."""

    user_id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_seen_at: dt.datetime | None
    user_active: bool | None
    must_change_password: bool


def save_password(uow: UnitOfWork, user_id: str, hashed: str, *, must_change: bool, at: dt.datetime) -> None:
    """Store the user's new password hash (no failure counted, no lock) and end every session of the user."""
    def write(s: Session) -> None:
        account = s.get(Account, user_id)
        if account is None:
            s.add(Account(user_id=user_id, password_hash=hashed, failed_attempts=0, changed_at=at,
                          must_change_password=must_change))
        else:
            account.password_hash, account.failed_attempts, account.locked_until = hashed, 0, None
            account.changed_at, account.must_change_password = at, must_change
        s.execute(delete(AuthSession).where(AuthSession.user_id == user_id))

    uow.run(write, write=True)


def user_ids_with_password(uow: UnitOfWork) -> set[str]:
    """Ids of the users who have a local password."""
    return uow.run(lambda s: set(s.scalars(select(Account.user_id))), write=False)


def has_password(uow: UnitOfWork, user_id: str) -> bool:
    return uow.run(lambda s: s.get(Account, user_id) is not None, write=False)


def password_hash(uow: UnitOfWork, user_id: str) -> str | None:
    def read(s: Session) -> str | None:
        account = s.get(Account, user_id)
        return account.password_hash if account is not None else None

    return uow.run(read, write=False)


def must_change_password(uow: UnitOfWork, user_id: str) -> bool:
    def read(s: Session) -> bool:
        account = s.get(Account, user_id)
        return bool(account is not None and account.must_change_password)

    return uow.run(read, write=False)


def sign_in_row(uow: UnitOfWork, login: str) -> SignInRow | None:
    """The user whose login is exactly ``login`` with their password hash; None when there is none (a login
    holding a NUL character, which PostgreSQL cannot even compare, has none)."""
    def read(s: Session) -> SignInRow | None:
        if "\x00" in login:
            return None
        user = s.scalar(select(User).where(User.login == login))
        if user is None:
            return None
        account = s.get(Account, user.id)
        return SignInRow(user.id, user.active, account.password_hash if account else None)

    return uow.run(read, write=False)


def users_with_login_like(uow: UnitOfWork, login: str) -> list[tuple[str, str, bool]]:
    """``(user id, login, active)`` of the users whose login matches ``login`` without regard to case (SQL
    ``ILIKE``: the caller compares exactly)."""
    return uow.run(lambda s: [(u.id, u.login, u.active) for u in s.scalars(select(User).where(User.login.ilike(login)))],
                   write=False)


def clear_failures(uow: UnitOfWork, user_id: str, rehash: Callable[[str], str | None]) -> None:
    """After a successful sign-in: no failure counted, no lock; ``rehash(old hash)`` gives a new hash to store
    (the hasher's parameters changed) or None."""
    def write(s: Session) -> None:
        account = s.get(Account, user_id)
        assert account is not None
        account.failed_attempts, account.locked_until = 0, None
        new = rehash(account.password_hash)
        if new is not None:
            account.password_hash = new

    uow.run(write, write=True)


def open_session(uow: UnitOfWork, token_hash: str, user_id: str, created_at: dt.datetime,
                 expires_at: dt.datetime) -> None:
    def write(s: Session) -> None:
        s.add(AuthSession(token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at))

    uow.run(write, write=True)


def session_row(uow: UnitOfWork, token_hash: str) -> SessionRow | None:
    """The session of ``token_hash`` with its user's state, read together; None when unknown."""
    def read(s: Session) -> SessionRow | None:
        row = s.get(AuthSession, token_hash)
        if row is None:
            return None
        user = s.get(User, row.user_id)
        account = s.get(Account, row.user_id)
        seen = s.get(SessionActivity, token_hash)
        return SessionRow(row.user_id, row.created_at, row.expires_at, seen.last_seen_at if seen else None,
                          user.active if user is not None else None,
                          bool(account is not None and account.must_change_password))

    return uow.run(read, write=False)


def end_session(uow: UnitOfWork, token_hash: str) -> None:
    uow.run(lambda s: s.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash)), write=True)


def end_session_and_purge(uow: UnitOfWork, token_hash: str, *, expired_before: dt.datetime) -> str | None:
    """End the session of ``token_hash`` and every session expired at ``expired_before``; its user id, or
    None when it was unknown."""
    def write(s: Session) -> str | None:
        row = s.get(AuthSession, token_hash)
        user_id = row.user_id if row is not None else None
        if row is not None:
            s.delete(row)
        s.execute(delete(AuthSession).where(AuthSession.expires_at <= expired_before))
        return user_id

    return uow.run(write, write=True)


def mark_seen(uow: UnitOfWork, token_hash: str, at: dt.datetime) -> None:
    """Record that the session was used at ``at`` (never moving the time back; nothing when it has ended)."""
    def write(s: Session) -> None:
        row = s.get(SessionActivity, token_hash)
        if row is None:
            if s.get(AuthSession, token_hash) is not None:
                s.add(SessionActivity(token_hash=token_hash, last_seen_at=at))
        else:
            row.last_seen_at = max(row.last_seen_at, at)

    uow.run(write, write=True)
