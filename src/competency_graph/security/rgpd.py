"""RGPD: export everything about a person (right of access/portability), erase a person and their files
(right to erasure) with a record of the erasure, and the retention period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.erasure import erase_rows as _erase_rows
from ..store.facts_models import HeldCertification
from ..store.models import (
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
from ..store.repository import Repository
from ..store.security_models import ErasureEntry
from ..store.validation_models import EvidenceWithdrawal, ValidationEvent
from . import audit, erasures
from .erasures import ErasureRecord
from .errors import AccessDenied, SecurityError

__all__ = ["ErasureRecord", "export_person", "erase_person", "retention_days", "set_retention_days",
           "people_past_retention", "list_erasures", "DEFAULT_RETENTION_DAYS"]

DEFAULT_RETENTION_DAYS = 3 * 365


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _row(row: Base, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: _plain(getattr(row, c.key)) for c in row.__mapper__.column_attrs if c.key not in skip}


def export_person(repo: Repository, person_id: str) -> dict[str, Any]:
    """Everything stored about a person, as JSON-serialisable data (files listed by hash and type)."""
    def read(s: Session) -> dict[str, Any]:
        person = s.get(Person, person_id)
        if person is None:
            raise SecurityError(code="unknown_person", message="unknown_person.short")
        evidence = list(s.scalars(select(Evidence).where(Evidence.person_id == person_id).order_by(Evidence.id)))
        evidence_ids = [e.id for e in evidence]
        followups = list(s.scalars(select(FollowUp).where(FollowUp.person_id == person_id)
                                   .order_by(FollowUp.scheduled_on)))
        users = list(s.scalars(select(User).where(User.person_id == person_id)))
        shas = sorted({e.file_sha256 for e in evidence if e.file_sha256})
        return {
            "format": "competency-graph/person-export/1",
            "exported_at": utcnow().isoformat(),
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
    return repo.run(read, write=False)


def _require_admin(s: Session, user_id: str, structure_id: str) -> None:
    found = s.scalar(select(Membership.id).where(Membership.user_id == user_id, Membership.structure_id == structure_id,
                                                 Membership.role == "admin"))
    if found is None:
        raise AccessDenied(code="access_denied", message="access_denied.erase")


def erase_person(repo: Repository, person_id: str, by_user_id: str) -> ErasureRecord:
    """Delete every row about the person (record, positionings, evidence, follow-up, their own accounts) and
    the evidence files nobody else references; log the erasure under a pseudonym, in the database and in the
    erasure journal kept outside it (so that restoring an older backup erases the person again). Admins of
    the person's structure only (the guard also asks for a second admin's confirmation). Files are removed
    from disk after the commit; then the SQLite write-ahead log is checkpointed and truncated, so that no
    copy of the erased rows stays in the ``-wal`` file (``secure_delete`` zeroes them in the database)."""
    subject = audit.pseudonym(repo, person_id)
    now = utcnow()

    def write(s: Session) -> tuple[int, list[str]]:
        person = s.get(Person, person_id)
        if person is None:
            raise SecurityError(code="unknown_person", message="unknown_person.short")
        _require_admin(s, by_user_id, person.structure_id)
        structure_id = person.structure_id
        rows, orphans = _erase_rows(s, person_id)
        s.add(ErasureEntry(at=now, by_user_id=by_user_id, subject_ref=subject, rows_deleted=rows,
                           files_deleted=len(orphans)))
        audit.record(repo, by_user_id, "erase", "person", person_id=person_id, structure_id=structure_id, at=now)
        return rows, orphans

    rows, orphans = repo.run(write, write=True)
    record = ErasureRecord(subject, rows, len(orphans), now)
    erasures.journal(repo, record, by_user_id)
    for sha in orphans:
        repo.files.delete(sha)
    erasures.checkpoint(repo)
    return record


def list_erasures(repo: Repository, *, limit: int = 500) -> list[ErasureRecord]:
    """The erasure log, newest first (pseudonyms and counts only; callers check the reader is an admin)."""
    def read(s: Session) -> list[ErasureRecord]:
        rows = s.scalars(select(ErasureEntry).order_by(ErasureEntry.id.desc()).limit(limit))
        return [ErasureRecord(r.subject_ref, r.rows_deleted, r.files_deleted, r.at) for r in rows]
    return repo.run(read, write=False)


def retention_days(repo: Repository) -> int:
    """How long a person's record is kept after its last activity (days)."""
    value = audit.setting(repo, "retention_days")
    return int(value) if value is not None else DEFAULT_RETENTION_DAYS


def set_retention_days(repo: Repository, days: int, *, by_user_id: str | None = None) -> None:
    if not isinstance(days, int) or not 30 <= days <= 20 * 365:
        raise SecurityError(code="bad_retention")
    audit.set_setting(repo, "retention_days", str(days))
    audit.record(repo, by_user_id, "change", "setting", record_id="retention_days")


def people_past_retention(repo: Repository, *, now: dt.datetime | None = None) -> list[str]:
    """Ids of people with no activity (record, positioning, evidence, follow-up) within the retention period,
    to be reviewed for erasure (nothing is erased automatically)."""
    limit = (now or utcnow()) - dt.timedelta(days=retention_days(repo))

    def read(s: Session) -> list[str]:
        result = []
        for person in s.scalars(select(Person)):
            last = max(filter(None, [
                person.created_at,
                s.scalar(select(func.max(PositioningEvent.recorded_at)).where(PositioningEvent.person_id == person.id)),
                s.scalar(select(func.max(Evidence.created_at)).where(Evidence.person_id == person.id)),
                s.scalar(select(func.max(FollowUp.created_at)).where(FollowUp.person_id == person.id)),
            ]))
            if last.tzinfo is None:
                last = last.replace(tzinfo=dt.UTC)
            if last < limit:
                result.append(person.id)
        return sorted(result)
    return repo.run(read, write=False)
