"""Follow-up: one timeline of interviews (PEC schedule included), contracts and positioning sessions, and the
progress between two dates. Reads and writes go through the access guard (checked and logged)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..store import ContractRecord, FollowUpRecord, Participant, PositionView
from ..vocab import STATE_RANK, retained
from .accounts import Identity, guard_for
from .context import Context

__all__ = ["TimelineEntry", "ProgressRow", "timeline", "progress", "record_interview", "hold_interview",
           "INTERVIEW_KINDS"]

INTERVIEW_KINDS = ("follow_up", "diagnostic", "tripartite", "project_review", "jury_preparation", "exit")


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing of the follow-up. ``category``: interview, contract_start, contract_end, positioning."""

    day: dt.date
    category: str
    kind: str
    status: str
    """planned, done, cancelled, late (planned and past its window), or recorded (positioning, contract)."""
    followup: FollowUpRecord | None = None
    counts: dict[str, int] = field(default_factory=dict)
    """For positioning days: events per role; for interviews held: items and divergences in the snapshot."""


def _interview_entry(f: FollowUpRecord, today: dt.date) -> TimelineEntry:
    status = f.status
    if status == "planned" and (f.due_until or f.scheduled_on) < today:
        status = "late"
    counts: dict[str, int] = {}
    if f.snapshot:
        counts = {"items": len(f.snapshot.get("items", [])), "divergent": len(f.snapshot.get("divergent", []))}
    return TimelineEntry(f.held_on or f.scheduled_on, "interview", f.milestone or f.kind, status, f, counts)


def timeline(ctx: Context, person_id: str, *, today: dt.date | None = None, identity: Identity | None = None
             ) -> list[TimelineEntry]:
    """Everything dated about the person's follow-up, oldest first."""
    today = today or dt.date.today()
    guard = guard_for(ctx, identity)
    entries = [_interview_entry(f, today) for f in guard.list_followups(person_id)]
    contracts: list[ContractRecord] = guard.list_contracts(person_id)
    for c in contracts:
        entries.append(TimelineEntry(c.start_date, "contract_start", c.kind, "recorded"))
        if c.end_date is not None:  # open-ended contracts have no end to show
            entries.append(TimelineEntry(c.end_date, "contract_end", c.kind, "planned" if c.end_date > today
                                         else "recorded"))
    by_day: dict[dt.date, Counter[str]] = {}
    for event in guard.history(person_id):
        by_day.setdefault(event.positioned_at.date(), Counter())[event.author_role] += 1
    for day, counts in by_day.items():
        entries.append(TimelineEntry(day, "positioning", "positioning", "recorded", counts=dict(counts)))
    order = {"contract_start": 0, "positioning": 1, "interview": 2, "contract_end": 3}
    return sorted(entries, key=lambda e: (e.day, order[e.category]))


@dataclass(frozen=True)
class ProgressRow:
    item_id: str
    label: str
    before: int | str | None
    after: int | str | None
    change: int | None
    """Change of the retained value (accompanist's when present, else the person's own); None if unknown."""


_RANK = STATE_RANK


def _retained(view: PositionView, item_id: str) -> int | str | None:
    entry = view.items.get(item_id)
    if entry is None:
        return None
    chosen = retained(entry.self_, entry.accompanist)
    return chosen.value if chosen else None


def _as_number(value: int | str | None) -> int | None:
    if value is None:
        return None
    return value if isinstance(value, int) else _RANK.get(value)


def progress(ctx: Context, person_id: str, start: dt.date, end: dt.date,
             item_ids: list[str] | None = None, *, identity: Identity | None = None) -> list[ProgressRow]:
    """Where the person stood on each item at the end of ``start`` and of ``end`` (retained values)."""
    guard = guard_for(ctx, identity)
    before, after = guard.reading(person_id, "positioning", lambda: (
        ctx.repo.current_view(person_id, as_of=start), ctx.repo.current_view(person_id, as_of=end)))
    ids = item_ids if item_ids is not None else sorted(set(before.items) | set(after.items))
    rows = []
    for item_id in ids:
        b, a = _retained(before, item_id), _retained(after, item_id)
        nb, na = _as_number(b), _as_number(a)
        change = (na - (nb or 0)) if na is not None else None
        rows.append(ProgressRow(item_id, ctx.bundle.label(item_id), b, a, change))
    return rows


def record_interview(ctx: Context, identity: Identity, person_id: str, kind: str, held_on: dt.date,
                     notes: str | None = None) -> FollowUpRecord:
    """Record an interview held today or earlier, with the accompanist as participant (the store freezes the
    positions of that day in a snapshot). Only an accompanist the person is assigned to may record it."""
    return guard_for(ctx, identity).record_followup(
        person_id, kind, held_on, notes=notes or None,
        participants=[Participant("accompanist", user_id=identity.user_id)])


def hold_interview(ctx: Context, identity: Identity, followup_id: str, held_on: dt.date,
                   notes: str | None = None) -> FollowUpRecord:
    """Mark a planned interview as held (the person's accompanist only)."""
    return guard_for(ctx, identity).hold_followup(
        followup_id, held_on=held_on, notes=notes or None,
        participants=[Participant("accompanist", user_id=identity.user_id)])
