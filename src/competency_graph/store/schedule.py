"""The PEC follow-up schedule (seeds 001/002): follow-ups at 1 month, mid-contract and ¾ of the contract,
and an exit interview 1 to 3 months before the end."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .errors import StoreError

__all__ = ["Milestone", "add_months", "pec_schedule", "MIN_PEC_MONTHS"]

# Below this the milestones would overlap the exit window; PEC contracts run 9–12 months (seed 001).
MIN_PEC_MONTHS = 6


@dataclass(frozen=True)
class Milestone:
    """One planned interview of a contract: when, and the window in which it is due."""

    milestone: str  # one_month | mid_contract | three_quarters | exit
    kind: str  # follow_up | exit
    scheduled_on: dt.date
    due_from: dt.date
    due_until: dt.date


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the month (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def pec_schedule(start: dt.date, end: dt.date) -> list[Milestone]:
    """The four interviews of a PEC contract running from ``start`` to ``end`` (last day).

    >>> [m.scheduled_on.isoformat() for m in pec_schedule(dt.date(2025, 1, 6), dt.date(2025, 10, 5))]
    ['2025-02-06', '2025-05-22', '2025-07-29', '2025-08-05']
    """
    if end <= start:
        raise StoreError(code="contract_dates")
    if end < add_months(start, MIN_PEC_MONTHS) - dt.timedelta(days=1):
        raise StoreError(code="contract_too_short", params={"months": MIN_PEC_MONTHS})
    length = (end - start).days
    one_month = add_months(start, 1)
    mid = start + dt.timedelta(days=length // 2)
    three_quarters = start + dt.timedelta(days=(3 * length) // 4)
    exit_from, exit_until = add_months(end, -3), add_months(end, -1)
    # Two months before the end, but never before the ¾ follow-up.
    exit_on = min(max(add_months(end, -2), three_quarters + dt.timedelta(days=1)), exit_until)
    return [
        Milestone("one_month", "follow_up", one_month, one_month, one_month + dt.timedelta(days=14)),
        Milestone("mid_contract", "follow_up", mid, mid - dt.timedelta(days=14), mid + dt.timedelta(days=14)),
        Milestone("three_quarters", "follow_up", three_quarters, three_quarters - dt.timedelta(days=14),
                  three_quarters + dt.timedelta(days=14)),
        Milestone("exit", "exit", exit_on, exit_from, exit_until),
    ]
