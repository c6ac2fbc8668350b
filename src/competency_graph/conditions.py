"""The typed registry of condition kinds the modality rules may use, and the facts they read.

A rule's condition in ``referentials/modalities/*.yaml`` is a mapping ``{kind: value, ...}``; every kind is
registered here with :func:`condition`, with the type of its value and the test it makes. The referential
model (``model.Condition``) is built from this registry, so a misspelt kind or a value outside its vocabulary
is a located load error (``modalities.yaml:42:7: error [unknown-field]``), never a condition that silently
never holds. Unknown facts (None) never satisfy a condition, unless the kind says otherwise.

Examples
--------
>>> sorted(REGISTRY)[:3]
['branch_cqp_for_target', 'date_until', 'goal_in']
>>> REGISTRY["min_months"].test(Facts(months=12), 12)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Facts", "ConditionKind", "REGISTRY", "COMPOSITES", "condition", "holds", "STATUSES", "GOALS",
           "WRITING", "NETWORKS", "PEC_SITUATIONS"]

STATUSES = ("esat", "ea", "ime", "itep", "impro", "siae", "pec", "job_seeker", "employee", "volunteer", "caregiver")
GOALS = ("certification", "recognition", "employment", "training")
WRITING = ("none", "limited", "fluent")
NETWORKS = ("rae", "rsfp", "clea", "afest", "open-badge")
#: current: in a PEC contract; ended_without_solution: PEC over and no work contract since ("sortant sans
#: solution", seed 000); ended_with_solution: PEC over and working again; none: never in PEC
PEC_SITUATIONS = ("current", "ended_without_solution", "ended_with_solution", "none")
COMPOSITES = ("any_of", "all_of", "none_of")

Status = Literal["esat", "ea", "ime", "itep", "impro", "siae", "pec", "job_seeker", "employee", "volunteer",
                 "caregiver"]
Goal = Literal["certification", "recognition", "employment", "training"]
Writing = Literal["none", "limited", "fluent"]
Network = Literal["rae", "rsfp", "clea", "afest", "open-badge"]
PecSituation = Literal["current", "ended_without_solution", "ended_with_solution", "none"]


@dataclass(frozen=True)
class Facts:
    """What the rules can ask about a person on one date (None: unknown)."""

    as_of: dt.date = dt.date(2024, 1, 1)
    status: str = "employee"
    goal: str = "recognition"
    writing: str = "limited"
    age: int | None = None
    networks: tuple[str, ...] = ()
    rae_trained_staff: int | None = None
    rsfp_field: str | None = None
    rsfp_structures: int | None = None
    months: int = 0
    """Months of experience related to the target (any contract, PEC included; all experience without target)."""
    months_outside_pec: int = 0
    months_in_pec: int = 0
    pec_same_job: bool = False
    """Recruited in PEC on a job related to the target (seed 000)."""
    pec_situation: str = "none"
    pec_enrolled_on: dt.date | None = None
    has_workplace: bool = False
    placement_planned: bool | None = None
    has_target: bool = False
    target_label: str | None = None
    target_vae_open: bool | None = None
    target_registered: bool | None = None
    target_end: dt.date | None = None
    target_successors: tuple[str, ...] = ()
    target_is_cqp: bool = False
    branch_cqp_for_target: bool = False
    rae_trade_fits: bool = False
    rsfp_job_fits: bool = False
    target_level: int | None = None
    target_fully_held: bool = False
    bloc_coverage: float | None = None
    has_gap: bool | None = None
    held: tuple[str, ...] = field(default=())
    """Certifications and blocs held on that date (ids)."""

    @property
    def target_has_referential_route(self) -> bool:
        return self.rae_trade_fits or self.rsfp_job_fits


@dataclass(frozen=True)
class ConditionKind:
    name: str
    value_type: Any
    test: Callable[[Facts, Any], bool]
    doc: str


REGISTRY: dict[str, ConditionKind] = {}


def condition(name: str, value_type: Any) -> Callable[[Callable[[Facts, Any], bool]], Callable[[Facts, Any], bool]]:
    """Register a condition kind ``name`` whose YAML value has type ``value_type``."""
    def register(test: Callable[[Facts, Any], bool]) -> Callable[[Facts, Any], bool]:
        if name in REGISTRY or name in COMPOSITES:
            raise ValueError(f"condition kind registered twice: {name}")
        REGISTRY[name] = ConditionKind(name, value_type, test, (test.__doc__ or "").strip())
        return test
    return register


def holds(cond: Any, facts: Facts) -> bool:
    """True when every kind set in ``cond`` (a ``model.Condition`` or a plain mapping) holds for ``facts``."""
    values = cond if isinstance(cond, dict) else {k: getattr(cond, k) for k in type(cond).model_fields}
    for name, value in values.items():
        if value is None:
            continue
        if name == "any_of":
            ok = any(holds(c, facts) for c in value)
        elif name == "all_of":
            ok = all(holds(c, facts) for c in value)
        elif name == "none_of":
            ok = not any(holds(c, facts) for c in value)
        else:
            ok = REGISTRY[name].test(facts, value)
        if not ok:
            return False
    return True


# -- the person ------------------------------------------------------------------------------------------

@condition("status_in", list[Status])
def _status_in(f: Facts, v: list[str]) -> bool:
    """The person's status is one of these."""
    return f.status in v


