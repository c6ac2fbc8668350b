"""Follow-up: PEC contracts and the interviews planned, held or cancelled, with their frozen snapshots."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import user_row
from .checks import MAX_NOTES_CHARS, check_choice, check_text, not_found
from .errors import StoreError
from .models import FOLLOWUP_KINDS, PRESCRIBERS, Contract, FollowUp, FollowUpParticipant, Person, Structure
from .people import person_row
from .positionings import events
from .positions import build_view
from .records import ContractRecord, FollowUpRecord, Participant
from .schedule import pec_schedule
from .unit import UnitOfWork

__all__ = ["followup_owner", "followup_record", "contract_record", "create_pec_contract", "list_contracts", "plan_followup",
           "hold_followup", "record_followup", "cancel_followup", "list_followups", "due_followups",
           "PARTICIPANT_ROLES"]

log = logging.getLogger("competency_graph.store")

PARTICIPANT_ROLES = ("candidate", "accompanist", "employer", "tutor", "prescriber", "jury", "trainer", "family",
                     "other")


def followup_record(s: Session, row: FollowUp) -> FollowUpRecord:
    participants = tuple(Participant(p.role, p.user_id, p.name) for p in s.scalars(
        select(FollowUpParticipant).where(FollowUpParticipant.followup_id == row.id).order_by(
            FollowUpParticipant.id)))
    return FollowUpRecord(row.id, row.person_id, row.contract_id, row.kind, row.milestone, row.status,
                          row.scheduled_on, row.due_from, row.due_until, row.held_on, row.notes, row.snapshot,
                          participants)


def contract_record(s: Session, row: Contract) -> ContractRecord:
    followups = tuple(followup_record(s, f) for f in s.scalars(
        select(FollowUp).where(FollowUp.contract_id == row.id).order_by(FollowUp.scheduled_on, FollowUp.id)))
    return ContractRecord(row.id, row.person_id, row.employer_id, row.kind, row.start_date, row.end_date,
                          row.weekly_hours, row.prescriber, followups, row.job)


def create_pec_contract(uow: UnitOfWork, person_id: str, employer_id: str, start: dt.date, end: dt.date, *,
                        weekly_hours: int | None = 20, prescriber: str | None = None) -> ContractRecord:
    """Record a PEC contract and plan its follow-up: 1 month, mid-contract, ¾, and the exit interview
    1 to 3 months before ``end`` (seeds 001/002)."""
    schedule = pec_schedule(start, end)
    if prescriber is not None:
        check_choice(prescriber, PRESCRIBERS, code="bad_prescriber")
    if weekly_hours is not None and (isinstance(weekly_hours, bool) or not 1 <= weekly_hours <= 48):
        raise StoreError(code="bad_hours")

    def write(s: Session) -> ContractRecord:
        person_row(s, person_id)
        if s.get(Structure, employer_id) is None:
            raise not_found(employer_id, code="unknown_structure")
        row = Contract(person_id=person_id, employer_id=employer_id, kind="pec", start_date=start, end_date=end,
                       weekly_hours=weekly_hours, prescriber=prescriber)
        s.add(row)
        s.flush()
        for m in schedule:
            s.add(FollowUp(person_id=person_id, contract_id=row.id, kind=m.kind, milestone=m.milestone,
                           status="planned", scheduled_on=m.scheduled_on, due_from=m.due_from,
                           due_until=m.due_until))
        s.flush()
        log.info("pec contract created id=%s person=%s followups=%d", row.id, person_id, len(schedule))
        return contract_record(s, row)

    return uow.run(write, write=True)


def list_contracts(uow: UnitOfWork, person_id: str) -> list[ContractRecord]:
    def read(s: Session) -> list[ContractRecord]:
        person_row(s, person_id)
        rows = s.scalars(select(Contract).where(Contract.person_id == person_id).order_by(Contract.start_date))
        return [contract_record(s, r) for r in rows]

    return uow.run(read, write=False)


def _check_participants(participants: Iterable[Participant]) -> list[Participant]:
    checked = list(participants)
    for p in checked:
        check_choice(p.role, PARTICIPANT_ROLES, code="bad_participant_role")
        if p.user_id is None and not (p.name and p.name.strip()):
            raise StoreError(code="bad_participant")
        check_text(p.name, 200, code="bad_name", field="name")
    return checked


def plan_followup(uow: UnitOfWork, person_id: str, kind: str, scheduled_on: dt.date, *, due_from: dt.date | None = None,
                  due_until: dt.date | None = None) -> FollowUpRecord:
    """Plan an interview (diagnostic, tripartite, follow_up, exit, jury_preparation, project_review)."""
    check_choice(kind, FOLLOWUP_KINDS, code="bad_followup_kind")

    def write(s: Session) -> FollowUpRecord:
        person_row(s, person_id)
        row = FollowUp(person_id=person_id, kind=kind, status="planned", scheduled_on=scheduled_on,
                       due_from=due_from, due_until=due_until)
        s.add(row)
        s.flush()
        log.info("followup planned id=%s kind=%s", row.id, kind)
        return followup_record(s, row)

    return uow.run(write, write=True)


def _hold(s: Session, row: FollowUp, held_on: dt.date, notes: str | None,
          participants: list[Participant]) -> FollowUpRecord:
    for p in participants:
        if p.user_id is not None:
            user_row(s, p.user_id)
    row.status = "done"
    row.held_on = held_on
    row.notes = notes
    # The positions of that day, frozen: later events never change what was seen at the interview.
    row.snapshot = build_view(row.person_id, events(s, [row.person_id], None, held_on), held_on).to_dict()
    for p in participants:
        s.add(FollowUpParticipant(followup_id=row.id, role=p.role, user_id=p.user_id, name=p.name))
    s.flush()
    log.info("followup held id=%s kind=%s", row.id, row.kind)
    return followup_record(s, row)


def hold_followup(uow: UnitOfWork, followup_id: str, *, held_on: dt.date | None = None, notes: str | None = None,
                  participants: Iterable[Participant] = ()) -> FollowUpRecord:
    """Mark a planned interview as held; stores the notes, the participants and the positioning snapshot
    of that day."""
    notes = check_text(notes, MAX_NOTES_CHARS, code="bad_notes", field="notes")
    people = _check_participants(participants)
    day = held_on or dt.date.today()

    def write(s: Session) -> FollowUpRecord:
        row = s.get(FollowUp, followup_id)
        if row is None:
            raise not_found(followup_id, code="unknown_followup")
        if row.status != "planned":
            raise StoreError(code="followup_closed")
        return _hold(s, row, day, notes, people)

    return uow.run(write, write=True)


def record_followup(uow: UnitOfWork, person_id: str, kind: str, held_on: dt.date, *, notes: str | None = None,
                    participants: Iterable[Participant] = ()) -> FollowUpRecord:
    """Record an interview that was not planned in the tool (held on ``held_on``), with its snapshot."""
    check_choice(kind, FOLLOWUP_KINDS, code="bad_followup_kind")
    notes = check_text(notes, MAX_NOTES_CHARS, code="bad_notes", field="notes")
    people = _check_participants(participants)

    def write(s: Session) -> FollowUpRecord:
        person_row(s, person_id)
        row = FollowUp(person_id=person_id, kind=kind, status="planned", scheduled_on=held_on)
        s.add(row)
        s.flush()
        return _hold(s, row, held_on, notes, people)

    return uow.run(write, write=True)


def cancel_followup(uow: UnitOfWork, followup_id: str) -> FollowUpRecord:
    def write(s: Session) -> FollowUpRecord:
        row = s.get(FollowUp, followup_id)
        if row is None:
            raise not_found(followup_id, code="unknown_followup")
        if row.status != "planned":
            raise StoreError(code="followup_closed")
        row.status = "cancelled"
        s.flush()
        return followup_record(s, row)

    return uow.run(write, write=True)


def list_followups(uow: UnitOfWork, person_id: str, *, status: str | None = None) -> list[FollowUpRecord]:
    def read(s: Session) -> list[FollowUpRecord]:
        person_row(s, person_id)
        query = select(FollowUp).where(FollowUp.person_id == person_id)
        if status is not None:
            query = query.where(FollowUp.status == status)
        rows = s.scalars(query.order_by(FollowUp.scheduled_on, FollowUp.id))
        return [followup_record(s, r) for r in rows]

    return uow.run(read, write=False)


def due_followups(uow: UnitOfWork, *, until: dt.date, structure_id: str | None = None) -> list[FollowUpRecord]:
    """Planned interviews scheduled on or before ``until`` (a to-do list for accompanists)."""
    def read(s: Session) -> list[FollowUpRecord]:
        query = select(FollowUp).where(FollowUp.status == "planned", FollowUp.scheduled_on <= until)
        if structure_id is not None:
            in_structure = select(Person.id).where(Person.structure_id == structure_id)
            query = query.where(FollowUp.person_id.in_(in_structure))
        return [followup_record(s, r) for r in s.scalars(query.order_by(FollowUp.scheduled_on, FollowUp.id))]

    return uow.run(read, write=False)


def followup_owner(uow: UnitOfWork, followup_id: str) -> str | None:
    """The id of the person an interview is about (None when there is no such interview)."""
    return uow.read(lambda s: s.scalar(select(FollowUp.person_id).where(FollowUp.id == followup_id)))
