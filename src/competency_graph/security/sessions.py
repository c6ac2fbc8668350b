"""Sessions that survive a reload: a signed cookie value carrying the session token and the role, and the idle
timeout on top of the absolute one (``accounts.SESSION_HOURS``).

The cookie value is ``<token>.<role>.<signature>``: the signature (HMAC-SHA256 with a per-database key kept in
``security_settings``) refuses a forged or altered value before any lookup; the token itself is still checked
against the ``sessions`` table (only its SHA-256 is stored there), so a signed-out, expired or idle session
cannot come back from an old cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from .. import settings
from ..store import credentials, utcnow
from ..store.repository import Repository
from . import audit

__all__ = ["COOKIE_NAME", "IDLE_MINUTES", "TOUCH_SECONDS", "idle_minutes", "sign_cookie", "read_cookie", "touch"]

COOKIE_NAME = "cg_session"
#: a session unused for this long ends (``COMPETENCY_GRAPH_IDLE_MINUTES`` overrides it)
IDLE_MINUTES = 30
#: the last-seen time is written at most this often (one small write per minute of use, not per click)
TOUCH_SECONDS = 60
_KEY = "session_cookie_key"
_ROLES = frozenset({"candidate", "accompanist", "trainer", "admin"})


def idle_minutes() -> int:
    """The idle timeout in minutes (environment override, at least 1)."""
    return settings.idle_minutes(IDLE_MINUTES)


def _key(repo: Repository) -> bytes:
    value = audit.setting(repo, _KEY)
    if value is None:
        value = secrets.token_hex(32)
        audit.set_setting(repo, _KEY, value)
    return bytes.fromhex(value)


def _signature(repo: Repository, token: str, role: str) -> str:
    return hmac.new(_key(repo), f"{token}|{role}".encode(), hashlib.sha256).hexdigest()[:32]


def sign_cookie(repo: Repository, token: str, role: str) -> str:
    """The cookie value of a session token opened in ``role``."""
    if role not in _ROLES:
        raise ValueError(f"unknown role: {role}")
    return f"{token}.{role}.{_signature(repo, token, role)}"


def read_cookie(repo: Repository, value: str | None) -> tuple[str, str] | None:
    """``(token, role)`` from a cookie value whose signature holds, else None (nothing is looked up)."""
    if not value or len(value) > 400:
        return None
    parts = value.rsplit(".", 2)
    if len(parts) != 3:
        return None
    token, role, signature = parts
    if role not in _ROLES or not token:
        return None
    return (token, role) if hmac.compare_digest(signature, _signature(repo, token, role)) else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def touch(repo: Repository, token: str, *, now: dt.datetime | None = None) -> bool:
    """Record that the session is in use; False (and the session ended) when it was idle for longer than
    :func:`idle_minutes`, or is unknown."""
    now = now or utcnow()
    limit = dt.timedelta(minutes=idle_minutes())
    token_hash = _hash(token)

    found = credentials.session_row(repo, token_hash)
    if found is None:
        return False
    last = found.last_seen_at if found.last_seen_at is not None else found.created_at
    if now - last > limit:
        credentials.end_session(repo, token_hash)
        audit.record(repo, found.user_id, "sign_out", "session", outcome="denied", record_id=found.user_id, at=now)
        return False
    if found.last_seen_at is not None and (now - last).total_seconds() < TOUCH_SECONDS:
        return True  # seen less than a minute ago: no write
    credentials.mark_seen(repo, token_hash, now)
    return True