@condition("goal_in", list[Goal])
def _goal_in(f: Facts, v: list[str]) -> bool:
    """The person's goal is one of these."""
    return f.goal in v


@condition("writing_in", list[Writing])
def _writing_in(f: Facts, v: list[str]) -> bool:
    """The person's writing ability is one of these."""
    return f.writing in v


@condition("min_age", int)
def _min_age(f: Facts, v: int) -> bool:
    """At least this age (an unknown age does not exclude)."""
    return f.age is None or f.age >= v


@condition("max_age", int)
def _max_age(f: Facts, v: int) -> bool:
    """At most this age (unknown: does not hold)."""
    return f.age is not None and f.age <= v


@condition("has_workplace", bool)
def _has_workplace(f: Facts, v: bool) -> bool:
    """A work situation on that date: a running contract or placement, or a worker's status (ESAT, EA, SIAE,
    PEC, employee) when no contract is recorded."""
    return f.has_workplace == v


@condition("placement_planned", bool)
def _placement(f: Facts, v: bool) -> bool:
    """A company placement is planned (RAE "je COMPARE et j'ADAPTE": 6 weeks)."""
    return f.placement_planned is not None and bool(f.placement_planned) == v


# -- experience and PEC ----------------------------------------------------------------------------------

@condition("min_months", int)
def _min_months(f: Facts, v: int) -> bool:
    """Months of experience related to the target, any contract (PEC included)."""
    return f.months >= v


@condition("min_months_outside_pec", int)
def _min_months_outside_pec(f: Facts, v: int) -> bool:
    """Months of experience related to the target outside PEC (Compétences PEC VAE track, seed 000)."""
    return f.months_outside_pec >= v


@condition("pec_same_job", bool)
def _pec_same_job(f: Facts, v: bool) -> bool:
    """Recruited in PEC on a job related to the target."""
    return f.pec_same_job == v


@condition("pec_situation_in", list[PecSituation])
def _pec_situation(f: Facts, v: list[str]) -> bool:
    """current, ended_without_solution, ended_with_solution, none."""
    return f.pec_situation in v


@condition("pec_enrolled_by", dt.date)
def _pec_enrolled_by(f: Facts, v: dt.date) -> bool:
    """Enrolled in Compétences PEC on or before this date."""
    return f.pec_enrolled_on is not None and f.pec_enrolled_on <= v


# -- the structure ---------------------------------------------------------------------------------------

@condition("network_in", list[Network])
def _network_in(f: Facts, v: list[str]) -> bool:
    """The person's structure belongs to one of these networks."""
    return bool(set(f.networks) & set(v))


