"""Erasure in the store: delete every row about a person (right to erasure), in the caller's transaction.

Who may erase, the audit entry and the erasure journal are decided in :mod:`competency_graph.security.rgpd`.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .caseload_models import PersonArchive, SessionActivity, TrainerGroup, UserPreference
from .facts_models import HeldCertification
from .models import (
    Assignment,
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
)
from .read_models import CurrentPosition
from .security_models import Account, AuthSession, ErasureRequest
from .validation_models import EvidenceWithdrawal, ValidationEvent

__all__ = ["erase_rows"]


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
