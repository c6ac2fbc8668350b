"""A person's whole record in the store: every row about them (right of access), their erasure (right to
erasure), the erasure log and the erasure requests, and when each person was last active.

Persistence only: who may export or erase, the pseudonyms, the audit entries, the erasure journal kept
outside the database and the retention period are rules of :mod:`competency_graph.security` (``rgpd``,
``erasures``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .caseload_models import PersonArchive, SessionActivity, TrainerGroup, UserPreference
from .facts_models import HeldCertification
from .models import (
    Assignment,
    Base,
    Contract,
    Endorsement,
    Evidence,
    Experience,
    FollowUp,
    FollowUpParticipant,
    Membership,
    Person,
    PositioningEvent,
    StoredFile,
    User,
    utcnow,
)
from .read_models import CurrentPosition
from .security_models import Account, AuthSession, ErasureEntry, ErasureRequest
from .unit import UnitOfWork
from .validation_models import EvidenceWithdrawal, ValidationEvent

__all__ = ["ErasureLine", "ErasureRequestRow", "erase_rows", "person_structure", "person_ids", "erase_person",
           "log_erasures", "logged_subjects", "erasure_log", "person_rows", "add_erasure_request",
           "erasure_requests", "drop_erasure_requests", "last_activity"]


@dataclass(frozen=True)
class ErasureLine:
    """One erasure as the erasure log shows it: a pseudonym, counts and when (no personal data)."""

    subject_ref: str
    rows_deleted: int
    files_deleted: int
    at: dt.datetime


@dataclass(frozen=True)
class ErasureRequestRow:
    """An admin's request to erase a person, waiting for a second admin."""

    person_id: str
    structure_id: str
    requested_by: str
    requested_at: dt.datetime


def erase_rows(s: Session, person_id: str) -> tuple[int, list[str]]:
    """Delete every row about the person; returns the row count and the file hashes nobody references now."""
    evidence_ids = list(s.scalars(select(Evidence.id).where(Evidence.person_id == person_id)))
    shas = set(s.scalars(select(Evidence.file_sha256).where(Evidence.person_id == person_id,
                                                             Evidence.file_sha256.is_not(None))))
    followup_ids = list(s.scalars(select(FollowUp.id).where(FollowUp.person_id == person_id)))
    user_ids = list(s.scalars(select(User.id).where(User.person_id == person_id)))
    rows = 0
    statements = [
        delete(ErasureRequest).where(ErasureRequest.person_id == person_id),
        delete(Endorsement).where(Endorsement.evidence_id.in_(evidence_ids)),
        delete(EvidenceWithdrawal).where(EvidenceWithdrawal.evidence_id.in_(evidence_ids)),
        # Withdrawals of a validation point at it: they go first.
        delete(ValidationEvent).where(ValidationEvent.person_id == person_id, ValidationEvent.withdraws_id.is_not(None)),
        delete(ValidationEvent).where(ValidationEvent.person_id == person_id),
        delete(Evidence).where(Evidence.person_id == person_id),
        delete(FollowUpParticipant).where(FollowUpParticipant.followup_id.in_(followup_ids)),
        delete(FollowUp).where(FollowUp.person_id == person_id),
        delete(Contract).where(Contract.person_id == person_id),
        delete(HeldCertification).where(HeldCertification.person_id == person_id),
        delete(PersonArchive).where(PersonArchive.person_id == person_id),
        # The maintained current positions (migration 0009) go with the events.
        delete(CurrentPosition).where(CurrentPosition.person_id == person_id),
        # Corrections point at earlier events: newest first keeps every reference valid.
        delete(PositioningEvent).where(PositioningEvent.person_id == person_id,
                                       PositioningEvent.corrects_id.is_not(None)),
        delete(PositioningEvent).where(PositioningEvent.person_id == person_id),
        delete(Experience).where(Experience.person_id == person_id),
        delete(Assignment).where(Assignment.person_id == person_id),
        delete(SessionActivity).where(SessionActivity.token_hash.in_(
            select(AuthSession.token_hash).where(AuthSession.user_id.in_(user_ids)))),
        delete(AuthSession).where(AuthSession.user_id.in_(user_ids)),
        delete(UserPreference).where(UserPreference.user_id.in_(user_ids)),
        delete(Account).where(Account.user_id.in_(user_ids)),
        delete(Membership).where(Membership.user_id.in_(user_ids)),
        delete(Assignment).where(Assignment.accompanist_id.in_(user_ids)),
        delete(User).where(User.id.in_(user_ids)),
        delete(Person).where(Person.id == person_id),
    ]
    for statement in statements:
        rows += s.execute(statement).rowcount or 0
    # Trainer groups keep person ids in a JSON list: the erased person leaves every group.
    for group in s.scalars(select(TrainerGroup)):
        if person_id in (group.members or []):
            group.members = [m for m in group.members if m != person_id]
            rows += 1
    orphans = [sha for sha in sorted(shas)
               if not s.scalar(select(func.count()).select_from(Evidence).where(Evidence.file_sha256 == sha))]
    if orphans:
        rows += s.execute(delete(StoredFile).where(StoredFile.sha256.in_(orphans))).rowcount or 0
    return rows, orphans


