"""Tables of the daily caseload: archived people, session activity (idle timeout), display preferences saved on
the account, and trainers' named groups with their versioned course links.

Registered on the same ``Base.metadata`` as :mod:`.models` (migration ``0004_caseload`` creates them). Kept
apart from the person and session tables so that archiving or an idle check never rewrites those rows; every
row goes with its person, session or user (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, _in, new_id, utcnow

__all__ = ["TEXT_SIZES", "PersonArchive", "SessionActivity", "UserPreference", "TrainerGroup",
           "CourseLinkVersion"]

TEXT_SIZES = ("normal", "large", "larger")


class PersonArchive(Base):
    """A person archived by their accompanist or an admin: hidden from lists, nothing deleted (one row while
    archived; restoring deletes the row)."""

    __tablename__ = "person_archive"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    archived_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    archived_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SessionActivity(Base):
    """When a session was last used: a session idle for longer than the idle timeout ends."""

    __tablename__ = "session_activity"

    token_hash: Mapped[str] = mapped_column(ForeignKey("sessions.token_hash", ondelete="CASCADE"), primary_key=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UserPreference(Base):
    """Display preferences saved on the account (easy-read, read aloud, text size)."""

    __tablename__ = "user_preferences"
    __table_args__ = (CheckConstraint(_in("text_size", TEXT_SIZES), name="text_size"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    read_aloud: Mapped[bool] = mapped_column(Boolean, default=False)
    text_size: Mapped[str] = mapped_column(String(16), default="normal")
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TrainerGroup(Base):
    """A named group saved by a trainer: people of the structures they work in (``structure_id`` when they
    all belong to one, else None)."""

    __tablename__ = "trainer_groups"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[str | None] = mapped_column(ForeignKey("structures.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # Person ids; names are never copied here (a member erased disappears from the group when read).
    members: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CourseLinkVersion(Base):
    """One saved version of a group's course links (maillons de parcours) with the trainer's edits: never
    updated, a new save is a new version."""

    __tablename__ = "course_link_versions"
    __table_args__ = (UniqueConstraint("group_id", "version"), CheckConstraint("version >= 1", name="version"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("trainer_groups.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column()
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
