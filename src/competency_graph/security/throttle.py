"""Sign-in throttling that an attacker cannot turn against a real user.

Failures are counted under three keys (keyed hashes: no login nor address is stored):

- the pair (login, client): :data:`PAIR_MAX_FAILURES` failures lock *that client* out of *that login*
  for :data:`LOCK_MINUTES` minutes; the real user, signing in from elsewhere, is not affected;
- the client: :data:`CLIENT_MAX_FAILURES` failures within :data:`WINDOW_MINUTES`, whatever the logins,
  lock the client out of every login (one address trying many logins or passwords);
- the login, from every client: never locked (that would let anyone lock anyone out), but past
  :data:`LOGIN_SLOW_AFTER` failures each attempt on that login waits a little longer (at most
  :data:`MAX_DELAY_S`), which slows a distributed guessing attack down.

Unknown logins are counted exactly like known ones, so a lock or a delay says nothing about whether an
account exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from ..store.repository import Repository
from ..store.security_models import SignInThrottle
from . import audit

__all__ = ["PAIR_MAX_FAILURES", "CLIENT_MAX_FAILURES", "LOGIN_SLOW_AFTER", "LOCK_MINUTES", "WINDOW_MINUTES",
           "MAX_DELAY_S", "keys", "blocked", "record_failure", "record_success", "delay_for", "sleep"]

PAIR_MAX_FAILURES = 5
CLIENT_MAX_FAILURES = 30
LOGIN_SLOW_AFTER = 10
LOCK_MINUTES = 15
WINDOW_MINUTES = 15
MAX_DELAY_S = 2.0

#: replaced in tests to observe the delay without waiting
sleep: Callable[[float], None] = time.sleep


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def keys(repo: Repository, login: str, client: str | None) -> dict[str, str]:
    """The three keys of an attempt: ``pair``, ``client`` and ``login`` (hex HMACs with the database key)."""
    secret = bytes.fromhex(audit.setting(repo, "pseudonym_key") or "00")
    folded = login.strip().casefold()
    where = client if isinstance(client, str) and client else "unknown"

    def mac(*parts: str) -> str:
        return hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return {"pair": mac("pair", folded, where), "client": mac("client", where), "login": mac("login", folded)}


def _row(s: Session, key: str, now: dt.datetime) -> SignInThrottle:
    row = s.get(SignInThrottle, key)
    if row is None:
        row = SignInThrottle(key=key, failures=0, window_start=now, locked_until=None)
        s.add(row)
    elif _aware(row.window_start) + dt.timedelta(minutes=WINDOW_MINUTES) <= now and (
            row.locked_until is None or _aware(row.locked_until) <= now):
        row.failures, row.window_start, row.locked_until = 0, now, None
    return row


def blocked(repo: Repository, attempt: dict[str, str], now: dt.datetime) -> bool:
    """Whether this client is locked out, for this login or for all."""
    def read(s: Session) -> bool:
        for name in ("pair", "client"):
            row = s.get(SignInThrottle, attempt[name])
            if row is not None and row.locked_until is not None and _aware(row.locked_until) > now:
                return True
        return False
    return repo.run(read, write=False)


def delay_for(repo: Repository, attempt: dict[str, str], now: dt.datetime) -> float:
    """Seconds to wait before answering an attempt on this login (0 below :data:`LOGIN_SLOW_AFTER`)."""
    def read(s: Session) -> int:
        row = s.get(SignInThrottle, attempt["login"])
        if row is None or _aware(row.window_start) + dt.timedelta(minutes=WINDOW_MINUTES) <= now:
            return 0
        return row.failures
    excess = repo.run(read, write=False) - LOGIN_SLOW_AFTER
    return 0.0 if excess < 0 else min(MAX_DELAY_S, 0.25 * (excess + 1))


def record_failure(repo: Repository, attempt: dict[str, str], now: dt.datetime) -> None:
    """Count a failed attempt under its three keys; lock the pair or the client past their limits."""
    def write(s: Session) -> None:
        for name, limit in (("pair", PAIR_MAX_FAILURES), ("client", CLIENT_MAX_FAILURES), ("login", None)):
            row = _row(s, attempt[name], now)
            row.failures += 1
            if limit is not None and row.failures >= limit:
                row.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
    repo.run(write, write=True)


def record_success(repo: Repository, attempt: dict[str, str]) -> None:
    """A successful sign-in clears its pair (the client and login counts age out on their own)."""
    def write(s: Session) -> None:
        row = s.get(SignInThrottle, attempt["pair"])
        if row is not None:
            s.delete(row)
    repo.run(write, write=True)
