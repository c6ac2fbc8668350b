"""Tables of recognition: validation events (a competency validated, or a validation withdrawn) and proof
withdrawals (a proof taken out of the dossier, possibly replaced by another).

Registered on the same ``Base.metadata`` as :mod:`.models` (migration ``0005_validation`` creates them). Both
tables are append-only: a validation is withdrawn by a new ``withdraw`` event, a proof by a withdrawal row; the
withdrawn proof stays in ``evidence`` for the audit and is hidden from the dossier and the exports.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..vocab import ValidatorRole, values
from .models import RAE_MODALITIES, Base, _in, new_id, utcnow

__all__ = ["VALIDATION_ACTIONS", "VALIDATOR_ROLES", "ValidationEvent", "EvidenceWithdrawal"]

VALIDATION_ACTIONS = ("validate", "withdraw")
#: who took the decision: the accompanist (in-situation RAE "je MONTRE", an open badge) or a jury
VALIDATOR_ROLES = values(ValidatorRole)


class ValidationEvent(Base):
    """One decision on one competency of a person, never updated nor deleted: validated at a level (graded
    items) or as acquired (ungraded items), by whom, when, in which RAE modality, on which proofs; or a
    previous validation withdrawn (``withdraws_id``)."""

    __tablename__ = "validation_events"
    __table_args__ = (
        CheckConstraint(_in("action", VALIDATION_ACTIONS), name="action"),
        CheckConstraint(_in("validator_role", VALIDATOR_ROLES), name="validator_role"),
        CheckConstraint(f"modality IS NULL OR {_in('modality', RAE_MODALITIES)}", name="modality"),
        CheckConstraint("action = 'withdraw' OR ((level IS NULL) <> (state IS NULL) AND modality IS NOT NULL)",
                        name="validate_fields"),
        CheckConstraint("action = 'validate' OR withdraws_id IS NOT NULL", name="withdraw_target"),
        Index("ix_validation_events_person_item", "person_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(16))
    modality: Mapped[str | None] = mapped_column(String(16))
    validator_role: Mapped[str] = mapped_column(String(16))
    # Who decided, in words (e.g. the jury's composition); the user who recorded it is ``author_id``.
    validator_name: Mapped[str | None] = mapped_column(String(300))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The co-positioning the validation confirms.
    positioning_id: Mapped[int | None] = mapped_column(ForeignKey("positioning_events.id", ondelete="CASCADE"))
    evidence_ids: Mapped[list[Any]] = mapped_column(default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    validated_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdraws_id: Mapped[int | None] = mapped_column(ForeignKey("validation_events.id", ondelete="CASCADE"))


class EvidenceWithdrawal(Base):
    """A proof taken out of the dossier (a duplicate, a wrong photo…), possibly replaced by a new proof. The
    proof itself is kept for the audit; the dossier, the PDFs and the badges no longer show it."""

    __tablename__ = "evidence_withdrawals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), unique=True)
    replaced_by_id: Mapped[str | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
