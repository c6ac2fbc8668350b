"""Interviews beyond the store's basics: move a planned interview to another day, the ESAT personal-project
review window, and the proposals made from the contract dates (what is due and not yet planned).

The PEC windows come from :mod:`.schedule` (seed 002: 1 month, mid-way, ¾, exit 1 to 3 months before the
end). The ESAT review every 12 to 18 months is **not in the seeds**: it is the usual rhythm of the review of
an ESAT worker's personal project in practice, kept here as a setting marked unsourced (``REVIEW_SOURCE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .errors import StoreError
from .models import FOLLOWUP_KINDS, MILESTONES, Contract, FollowUp, Person
from .records import ContractRecord, FollowUpRecord
from .repository import Repository
from .schedule import add_months, pec_schedule

__all__ = ["Proposal", "REVIEW_MONTHS", "REVIEW_SOURCE", "plan", "reschedule", "project_review_window", "proposals"]

#: the ESAT personal-project review is due between 12 and 18 months after the previous one (or the entry)
REVIEW_MONTHS = (12, 18)
REVIEW_SOURCE = ("unsourced: not in seeds 000–004; common practice of ESAT personal-project reviews, to be "
                 "checked against the structure's own rules")


@dataclass(frozen=True)
class Proposal:
    """An interview due from the contract dates and not planned yet."""

    kind: str  # follow_up | exit | project_review
    milestone: str | None  # one_month | mid_contract | three_quarters | exit | None
    scheduled_on: dt.date
    due_from: dt.date
    due_until: dt.date
    contract_id: str | None
    reason: str  # pec | esat_review


def plan(repo: Repository, person_id: str, kind: str, day: dt.date, *, milestone: str | None = None,
         contract_id: str | None = None, due_from: dt.date | None = None, due_until: dt.date | None = None
         ) -> FollowUpRecord:
    """Plan an interview on ``day``; a PEC milestone keeps its contract and due window."""
    if kind not in FOLLOWUP_KINDS:
        raise StoreError(code="bad_followup_kind", message="bad_followup_kind.short")
    if milestone is not None and milestone not in MILESTONES:
        raise StoreError(code="bad_milestone")
    if due_from and due_until and due_until < due_from:
        raise StoreError(code="bad_window")

    def write(s: Session) -> str:
        if s.get(Person, person_id) is None:
            raise StoreError(code="unknown_person", message="unknown_person.short")
        if contract_id is not None:
            contract = s.get(Contract, contract_id)
            if contract is None or contract.person_id != person_id:
                raise StoreError(code="unknown_contract", message="unknown_contract.other_person")
        row = FollowUp(person_id=person_id, contract_id=contract_id, kind=kind, milestone=milestone,
                       status="planned", scheduled_on=day, due_from=due_from, due_until=due_until)
        s.add(row)
        s.flush()
        return row.id
    followup_id = repo.run(write, write=True)
    return next(f for f in repo.list_followups(person_id) if f.id == followup_id)


def reschedule(repo: Repository, followup_id: str, day: dt.date) -> FollowUpRecord:
    """Move a planned interview to ``day`` (its due window stays: a day outside it shows as late)."""
    def write(s: Session) -> str:
        row = s.get(FollowUp, followup_id)
        if row is None:
            raise StoreError(code="unknown_followup", message="unknown_followup.short")
        if row.status != "planned":
            raise StoreError(code="followup_closed")
        row.scheduled_on = day
        return row.person_id
    person_id = repo.run(write, write=True)
    return next(f for f in repo.list_followups(person_id) if f.id == followup_id)


def project_review_window(since: dt.date) -> tuple[dt.date, dt.date]:
    """The window of the next ESAT personal-project review after ``since`` (see :data:`REVIEW_MONTHS`)."""
    return add_months(since, REVIEW_MONTHS[0]), add_months(since, REVIEW_MONTHS[1])


def proposals(status: str, contracts: Iterable[ContractRecord], followups: Iterable[FollowUpRecord], *,
              entered_on: dt.date, today: dt.date) -> list[Proposal]:
    """What is due from the contract dates and not yet planned nor held (pure: no database).

    - each PEC contract: its four interviews (one_month, mid_contract, three_quarters, exit) not yet in the
      person's follow-up for that contract, when the contract is not over;
    - an ESAT worker (``status`` esat): the next personal-project review, 12 to 18 months after the last one
      held (else after the ESAT contract's start, else after ``entered_on``), when none is planned.
    """
    followups = list(followups)
    found: list[Proposal] = []
    for contract in contracts:
        if contract.kind != "pec" or contract.end_date is None or contract.end_date < today:
            continue
        have = {f.milestone for f in followups if f.contract_id == contract.id and f.status != "cancelled"}
        try:
            schedule = pec_schedule(contract.start_date, contract.end_date)
        except StoreError:
            continue
        for m in schedule:
            if m.milestone not in have:
                found.append(Proposal(m.kind, m.milestone, m.scheduled_on, m.due_from, m.due_until, contract.id,
                                      "pec"))
    if status == "esat" and not any(f.kind == "project_review" and f.status == "planned" for f in followups):
        held = [f.held_on for f in followups if f.kind == "project_review" and f.status == "done" and f.held_on]
        esat_starts = [c.start_date for c in contracts if c.kind == "esat"]
        since = max(held) if held else (max(esat_starts) if esat_starts else entered_on)
        start, end = project_review_window(since)
        found.append(Proposal("project_review", None, max(start, today), start, end, None, "esat_review"))
    return sorted(found, key=lambda p: (p.scheduled_on, p.kind))
