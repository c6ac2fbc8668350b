"""Sign-in failure counters (table ``sign_in_throttle``), keyed by an opaque HMAC of the login and/or client.

Persistence only: when a window ends, when a pair is locked and how long an answer waits are the rules of
:mod:`competency_graph.security.throttle`, which passes them as functions of the current counter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .security_models import SignInThrottle
from .unit import UnitOfWork

__all__ = ["Counter", "counters", "update_counters", "forget_counter"]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class Counter:
    """Failures counted since ``window_start``, and the end of a lock (times in UTC, aware)."""

    failures: int
    window_start: dt.datetime
    locked_until: dt.datetime | None = None


def _counter(row: SignInThrottle | None) -> Counter | None:
    if row is None:
        return None
    start = _aware(row.window_start)
    assert start is not None
    return Counter(row.failures, start, _aware(row.locked_until))


def counters(uow: UnitOfWork, keys: Iterable[str]) -> dict[str, Counter]:
    """The counters of ``keys`` that exist."""
    wanted = list(keys)

    def read(s: Session) -> dict[str, Counter]:
        found = {key: _counter(s.get(SignInThrottle, key)) for key in wanted}
        return {key: counter for key, counter in found.items() if counter is not None}

    return uow.run(read, write=False)


def update_counters(uow: UnitOfWork, changes: Mapping[str, Callable[[Counter | None], Counter]]) -> None:
    """Replace each key's counter by ``change(current counter or None)``, all in one transaction."""
    def write(s: Session) -> None:
        for key, change in changes.items():
            row = s.get(SignInThrottle, key)
            new = change(_counter(row))
            if row is None:
                s.add(SignInThrottle(key=key, failures=new.failures, window_start=new.window_start,
                                     locked_until=new.locked_until))
            else:
                row.failures, row.window_start, row.locked_until = new.failures, new.window_start, new.locked_until

    uow.run(write, write=True)


def forget_counter(uow: UnitOfWork, key: str) -> None:
    """Delete the counter of ``key`` (when there is one)."""
    def write(s: Session) -> None:
        row = s.get(SignInThrottle, key)
        if row is not None:
            s.delete(row)

    uow.run(write, write=True)