@condition("trained_staff_known", bool)
def _trained_staff_known(f: Facts, v: bool) -> bool:
    """The number of staff trained to the RAE is recorded."""
    return (f.rae_trained_staff is not None) == v


@condition("min_trained_staff", int)
def _min_trained_staff(f: Facts, v: int) -> bool:
    """At least this many staff of the structure trained to the RAE (unknown: does not hold)."""
    return f.rae_trained_staff is not None and f.rae_trained_staff >= v


@condition("min_rsfp_structures", int)
def _min_rsfp_structures(f: Facts, v: int) -> bool:
    """Structures of the same field engaged in the RSFP, the person's own included (unknown: does not hold)."""
    return f.rsfp_structures is not None and f.rsfp_structures >= v


@condition("branch_cqp_for_target", bool)
def _branch_cqp(f: Facts, v: bool) -> bool:
    """A branch agreement of the structure opens a CQP matching the target."""
    return f.branch_cqp_for_target == v


# -- the target ------------------------------------------------------------------------------------------

@condition("has_target", bool)
def _has_target(f: Facts, v: bool) -> bool:
    """The person has a target (trade, job, certification, training)."""
    return f.has_target == v


@condition("target_vae_open", bool)
def _target_vae_open(f: Facts, v: bool) -> bool:
    """A certification of the target is open to VAE (RNCP ``SI_JURY_VAE``)."""
    return f.target_vae_open is not None and f.target_vae_open == v


@condition("target_registered", bool)
def _target_registered(f: Facts, v: bool) -> bool:
    """The target certification's RNCP registration is in force on that date (``DATE_FIN_ENREGISTREMENT``)."""
    return f.target_registered is not None and f.target_registered == v


@condition("target_is_cqp", bool)
def _target_is_cqp(f: Facts, v: bool) -> bool:
    """The target is a CQP (certificat de qualification professionnelle) of a branch."""
    return f.target_is_cqp == v


@condition("rae_trade_fits", bool)
def _rae_fits(f: Facts, v: bool) -> bool:
    """An RAE trade covers the target (the trade itself, or of its field / bridging to it)."""
    return f.rae_trade_fits == v


@condition("rsfp_job_fits", bool)
def _rsfp_fits(f: Facts, v: bool) -> bool:
    """An RSFP job covers the target."""
    return f.rsfp_job_fits == v


@condition("target_has_referential_route", bool)
def _route(f: Facts, v: bool) -> bool:
    """An RAE trade or an RSFP job covers the target."""
    return (f.rae_trade_fits or f.rsfp_job_fits) == v


@condition("max_target_level", int)
def _max_target_level(f: Facts, v: int) -> bool:
    """The target certification's level is at most this (3 = CAP)."""
    return f.target_level is not None and f.target_level <= v


@condition("target_fully_held", bool)
def _target_held(f: Facts, v: bool) -> bool:
    """Every bloc of the target certification is already held."""
    return f.target_fully_held == v


@condition("min_bloc_coverage", float)
def _min_bloc_coverage(f: Facts, v: float) -> bool:
    """Share of the target's blocs covered by acquired competencies (0–1)."""
    return f.bloc_coverage is not None and f.bloc_coverage >= v


@condition("has_gap", bool)
def _has_gap(f: Facts, v: bool) -> bool:
    """At least one required competency of the target is below its level (unknown: does not hold)."""
    return f.has_gap is not None and f.has_gap == v


@condition("holds_any", list[str])
def _holds_any(f: Facts, v: list[str]) -> bool:
    """The person holds one of these certifications, blocs or attestations (ids; ``rae:*`` any RAE one)."""
    return any(h in v or any(p.endswith(":*") and h.startswith(p[:-1]) for p in v) for h in f.held)


@condition("date_until", dt.date)
def _date_until(f: Facts, v: dt.date) -> bool:
    """The date asked is on or before this day (e.g. entries into a scheme that closed)."""
    return f.as_of <= v
