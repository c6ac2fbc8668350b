"""Profile files in and out of the record: read one (the store's error codes), export a stored person, import one.

The file format has one definition, :mod:`competency_graph.analysis.profile`, which the command line reads
too: both accept and refuse the same files. This module decides what an import does to the record (create or
update the person, add the facts not yet there, append only the positions that changed), in one transaction;
the store only persists.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from ..analysis import profile as fmt
from ..analysis.profile import ROLE_KEYS, Profile, dump_profile, write_profile
from ..ids import is_valid_id
from ..problems import Problem, ReferentialError
from ..store import ExperienceEntry, Repository, StoreError
from ..store import facts as store_facts
from ..store.facts import PersonFacts
from ..store.people import require_in_structure
from ..store.positions import PositionView, build_view
from ..store.records import PersonRecord, PositioningInput

__all__ = ["load_profile", "dump_profile", "write_profile", "export_profile", "import_profile",
           "profile_from_records", "structure_facts", "contracts_of", "held_of", "apply_profile", "apply_facts", "MAX_PROFILE_BYTES"]

log = logging.getLogger("competency_graph.services")
MAX_PROFILE_BYTES = fmt.MAX_PROFILE_BYTES
#: the record's error code for each kind of problem of a profile file (docs/errors.md)
_CODES = {"duplicate-key": "profile_duplicate_key", "yaml-syntax": "profile_yaml", "encoding": "profile_encoding",
          "too-large": "profile_too_large"}


def _refusal(problems: list[Problem]) -> StoreError:
    """The problems of a profile file as one :class:`StoreError`, every problem in its French message."""
    first = problems[0]
    code = _CODES.get(first.code, "profile_invalid")
    if code == "profile_invalid":
        return StoreError(code="profile_invalid", params={"problems": "\n".join(p.message for p in problems)},
                          message="profile_invalid.problems")
    where = f"{first.location.line}:{first.location.column} : " if first.location.line else ""
    if code == "profile_duplicate_key":
        return StoreError(code="profile_duplicate_key", params={"where": where, "problem": first.message}, message="profile_file.problem")
    if code == "profile_encoding":
        return StoreError(code="profile_encoding", params={"where": where, "problem": first.message}, message="profile_file.problem")
    if code == "profile_too_large":
        return StoreError(code="profile_too_large", params={"where": where, "problem": first.message}, message="profile_file.problem")
    return StoreError(code="profile_yaml", params={"where": where, "problem": first.message}, message="profile_file.problem")


def load_profile(source: str | bytes | Path) -> Profile:
    """Read a profile from YAML text, bytes or a file path; :class:`StoreError` (``profile_*``) on any problem,
    its French message naming the field (``Profil invalide, positions[0].self : …``)."""
    try:
        if isinstance(source, Path):
            return fmt.load_profile(source)
        return fmt.parse_profile(source)
    except ReferentialError as exc:
        raise _refusal(exc.problems) from None


def export_profile(repo: Repository, person_id: str, *, as_of: dt.datetime | dt.date | None = None) -> Profile:
    """The person's profile and positions as a :class:`Profile` (the format of ``recommend``)."""
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


def structure_facts(structure: store_facts.StructureFacts, *, with_id: bool = False) -> fmt.StructureFacts:
    """The structure's networks and branch agreements as a profile holds them (its id for the analysis only:
    an exported file does not name the structure)."""
    return fmt.StructureFacts(
        id=structure.structure_id if with_id else None, kind=structure.kind, field=structure.field or None,
        networks=[fmt.NetworkFact(network=n.network, trained_staff=n.trained_staff, field=n.field,
                                  field_structures=n.field_structures, since=n.since) for n in structure.networks],
        branch_agreements=[fmt.BranchAgreement(branch=a.branch, cqps=list(a.cqps), since=a.since)
                           for a in structure.agreements])


def contracts_of(facts: PersonFacts | None) -> list[fmt.Contract]:
    """The person's dated contracts as a profile holds them."""
    return [fmt.Contract(kind=c.kind, start=c.start_date, end=c.end_date, job=c.job) for c in (facts.contracts if facts else ())]


def held_of(facts: PersonFacts | None) -> list[fmt.Held]:
    """The certifications, blocs and attestations the person holds, as a profile holds them."""
    return [fmt.Held(certification=h.certification, outcome=h.outcome, awarded_on=h.awarded_on, blocs=list(h.blocs),
                     jury=h.jury, modality=h.modality) for h in (facts.held if facts else ())]


