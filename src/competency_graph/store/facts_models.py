"""Tables of the facts the recognition rules read: a structure's recognition networks and branch agreements,
and the certifications, blocs and attestations a person already holds (migration 0003).

Dated employment contracts extend the existing ``contracts`` table (``job``, open ``end_date``, any
``kind``); the Compétences PEC enrolment date and a planned placement are columns of ``people``
(see :mod:`.models`). Importing this module registers the tables on ``Base.metadata``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..vocab import ContractKind, HeldOutcome, Network, values
from .models import Base, new_id, utcnow

__all__ = [
    "CONTRACT_KINDS",
    "FACT_NETWORKS",
    "HELD_OUTCOMES",
    "BranchAgreement",
    "HeldCertification",
    "StructureNetwork",
]

#: employment contracts and work situations: PEC (CUI-CAE), insertion CDDI, ESAT support contract, ordinary
#: CDD/CDI, apprenticeship, and placements (stage, PMSMP) that give a work situation without employment.
CONTRACT_KINDS = values(ContractKind)
#: the outcome of a jury: the whole certification, or some blocs only (seed 003, VAE "validation partielle")
HELD_OUTCOMES = values(HeldOutcome)
#: networks a structure can belong to, with facts (same vocabulary as ``models.NETWORKS``)
FACT_NETWORKS = values(Network)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class StructureNetwork(Base):
    """A structure's membership of a recognition network, with what the rules need: RAE (Différent et
    Compétent) trained staff; RSFP field and the number of structures of that field in the network
    (this one included: the RSFP needs at least two, seed 003)."""

    __tablename__ = "structure_networks"
    __table_args__ = (
        UniqueConstraint("structure_id", "network"),
        CheckConstraint(_in("network", FACT_NETWORKS), name="network"),
        CheckConstraint("trained_staff IS NULL OR trained_staff >= 0", name="trained_staff"),
        CheckConstraint("field_structures IS NULL OR field_structures >= 1", name="field_structures"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(16))
    trained_staff: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(100))
    field_structures: Mapped[int | None] = mapped_column(Integer)
    since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BranchAgreement(Base):
    """A branch agreement giving the structure's workers access to CQPs (e.g. UIMM CQPM, seed 003)."""

    __tablename__ = "branch_agreements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id", ondelete="CASCADE"), index=True)
    branch: Mapped[str] = mapped_column(String(200))
    # ids of the CQPs (``rncp:RNCPnnnnn`` or a local ``cqp:<slug>``) the agreement opens
    cqps: Mapped[list[Any]] = mapped_column(default=list)
    since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class HeldCertification(Base):
    """A certification (or some of its blocs), an RAE attestation or an RSFP portfolio the person holds."""

    __tablename__ = "held_certifications"
    __table_args__ = (CheckConstraint(_in("outcome", HELD_OUTCOMES), name="outcome"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    certification: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    # for a partial outcome: the blocs the jury validated (``rncp:RNCPnnnnnBCnn``)
    blocs: Mapped[list[Any]] = mapped_column(default=list)
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    jury: Mapped[str | None] = mapped_column(String(300))
    modality: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
