"""The caseload dashboard: one row per person followed (an accompanist's assigned candidates, or for an admin
every person of their structures) with positioning progress, divergences to discuss, the next interview and
overdue ones, and the current recommendation; exported as CSV/XLSX with French headers.

Built from the few set-based queries of ``store.caseload_queries`` (no per-person transaction) and logged as
ONE audit entry for the list, not one per person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..analysis.recommend import recommend_modalities
from ..security import audit
from ..store.caseload_queries import load_caseload
from .accounts import Identity
from .context import Context
from .people import profile_from_record, rectec_competencies

__all__ = ["CaseRow", "caseload", "scope_structures", "HEADERS", "table_rows", "RECOMMEND_LIMIT", "log_export"]


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
    structure_id: str = ""
    structure_name: str = ""
    accompanists: tuple[str, ...] = ()
    accompanist_ids: tuple[str, ...] = ()
    goal: str | None = None
    self_positioned: int = 0
    """RECTEC competencies the person positioned themselves on (0: has not positioned yet)."""
    next_kind: str | None = None
    overdue: int = 0
    """Planned interviews whose due day (end of window, else scheduled day) is past."""
    overdue_since: dt.date | None = None
    recommendation: str | None = None
    """The best eligible modality (its label) for the person's current profile."""


def scope_structures(ctx: Context, identity: Identity) -> tuple[str, ...]:
    """The structures whose people the identity's dashboard covers: where it holds its role (accompanist: the
    candidates it follows there; admin: everyone there). ``identity.structures`` is re-read from the database
    at every run (``ui.session.current_identity``), so no second lookup is needed."""
    if identity.role not in ("accompanist", "admin"):
        return ()
    return tuple(sorted(identity.structures))


#: above this many people the recommendation column is left empty unless asked for (the engine costs about
#: 10 ms a person: a 10,000-person structure would wait well over a minute)
RECOMMEND_LIMIT = 300


def caseload(ctx: Context, identity: Identity, *, today: dt.date | None = None,
             with_recommendation: bool | None = None) -> list[CaseRow]:
    """The identity's caseload (accompanist: the candidates they follow; admin: their structures' people),
    one audit entry for the whole list. ``with_recommendation`` None: only up to :data:`RECOMMEND_LIMIT`
    people."""
    today = today or dt.date.today()
    structures = scope_structures(ctx, identity)
    data = load_caseload(ctx.repo, structures, accompanist_id=identity.user_id if identity.role != "admin" else None,
                         today=today)
    # one entry naming every person of the list (``audit_subjects``): the admin's filter on a person finds it
    audit.record_set(ctx.repo, identity.user_id, "read", "caseload", [p.id for p in data.people],
                     structure_id=structures[0] if len(structures) == 1 else None)
    names = data.structure_names
    rectec = {i.id for i in rectec_competencies(ctx.bundle)}
    modality_labels = {i.id: i.label for i in ctx.bundle.of_kind("modality")}
    if with_recommendation is None:
        with_recommendation = len(data.people) <= RECOMMEND_LIMIT
    rows = []
    for person in data.people:
        view = data.views.get(person.id)
        items = view.items if view is not None else {}
        moments = [p.positioned_at for v in items.values() for p in v.roles.values()]
        planned = data.planned.get(person.id, [])
        upcoming = [f for f in planned if f.scheduled_on >= today or (f.due_until and f.due_until >= today)]
        late = [f for f in planned if (f.due_until or f.scheduled_on) < today]
        recommendation = None
        if with_recommendation and view is not None:
            profile = profile_from_record(ctx.bundle, person, view, today=today)
            best = next((r for r in recommend_modalities(ctx.bundle, profile, today) if r.eligible), None)
            recommendation = modality_labels.get(best.modality, best.modality) if best else None
        target = person.target
        accompanists = data.accompanists.get(person.id, ())
        rows.append(CaseRow(
            person.id, person.display_name, person.status, target,
            ctx.bundle.label(target) if target and target in ctx.bundle.items else None,
            len(rectec & set(items)), len(rectec), sum(1 for v in items.values() if v.divergent),
            max(moments) if moments else None, upcoming[0].scheduled_on if upcoming else None,
            person.structure_id, names.get(person.structure_id, person.structure_id),
            tuple(n for _, n in accompanists), tuple(u for u, _ in accompanists), person.goal,
            sum(1 for i in rectec if i in items and items[i].self_ is not None),
            (upcoming[0].milestone or upcoming[0].kind) if upcoming else None,
            len(late), min((f.due_until or f.scheduled_on) for f in late) if late else None, recommendation,
        ))
    return rows


#: the export's columns, in French (the page shows the same ones)
HEADERS = ("Nom", "Structure", "Accompagnateur·rice(s)", "Statut", "Objectif visé", "Compétences positionnées",
           "Auto-positionnement", "Divergences à discuter", "Dernier positionnement", "Prochain entretien",
           "Type d'entretien", "Entretiens en retard", "Recommandation actuelle")


def table_rows(rows: list[CaseRow], label) -> list[list[object]]:
    """The export table (header first); ``label(prefix, value)`` gives the French vocabulary labels."""
    def day(value: dt.date | dt.datetime | None) -> str:
        return value.strftime("%d/%m/%Y") if value else ""
    out: list[list[object]] = [list(HEADERS)]
    for r in rows:
        out.append([r.name, r.structure_name, ", ".join(r.accompanists), label("status", r.status),
                    r.target_label or r.target_id or "", f"{r.positioned} / {r.rectec_total}",
                    f"{r.self_positioned} / {r.rectec_total}", r.divergences, day(r.last_positioning),
                    day(r.next_interview), label("followup_kind", r.next_kind) if r.next_kind else "",
                    r.overdue, r.recommendation or ""])
    return out


def log_export(ctx: Context, identity: Identity, what: str) -> None:
    """One audit entry when the caseload table is downloaded (``what``: caseload_csv, caseload_xlsx…)."""
    audit.record(ctx.repo, identity.user_id, "export", what)
