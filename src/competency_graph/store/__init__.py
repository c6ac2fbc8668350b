"""The person's record: structures, people, roles, positioning events, evidence and follow-up (SQL database).

Personal data lives here only — never in the referential graph. Entry point: :class:`Repository`
(``Repository.open()`` migrates and opens the database of ``settings.database_url()``).
"""

from __future__ import annotations

from . import (
    facts_models,  # noqa: F401 - registers the facts tables (migration 0003) on Base.metadata
    validation_models,  # noqa: F401,E402 - registers the recognition tables on Base.metadata
)
from .catalog import ItemCatalog, StaticCatalog, demo_catalog
from .engine import make_engine, upgrade
from .errors import StoreError
from .files import FileStore
from .models import utcnow
from .positions import ItemView, Positioning, PositionView, build_view
from .records import (
    ContractRecord,
    EndorsementRecord,
    EvidenceRecord,
    ExperienceEntry,
    FollowUpRecord,
    ImportReport,
    Participant,
    PersonRecord,
    PositioningInput,
    StructureRecord,
    UserRecord,
)
from .repository import Repository
from .schedule import Milestone, pec_schedule

__all__ = [
    "ItemCatalog", "StaticCatalog", "demo_catalog", "make_engine", "upgrade", "StoreError", "FileStore",
    "ItemView", "Positioning", "PositionView", "build_view", "ContractRecord", "EndorsementRecord",
    "EvidenceRecord", "ExperienceEntry", "FollowUpRecord", "ImportReport", "Participant", "PersonRecord",
    "PositioningInput", "StructureRecord", "UserRecord", "Repository", "Milestone", "pec_schedule", "utcnow",
]
