"""The facts part of a profile file: contracts and certifications held (imported into the record), and the
structure's networks and branch agreements (written on export). Format: :mod:`.profiles`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facts import StructureFacts
    from .profiles import Profile
    from .repository import Repository

__all__ = ["ProfileContract", "ProfileHeld", "apply_facts", "structure_data"]


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


def apply_facts(repo: Repository, profile: Profile) -> None:
    """Import the profile's facts; a contract (kind, start, job) or certification (id, date, outcome) already
    in the record is not added again, so importing the same file twice changes nothing."""
    from . import facts as store_facts

    p = profile.person
    changes: dict[str, Any] = {}
    if p.pec_enrolled_on is not None:
        changes["pec_enrolled_on"] = p.pec_enrolled_on
    if p.placement_planned is not None:
        changes["placement_planned"] = p.placement_planned
    current = store_facts.set_person_facts(repo, p.id, **changes) if changes else store_facts.person_facts(repo, p.id)
    have = {(c.kind, c.start_date, c.job) for c in current.contracts}
    for c in profile.contracts or ():
        if (c.kind, c.start, c.job) not in have:
            store_facts.add_contract(repo, p.id, c.kind, c.start, c.end, job=c.job)
    held = {(h.certification, h.awarded_on, h.outcome) for h in current.held}
    for h in profile.held or ():
        if (h.certification, h.awarded_on, h.outcome) not in held:
            store_facts.add_held(repo, p.id, h.certification, h.outcome, h.awarded_on, blocs=h.blocs, jury=h.jury,
                                 modality=h.modality)
