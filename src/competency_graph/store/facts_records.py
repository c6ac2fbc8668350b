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


def _choice(value: Any, allowed: tuple[str, ...], code: str, what: str) -> str:
    if value not in allowed:
        raise StoreError(code, f"{what} inconnu : {value!r} (possibles : {', '.join(allowed)}).",
                   f"unknown {code}: {value!r}")
    return str(value)


def _fact_count(value: Any, code: str, fr: str, low: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 100_000:
        raise StoreError(code, f"{fr} : un entier ≥ {low} est attendu.", f"{code}: an integer >= {low} is expected")
    return value


def _text(value: Any, limit: int, code: str, fr: str, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise StoreError(code, f"{fr} est obligatoire.", f"{code}: required")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise StoreError(code, f"{fr} : un texte de 1 à {limit} caractères est attendu.", f"{code}: bad text")
    return value.strip()


def _fact_id(value: Any, code: str, fr: str) -> str:
    import re

    text = _text(value, 200, code, fr, required=True) or ""
    if not re.fullmatch(ID_PATTERN, text):
        raise StoreError(code, f"{fr} : identifiant invalide {text!r} (forme prefixe:local).", f"{code}: bad id {text!r}")
    return text


def _fact_date(value: Any, code: str, fr: str, *, optional: bool = True) -> dt.date | None:
    if value is None and optional:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise StoreError(code, f"{fr} : une date est attendue.", f"{code}: a date is expected")
    return value


def _structure(s: Session, structure_id: str) -> Structure:
    row = s.get(Structure, structure_id)
    if row is None:
        raise StoreError("unknown_structure", f"Structure introuvable : {structure_id}.", "unknown structure")
    return row


def _person(s: Session, person_id: str) -> Person:
    row = s.get(Person, person_id)
    if row is None:
        raise StoreError("unknown_person", f"Personne introuvable : {person_id}.", "unknown person")
    return row