def person_structure(uow: UnitOfWork, person_id: str) -> str | None:
    """The structure of the person, None when there is no such person."""
    def read(s: Session) -> str | None:
        person = s.get(Person, person_id)
        return person.structure_id if person is not None else None

    return uow.run(read, write=False)


def person_ids(uow: UnitOfWork) -> list[str]:
    """Every person's id (erased people included until they are erased again)."""
    return uow.run(lambda s: list(s.scalars(select(Person.id))), write=False)


def erase_person(uow: UnitOfWork, person_id: str, *, logged_as: str | None = None, by_user_id: str | None = None,
                 at: dt.datetime | None = None) -> tuple[int, list[str]]:
    """Delete every row about the person (:func:`erase_rows`) and, with ``logged_as`` (a pseudonym), add the
    erasure's line to the erasure log with its counts; the row count and the file hashes left unreferenced."""
    def write(s: Session) -> tuple[int, list[str]]:
        rows, orphans = erase_rows(s, person_id)
        if logged_as is not None:
            s.add(ErasureEntry(at=at or utcnow(), by_user_id=by_user_id, subject_ref=logged_as, rows_deleted=rows,
                               files_deleted=len(orphans)))
        return rows, orphans

    return uow.run(write, write=True)


def logged_subjects(uow: UnitOfWork) -> set[str]:
    """The pseudonyms the erasure log holds."""
    return uow.run(lambda s: set(s.scalars(select(ErasureEntry.subject_ref))), write=False)


def log_erasures(uow: UnitOfWork, lines: Iterable[tuple[ErasureLine, str | None]]) -> None:
    """Append ``(line, by user id)`` pairs to the erasure log as given (a journal read back after a restore)."""
    wanted = list(lines)

    def write(s: Session) -> None:
        for line, by_user_id in wanted:
            s.add(ErasureEntry(at=line.at, by_user_id=by_user_id, subject_ref=line.subject_ref,
                               rows_deleted=line.rows_deleted, files_deleted=line.files_deleted))

    uow.run(write, write=True)


def erasure_log(uow: UnitOfWork, *, limit: int = 500) -> list[ErasureLine]:
    """The erasure log, newest first."""
    def read(s: Session) -> list[ErasureLine]:
        rows = s.scalars(select(ErasureEntry).order_by(ErasureEntry.id.desc()).limit(limit))
        return [ErasureLine(r.subject_ref, r.rows_deleted, r.files_deleted, r.at) for r in rows]

    return uow.run(read, write=False)


def add_erasure_request(uow: UnitOfWork, person_id: str, structure_id: str, by_user_id: str,
                        at: dt.datetime) -> None:
    """Record that ``by_user_id`` asks for the person's erasure (once per admin: a second ask adds nothing)."""
    def write(s: Session) -> None:
        exists = s.scalar(select(ErasureRequest.id).where(ErasureRequest.person_id == person_id,
                                                           ErasureRequest.requested_by == by_user_id))
        if exists is None:
            s.add(ErasureRequest(person_id=person_id, structure_id=structure_id, requested_by=by_user_id,
                                 requested_at=at))

    uow.run(write, write=True)


def erasure_requests(uow: UnitOfWork, structures: Iterable[str]) -> list[ErasureRequestRow]:
    """The erasure requests of people of ``structures``, oldest first."""
    wanted = tuple(structures)

    def read(s: Session) -> list[ErasureRequestRow]:
        rows = s.scalars(select(ErasureRequest).where(ErasureRequest.structure_id.in_(wanted))
                         .order_by(ErasureRequest.requested_at))
        return [ErasureRequestRow(r.person_id, r.structure_id, r.requested_by, r.requested_at) for r in rows]

    return uow.run(read, write=False)


