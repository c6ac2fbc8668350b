"""The records of the facts (what :mod:`.facts` returns) and the checks of their values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..ids import ID_PATTERN
from .errors import StoreError
from .models import Person, Structure
from .records import ContractRecord

__all__ = ["NetworkMembership", "BranchAgreementRecord", "StructureFacts", "HeldRecord", "PersonFacts"]


@dataclass(frozen=True)
class NetworkMembership:
    network: str
    trained_staff: int | None = None
    """RAE: staff trained by Différent et Compétent (correspondent, accompanist, director)."""
    field: str | None = None
    """RSFP: the field (domaine d'activité) the structure takes part in."""
    field_structures: int | None = None
    """RSFP: structures of that field engaged in the network, this one included (≥ 2 needed, seed 003)."""
    since: dt.date | None = None


@dataclass(frozen=True)
class BranchAgreementRecord:
    id: str
    structure_id: str
    branch: str
    cqps: tuple[str, ...]
    since: dt.date | None


@dataclass(frozen=True)
class StructureFacts:
    structure_id: str
    kind: str
    field: str | None
    networks: tuple[NetworkMembership, ...]
    agreements: tuple[BranchAgreementRecord, ...]

    def network(self, name: str) -> NetworkMembership | None:
        return next((n for n in self.networks if n.network == name), None)


@dataclass(frozen=True)
class HeldRecord:
    id: str
    person_id: str
    certification: str
    outcome: str
    blocs: tuple[str, ...]
    awarded_on: dt.date
    jury: str | None
    modality: str | None
    note: str | None


@dataclass(frozen=True)
class PersonFacts:
    person_id: str
    structure_id: str
    pec_enrolled_on: dt.date | None
    placement_planned: bool | None
    contracts: tuple[ContractRecord, ...]
    held: tuple[HeldRecord, ...]


def _choice(value: Any, allowed: tuple[str, ...], *, code: str, field: str) -> str:
    if value not in allowed:
        raise StoreError(code=code, params={"field": field, "value": value, "options": ", ".join(allowed)},
                         message="fact.choice")
    return str(value)


def _fact_count(value: Any, low: int, *, code: str, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 100_000:
        raise StoreError(code=code, params={"field": field, "low": low}, message="fact.count")
    return value


def _text(value: Any, limit: int, *, code: str, field: str, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise StoreError(code=code, params={"field": field}, message="text.required")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise StoreError(code=code, params={"field": field, "limit": limit}, message="fact.text")
    return value.strip()


def _fact_id(value: Any, *, code: str, field: str) -> str:
    import re

    text = _text(value, 200, code=code, field=field, required=True) or ""
    if not re.fullmatch(ID_PATTERN, text):
        raise StoreError(code=code, params={"field": field, "value": text}, message="fact.id")
    return text


def _fact_date(value: Any, *, code: str, field: str, optional: bool = True) -> dt.date | None:
    if value is None and optional:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise StoreError(code=code, params={"field": field}, message="fact.date")
    return value


def _structure(s: Session, structure_id: str) -> Structure:
    row = s.get(Structure, structure_id)
    if row is None:
        raise StoreError(code="unknown_structure", params={"id": structure_id})
    return row


def _person(s: Session, person_id: str) -> Person:
    row = s.get(Person, person_id)
    if row is None:
        raise StoreError(code="unknown_person", params={"id": person_id})
    return row
