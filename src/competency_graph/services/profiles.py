"""Profile files in and out of the record: export a stored person as a :class:`Profile`, import one.

The file format (parse, dump) lives in :mod:`competency_graph.store.profiles`; this module decides what an
import does to the record (create or update the person, add the facts not yet there, append only the
positions that changed), in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..store import Repository
from ..store import facts as store_facts
from ..store.facts import PersonFacts, StructureFacts
from ..store.people import require_in_structure
from ..store.positions import PositionView, build_view
from ..store.profile_facts import ProfileContract, ProfileHeld, structure_data
from ..store.profiles import ROLE_KEYS, Profile, ProfilePerson, ProfilePosition
from ..store.records import PersonRecord, PositioningInput

__all__ = ["export_profile", "import_profile", "profile_from_records", "apply_profile", "apply_facts"]


def export_profile(repo: Repository, person_id: str, *, as_of: dt.datetime | dt.date | None = None) -> Profile:
    """The person's profile and positions as a :class:`Profile` (YAML format of ``recommend``)."""
    def read(_s: Any) -> Profile:
        person = repo.get_person(person_id)
        view = build_view(person_id, repo.history(person_id, as_of=as_of), as_of)
        return profile_from_records(person, view, facts=store_facts.person_facts(repo, person_id),
                                    structure=store_facts.structure_facts(repo, person.structure_id))

    return repo.read(read)


def import_profile(repo: Repository, profile: Profile, structure_id: str, *, display_name: str | None = None,
                   author_id: str | None = None, at: dt.datetime | None = None) -> PersonRecord:
    """Create or update the person of a :class:`Profile` in ``structure_id`` and append its positions as events
    (self, and accompanist for ``co``), skipping values already current; all or nothing."""
    return repo.transaction(lambda r: apply_profile(r, profile, structure_id, display_name=display_name,
                                                    author_id=author_id, at=at))


def profile_from_records(person: PersonRecord, view: PositionView, *, today: dt.date | None = None,
                         facts: PersonFacts | None = None, structure: StructureFacts | None = None) -> Profile:
    """The profile of a stored person and their current positions (self and accompanist side by side), with
    their facts (contracts, certifications held) and their structure's networks when given."""
    year = (today or dt.date.today()).year
    positions = tuple(
        ProfilePosition(item, {key: event.value for key, role in ROLE_KEYS.items()
                               if (event := view.items[item].get(role)) is not None})
        for item in sorted(view.items)
    )
    return Profile(
        person=ProfilePerson(
            id=person.id, status=person.status, age=(year - person.birth_year) if person.birth_year else None,
            writing=person.writing, networks=person.networks or None, goal=person.goal,
            pec_enrolled_on=facts.pec_enrolled_on if facts else None,
            placement_planned=facts.placement_planned if facts else None,
        ),
        experience=person.experience,
        target=person.target,
        positions=positions,
        extra={"structure": structure_data(structure)} if structure is not None else {},
        contracts=tuple(ProfileContract(c.kind, c.start_date, c.end_date, c.job) for c in facts.contracts) or None
        if facts else None,
        held=tuple(ProfileHeld(h.certification, h.outcome, h.awarded_on, h.blocs, h.jury, h.modality)
                   for h in facts.held) or None if facts else None,
    )


def apply_profile(repo: Repository, profile: Profile, structure_id: str, *, display_name: str | None = None,
                  author_id: str | None = None, at: dt.datetime | None = None) -> PersonRecord:
    """Create or update the profile's person and append its positions (call inside ``repo.transaction``)."""
    p = profile.person
    birth_year = dt.date.today().year - p.age if p.age is not None else None
    fields: dict[str, Any] = {"status": p.status, "writing": p.writing, "goal": p.goal, "target": profile.target,
                              "networks": list(p.networks) if p.networks is not None else None}
    if birth_year is not None:
        fields["birth_year"] = birth_year
    existing = repo.find_person(p.id)
    if existing is None:
        repo.create_person(structure_id, display_name or p.name or p.id, person_id=p.id,
                           experience=profile.experience, **fields)
    else:
        require_in_structure(existing, structure_id)
        if display_name or p.name:
            fields["display_name"] = display_name or p.name
        repo.update_person(p.id, **fields)
        repo.set_experience(p.id, profile.experience)
    apply_facts(repo, profile)
    view = repo.current_view(p.id)
    entries: list[PositioningInput] = []
    labels: list[str] = []
    for index, pos in enumerate(profile.positions):
        for key, role in ROLE_KEYS.items():
            value = pos.get(key)
            if value is None:
                continue
            current = view.items.get(pos.item)
            event = current.get(role) if current else None
            if event is not None and event.value == value:
                continue  # importing the same file twice adds nothing
            entries.append(PositioningInput(
                person_id=p.id, item_id=pos.item, role=role,
                level=value if isinstance(value, int) else None, state=value if isinstance(value, str) else None,
                author_id=author_id if role != "self" else None, at=at, source="profile",
            ))
            labels.append(f"positions[{index}].{key}")
    if entries:
        repo.record_positionings(entries, labels=labels)
    return repo.get_person(p.id)


def apply_facts(repo: Repository, profile: Profile) -> None:
    """Import the profile's facts; a contract (kind, start, job) or certification (id, date, outcome) already
    in the record is not added again, so importing the same file twice changes nothing."""
    p = profile.person
    changes: dict[str, Any] = {}
    if p.pec_enrolled_on is not None:
        changes["pec_enrolled_on"] = p.pec_enrolled_on
    if p.placement_planned is not None:
        changes["placement_planned"] = p.placement_planned
    current = store_facts.set_person_facts(repo, p.id, **changes) if changes else store_facts.person_facts(repo, p.id)
    have = {(c.kind, c.start_date, c.job) for c in current.contracts}
    for c in profile.contracts or ():
        if (c.kind, c.start, c.job) not in have:
            store_facts.add_contract(repo, p.id, c.kind, c.start, c.end, job=c.job)
    held = {(h.certification, h.awarded_on, h.outcome) for h in current.held}
    for h in profile.held or ():
        if (h.certification, h.awarded_on, h.outcome) not in held:
            store_facts.add_held(repo, p.id, h.certification, h.outcome, h.awarded_on, blocs=h.blocs, jury=h.jury,
                                 modality=h.modality)