def profile_from_records(person: PersonRecord, view: PositionView, *, today: dt.date | None = None,
                         facts: PersonFacts | None = None,
                         structure: store_facts.StructureFacts | None = None) -> Profile:
    """The profile of a stored person and their current positions (self and accompanist side by side), with
    their facts (contracts, certifications held) and their structure's networks when given."""
    year = (today or dt.date.today()).year
    # The record's free-text job and target predate the format's ``prefix:code`` ids: one that is not an id
    # is left out of the file rather than written where no reader accepts it (counted in the server log).
    dropped = sum(not is_valid_id(e.job) for e in person.experience) + bool(
        person.target and not is_valid_id(person.target))
    if dropped:
        log.warning("profile export person=%s: %d value(s) without a prefix:code id left out", person.id, dropped)
    given = {"age": (year - person.birth_year) if person.birth_year else None, "writing": person.writing,
             "networks": list(person.networks) or None, "goal": person.goal,
             "pec_enrolled_on": facts.pec_enrolled_on if facts else None,
             "placement_planned": facts.placement_planned if facts else None}
    positions = []
    for item in sorted(view.items):
        values = {key: event.value for key, role in ROLE_KEYS.items()
                  if (event := view.items[item].get(role)) is not None}
        if values:  # an item positioned only by a role the file does not carry is left out
            positions.append(fmt.Position(item=item, **values))
    return Profile(
        person=fmt.Person(id=person.id, status=person.status, **{k: v for k, v in given.items() if v is not None}),
        structure=structure_facts(structure) if structure is not None else None,
        experience=[fmt.Experience(job=e.job, months=e.months, in_pec=e.in_pec, current=e.current)
                    for e in person.experience if is_valid_id(e.job)],
        contracts=contracts_of(facts),
        held=held_of(facts),
        target=person.target if person.target and is_valid_id(person.target) else None,
        positions=positions,
    )


def _person_fields(profile: Profile) -> dict[str, Any]:
    """The record's fields the profile gives; a key the file leaves out is stored empty, as it always was."""
    p, given = profile.person, profile.person.model_fields_set
    if isinstance(profile.target, fmt.TargetProfile):
        raise StoreError(code="profile_invalid", message="profile_invalid.inline_target")
    fields: dict[str, Any] = {"status": p.status, "writing": p.writing if "writing" in given else None,
                              "goal": p.goal if "goal" in given else None, "target": profile.target,
                              "networks": list(p.networks) if "networks" in given else None}
    if p.age is not None:
        fields["birth_year"] = dt.date.today().year - p.age
    return fields


def apply_profile(repo: Repository, profile: Profile, structure_id: str, *, display_name: str | None = None,
                  author_id: str | None = None, at: dt.datetime | None = None) -> PersonRecord:
    """Create or update the profile's person and append its positions (call inside ``repo.transaction``)."""
    p = profile.person
    fields = _person_fields(profile)
    if repo.catalog is not None and (bad := fmt.position_problems(profile, repo.catalog)):
        # the command line's check (analysis/profile.py), so that both refuse the same files; nothing written
        raise StoreError(code="invalid_positionings", params={"count": len(bad)}, details=[b.message for b in bad])
    experience = [ExperienceEntry(e.job, e.months, e.in_pec, e.current) for e in profile.experience]
    existing = repo.find_person(p.id)
    if existing is None:
        repo.create_person(structure_id, display_name or p.name or p.id, person_id=p.id, experience=experience,
                           **fields)
    else:
        require_in_structure(existing, structure_id)
        if display_name or p.name:
            fields["display_name"] = display_name or p.name
        repo.update_person(p.id, **fields)
        repo.set_experience(p.id, experience)
    apply_facts(repo, profile)
    view = repo.current_view(p.id)
    entries: list[PositioningInput] = []
    labels: list[str] = []
    for index, pos in enumerate(profile.positions):
        for key, value in pos.values.items():
            role = ROLE_KEYS[key]
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
    in the record is not added again, so importing the same file twice changes nothing. The structure's facts
    are never imported through a person (its admins change them)."""
    p = profile.person
    changes: dict[str, Any] = {}
    if p.pec_enrolled_on is not None:
        changes["pec_enrolled_on"] = p.pec_enrolled_on
    if p.placement_planned is not None:
        changes["placement_planned"] = p.placement_planned
    current = store_facts.set_person_facts(repo, p.id, **changes) if changes else store_facts.person_facts(repo, p.id)
    have = {(c.kind, c.start_date, c.job) for c in current.contracts}
    for c in profile.contracts:
        if (c.kind, c.start, c.job) not in have:
            store_facts.add_contract(repo, p.id, c.kind, c.start, c.end, job=c.job)
    held = {(h.certification, h.awarded_on, h.outcome) for h in current.held}
    for h in profile.held:
        if (h.certification, h.awarded_on, h.outcome) not in held:
            store_facts.add_held(repo, p.id, h.certification, h.outcome, h.awarded_on, blocs=tuple(h.blocs),
                                 jury=h.jury, modality=h.modality)
