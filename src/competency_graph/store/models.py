"""Tables of the person's record: structures, people, users and roles, positioning events, evidence, follow-up.

Typed SQLAlchemy 2 ORM. The schema is created only by the Alembic migrations in
``competency_graph/migrations``; a test checks that these models and the migrated database agree.
Positioning events are append-only: no code path updates or deletes them (a correction is a new event).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..vocab import (
    AuthorRole,
    EndorserRelation,
    EvidenceKind,
    FollowUpKind,
    FollowUpStatus,
    Goal,
    Milestone,
    Network,
    PersonStatus,
    Prescriber,
    RaeModality,
    State,
    StructureKind,
    UserRole,
    WritingLevel,
    values,
)

__all__ = [
    "Base",
    "UTCDateTime",
    "new_id",
    "utcnow",
    "STRUCTURE_KINDS",
    "PERSON_STATUSES",
    "WRITING_LEVELS",
    "GOALS",
    "NETWORKS",
    "USER_ROLES",
    "AUTHOR_ROLES",
    "STATES",
    "EVIDENCE_KINDS",
    "RAE_MODALITIES",
    "ENDORSER_RELATIONS",
    "FOLLOWUP_KINDS",
    "FOLLOWUP_STATUSES",
    "MILESTONES",
    "PRESCRIBERS",
    "Structure",
    "Person",
    "Experience",
    "User",
    "Membership",
    "Assignment",
    "PositioningEvent",
    "StoredFile",
    "Evidence",
    "Endorsement",
    "Contract",
    "FollowUp",
    "FollowUpParticipant",
]

# Closed vocabularies (stored as short strings, checked in the service layer and by CHECK constraints),
# declared once in vocab.py.
STRUCTURE_KINDS = values(StructureKind)
PERSON_STATUSES = values(PersonStatus)
WRITING_LEVELS = values(WritingLevel)
GOALS = values(Goal)
NETWORKS = values(Network)
USER_ROLES = values(UserRole)
AUTHOR_ROLES = values(AuthorRole)
STATES = values(State)
EVIDENCE_KINDS = values(EvidenceKind)
RAE_MODALITIES = values(RaeModality)
ENDORSER_RELATIONS = values(EndorserRelation)
FOLLOWUP_KINDS = values(FollowUpKind)
FOLLOWUP_STATUSES = values(FollowUpStatus)
MILESTONES = values(Milestone)
PRESCRIBERS = values(Prescriber)

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A random opaque id (never derived from a name)."""
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp always returned timezone-aware in UTC (SQLite stores it naive, PostgreSQL as timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware datetime")
        value = value.astimezone(dt.UTC)
        # SQLite compares timestamps as text: store one naive UTC format so ordering and replay are exact.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Structure(Base):
    """An establishment: ESAT, EA, IME, SIAE, PEC employer… and the recognition networks it belongs to."""

    __tablename__ = "structures"
    __table_args__ = (CheckConstraint(_in("kind", STRUCTURE_KINDS), name="kind"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    # e.g. ["rae", "rsfp"]; RSFP needs >= 2 structures of the same field, hence ``field``.
    networks: Mapped[list[Any]] = mapped_column(default=list)
    field: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Person(Base):
    """A candidate (the person whose competencies are recognised) and their profile."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(_in("status", PERSON_STATUSES), name="status"),
        CheckConstraint(f"writing IS NULL OR {_in('writing', WRITING_LEVELS)}", name="writing"),
        CheckConstraint(f"goal IS NULL OR {_in('goal', GOALS)}", name="goal"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    writing: Mapped[str | None] = mapped_column(String(16))
    goal: Mapped[str | None] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(200))
    # None: the person's networks are their structure's.
    networks: Mapped[list[Any] | None] = mapped_column()
    # Facts for the recognition rules (migration 0003): Compétences PEC enrolment (seed 000: those enrolled
    # before 31/12/2022 keep the Afpa's accompaniment) and a planned company placement (RAE "je COMPARE").
    pec_enrolled_on: Mapped[dt.date | None] = mapped_column(Date)
    placement_planned: Mapped[bool | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Experience(Base):
    """Months of experience of a person in one job (ROME code, RAE trade or RSFP job), in or out of PEC."""

    __tablename__ = "experiences"
    __table_args__ = (CheckConstraint("months >= 0", name="months"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    job: Mapped[str] = mapped_column(String(200))
    months: Mapped[int] = mapped_column(Integer)
    in_pec: Mapped[bool] = mapped_column(default=False)
    current: Mapped[bool] = mapped_column(default=False)


class User(Base):
    """Someone who signs in: accompanist, trainer, admin, or a candidate (then linked to their person)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Membership(Base):
    """A user's role in one structure (a user may hold several roles, in several structures)."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "structure_id", "role"),
        CheckConstraint(_in("role", USER_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """An accompanist follows a candidate from ``since`` until ``until`` (open when None)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    accompanist_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)


class PositioningEvent(Base):
    """One positioning, never updated nor deleted: who (role, author) placed whom on which item, at what
    level (graded items) or state (ungraded items), when, against which referential version."""

    __tablename__ = "positioning_events"
    __table_args__ = (
        CheckConstraint("(level IS NULL) <> (state IS NULL)", name="level_xor_state"),
        CheckConstraint(f"state IS NULL OR {_in('state', STATES)}", name="state"),
        CheckConstraint(_in("author_role", AUTHOR_ROLES), name="author_role"),
        Index("ix_positioning_events_person_item_time", "person_id", "item_id", "positioned_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(200))
    level: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(16))
    author_role: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    referential_version: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    # When the positioning was made (may be in the past for imports); replay filters on it.
    positioned_at: Mapped[dt.datetime] = mapped_column()
    # When the row was written.
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("positioning_events.id"))
    source: Mapped[str] = mapped_column(String(16), default="app")


class StoredFile(Base):
    """A file of the evidence store, named by the SHA-256 of its content (never by the uploaded name)."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Evidence(Base):
    """One proof of the dossier de preuves, attached to a positioning and/or an item."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(_in("kind", EVIDENCE_KINDS), name="kind"),
        CheckConstraint(f"rae_modality IS NULL OR {_in('rae_modality', RAE_MODALITIES)}", name="rae_modality"),
        CheckConstraint("item_id IS NOT NULL OR positioning_id IS NOT NULL", name="attached"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str | None] = mapped_column(String(200))
    positioning_id: Mapped[int | None] = mapped_column(ForeignKey("positioning_events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    rae_modality: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    original_name: Mapped[str | None] = mapped_column(String(300))
    evidence_date: Mapped[dt.date] = mapped_column(Date)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Endorsement(Base):
    """Someone who saw the work vouches for a proof (open-badge style endorsement)."""

    __tablename__ = "endorsements"
    __table_args__ = (CheckConstraint(_in("relation", ENDORSER_RELATIONS), name="relation"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), index=True)
    endorser_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(16))
    statement: Mapped[str | None] = mapped_column(Text)
    endorsed_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Contract(Base):
    """An employment contract or work situation (``facts_models.CONTRACT_KINDS``) in one job; a PEC contract's
    dates generate the follow-up schedule (seeds 001/002). ``end_date`` None: open-ended; ``employer_id``
    None: an employer outside the tool."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="dates"),
        CheckConstraint(f"prescriber IS NULL OR {_in('prescriber', PRESCRIBERS)}", name="prescriber"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("structures.id"))
    kind: Mapped[str] = mapped_column(String(16), default="pec")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    job: Mapped[str | None] = mapped_column(String(200))
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    prescriber: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FollowUp(Base):
    """An interview, planned or held; when held, the positioning view of that moment is frozen in ``snapshot``."""

    __tablename__ = "followups"
    __table_args__ = (
        CheckConstraint(_in("kind", FOLLOWUP_KINDS), name="kind"),
        CheckConstraint(_in("status", FOLLOWUP_STATUSES), name="status"),
        CheckConstraint(f"milestone IS NULL OR {_in('milestone', MILESTONES)}", name="milestone"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[str | None] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    milestone: Mapped[str | None] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    scheduled_on: Mapped[dt.date] = mapped_column(Date)
    # The window in which the interview is due (PEC exit: 3 to 1 months before the end).
    due_from: Mapped[dt.date | None] = mapped_column(Date)
    due_until: Mapped[dt.date | None] = mapped_column(Date)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FollowUpParticipant(Base):
    """Who took part in an interview: a user of the tool, or someone outside it (name + role)."""

    __tablename__ = "followup_participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    followup_id: Mapped[str] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String(200))
