"""A stored person seen by the analysis engine: their profile, their trade and their RECTEC map.

Reading a stored person goes through the access guard (:func:`.accounts.guard_for`): checked and logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..analysis.profile import AGE_MAX, AGE_MIN, Profile
from ..analysis.targets import TargetError, related_occupations, resolve_target
from ..bundle import Bundle, Item
from ..store import PersonRecord, PositionView
from ..store import facts as store_facts
from .accounts import Identity, guard_for
from .context import Context
from .profiles import contracts_of, held_of, structure_facts

__all__ = ["MapRow", "person_profile", "profile_from_record", "profile_from_values", "rectec_competencies", "candidate_map",
           "candidate_trades", "usable_target", "RECTEC"]

RECTEC = "rectec"
_ANALYSIS_NETWORKS = {"rae": "rae", "rae-rectec": "rae", "rsfp": "rsfp", "clea": "clea", "afest": "afest",
                      "open-badge": "open-badge"}


def usable_target(bundle: Bundle, target: str | None) -> str | None:
    """``target`` when the engine can resolve it, else None (e.g. a trade missing from the referentials)."""
    if not target:
        return None
    try:
        resolve_target(bundle, target)
    except TargetError:
        return None
    return target


def _facts_data(facts: store_facts.PersonFacts | None, structure: store_facts.StructureFacts | None) -> dict:
    data: dict = {}
    if structure is not None:
        data["structure"] = structure_facts(structure, with_id=True)
    if facts is not None:
        data["contracts"], data["held"] = contracts_of(facts), held_of(facts)
    return data


def profile_from_record(bundle: Bundle, person: PersonRecord, view: PositionView, *,
                        today: dt.date | None = None, facts: store_facts.PersonFacts | None = None,
                        structure: store_facts.StructureFacts | None = None) -> Profile:
    """The analysis profile of a stored person: self and accompanist positions side by side, never merged;
    with their dated contracts, certifications held and their structure's networks when given."""
    pairs = {}
    for item_id, item in view.items.items():
        own, co = item.self_, item.accompanist
        pairs[item_id] = (own.value if own else None, co.value if co else None)
    return profile_from_values(bundle, person, pairs, today=today, facts=facts, structure=structure)


def profile_from_values(bundle: Bundle, person: PersonRecord,
                        pairs: Mapping[str, tuple[int | str | None, int | str | None]], *, today: dt.date | None = None, facts: store_facts.PersonFacts | None = None,
                        structure: store_facts.StructureFacts | None = None, target_checked: bool = False) -> Profile:
    """:func:`profile_from_record` from the latest values instead of a view: item → (self, accompanist).
    ``target_checked``: ``person.target`` is already :func:`usable_target`'s answer (not resolved again)."""
    year = (today or dt.date.today()).year
    positions = []
    for item_id in sorted(pairs):
        if item_id not in bundle.items:
            continue
        own, co = pairs[item_id]
        if own is None and co is None:
            continue
        positions.append({"item": item_id, "self": own, "co": co})
    age = year - person.birth_year if person.birth_year else None
    data = {
        "person": {
            "id": person.id, "status": person.status,
            "age": age if age is None or AGE_MIN <= age <= AGE_MAX else None,
            "writing": person.writing or "limited", "goal": person.goal or "recognition",
            "networks": sorted({_ANALYSIS_NETWORKS[n] for n in person.networks if n in _ANALYSIS_NETWORKS}),
            "structure": person.structure_id,
            "pec_enrolled_on": facts.pec_enrolled_on if facts else None,
            "placement_planned": facts.placement_planned if facts else None,
        },
        "experience": [{"job": e.job, "months": e.months, "in_pec": e.in_pec, "current": e.current}
                       for e in person.experience],
        "target": person.target if target_checked else usable_target(bundle, person.target),
        "positions": positions,
        **_facts_data(facts, structure),
    }
    return Profile.model_validate(data)


def person_profile(ctx: Context, person_id: str, as_of: dt.date | None = None, *,
                   identity: Identity | None = None) -> Profile:
    """The profile of ``person_id`` as the engine reads it, from the positions known on ``as_of`` (None: now);
    read as ``identity`` (default: ``ctx.actor``, the signed-in user of the run)."""
    def read() -> tuple:
        person = ctx.repo.get_person(person_id)
        return (person, ctx.repo.current_view(person_id, as_of=as_of), *store_facts.rule_facts(ctx.repo, person_id))
    person, view, facts, structure = guard_for(ctx, identity).reading(person_id, "profile", read)
    return profile_from_record(ctx.bundle, person, view, facts=facts, structure=structure)


def rectec_competencies(bundle: Bundle) -> list[Item]:
    """The 12 RECTEC competencies in their official order."""
    items = bundle.of_kind("competency", RECTEC)
    return sorted(items, key=lambda i: (i.model.order or 99, i.id))


@dataclass(frozen=True)
class MapRow:
    """One competency of the candidate's map."""

    item_id: str
    number: int
    label: str
    pole_id: str
    pole_label: str
    color: str
    self_level: int | None
    co_level: int | None

    @property
    def divergent(self) -> bool:
        return self.self_level is not None and self.co_level is not None and self.self_level != self.co_level


def candidate_map(ctx: Context, person_id: str, as_of: dt.date | None = None, *,
                  identity: Identity | None = None) -> list[MapRow]:
    """The person's 12 RECTEC competencies: their own circle and the accompanist's, with the pole colour."""
    view = guard_for(ctx, identity).current_view(person_id, as_of=as_of)
    rows = []
    for index, item in enumerate(rectec_competencies(ctx.bundle), 1):
        pole = ctx.bundle.items.get(item.parent or "")
        entry = view.items.get(item.id)
        own = entry.self_ if entry else None
        co = entry.accompanist if entry else None
        rows.append(MapRow(
            item.id, item.model.order or index, item.label, pole.id if pole else "",
            pole.label if pole else "", (pole.model.color if pole else None) or "#777777",
            own.level if own else None, co.level if co else None,
        ))
    return rows


def candidate_trades(bundle: Bundle, person: PersonRecord) -> list[str]:
    """RAE trades / RSFP jobs whose activities the person positions on: their target, their current job,
    then trades related to them (RAE first)."""
    found: list[str] = []

    def add(item_id: str | None) -> None:
        item = bundle.items.get(item_id or "")
        if item is not None and item.kind in ("trade", "job") and item_id not in found \
                and bundle.children(item.id):
            found.append(item.id)

    add(person.target)
    jobs = [e.job for e in sorted(person.experience, key=lambda e: (not e.current, -e.months))]
    for job in jobs:
        add(job)
    for source in [person.target, *jobs]:
        if source:
            for occupation in sorted(related_occupations(bundle, source), key=lambda o: not o.startswith("rae:")):
                add(occupation)
    return found
