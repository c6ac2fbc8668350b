"""Sign-in throttling that an attacker cannot turn against a real user.

Failures are counted under three keys (keyed hashes: no login nor address is stored):

- the pair (login, client): :data:`PAIR_MAX_FAILURES` failures lock *that client* out of *that login*
  for :data:`LOCK_MINUTES` minutes; the real user, signing in from elsewhere, is not affected;
- the client, whatever the logins: past :data:`CLIENT_SLOW_AFTER` failures within :data:`WINDOW_MINUTES`
  each attempt from that client waits a little longer (one address spraying a password over many logins);
- the login, from every client: past :data:`LOGIN_SLOW_AFTER` failures each attempt on that login waits a
  little longer (a guessing attack spread over many addresses).

Only the pair is ever locked: locking a login for everyone, or an address shared by a whole structure
(one public address behind its router), would let an attacker lock real users out. The waits are at most
:data:`MAX_DELAY_S`. Behind a reverse proxy the client is read from ``X-Forwarded-For`` when
``COMPETENCY_GRAPH_PROXY_HOPS`` says how many proxies to trust (:func:`client_from`; :func:`forwarded_value`
reads any ``X-Forwarded-*`` header the same way, e.g. the scheme for ``ui.cookie_route``).

Unknown logins are counted exactly like known ones, so a lock or a delay says nothing about whether an
account exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable

from ..store.repository import Repository
from ..store.throttle_counters import Counter, counters, forget_counter, update_counters
from . import audit

__all__ = ["PAIR_MAX_FAILURES", "CLIENT_SLOW_AFTER", "LOGIN_SLOW_AFTER", "LOCK_MINUTES", "WINDOW_MINUTES",
           "MAX_DELAY_S", "keys", "blocked", "record_failure", "record_success", "delay_for", "sleep",
           "client_from", "forwarded_value"]

PAIR_MAX_FAILURES = 5
CLIENT_SLOW_AFTER = 20
LOGIN_SLOW_AFTER = 10
LOCK_MINUTES = 15
WINDOW_MINUTES = 15
MAX_DELAY_S = 2.0

#: replaced in tests to observe the delay without waiting
sleep: Callable[[float], None] = time.sleep


def keys(repo: Repository, login: str, client: str | None) -> dict[str, str]:
    """The three keys of an attempt: ``pair``, ``client`` and ``login`` (hex HMACs with the database key)."""
    secret = bytes.fromhex(audit.setting(repo, "pseudonym_key") or "00")
    folded = login.strip().casefold()
    where = client if isinstance(client, str) and client else "unknown"

    def mac(*parts: str) -> str:
        return hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return {"pair": mac("pair", folded, where), "client": mac("client", where), "login": mac("login", folded)}


def _window_open(counter: Counter, now: dt.datetime) -> bool:
    return counter.window_start + dt.timedelta(minutes=WINDOW_MINUTES) > now


def blocked(repo: Repository, attempt: dict[str, str], now: dt.datetime) -> bool:
    """Whether this client is locked out of this login."""
    pair = counters(repo, [attempt["pair"]]).get(attempt["pair"])
    return pair is not None and pair.locked_until is not None and pair.locked_until > now


def delay_for(repo: Repository, attempt: dict[str, str], now: dt.datetime) -> float:
    """Seconds to wait before answering an attempt (0 while the login and the client are below their
    thresholds), at most :data:`MAX_DELAY_S`."""
    found = counters(repo, [attempt["login"], attempt["client"]])
    excess = -1
    for name, after in (("login", LOGIN_SLOW_AFTER), ("client", CLIENT_SLOW_AFTER)):
        counter = found.get(attempt[name])
        if counter is not None and _window_open(counter, now):
            excess = max(excess, counter.failures - after)
    return 0.0 if excess < 0 else min(MAX_DELAY_S, 0.25 * (excess + 1))


def _failure(name: str, now: dt.datetime) -> Callable[[Counter | None], Counter]:
    """One more failure: a counter whose window ended (and is not locked) starts again; the pair locks past
    :data:`PAIR_MAX_FAILURES`."""
    def change(counter: Counter | None) -> Counter:
        if counter is None or (not _window_open(counter, now) and (
                counter.locked_until is None or counter.locked_until <= now)):
            counter = Counter(0, now, None)
        locked = counter.locked_until
        if name == "pair" and counter.failures + 1 >= PAIR_MAX_FAILURES:
            locked = now + dt.timedelta(minutes=LOCK_MINUTES)
        return Counter(counter.failures + 1, counter.window_start, locked)
    return change


def record_failure(repo: Repository, attempt: dict[str, str], now: dt.datetime) -> None:
    """Count a failed attempt under its three keys; lock the pair past :data:`PAIR_MAX_FAILURES`."""
    update_counters(repo, {attempt[name]: _failure(name, now) for name in ("pair", "client", "login")})


def record_success(repo: Repository, attempt: dict[str, str]) -> None:
    """A successful sign-in clears its pair (the client and login counts age out on their own)."""
    forget_counter(repo, attempt["pair"])


def forwarded_value(header: str | None, hops: int) -> str | None:
    """The value of an ``X-Forwarded-*`` header that the outermost of ``hops`` trusted reverse proxies wrote
    (read from the right: what is left of it was written by the client and proves nothing); None with no
    trusted proxy (``hops`` 0: the header is the client's own word) or no value."""
    if hops <= 0 or not header:
        return None
    chain = [part.strip() for part in header.split(",") if part.strip()]
    return chain[-hops] if len(chain) >= hops else (chain[0] if chain else None)


def client_from(remote: str | None, forwarded_for: str | None, hops: int) -> str | None:
    """The client's address: ``remote`` (the TCP peer), or with ``hops`` trusted reverse proxies in front,
    the address the outermost trusted proxy saw (``X-Forwarded-For``, see :func:`forwarded_value`)."""
    return forwarded_value(forwarded_for, hops) or remote
