"""What set-based reads add to the schema (issue #19, migration 0008): the subjects of a set-based audit entry,
and an index that hands each (person, item, role)'s events newest first to the "latest positioning" window.

A page or list that reads many records at once (a caseload, a group's gap matrix) writes ONE audit entry
(``audit_log``) and, in the same transaction and one multi-row INSERT, one ``audit_subjects`` row per person:
the keyed pseudonym only, as in ``audit_log.subject_ref``. So "who read this person's record" still finds
every list read, and the log stays append-only (database triggers refuse UPDATE and DELETE, migration 0008).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from . import security_models  # noqa: F401 - the audit_log table this one refers to
from .models import Base, PositioningEvent

__all__ = ["AuditSubject", "LATEST_INDEX"]

#: each (person, item, role)'s events newest first: the window of ``store.bulk`` reads them in index order
#: instead of sorting (caseload of 10,000 people: -13 % CPU in SQLite)
LATEST_INDEX = Index("ix_positioning_events_latest", PositioningEvent.person_id, PositioningEvent.item_id,
                     PositioningEvent.author_role, PositioningEvent.positioned_at.desc(), PositioningEvent.id.desc())


class AuditSubject(Base):
    """One person named by a set-based audit entry (by pseudonym, never by id)."""

    __tablename__ = "audit_subjects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id"), index=True)
    subject_ref: Mapped[str] = mapped_column(String(64), index=True)
