"""The caseload dashboard: one row per person followed (an accompanist's assigned candidates, or for an admin
every person of their structures) with positioning progress, divergences to discuss, the next interview and
overdue ones, and the current recommendation; exported as CSV/XLSX with French headers.

Built from the few set-based queries of ``store.caseload_queries`` (no per-person transaction; the counts are
computed by the database over the maintained table of current positions) and logged as ONE audit entry for the
list, not one per person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from ..analysis.recommend import gather_facts, recommend_modalities
from ..analysis.targets import Target, TargetError, resolve_target
from ..conditions import Facts
from ..messages import t
from ..security import audit
from ..store import PersonRecord
from ..store.caseload_queries import current_values, load_caseload
from .accounts import Identity
from .context import Context
from .people import profile_from_values, rectec_competencies

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


#: above this many people the recommendation column is left empty unless asked for (see :class:`_Recommender`:
#: 0.1–0.2 ms a person whose profile differs from every other one, plus the read of the values: +0.2 s CPU
#: for 2,000 people of the bench, against ~14 ms a person before the memo)
RECOMMEND_LIMIT = 2000


def caseload(ctx: Context, identity: Identity, *, today: dt.date | None = None,
             with_recommendation: bool | None = None) -> list[CaseRow]:
    """The identity's caseload (accompanist: the candidates they follow; admin: their structures' people),
    one audit entry for the whole list. ``with_recommendation`` None: only up to :data:`RECOMMEND_LIMIT`
    people."""
    today = today or dt.date.today()
    structures = scope_structures(ctx, identity)
    rectec = sorted(i.id for i in rectec_competencies(ctx.bundle))
    follower = identity.user_id if identity.role != "admin" else None
    data = load_caseload(ctx.repo, structures, accompanist_id=follower, today=today,
                         positions="values" if with_recommendation else None, counted_items=rectec)
    if with_recommendation is None and len(data.people) <= RECOMMEND_LIMIT:
        # the values the recommendation needs, read only when it is computed (same scope, same day)
        data = dataclasses.replace(data, values=current_values(ctx.repo, structures, accompanist_id=follower,
                                                               today=today))
        with_recommendation = True
    # one entry naming every person of the list (``audit_subjects``): the admin's filter on a person finds it
    audit.record_set(ctx.repo, identity.user_id, "read", "caseload", [p.id for p in data.people],
                     structure_id=structures[0] if len(structures) == 1 else None)
    names = data.structure_names
    recommender = _Recommender(ctx, today) if with_recommendation else None
    rows = []
    for person in data.people:
        positioned, self_positioned, divergences, last = data.summaries.get(person.id, _NOTHING)
        planned = data.planned.get(person.id, [])
        upcoming = [f for f in planned if f.scheduled_on >= today or (f.due_until and f.due_until >= today)]
        late = [f for f in planned if (f.due_until or f.scheduled_on) < today]
        recommendation = None
        if recommender is not None and person.id in data.summaries:  # as before: people with a positioning
            recommendation = recommender.best(person, data.values.get(person.id))
        target = person.target
        accompanists = data.accompanists.get(person.id, ())
        rows.append(CaseRow(
            person.id, person.display_name, person.status, target,
            ctx.bundle.label(target) if target and target in ctx.bundle.items else None,
            positioned, len(rectec), divergences, last, upcoming[0].scheduled_on if upcoming else None,
            person.structure_id, names.get(person.structure_id, person.structure_id),
            tuple(n for _, n in accompanists), tuple(u for u, _ in accompanists), person.goal, self_positioned,
            (upcoming[0].milestone or upcoming[0].kind) if upcoming else None,
            len(late), min((f.due_until or f.scheduled_on) for f in late) if late else None, recommendation,
        ))
    return rows


_NOTHING = (0, 0, 0, None)


class _Recommender:
    """The best eligible modality of each person (its label), as ``recommend_modalities`` ranks them, memoised:

    - per distinct profile signature (everything the profile holds but the person's id; the positions only
      when the person has a target the engine resolves — without one no rule reads them), the facts the rules
      read (``gather_facts``: target facts, months, networks…);
    - per distinct facts, the best eligible modality: evaluated with ``when_ineligible=False`` (the "eligible
      from" search of ineligible modalities does not change which eligible one ranks first) and once only —
      a structure's people share a few facts.
    """

    def __init__(self, ctx: Context, today: dt.date) -> None:
        self.bundle, self.today = ctx.bundle, today
        self.labels = {i.id: i.label for i in ctx.bundle.of_kind("modality")}
        self.targets: dict[str | None, tuple[str | None, Target | None]] = {}
        self.by_signature: dict[tuple, str | None] = {}
        self.by_facts: dict[Facts, str | None] = {}

    def target(self, raw: str | None) -> tuple[str | None, Target | None]:
        """``usable_target``'s answer and the resolved target, once per distinct target of the list."""
        if raw not in self.targets:
            try:
                self.targets[raw] = (raw, resolve_target(self.bundle, raw)) if raw else (None, None)
            except TargetError:
                self.targets[raw] = (None, None)
        return self.targets[raw]

    def best(self, person: PersonRecord, values: dict[str, dict[str, int | str]] | None) -> str | None:
        """The label of the best eligible modality; ``values`` (item → role → value) are read only when the
        person's target resolves (None otherwise: no rule reads the positions then)."""
        usable, target = self.target(person.target)
        pairs = {item: (roles.get("self"), roles.get("accompanist")) for item, roles in (values or {}).items()}
        positions = tuple(sorted((i, own, co) for i, (own, co) in pairs.items()
                                 if (own is not None or co is not None) and i in self.bundle.items)) if usable else ()
        signature = (person.structure_id, person.status, person.birth_year, person.writing, person.goal, usable,
                     person.networks, person.experience, positions)
        if signature not in self.by_signature:
            profile = profile_from_values(self.bundle, dataclasses.replace(person, target=usable), pairs,
                                          today=self.today, target_checked=True)
            facts = gather_facts(self.bundle, profile, target, self.today)
            if facts not in self.by_facts:
                best = next((r for r in recommend_modalities(self.bundle, profile, self.today, when_ineligible=False)
                             if r.eligible), None)
                self.by_facts[facts] = self.labels.get(best.modality, best.modality) if best else None
            self.by_signature[signature] = self.by_facts[facts]
        return self.by_signature[signature]


#: the export's columns, in French from the catalogue (``caseload.header.*``; the page shows the same ones)
HEADERS = tuple(t(f"caseload.header.{column}") for column in (
    "name", "structure", "accompanists", "status", "target", "positioned", "self_positioned", "divergences",
    "last_positioning", "next_interview", "next_kind", "overdue", "recommendation"))


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
