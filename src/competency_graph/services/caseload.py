"""An accompanist's caseload: each assigned candidate with their status, target, positioning state and
divergences, and the next interview.

:func:`caseload` reads the whole list in one read transaction of three set-based queries (the people the user
may open, their positioning summaries computed by the database, their next planned interviews) and logs ONE
audit entry naming the set. :func:`caseload_per_person` is the former path, person by person through the
guard (about 18 statements and one audit entry per person); kept as the reference the tests and the bench
compare the fast path with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..security import audit
from ..store import bulk
from .accounts import Identity, guard_for, visible_people
from .batch import visible_ids
from .context import Context
from .people import rectec_competencies

__all__ = ["CaseRow", "caseload", "caseload_per_person"]


@dataclass(frozen=True)
class CaseRow:
    person_id: str
    name: str
    status: str
    target_id: str | None
    target_label: str | None
    positioned: int
    """RECTEC competencies with at least one positioning (self or accompanist)."""
    rectec_total: int
    divergences: int
    """Items (any referential) where self and accompanist disagree."""
    last_positioning: dt.datetime | None
    next_interview: dt.date | None


def caseload(ctx: Context, identity: Identity, *, today: dt.date | None = None) -> list[CaseRow]:
    """The rows of every person the user may open, sorted by name; one audit entry (``read``/``caseload``)
    names the whole set."""
    today = today or dt.date.today()
    rectec = sorted(i.id for i in rectec_competencies(ctx.bundle))
    guard = guard_for(ctx, identity)
    people = visible_ids(guard, on=today)

    def read(s: Session) -> tuple[dict, dict, dict]:
        return (bulk.person_records(s, people, by_name=True, experience=False),
                bulk.position_summaries(s, people, rectec),
                bulk.next_planned_interviews(s, people, today=today))

    records, summaries, interviews = ctx.repo._run(read, write=False)
    if records:
        audit.record_set(ctx.repo, guard.user_id, "read", "caseload", records)
    rows = []
    empty = bulk.PositionSummary((0, 0, None))
    for person in sorted(records.values(), key=lambda p: p.display_name):  # stable: as Guard.people sorts
        summary = summaries.get(person.id, empty)
        target = person.target
        rows.append(CaseRow(
            person.id, person.display_name, person.status, target,
            ctx.bundle.label(target) if target and target in ctx.bundle.items else None,
            summary.positioned, len(rectec), summary.divergences, summary.last_positioning,
            interviews.get(person.id)))
    return rows


def caseload_per_person(ctx: Context, identity: Identity, *, today: dt.date | None = None) -> list[CaseRow]:
    """The same rows read person by person through the guard (one audit entry per person): the reference
    path of the tests and of ``bench/bench_caseload.py``."""
    today = today or dt.date.today()
    rectec = {i.id for i in rectec_competencies(ctx.bundle)}
    rows = []
    guard = guard_for(ctx, identity)
    for person in visible_people(ctx, identity):
        view, followups = guard.reading(person.id, "caseload", lambda pid=person.id: (
            ctx.repo.current_view(pid), ctx.repo.list_followups(pid, status="planned")))
        moments = [p.positioned_at for v in view.items.values() for p in v.roles.values()]
        planned = [f.scheduled_on for f in followups
                   if f.scheduled_on >= today or (f.due_until and f.due_until >= today)]
        target = person.target
        rows.append(CaseRow(
            person.id, person.display_name, person.status, target,
            ctx.bundle.label(target) if target and target in ctx.bundle.items else None,
            len(rectec & set(view.items)), len(rectec), len(view.divergent_items()),
            max(moments) if moments else None, min(planned) if planned else None,
        ))
    return rows
