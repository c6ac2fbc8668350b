"""Structures and people: the establishments, and the candidates' profiles and experience by job."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import bulk
from .checks import check_choice, check_text, not_found
from .errors import StoreError
from .models import (
    GOALS,
    NETWORKS,
    PERSON_STATUSES,
    STRUCTURE_KINDS,
    WRITING_LEVELS,
    Experience,
    Person,
    Structure,
    new_id,
)
from .records import ExperienceEntry, PersonRecord, StructureRecord
from .unit import UnitOfWork

__all__ = ["structure_record", "create_structure", "get_structure", "list_structures", "person_record",
           "check_person_fields", "check_experience", "create_person", "update_person", "set_experience", "person_row",
           "get_person", "find_person", "list_people"]

log = logging.getLogger("competency_graph.store")

def structure_record(row: Structure) -> StructureRecord:
    return StructureRecord(row.id, row.name, row.kind, tuple(row.networks or ()), row.field, row.created_at)


def create_structure(uow: UnitOfWork, name: str, kind: str, *, networks: Iterable[str] = (), field: str | None = None,
                     structure_id: str | None = None) -> StructureRecord:
    """Register an establishment (``kind``: esat, ea, ime, siae-aci, pec-employer…) and its networks."""
    name = check_text(name, 200, code="bad_name", field="name", required=True) or ""
    check_choice(kind, STRUCTURE_KINDS, code="bad_structure_kind")
    nets = [check_choice(n, NETWORKS, code="bad_network") for n in networks]

    def write(s: Session) -> StructureRecord:
        if structure_id and s.get(Structure, structure_id) is not None:
            raise StoreError(code="duplicate_id", params={"id": structure_id})
        row = Structure(id=structure_id or new_id(), name=name, kind=kind, networks=nets, field=field)
        s.add(row)
        s.flush()
        log.info("structure created id=%s kind=%s", row.id, kind)
        return structure_record(row)

    return uow.run(write, write=True)


def get_structure(uow: UnitOfWork, structure_id: str) -> StructureRecord:
    def read(s: Session) -> StructureRecord:
        row = s.get(Structure, structure_id)
        if row is None:
            raise not_found(structure_id, code="unknown_structure")
        return structure_record(row)

    return uow.run(read, write=False)


def list_structures(uow: UnitOfWork) -> list[StructureRecord]:
    return uow.run(lambda s: [structure_record(r) for r in s.scalars(
        select(Structure).order_by(Structure.name, Structure.id))], write=False)


def person_record(s: Session, row: Person) -> PersonRecord:
    experience = tuple(
        ExperienceEntry(e.job, e.months, e.in_pec, e.current)
        for e in s.scalars(select(Experience).where(Experience.person_id == row.id).order_by(Experience.id))
    )
    own = tuple(row.networks) if row.networks is not None else None
    if own is None:
        structure = s.get(Structure, row.structure_id)
        effective = tuple(structure.networks or ()) if structure else ()
    else:
        effective = own
    return PersonRecord(row.id, row.structure_id, row.display_name, row.status, row.birth_year, row.writing,
                        row.goal, row.target, effective, own, experience, row.created_at)


def check_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    allowed = {"display_name", "status", "writing", "goal", "networks", "birth_year", "target", "structure_id"}
    for key, value in fields.items():
        if key not in allowed:
            raise StoreError(code="bad_field", params={"field_names": key})
        if key == "display_name":
            value = check_text(value, 200, code="bad_name", field="name", required=True)
        elif key == "status":
            check_choice(value, PERSON_STATUSES, code="bad_status")
        elif key == "writing" and value is not None:
            check_choice(value, WRITING_LEVELS, code="bad_writing")
        elif key == "goal" and value is not None:
            check_choice(value, GOALS, code="bad_goal")
        elif key == "networks" and value is not None:
            value = [check_choice(n, NETWORKS, code="bad_network") for n in value]
        elif key == "birth_year" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= dt.date.today().year:
                raise StoreError(code="bad_birth_year")
        elif key == "target" and value is not None:
            value = check_text(value, 200, code="bad_target", field="target")
        checked[key] = value
    return checked


def check_experience(experience: Iterable[ExperienceEntry]) -> list[ExperienceEntry]:
    entries = list(experience)
    for e in entries:
        check_text(e.job, 200, code="bad_experience", field="job", required=True)
        if isinstance(e.months, bool) or not isinstance(e.months, int) or not 0 <= e.months <= 600:
            raise StoreError(code="bad_experience")
    return entries


def create_person(uow: UnitOfWork, structure_id: str, display_name: str, status: str, *, person_id: str | None = None,
                  birth_year: int | None = None, writing: str | None = None, goal: str | None = None,
                  target: str | None = None, networks: Iterable[str] | None = None,
                  experience: Iterable[ExperienceEntry] = ()) -> PersonRecord:
    """Register a candidate in a structure, with their profile and experience by job."""
    fields = check_person_fields({
        "display_name": display_name, "status": status, "birth_year": birth_year, "writing": writing,
        "goal": goal, "target": target, "networks": list(networks) if networks is not None else None,
    })
    entries = check_experience(experience)

    def write(s: Session) -> PersonRecord:
        if s.get(Structure, structure_id) is None:
            raise not_found(structure_id, code="unknown_structure")
        if person_id and s.get(Person, person_id) is not None:
            raise StoreError(code="duplicate_id", params={"id": person_id})
        row = Person(id=person_id or new_id(), structure_id=structure_id, **fields)
        s.add(row)
        s.flush()
        for e in entries:
            s.add(Experience(person_id=row.id, job=e.job, months=e.months, in_pec=e.in_pec, current=e.current))
        s.flush()
        log.info("person created id=%s structure=%s", row.id, structure_id)
        return person_record(s, row)

    return uow.run(write, write=True)


def update_person(uow: UnitOfWork, person_id: str, **changes: Any) -> PersonRecord:
    """Change profile fields (display_name, status, birth_year, writing, goal, target, networks, structure_id)."""
    fields = check_person_fields(changes)

    def write(s: Session) -> PersonRecord:
        row = person_row(s, person_id)
        if "structure_id" in fields and s.get(Structure, fields["structure_id"]) is None:
            raise not_found(fields["structure_id"], code="unknown_structure")
        for key, value in fields.items():
            setattr(row, key, value)
        s.flush()
        log.info("person updated id=%s fields=%s", person_id, ",".join(sorted(fields)))
        return person_record(s, row)

    return uow.run(write, write=True)


def set_experience(uow: UnitOfWork, person_id: str, experience: Iterable[ExperienceEntry]) -> PersonRecord:
    """Replace the person's experience list (profile data, not an event history)."""
    entries = check_experience(experience)

    def write(s: Session) -> PersonRecord:
        row = person_row(s, person_id)
        for old in s.scalars(select(Experience).where(Experience.person_id == person_id)):
            s.delete(old)
        s.flush()
        for e in entries:
            s.add(Experience(person_id=person_id, job=e.job, months=e.months, in_pec=e.in_pec,
                             current=e.current))
        s.flush()
        return person_record(s, row)

    return uow.run(write, write=True)


def person_row(s: Session, person_id: str) -> Person:
    row = s.get(Person, person_id)
    if row is None:
        raise not_found(person_id, code="unknown_person")
    return row


def get_person(uow: UnitOfWork, person_id: str) -> PersonRecord:
    return uow.run(lambda s: person_record(s, person_row(s, person_id)), write=False)


def find_person(uow: UnitOfWork, person_id: str) -> PersonRecord | None:
    """Like :func:`get_person` but None when absent (two queries: person with structure, experience)."""
    return uow.run(lambda s: bulk.person_records(s, [person_id]).get(person_id), write=False)


def list_people(uow: UnitOfWork, structure_id: str | None = None) -> list[PersonRecord]:
    def read(s: Session) -> list[PersonRecord]:
        query = select(Person.id) if structure_id is None else select(Person.id).where(Person.structure_id == structure_id)
        return list(bulk.person_records(s, query, by_name=True).values())  # 2 queries, not 2 per person

    return uow.run(read, write=False)


def require_in_structure(person: PersonRecord, structure_id: str) -> None:
    """Refuse (``person_other_structure``) to change through ``structure_id`` a person followed elsewhere."""
    if person.structure_id != structure_id:
        raise StoreError(code="person_other_structure")
