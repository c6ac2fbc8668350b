"""Rank the recognition modalities for a person, as of a date, with reasons in plain French and their sources.

The rules are data (``referentials/modalities/*.yaml``), their condition kinds a typed registry
(:mod:`.conditions`); this module interprets them. A rule applies on a date within its ``valid_from`` /
``valid_until``. ``require`` rules decide eligibility (and say what is missing), ``note`` rules add a reason,
``serve`` / ``tier`` rules place the modality, ``favour`` / ``disfavour`` move a score used last.

Ranking (docs/recommendation.md): eligible first; then the modalities that serve the person's goal; then
routes toward the person's target (tier ≥ 3) before generic steps; among them, those the person can do
without writing when writing is hard for them first; then the rank group (tier 5: a recognition of the
target, ready; 4: consolidating before a jury; 3: a recognition of the target with gaps, or an
accompaniment toward it; 2: training toward the target; 1: a generic first step; 0: the rest); then value (certification > bloc > attestation >
training > accompaniment > badge); then the score. An open badge comes first only when no referential route
fits. An ineligible modality says when it will become eligible if the facts on record get it there within
three years ("VAE possible à partir du 15/09/2022").

A worker of an ESAT of the "Différent et Compétent" network, aiming at recognition of a trade, on the shipped
modalities and their rules:

>>> import datetime as dt
>>> from competency_graph.analysis.profile import parse_profile
>>> from competency_graph.examples import shipped_bundle
>>> profile = parse_profile('''
... person: {id: p1, status: esat, age: 34, writing: limited, goal: recognition}
... structure: {kind: esat, networks: [{network: rae, trained_staff: 2}]}
... target: rae:agent-de-restauration
... ''')
>>> advice = recommend_modalities(shipped_bundle(), profile, as_of=dt.date(2026, 1, 15))
>>> [(a.modality, a.eligible) for a in advice[:2]]
[('modality:rae', True), ('modality:open-badge', True)]
>>> advice[0].reasons[1]
'Votre structure fait partie du réseau Différent et Compétent.'
>>> fr_date(dt.date(2022, 9, 15))
'15/09/2022'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ..bundle import Bundle
from ..conditions import Facts, holds
from ..model import Modality, Rule, Source
from .facts import TargetFacts, add_months, target_facts
from .facts import gather_facts as _gather
from .profile import Profile
from .targets import Target, TargetError, resolve_target

__all__ = [
    "HORIZON_MONTHS",
    "VALUE_RANK",
    "Recommendation",
    "evaluate",
    "fr_date",
    "gather_facts",
    "provenance_notes",
    "rank_key",
    "recommend_modalities",
    "resolve_profile_target",
]

VALUE_RANK = {"certification": 5, "bloc": 4, "attestation": 3, "training": 2, "accompaniment": 1, "badge": 0}
#: tiers from this one up are routes toward the person's target (feasibility only reorders among them)
TARGET_TIER = 3
#: how far ahead an ineligible modality is tried again, month by month, to say when it opens
HORIZON_MONTHS = 36


def fr_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _in_force(obj: Modality | Rule, as_of: dt.date) -> bool:
    return (obj.valid_from is None or obj.valid_from <= as_of) and (obj.valid_until is None or as_of <= obj.valid_until)


def _fill(text: str, facts: Facts, bundle: Bundle | None = None) -> str:
    successors = ", ".join(f"« {bundle.label(s) if bundle else s} » ({s})" for s in facts.target_successors)
    values = {
        "months": facts.months, "months_outside_pec": facts.months_outside_pec, "months_in_pec": facts.months_in_pec,
        "pec_same_job": " et vous êtes recruté en PEC sur ce même métier" if facts.pec_same_job else "",
        "coverage": f"{round((facts.bloc_coverage or 0) * 100)} %", "target": facts.target_label or "votre objectif",
        "target_end": fr_date(facts.target_end),
        "successor": (f"la certification qui lui succède : {successors}" if successors
                      else "aucune certification qui lui succède n'est connue"),
        "pec_enrolled_on": fr_date(facts.pec_enrolled_on), "rsfp_field": facts.rsfp_field or "votre domaine",
        "rsfp_structures": facts.rsfp_structures if facts.rsfp_structures is not None else "?",
        "trained_staff": facts.rae_trained_staff if facts.rae_trained_staff is not None else "?",
        "as_of": fr_date(facts.as_of),
    }
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def _source_text(source: Source) -> str:
    return f"{source.title} — {source.url}" if source.url else source.title


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
    value: str = "attestation"
    tier: int = 1
    goal_fit: bool = False
    feasible: bool = True
    variant: str | None = None
    variant_label: str | None = None
    eligible_from: dt.date | None = None
    """For an ineligible modality: the first date it becomes eligible on the facts on record (None: not
    within three years); for an eligible one: the date asked."""
    provenance: list[str] = field(default_factory=list)
    duration_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["eligible_from"] = self.eligible_from.isoformat() if self.eligible_from else None
        return data


def provenance_notes(bundle: Bundle, target: Target | None, modality: Modality) -> list[str]:
    """Where the advice rests on unverified or reconstructed data, or an unsourced duration."""
    notes: list[str] = []
    if target is not None:
        certs = [bundle.items[c] for c in target.certifications if c in bundle.items]
        if modality.id in ("modality:vae", "modality:formation", "modality:cqp") and any(
                not c.model.verified or c.provenance == "reconstructed" for c in certs):
            notes.append("Les données RNCP de la certification visée ne sont pas vérifiées (numéro ou blocs "
                         "reconstitués) : à contrôler sur la fiche officielle.")
        occupations = [bundle.items[o] for o in (target.id, *target.occupations) if o in bundle.items
                       and bundle.items[o].kind in ("trade", "job")]
        if modality.id in ("modality:rae", "modality:rsfp") and any(
                o.provenance in ("reconstructed", "provisional") for o in occupations):
            notes.append("Les attendus du métier visé sont reconstitués (référentiel officiel non public).")
    if modality.duration_source is None:
        notes.append("Durée indicative, sans source.")
    return notes


def evaluate(modality: Modality, facts: Facts, bundle: Bundle | None = None) -> Recommendation:
    """One modality on the facts of one date: eligibility, reasons, what is missing, sources, rank fields."""
    as_of = facts.as_of
    rec = Recommendation(modality.id, modality.label, True, 0.0, duration_months=modality.duration_months,
                         certifying=modality.certifying, value=modality.value, tier=modality.tier,
                         goal_fit=facts.goal in modality.serves,
                         duration_source=_source_text(modality.duration_source) if modality.duration_source else None)
    if not _in_force(modality, as_of):
        rec.eligible = False
        if modality.valid_until and as_of > modality.valid_until:
            rec.missing.append(f"Ce dispositif est fermé depuis le {fr_date(modality.valid_until)}.")
        else:
            rec.missing.append(f"Ce dispositif n'ouvre que le {fr_date(modality.valid_from)}.")
    balance = 0.0
    tiers: list[int] = []
    for rule in modality.rules:
        if not _in_force(rule, as_of) or (rule.applies_if is not None and not holds(rule.applies_if, facts)):
            continue
        ok = holds(rule.when, facts)
        if rule.effect == "require":
            if ok:
                rec.reasons.append(_fill(rule.reason, facts, bundle))
            else:
                rec.eligible = False
                rec.missing.append(_fill(rule.missing or rule.reason, facts, bundle))
            rec.sources.append(_source_text(rule.source))
        elif not ok:
            continue
        elif rule.effect == "serve":
            rec.goal_fit = rec.goal_fit or facts.goal in rule.goals
        elif rule.effect == "tier":
            tiers.append(rule.tier or 0)
        else:
            if rule.effect in ("favour", "disfavour"):
                balance += rule.weight if rule.effect == "favour" else -rule.weight
            prefix = "À noter : " if rule.effect == "disfavour" else ""
            rec.reasons.append(prefix + _fill(rule.reason, facts, bundle))
            rec.sources.append(_source_text(rule.source))
    if tiers:
        rec.tier = max(tiers)
    rec.feasible = not (modality.writing_required and facts.writing in ("none", "limited"))
    if rec.eligible:
        for variant in modality.variants:
            if holds(variant.when, facts):
                rec.variant, rec.variant_label = variant.id, variant.label
                rec.reasons.append(_fill(variant.reason, facts, bundle))
                rec.sources.append(_source_text(variant.source))
                break
    score = min(1.0, max(0.0, 0.5 + balance / 10))
    rec.score = round(score if rec.eligible else score * 0.3, 2)
    rec.reasons = [r for r in rec.reasons if r]
    rec.missing = list(dict.fromkeys(m for m in rec.missing if m))
    rec.sources = list(dict.fromkeys(rec.sources))
    rec.eligible_from = as_of if rec.eligible else None
    return rec


def gather_facts(bundle: Bundle, profile: Profile, target: Target | None, as_of: dt.date | None = None) -> Facts:
    """The facts the rules read about ``profile`` on ``as_of`` (default: today), toward ``target``."""
    return _gather(bundle, profile, target_facts(bundle, profile, target), as_of or dt.date.today())


def rank_key(rec: Recommendation) -> tuple[Any, ...]:
    return (not rec.eligible, not rec.goal_fit, rec.tier < TARGET_TIER, not rec.feasible, -rec.tier,
            -VALUE_RANK.get(rec.value, 0), -rec.score, rec.duration_months, rec.modality)


def resolve_profile_target(bundle: Bundle, profile: Profile) -> Target | None:
    if profile.target is None:
        return None
    try:
        return resolve_target(bundle, profile.target)
    except TargetError:
        return None


def _first_eligible(bundle: Bundle, profile: Profile, tfacts: TargetFacts, modality: Modality, as_of: dt.date,
                    extra_held: frozenset[str], consolidated: bool) -> dt.date | None:
    """The first day after ``as_of`` the modality is eligible on the facts on record (month by month, then
    day by day within the month found), or None within the horizon."""
    def ok(day: dt.date) -> bool:
        return evaluate(modality, _gather(bundle, profile, tfacts, day, extra_held, consolidated)).eligible

    previous = as_of
    for step in range(1, HORIZON_MONTHS + 1):
        day = add_months(as_of, step)
        if ok(day):
            low, high = previous, day  # not eligible on low, eligible on high
            while (high - low).days > 1:
                middle = low + (high - low) // 2
                low, high = (low, middle) if ok(middle) else (middle, high)
            return high
        previous = day
    return None


def recommend_modalities(bundle: Bundle, profile: Profile, as_of: dt.date | None = None, *,
                         extra_held: frozenset[str] = frozenset(), consolidated: bool = False,
                         when_ineligible: bool = True) -> list[Recommendation]:
    """All modalities, best first (see the module docstring), with reasons, missing conditions, sources,
    provenance notes, and for ineligible ones the date they open when it is within three years."""
    as_of = as_of or dt.date.today()
    target = resolve_profile_target(bundle, profile)
    tfacts = target_facts(bundle, profile, target)
    facts = _gather(bundle, profile, tfacts, as_of, extra_held, consolidated)
    recs = []
    for item in bundle.of_kind("modality"):
        rec = evaluate(item.model, facts, bundle)
        rec.provenance = provenance_notes(bundle, target, item.model)
        if not rec.eligible and when_ineligible:
            rec.eligible_from = _first_eligible(bundle, profile, tfacts, item.model, as_of, extra_held, consolidated)
            if rec.eligible_from is not None:
                rec.missing.append(f"{_short(rec.label)} possible à partir du {fr_date(rec.eligible_from)} "
                                   "si la situation enregistrée se poursuit.")
        recs.append(rec)
    recs.sort(key=rank_key)
    return recs


def _short(label: str) -> str:
    """'Validation des acquis de l'expérience (VAE)' -> 'VAE'."""
    if label.endswith(")") and "(" in label:
        inner = label[label.rindex("(") + 1:-1]
        return inner.split(",")[0].strip()
    return label
