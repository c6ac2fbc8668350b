"""Targets, gaps, bloc coverage, ranked modalities, pathway and the candidate's next step for one person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..analysis.coverage import BlocCoverage, acquired_items, bloc_coverage, partial_items
from ..analysis.gaps import GapReport, compute_gaps, gap_provenance
from ..analysis.pathway import Pathway, plan_pathway
from ..analysis.recommend import Recommendation, recommend_modalities
from ..analysis.targets import ENTRY_PROFILE_KIND, Target, TargetError, entry_profiles, resolve_target
from ..bundle import Bundle
from ..store import facts as store_facts
from ..vocab import retained
from .accounts import Identity
from .batch import read_people
from .context import Context
from .people import person_profile, profile_from_record, usable_target

__all__ = ["TargetOption", "NextStep", "GuidancePage", "target_options", "resolve", "gaps", "gap_notes", "advice_pdf",
           "coverage", "recommendations", "pathway", "next_step", "guidance_page"]

_TARGET_KINDS = ("trade", "job", "certification", ENTRY_PROFILE_KIND)


@dataclass(frozen=True)
class TargetOption:
    id: str
    label: str
    kind: str


def target_options(bundle: Bundle, kinds: tuple[str, ...] = _TARGET_KINDS) -> list[TargetOption]:
    """Targets a person or a group can aim at: RAE trades, RSFP jobs, certifications and training entry
    profiles ("attendus d'entrée en formation"), by kind then label."""
    options = [TargetOption(i.id, i.label, i.kind) for kind in kinds if kind != ENTRY_PROFILE_KIND
               for i in bundle.of_kind(kind) if i.provenance != "imported" or kind == "certification"]
    if ENTRY_PROFILE_KIND in kinds:
        options += [TargetOption(i.id, i.label, ENTRY_PROFILE_KIND) for i in entry_profiles(bundle)]
    return sorted(options, key=lambda o: (kinds.index(o.kind), o.label.casefold()))


def resolve(ctx: Context, target_id: str) -> Target:
    return resolve_target(ctx.bundle, target_id)


def gap_notes(ctx: Context, target_id: str) -> list[str]:
    """What the gap table toward ``target_id`` rests on that is not verified (reconstructed, unverified RNCP)."""
    return gap_provenance(ctx.bundle, resolve(ctx, target_id))


def gaps(ctx: Context, person_id: str, target_id: str) -> GapReport:
    profile = person_profile(ctx, person_id)
    return compute_gaps(ctx.bundle, profile.positions_by_item(), resolve(ctx, target_id))


def coverage(ctx: Context, person_id: str, target_id: str) -> list[BlocCoverage]:
    """Bloc coverage of every certification the target leads to (bloc competencies co-assessed YES count as
    covered, PARTIAL for half)."""
    profile = person_profile(ctx, person_id)
    positions = profile.positions_by_item()
    acquired = acquired_items(ctx.bundle, positions)
    partial = partial_items(ctx.bundle, positions)
    target = resolve(ctx, target_id)
    return [c for cert in target.certifications for c in bloc_coverage(ctx.bundle, acquired, cert, partial)]


def recommendations(ctx: Context, person_id: str, as_of: dt.date | None = None,
                    target_id: str | None = None) -> list[Recommendation]:
    """Every modality, best first, with reasons, what is missing and sources (``target_id`` overrides the
    person's own target)."""
    profile = person_profile(ctx, person_id, as_of)
    if target_id:
        profile = profile.model_copy(update={"target": usable_target(ctx.bundle, target_id)})
    return recommend_modalities(ctx.bundle, profile, as_of)


def pathway(ctx: Context, person_id: str, target_id: str, as_of: dt.date | None = None) -> Pathway:
    profile = person_profile(ctx, person_id, as_of)
    return plan_pathway(ctx.bundle, profile, target_id, as_of)


@dataclass(frozen=True)
class NextStep:
    """What comes next for a candidate, for the plain-words page."""

    recommendation: Recommendation | None
    """The best eligible modality, as ranked by ``recommend`` (the CLI gives the same)."""
    competency_id: str | None
    next_level: int | None
    unpositioned: tuple[str, ...]
    """RECTEC competencies the person has not positioned on yet."""
    upcoming: Recommendation | None = None
    """The best modality serving the person's goal that is not open yet but will be, with its date."""


def next_step(ctx: Context, person_id: str, as_of: dt.date | None = None) -> NextStep:
    """The best eligible modality and the closest competency circle to reach (towards the person's target)."""
    recs = recommendations(ctx, person_id, as_of)
    best = next((r for r in recs if r.eligible), None)
    upcoming = next((r for r in recs if not r.eligible and r.eligible_from is not None and r.goal_fit), None)
    profile = person_profile(ctx, person_id, as_of)
    positions = profile.positions_by_item()
    rectec = sorted(i.id for i in ctx.bundle.of_kind("competency", "rectec"))
    unpositioned = tuple(i for i in rectec if i not in positions)
    competency = level = None
    if profile.target is not None:
        report = compute_gaps(ctx.bundle, positions, resolve(ctx, profile.target_id or ""))
        open_rows = sorted((r for r in report.rows if r.graded and r.gap > 0), key=lambda r: (r.gap, r.item))
        if open_rows:
            competency, level = open_rows[0].item, open_rows[0].retained + 1
    if competency is None:
        graded = [(retained(p.self, p.co), item) for item, p in positions.items()
                  if item in rectec and isinstance(retained(p.self, p.co), int)]
        below = sorted((lvl, item) for lvl, item in graded if lvl < 4)
        if below:
            competency, level = below[0][1], below[0][0] + 1
    return NextStep(best, competency, level, unpositioned, upcoming)


@dataclass(frozen=True)
class GuidancePage:
    """Everything the *Objectif et parcours* page shows for one person, from ONE guarded read."""

    gaps: GapReport | None
    """None without a target."""
    coverage: list[BlocCoverage]
    recommendations: list[Recommendation]
    pathway: Pathway | None
    pathway_error: Exception | None
    """Why no pathway could be planned (``TargetError``/``ValueError``), when a target was given."""


def guidance_page(ctx: Context, person_id: str, target_id: str | None, as_of: dt.date | None = None, *,
                  identity: Identity | None = None) -> GuidancePage:
    """Gaps and bloc coverage (positions known now), ranked modalities and pathway (positions known on
    ``as_of``) for ``person_id`` towards ``target_id``: the results of :func:`gaps`, :func:`coverage`,
    :func:`recommendations` and :func:`pathway`, from one read and one audit entry instead of four."""
    from ..analysis.targets import TargetError

    def facts_of(s, records):  # type: ignore[no-untyped-def]
        # The facts the rules read (contracts, certifications held, the structure's networks): without them the
        # page would not give the CLI's answer. Read in the guarded read's transaction, returned when allowed.
        person = records[person_id]
        return (store_facts._person_facts(ctx.repo, s, store_facts._person(s, person_id)),
                store_facts._structure_facts(s, store_facts._structure(s, person.structure_id)))

    read = read_people(ctx, identity, [person_id], "profile", views_at=(None,) if as_of is None else (None, as_of),
                       also=facts_of)
    person = read.records[person_id]
    facts, structure = read.also
    now = profile_from_record(ctx.bundle, person, read.views_at[None][person_id], facts=facts, structure=structure)
    then = profile_from_record(ctx.bundle, person, read.views_at[as_of][person_id], facts=facts,
                               structure=structure)
    if target_id is None:
        return GuidancePage(None, [], recommend_modalities(ctx.bundle, then, as_of), None, None)
    target = resolve(ctx, target_id)
    report = compute_gaps(ctx.bundle, now.positions_by_item(), target)
    acquired = acquired_items(ctx.bundle, now.positions_by_item())
    blocs = [c for cert in target.certifications for c in bloc_coverage(ctx.bundle, acquired, cert)]
    aimed = then.model_copy(update={"target": usable_target(ctx.bundle, target_id)})
    recs = recommend_modalities(ctx.bundle, aimed, as_of)
    try:
        path, error = plan_pathway(ctx.bundle, then, target_id, as_of), None
    except (TargetError, ValueError) as exc:
        path, error = None, exc
    return GuidancePage(report, blocs, recs, path, error)


def advice_pdf(ctx: Context, identity: Identity, person_id: str, target_id: str | None,
               as_of: dt.date | None = None) -> bytes:
    """The *Objectif et parcours* PDF of the person (gaps, modalities, pathway, provenance), recorded in the
    audit log as an ``export``; read as ``identity``."""
    from ..exports.advice_pdf import advice_pdf as build
    from ..security import audit

    as_of = as_of or dt.date.today()
    reading = ctx.as_actor(identity)  # the three reads below act as ``identity`` (one guard for the three)
    recs = recommendations(reading, person_id, as_of, target_id)
    report = gaps(reading, person_id, target_id) if target_id else None
    try:
        path = pathway(reading, person_id, target_id, as_of) if target_id else None
    except (TargetError, ValueError):
        path = None
    target = resolve(ctx, target_id) if target_id else None
    data = build(ctx.bundle, as_of=as_of, target_label=target.label if target else None, report=report,
                 gap_notes=gap_provenance(ctx.bundle, target) if target else [], recommendations=recs, pathway=path)
    person = ctx.repo.get_person(person_id)
    audit.record(ctx.repo, identity.user_id, "export", "advice_pdf", person_id=person_id,
                 structure_id=person.structure_id)
    return data
