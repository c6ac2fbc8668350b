"""Targets, gaps, bloc coverage, ranked modalities, pathway and the candidate's next step for one person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..analysis.coverage import BlocCoverage, acquired_items, bloc_coverage, partial_items
from ..analysis.gaps import GapReport, compute_gaps
from ..analysis.pathway import Pathway, plan_pathway
from ..analysis.recommend import Recommendation, recommend_modalities
from ..analysis.targets import ENTRY_PROFILE_KIND, Target, entry_profiles, resolve_target
from ..bundle import Bundle
from .context import Context
from .people import person_profile, usable_target

__all__ = ["TargetOption", "NextStep", "target_options", "resolve", "gaps", "coverage", "recommendations",
           "pathway", "next_step"]

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
    competency_id: str | None
    next_level: int | None
    unpositioned: tuple[str, ...]
    """RECTEC competencies the person has not positioned on yet."""


def next_step(ctx: Context, person_id: str, as_of: dt.date | None = None) -> NextStep:
    """The best eligible modality and the closest competency circle to reach (towards the person's target)."""
    recs = recommendations(ctx, person_id, as_of)
    best = next((r for r in recs if r.eligible), None)
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
        graded = [(p.co if p.co is not None else p.self, item) for item, p in positions.items()
                  if item in rectec and isinstance(p.co if p.co is not None else p.self, int)]
        below = sorted((lvl, item) for lvl, item in graded if lvl < 4)
        if below:
            competency, level = below[0][1], below[0][0] + 1
    return NextStep(best, competency, level, unpositioned)
