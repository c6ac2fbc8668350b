"""The facts part of a profile file: contracts and certifications held (imported into the record), and the
structure's networks and branch agreements (written on export). Format: :mod:`.profiles`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facts import StructureFacts

__all__ = ["ProfileContract", "ProfileHeld", "structure_data"]


@dataclass(frozen=True)
class ProfileContract:
    kind: str
    start: dt.date
    end: dt.date | None = None
    job: str | None = None


@dataclass(frozen=True)
class ProfileHeld:
    certification: str
    outcome: str
    awarded_on: dt.date
    blocs: tuple[str, ...] = ()
    jury: str | None = None
    modality: str | None = None


def structure_data(structure: StructureFacts) -> dict[str, Any]:
    nets = [{k: v for k, v in (("network", n.network), ("trained_staff", n.trained_staff), ("field", n.field),
                                ("field_structures", n.field_structures), ("since", n.since)) if v is not None}
            for n in structure.networks]
    data: dict[str, Any] = {"kind": structure.kind}
    if structure.field:
        data["field"] = structure.field
    if nets:
        data["networks"] = nets
    if structure.agreements:
        data["branch_agreements"] = [{k: v for k, v in (("branch", a.branch), ("cqps", list(a.cqps)),
                                                         ("since", a.since)) if v is not None}
                                     for a in structure.agreements]
    return data
