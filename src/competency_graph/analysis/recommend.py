"""Rank the recognition modalities for a person, as of a date, with reasons in plain French.

The rules are data (``referentials/modalities/*.yaml``): this module only gathers the facts about the
person (:class:`Facts`) and interprets each rule's condition. A rule applies on a date when that date lies
within its ``valid_from``/``valid_until``; a ``require`` rule that fails makes the modality ineligible and
says what is missing; ``favour``/``disfavour`` rules move the score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from ..bundle import Bundle
from ..model import Condition, Modality, Rule
from .coverage import acquired_items, bloc_coverage, mean_coverage
from .gaps import compute_gaps
from .profile import Profile
from .targets import Target, TargetError, related_occupations, resolve_target

__all__ = ["Facts", "Recommendation", "gather_facts", "holds", "recommend_modalities"]


@dataclass(frozen=True)
class Facts:
    """What the rules can ask about a person (None: unknown, and a condition on it does not hold)."""

    status: str
    goal: str
    writing: str
    networks: tuple[str, ...]
    network_peers: int | None
    age: int | None
    months: int
    months_outside_pec: int
    months_in_pec: int
    in_pec: bool
    has_target: bool
    target_label: str | None
    target_vae_open: bool | None
    target_has_referential_route: bool
    bloc_coverage: float | None
    has_gap: bool | None


def _matching_experience(bundle: Bundle, profile: Profile, target: Target | None) -> list:
    if target is None:
        return list(profile.experience)
    related = {target.id, *target.occupations, *target.rome, *target.certifications}
    matched = []
    for exp in profile.experience:
        if exp.job in related:
            matched.append(exp)
            continue
        # an experience in a trade/job counts for the target when they share a ROME code or a field
        exp_related = set(related_occupations(bundle, exp.job)) | {e.target for e in bundle.edges_from(exp.job, "rome")}
        if exp_related & related:
            matched.append(exp)
    return matched


def gather_facts(bundle: Bundle, profile: Profile, target: Target | None) -> Facts:
    """The facts the rules read, computed from the profile and the graph."""
    person = profile.person
    matched = _matching_experience(bundle, profile, target)
    months = sum(e.months for e in matched)
    outside = sum(e.months for e in matched if not e.in_pec)
    inside = sum(e.months for e in matched if e.in_pec)
    vae_open = None
    coverage = None
    has_gap = None
    if target is not None:
        flags = [bundle.items[c].model.vae_open for c in target.certifications if c in bundle.items]
        vae_open = any(f for f in flags if f is not None) if any(f is not None for f in flags) else None
        positions = profile.positions_by_item()
        if target.certifications:
            acquired = acquired_items(bundle, positions)
            coverage = max(mean_coverage(bloc_coverage(bundle, acquired, c)) for c in target.certifications)
        graded = [r for r in target.requirements if r.graded]
        if positions and graded:
            report = compute_gaps(bundle, positions, Target(target.id, target.label, target.kind, tuple(graded)))
            has_gap = report.total_gap > 0
    route = bool(target and (target.occupations or target.id.split(":")[0] in ("rae", "rsfp")))
    if not route:
        route = any(e.job.split(":")[0] in ("rae", "rsfp") for e in profile.experience)
    return Facts(
        status=person.status, goal=person.goal, writing=person.writing, networks=tuple(person.networks),
        network_peers=person.network_peers, age=person.age, months=months, months_outside_pec=outside,
        months_in_pec=inside, in_pec=any(e.in_pec for e in matched) or (person.status == "pec" and inside > 0),
        has_target=target is not None, target_label=target.label if target else None,
        target_vae_open=vae_open, target_has_referential_route=route, bloc_coverage=coverage, has_gap=has_gap,
    )


def holds(cond: Condition, facts: Facts) -> bool:
    """True when every field set in ``cond`` holds for ``facts`` (unknown facts never hold)."""
    checks = []
    if cond.status_in is not None:
        checks.append(facts.status in cond.status_in)
    if cond.goal_in is not None:
        checks.append(facts.goal in cond.goal_in)
    if cond.writing_in is not None:
        checks.append(facts.writing in cond.writing_in)
    if cond.network_in is not None:
        checks.append(bool(set(facts.networks) & set(cond.network_in)))
    if cond.min_network_peers is not None:
        checks.append(facts.network_peers is not None and facts.network_peers >= cond.min_network_peers)
    if cond.min_months is not None:
        checks.append(facts.months >= cond.min_months)
    if cond.min_months_outside_pec is not None:
        checks.append(facts.months_outside_pec >= cond.min_months_outside_pec)
    if cond.min_months_in_pec is not None:
        checks.append(facts.months_in_pec >= cond.min_months_in_pec)
    if cond.in_pec is not None:
        checks.append(facts.in_pec == cond.in_pec)
    if cond.has_target is not None:
        checks.append(facts.has_target == cond.has_target)
    if cond.target_vae_open is not None:
        checks.append(facts.target_vae_open is not None and facts.target_vae_open == cond.target_vae_open)
    if cond.target_has_referential_route is not None:
        checks.append(facts.target_has_referential_route == cond.target_has_referential_route)
    if cond.min_bloc_coverage is not None:
        checks.append(facts.bloc_coverage is not None and facts.bloc_coverage >= cond.min_bloc_coverage)
    if cond.has_gap is not None:
        checks.append(facts.has_gap is not None and facts.has_gap == cond.has_gap)
    if cond.min_age is not None:
        checks.append(facts.age is None or facts.age >= cond.min_age)  # age is optional: do not exclude
    if cond.max_age is not None:
        checks.append(facts.age is not None and facts.age <= cond.max_age)
    if cond.any_of is not None:
        checks.append(any(holds(c, facts) for c in cond.any_of))
    if cond.none_of is not None:
        checks.append(not any(holds(c, facts) for c in cond.none_of))
    return all(checks)


def _in_force(obj: Modality | Rule, as_of: dt.date) -> bool:
    return (obj.valid_from is None or obj.valid_from <= as_of) and (obj.valid_until is None or as_of <= obj.valid_until)


def _fill(text: str, facts: Facts) -> str:
    values = {
        "months": facts.months, "months_outside_pec": facts.months_outside_pec, "months_in_pec": facts.months_in_pec,
        "pec_same_job": " et vous êtes recruté en PEC sur ce même métier" if facts.in_pec else "",
        "coverage": f"{round((facts.bloc_coverage or 0) * 100)} %", "target": facts.target_label or "votre objectif",
    }
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def _source_text(rule: Rule) -> str:
    return f"{rule.source.title} — {rule.source.url}" if rule.source.url else rule.source.title


@dataclass
class Recommendation:
    modality: str
    label: str
    eligible: bool
    score: float
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    duration_months: float = 0.0
    certifying: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def _evaluate(modality: Modality, facts: Facts, as_of: dt.date) -> Recommendation:
    rec = Recommendation(modality.id, modality.label, True, 0.0, duration_months=modality.duration_months,
                         certifying=modality.certifying)
    if not _in_force(modality, as_of):
        rec.eligible = False
        when = modality.valid_until.strftime("%d/%m/%Y") if modality.valid_until and as_of > modality.valid_until \
            else (modality.valid_from.strftime("%d/%m/%Y") if modality.valid_from else "")
        rec.missing.append(f"Ce dispositif n'est pas ouvert à cette date (fermé depuis le {when})."
                           if modality.valid_until and as_of > modality.valid_until
                           else f"Ce dispositif n'est ouvert qu'à partir du {when}.")
    balance = 0.0
    for rule in modality.rules:
        if not _in_force(rule, as_of) or (rule.applies_if is not None and not holds(rule.applies_if, facts)):
            continue
        ok = holds(rule.when, facts)
        if rule.effect == "require":
            if ok:
                rec.reasons.append(_fill(rule.reason, facts))
            else:
                rec.eligible = False
                rec.missing.append(_fill(rule.missing or rule.reason, facts))
            rec.sources.append(_source_text(rule))
        elif ok:
            balance += rule.weight if rule.effect == "favour" else -rule.weight
            prefix = "" if rule.effect == "favour" else "À noter : "
            rec.reasons.append(prefix + _fill(rule.reason, facts))
            rec.sources.append(_source_text(rule))
    score = min(1.0, max(0.0, 0.5 + balance / 10))
    rec.score = round(score if rec.eligible else score * 0.3, 2)
    rec.reasons = [r for r in rec.reasons if r]
    rec.sources = list(dict.fromkeys(rec.sources))
    return rec


def recommend_modalities(bundle: Bundle, profile: Profile, as_of: dt.date | None = None) -> list[Recommendation]:
    """All modalities, best first: eligible ones by score (then shorter first), then the others."""
    as_of = as_of or dt.date.today()
    target = None
    if profile.target is not None:
        try:
            target = resolve_target(bundle, profile.target)
        except TargetError:
            target = None
    facts = gather_facts(bundle, profile, target)
    recs = [_evaluate(item.model, facts, as_of) for item in bundle.of_kind("modality")]
    recs.sort(key=lambda r: (not r.eligible, -r.score, r.duration_months, r.modality))
    return recs
