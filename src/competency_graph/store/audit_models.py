"""The subjects of a set-based audit entry: one row per person a list read named (issue #19).

A page or list that reads many records at once (a caseload, a group's gap matrix) writes ONE audit entry
(``audit_log``) and, in the same transaction and one multi-row INSERT, one ``audit_subjects`` row per person:
the keyed pseudonym only, as in ``audit_log.subject_ref``. So "who read this person's record" still finds
every list read, and the log stays append-only (database triggers refuse UPDATE and DELETE, migration 0008).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from . import security_models  # noqa: F401 - the audit_log table this one refers to

__all__ = ["AuditSubject"]


class AuditSubject(Base):
    """One person named by a set-based audit entry (by pseudonym, never by id)."""

    __tablename__ = "audit_subjects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id"), index=True)
    subject_ref: Mapped[str] = mapped_column(String(64), index=True)
