"""The facts about a person on one date, from their profile (contracts, certifications held, structure) and the
graph (target, bloc coverage, gaps): what the condition kinds of :mod:`.conditions` read.

Experience is counted in whole months. Dated contracts count from their start to their end (inclusive) or to
the date asked, whichever comes first, so a 12-month threshold reached on the anniversary of the start;
undated ``experience`` entries count as given. Placements (internship, PMSMP) give a work situation, not
experience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..bundle import Bundle
from ..conditions import Facts
from .coverage import acquired_items, bloc_coverage, mean_coverage
from .gaps import compute_gaps
from .profile import WORK_CONTRACT_KINDS, Profile
from .targets import Target, related_occupations

__all__ = [
    "WORKER_STATUSES",
    "TargetFacts",
    "add_months",
    "gather_facts",
    "held_blocs",
    "months_between",
    "target_facts",
]

#: statuses that are a work situation in themselves when no contract is recorded
WORKER_STATUSES = frozenset({"esat", "ea", "siae", "pec", "employee"})
_NETWORK_ALIASES = {"rae-rectec": "rae"}
_DAYS_PER_MONTH = 365.25 / 12


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months (the 31st becomes the month's last day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def months_between(start: dt.date, until: dt.date) -> tuple[int, int]:
    """Whole months from ``start`` to ``until`` (exclusive), and the days left over.

    >>> months_between(dt.date(2021, 9, 15), dt.date(2022, 9, 15))
    (12, 0)
    >>> months_between(dt.date(2021, 9, 15), dt.date(2022, 9, 14))
    (11, 30)
    """
    if until <= start:
        return 0, 0
    months = (until.year - start.year) * 12 + until.month - start.month
    if add_months(start, months) > until:
        months -= 1
    return months, (until - add_months(start, months)).days


@dataclass(frozen=True)
class TargetFacts:
    """What does not change with the date: the target, its coverage and gaps, and which jobs relate to it."""

    target: Target | None
    related: frozenset[str]
    vae_open: bool | None
    is_cqp: bool
    level: int | None
    rae_fits: bool
    rsfp_fits: bool
    coverage: float | None
    has_gap: bool | None
    blocs: tuple[str, ...]


def _related_jobs(bundle: Bundle, target: Target) -> frozenset[str]:
    related = {target.id, *target.occupations, *target.rome, *target.certifications}
    return frozenset(related)


def _job_related(bundle: Bundle, job: str | None, related: frozenset[str], target: Target | None) -> bool:
    if target is None:
        return True
    if not job:
        return False
    if job in related:
        return True
    job_related = set(related_occupations(bundle, job)) | {e.target for e in bundle.edges_from(job, "rome")}
    return bool(job_related & related)


def target_facts(bundle: Bundle, profile: Profile, target: Target | None) -> TargetFacts:
    if target is None:
        return TargetFacts(None, frozenset(), None, False, None, False, False, None, None, ())
    certs = [bundle.items[c] for c in target.certifications if c in bundle.items]
    flags = [c.model.vae_open for c in certs if c.model.vae_open is not None]
    abbrevs = {(c.model.abbrev or "").upper() for c in certs}
    levels = [c.model.level for c in certs if c.model.level]
    occupations = [target.id, *target.occupations] if target.id.split(":")[0] in ("rae", "rsfp") else list(target.occupations)
    positions = profile.positions_by_item()
    coverage = None
    if target.certifications:
        acquired = acquired_items(bundle, positions)
        coverage = max(mean_coverage(bloc_coverage(bundle, acquired, c)) for c in target.certifications)
    has_gap = None
    if positions and target.requirements:
        # only what was positioned counts (a circle below the one expected, an activity still in progress): an
        # item nobody positioned is unknown, not a gap to consolidate
        rows = [r for r in compute_gaps(bundle, positions, target).rows
                if r.self_level is not None or r.co_level is not None]
        has_gap = any(r.gap > 0 for r in rows) if rows else None
    blocs = tuple(child.id for c in target.certifications for child in bundle.children(c)
                  if child.kind == "bloc")
    return TargetFacts(
        target=target, related=_related_jobs(bundle, target), vae_open=any(flags) if flags else None,
        is_cqp=any(a.startswith("CQP") for a in abbrevs) or target.id.startswith("cqp:"),
        level=min(levels) if levels else None,
        rae_fits=any(o.startswith("rae:") for o in occupations), rsfp_fits=any(o.startswith("rsfp:") for o in occupations),
        coverage=coverage, has_gap=has_gap, blocs=blocs,
    )


def held_blocs(bundle: Bundle, profile: Profile, as_of: dt.date) -> set[str]:
    """Ids held on ``as_of``: certifications (and all their blocs when total), blocs of partial outcomes,
    attestations (``rae:``/``rsfp:`` ids)."""
    found: set[str] = set()
    for h in profile.held:
        if h.awarded_on > as_of:
            continue
        found.add(h.certification)
        found.update(h.blocs)
        if h.outcome == "total":
            found.update(c.id for c in bundle.children(h.certification) if c.kind == "bloc")
    return found


def _registration(bundle: Bundle, target: Target | None, as_of: dt.date) -> tuple[bool | None, dt.date | None,
                                                                               tuple[str, ...]]:
    if target is None or not target.certifications:
        return None, None, ()
    certs = [bundle.items[c].model for c in target.certifications if c in bundle.items]
    open_ = [c for c in certs if c.end_date is None or c.end_date >= as_of]
    if open_:
        return True, None, ()
    ended = max(c.end_date for c in certs if c.end_date is not None)
    successors = tuple(dict.fromkeys(s for c in certs for s in c.replaced_by))
    return False, ended, successors


def gather_facts(bundle: Bundle, profile: Profile, tfacts: TargetFacts, as_of: dt.date,
                 extra_held: frozenset[str] = frozenset(), consolidated: bool = False) -> Facts:
    """The facts on ``as_of``. ``extra_held`` / ``consolidated``: what earlier steps of a planned pathway
    will have brought (blocs or attestations obtained; target competencies consolidated)."""
    person = profile.person
    target = tfacts.target
    outside = inside = 0
    left_out = left_in = 0
    pec_same_job = False
    for exp in profile.experience:
        if _job_related(bundle, exp.job, tfacts.related, target):
            outside += 0 if exp.in_pec else exp.months
            inside += exp.months if exp.in_pec else 0
            pec_same_job = pec_same_job or exp.in_pec
    pec_contracts = []
    running_work = False
    has_workplace = False
    for c in profile.contracts:
        running = c.start <= as_of and (c.end is None or as_of <= c.end)
        has_workplace = has_workplace or running
        if c.kind == "pec":
            pec_contracts.append(c)
        if c.kind not in WORK_CONTRACT_KINDS:
            continue
        if running and c.kind != "pec":
            running_work = True
        if not _job_related(bundle, c.job, tfacts.related, target):
            continue
        until = min(c.end + dt.timedelta(days=1), as_of) if c.end is not None else as_of
        m, d = months_between(c.start, until)
        if c.kind == "pec":
            inside, left_in = inside + m, left_in + d
            pec_same_job = pec_same_job or c.start <= as_of
        else:
            outside, left_out = outside + m, left_out + d
    outside += int(left_out // _DAYS_PER_MONTH)  # leftover days of several contracts make whole months
    inside += int(left_in // _DAYS_PER_MONTH)
    if not profile.contracts:
        has_workplace = person.status in WORKER_STATUSES
    if pec_contracts:
        current = any(c.start <= as_of and (c.end is None or as_of <= c.end) for c in pec_contracts)
        ended = any(c.end is not None and c.end < as_of for c in pec_contracts)
        situation = "current" if current else ("ended_with_solution" if running_work else
                                               "ended_without_solution" if ended else "none")
    else:
        situation = "current" if person.status == "pec" else "none"
    networks = {_NETWORK_ALIASES.get(n, n) for n in person.networks}
    trained = rsfp_structures = None
    rsfp_field = None
    if profile.structure is not None:
        for n in profile.structure.networks:
            networks.add(_NETWORK_ALIASES.get(n.network, n.network))
            if n.network in ("rae", "rae-rectec") and n.trained_staff is not None:
                trained = max(trained or 0, n.trained_staff)
            if n.network == "rsfp":
                rsfp_structures, rsfp_field = n.field_structures, n.field
    if rsfp_structures is None and "rsfp" in networks:
        rsfp_structures = person.network_peers
    held = held_blocs(bundle, profile, as_of) | set(extra_held)
    cqp = False
    if target is not None and profile.structure is not None:
        wanted = {target.id, *target.certifications}
        cqp = any(set(a.cqps) & wanted for a in profile.structure.branch_agreements
                  if a.since is None or a.since <= as_of)
    registered, ended_on, successors = _registration(bundle, target, as_of)
    age = person.age
    return Facts(
        as_of=as_of, status=person.status, goal=person.goal, writing=person.writing, age=age,
        networks=tuple(sorted(networks)), rae_trained_staff=trained, rsfp_field=rsfp_field,
        rsfp_structures=rsfp_structures, months=outside + inside, months_outside_pec=outside,
        months_in_pec=inside, pec_same_job=pec_same_job, pec_situation=situation,
        pec_enrolled_on=person.pec_enrolled_on, has_workplace=has_workplace,
        placement_planned=person.placement_planned, has_target=target is not None,
        target_label=target.label if target else None, target_vae_open=tfacts.vae_open,
        target_registered=registered, target_end=ended_on, target_successors=successors,
        target_is_cqp=tfacts.is_cqp, branch_cqp_for_target=cqp, rae_trade_fits=tfacts.rae_fits,
        rsfp_job_fits=tfacts.rsfp_fits, target_level=tfacts.level,
        target_fully_held=bool(tfacts.blocs) and set(tfacts.blocs) <= held,
        bloc_coverage=tfacts.coverage, has_gap=False if consolidated and tfacts.has_gap else tfacts.has_gap,
        held=tuple(sorted(held)),
    )


def with_date(facts: Facts, as_of: dt.date) -> Facts:
    return replace(facts, as_of=as_of)
