"""Plain, frozen values returned by the repository (never ORM objects, so no session leaks into the UI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "StructureRecord",
    "ExperienceEntry",
    "PersonRecord",
    "UserRecord",
    "PositioningInput",
    "EndorsementRecord",
    "EvidenceRecord",
    "Participant",
    "FollowUpRecord",
    "ContractRecord",
    "ImportReport",
]


@dataclass(frozen=True)
class StructureRecord:
    id: str
    name: str
    kind: str
    networks: tuple[str, ...]
    field: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class ExperienceEntry:
    """Months of experience in one job (``rome:N1103``, ``rae:<slug>``, ``rsfp:<slug>``)."""

    job: str
    months: int
    in_pec: bool = False
    current: bool = False


@dataclass(frozen=True)
class PersonRecord:
    id: str
    structure_id: str
    display_name: str
    status: str
    birth_year: int | None
    writing: str | None
    goal: str | None
    target: str | None
    networks: tuple[str, ...]
    """Effective networks: the person's own list when set, else their structure's."""
    own_networks: tuple[str, ...] | None
    experience: tuple[ExperienceEntry, ...]
    created_at: dt.datetime


@dataclass(frozen=True)
class UserRecord:
    id: str
    login: str
    display_name: str
    person_id: str | None
    active: bool
    roles: tuple[tuple[str, str], ...]
    """``(structure_id, role)`` pairs."""


@dataclass(frozen=True)
class PositioningInput:
    """What a caller gives to record one positioning (see ``Repository.record_positioning``)."""

    person_id: str
    item_id: str
    role: str
    level: int | None = None
    state: str | None = None
    author_id: str | None = None
    comment: str | None = None
    at: dt.datetime | None = None
    referential_version: str | None = None
    uid: str | None = None
    corrects_id: int | None = None
    source: str = "app"


@dataclass(frozen=True)
class EndorsementRecord:
    id: str
    evidence_id: str
    endorser_name: str
    relation: str
    statement: str | None
    endorsed_on: dt.date


@dataclass(frozen=True)
class EvidenceRecord:
    id: str
    person_id: str
    item_id: str | None
    positioning_id: int | None
    kind: str
    rae_modality: str | None
    title: str
    description: str | None
    url: str | None
    file_sha256: str | None
    media_type: str | None
    size: int | None
    original_name: str | None
    evidence_date: dt.date
    author_id: str | None
    created_at: dt.datetime
    endorsements: tuple[EndorsementRecord, ...] = ()


@dataclass(frozen=True)
class Participant:
    """Someone at an interview: a user (``user_id``) or someone outside the tool (``name``)."""

    role: str
    user_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class FollowUpRecord:
    id: str
    person_id: str
    contract_id: str | None
    kind: str
    milestone: str | None
    status: str
    scheduled_on: dt.date
    due_from: dt.date | None
    due_until: dt.date | None
    held_on: dt.date | None
    notes: str | None
    snapshot: dict[str, Any] | None
    participants: tuple[Participant, ...] = ()


@dataclass(frozen=True)
class ContractRecord:
    id: str
    person_id: str
    employer_id: str | None
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    """None: open-ended (CDI, ESAT support contract…)."""
    weekly_hours: int | None
    prescriber: str | None
    followups: tuple[FollowUpRecord, ...] = field(default=())
    job: str | None = None
    """The job held (``rome:``, ``rae:``, ``rsfp:`` id), counted as experience by the recognition rules."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows inserted, rows skipped because already present (same uid or same value)."""

    inserted: int
    skipped: int
