"""What set-based reads add to the schema (issue #19): the subjects of a set-based audit entry and an index that
hands each (person, item, role)'s events newest first to the "latest positioning" window (migration 0008); the
maintained table of current positions (migration 0009).

A page or list that reads many records at once (a caseload, a group's gap matrix) writes ONE audit entry
(``audit_log``) and, in the same transaction and one multi-row INSERT, one ``audit_subjects`` row per person:
the keyed pseudonym only, as in ``audit_log.subject_ref``. So "who read this person's record" still finds
every list read, and the log stays append-only (database triggers refuse UPDATE and DELETE, migration 0008).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from . import security_models  # noqa: F401 - the audit_log table this one refers to
from .models import Base, PositioningEvent

__all__ = ["AuditSubject", "LATEST_INDEX", "CurrentPosition"]

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


class CurrentPosition(Base):
    """The latest event of each (person, item, author role): a projection of ``positioning_events`` written in
    the same transaction as each event (``store.current_positions``), so that lists of thousands of people
    read 24 rows a person instead of ranking every event (migration 0009). ``event_id`` is the event kept:
    the latest ``positioned_at``, ties broken by the larger id, as ``build_view`` and the window do."""

    __tablename__ = "current_positions"
    # SQLite: the rows are stored in key order (no rowid B-tree beside the key's index): the upsert touches
    # one B-tree instead of two, and the caseload's join by key reads the row where it finds the key
    __table_args__ = {"sqlite_with_rowid": False}

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    author_role: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(16))
    positioned_at: Mapped[dt.datetime] = mapped_column()
