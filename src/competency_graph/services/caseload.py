"""An accompanist's caseload: each assigned candidate with their status, target, positioning state and
divergences, and the next interview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .accounts import Identity, guard_for, visible_people
from .context import Context
from .people import rectec_competencies

__all__ = ["CaseRow", "caseload"]


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
