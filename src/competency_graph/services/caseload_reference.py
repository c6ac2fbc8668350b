"""The caseload read person by person through the access guard (about 18 statements and one audit entry per
person): the reference path the tests and ``bench/bench_caseload.py`` compare ``services.caseload`` with
(issue #19). Not used by the app."""

from __future__ import annotations

import datetime as dt

from .accounts import Identity, guard_for, visible_people
from .context import Context
from .people import rectec_competencies

__all__ = ["FIELDS", "caseload_per_person", "core"]

#: the fields both paths compute
FIELDS = ("person_id", "name", "status", "target_id", "target_label", "positioned", "rectec_total", "divergences",
          "last_positioning", "next_interview")


def core(rows: list) -> list[tuple]:
    """The :data:`FIELDS` of each row (a ``CaseRow`` of either path)."""
    return [tuple(getattr(r, f) for f in FIELDS) for r in rows]


def caseload_per_person(ctx: Context, identity: Identity, *, today: dt.date | None = None) -> list[tuple]:
    """The :data:`FIELDS` of every person the identity may open, read one by one through the guard."""
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
        rows.append((person.id, person.display_name, person.status, target,
                     ctx.bundle.label(target) if target and target in ctx.bundle.items else None,
                     len(rectec & set(view.items)), len(rectec), len(view.divergent_items()),
                     max(moments) if moments else None, min(planned) if planned else None))
    return rows