def drop_erasure_requests(uow: UnitOfWork, person_id: str) -> None:
    def write(s: Session) -> None:
        for row in s.scalars(select(ErasureRequest).where(ErasureRequest.person_id == person_id)):
            s.delete(row)

    uow.run(write, write=True)


def last_activity(uow: UnitOfWork) -> dict[str, dt.datetime]:
    """Per person, the latest of: record created, positioning recorded, evidence added, follow-up created (UTC)."""
    def read(s: Session) -> dict[str, dt.datetime]:
        result = {}
        for person in s.scalars(select(Person)):
            last = max(filter(None, [
                person.created_at,
                s.scalar(select(func.max(PositioningEvent.recorded_at)).where(PositioningEvent.person_id == person.id)),
                s.scalar(select(func.max(Evidence.created_at)).where(Evidence.person_id == person.id)),
                s.scalar(select(func.max(FollowUp.created_at)).where(FollowUp.person_id == person.id)),
            ]))
            result[person.id] = last if last.tzinfo is not None else last.replace(tzinfo=dt.UTC)
        return result

    return uow.run(read, write=False)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _row(row: Base, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: _plain(getattr(row, c.key)) for c in row.__mapper__.column_attrs if c.key not in skip}


def person_rows(uow: UnitOfWork, person_id: str) -> dict[str, Any] | None:
    """Every row about a person as JSON-serialisable data (files listed by hash and type), by kind; None when
    there is no such person."""
    def read(s: Session) -> dict[str, Any] | None:
        person = s.get(Person, person_id)
        if person is None:
            return None
        evidence = list(s.scalars(select(Evidence).where(Evidence.person_id == person_id).order_by(Evidence.id)))
        evidence_ids = [e.id for e in evidence]
        followups = list(s.scalars(select(FollowUp).where(FollowUp.person_id == person_id)
                                   .order_by(FollowUp.scheduled_on)))
        users = list(s.scalars(select(User).where(User.person_id == person_id)))
        shas = sorted({e.file_sha256 for e in evidence if e.file_sha256})
        return {
            "person": _row(person),
            "experiences": [_row(r, ("person_id",)) for r in
                            s.scalars(select(Experience).where(Experience.person_id == person_id))],
            "accounts": [{**_row(u, ("person_id",)), "roles": [_row(m, ("user_id", "id")) for m in s.scalars(
                select(Membership).where(Membership.user_id == u.id))]} for u in users],
            "accompanists": [_row(a, ("person_id", "id")) for a in
                             s.scalars(select(Assignment).where(Assignment.person_id == person_id))],
            "positionings": [_row(r, ("person_id",)) for r in s.scalars(
                select(PositioningEvent).where(PositioningEvent.person_id == person_id)
                .order_by(PositioningEvent.id))],
            "evidence": [_row(e, ("person_id",)) for e in evidence],
            # recognition (branch coassess): validations and withdrawn proofs, append-only
            "validations": [_row(r, ("person_id",)) for r in s.scalars(
                select(ValidationEvent).where(ValidationEvent.person_id == person_id).order_by(ValidationEvent.id))],
            "evidence_withdrawals": [_row(r) for r in s.scalars(
                select(EvidenceWithdrawal).where(EvidenceWithdrawal.evidence_id.in_(evidence_ids)))]
            if evidence_ids else [],
            "endorsements": [_row(r) for r in s.scalars(
                select(Endorsement).where(Endorsement.evidence_id.in_(evidence_ids)))] if evidence_ids else [],
            "files": [_row(f) for f in s.scalars(select(StoredFile).where(StoredFile.sha256.in_(shas)))]
            if shas else [],
            "contracts": [_row(r, ("person_id",)) for r in
                          s.scalars(select(Contract).where(Contract.person_id == person_id))],
            # facts for the recognition rules (branch advice): certifications, blocs and attestations held
            "held_certifications": [_row(r, ("person_id",)) for r in s.scalars(
                select(HeldCertification).where(HeldCertification.person_id == person_id))],
            "followups": [{**_row(f, ("person_id",)), "participants": [
                _row(p, ("followup_id", "id")) for p in s.scalars(
                    select(FollowUpParticipant).where(FollowUpParticipant.followup_id == f.id))]}
                for f in followups],
        }

    return uow.run(read, write=False)
