"""Planning interviews: schedule, reschedule and cancel; the interviews due from the contract dates (PEC
windows, ESAT personal-project review) proposed for planning; the accompanist's schedule as an iCalendar file
(RFC 5545). Every read and write goes through the access guard (checked, logged)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from icalendar import Calendar, Event

from ..messages import t
from ..security import audit
from ..store import ContractRecord, FollowUpRecord, StoreError
from ..store import interviews as store
from ..store.caseload_queries import load_caseload
from ..store.interviews import Proposal
from .accounts import Identity, guard_for
from .caseload import scope_structures
from .context import Context

__all__ = ["Proposal", "Planned", "proposals", "schedule", "accept", "reschedule", "cancel", "add_pec_contract",
           "planned_schedule", "schedule_ics", "REVIEW_SOURCE"]

REVIEW_SOURCE = store.REVIEW_SOURCE
_ACCOMPANIST = ("accompanist",)


@dataclass(frozen=True)
class Planned:
    """One planned interview of the caseload, for the schedule and its calendar export."""

    followup: FollowUpRecord
    person_id: str
    person_name: str
    overdue: bool


def proposals(ctx: Context, identity: Identity, person_id: str, *, today: dt.date | None = None) -> list[Proposal]:
    """The interviews due from the person's contract dates and not planned yet (read through the guard)."""
    today = today or dt.date.today()
    guard = guard_for(ctx, identity)
    person, contracts, followups = guard.reading(person_id, "followup", lambda: (
        ctx.repo.get_person(person_id), ctx.repo.list_contracts(person_id), ctx.repo.list_followups(person_id)))
    return store.proposals(person.status, contracts, followups, entered_on=person.created_at.date(), today=today)


def schedule(ctx: Context, identity: Identity, person_id: str, kind: str, day: dt.date, *,
             milestone: str | None = None, contract_id: str | None = None, due_from: dt.date | None = None,
             due_until: dt.date | None = None) -> FollowUpRecord:
    """Plan an interview with the person (their accompanist only)."""
    if day is None:
        raise StoreError(code="missing_day")
    return guard_for(ctx, identity).writing(person_id, "followup", lambda _role: store.plan(
        ctx.repo, person_id, kind, day, milestone=milestone, contract_id=contract_id, due_from=due_from,
        due_until=due_until), roles=_ACCOMPANIST)


def accept(ctx: Context, identity: Identity, person_id: str, proposal: Proposal, day: dt.date | None = None
           ) -> FollowUpRecord:
    """Plan a proposed interview (on its proposed day unless ``day`` is given), keeping its due window."""
    return schedule(ctx, identity, person_id, proposal.kind, day or proposal.scheduled_on,
                    milestone=proposal.milestone, contract_id=proposal.contract_id, due_from=proposal.due_from,
                    due_until=proposal.due_until)


def _owner(ctx: Context, followup_id: str) -> str:
    person_id = ctx.repo.followup_owner(followup_id)
    if person_id is None:
        raise StoreError(code="unknown_followup", message="unknown_followup.short")
    return person_id


def reschedule(ctx: Context, identity: Identity, followup_id: str, day: dt.date) -> FollowUpRecord:
    """Move a planned interview to another day (the person's accompanist only)."""
    person_id = _owner(ctx, followup_id)
    return guard_for(ctx, identity).writing(person_id, "followup", lambda _role: store.reschedule(
        ctx.repo, followup_id, day), roles=_ACCOMPANIST, action="change")


def cancel(ctx: Context, identity: Identity, followup_id: str) -> FollowUpRecord:
    """Cancel a planned interview (kept in the history as cancelled)."""
    person_id = _owner(ctx, followup_id)
    return guard_for(ctx, identity).writing(person_id, "followup", lambda _role: ctx.repo.cancel_followup(
        followup_id), roles=_ACCOMPANIST, action="change")


def add_pec_contract(ctx: Context, identity: Identity, person_id: str, employer_id: str, start: dt.date,
                     end: dt.date, *, weekly_hours: int | None = 20, prescriber: str | None = None) -> ContractRecord:
    """Record a PEC contract through the person-file facts (``services.facts``); its four follow-up interviews
    are planned from the dates (seed 002)."""
    from . import facts

    return facts.add_contract(ctx, person_id, "pec", start, end, identity=identity, employer_id=employer_id,
                              weekly_hours=weekly_hours, prescriber=prescriber)


def planned_schedule(ctx: Context, identity: Identity, *, today: dt.date | None = None) -> list[Planned]:
    """Every planned interview of the identity's caseload, soonest first, in the set-based caseload queries;
    logged as one read of the list."""
    today = today or dt.date.today()
    structures = scope_structures(ctx, identity)
    data = load_caseload(ctx.repo, structures, accompanist_id=identity.user_id if identity.role != "admin" else None,
                         today=today, positions=None)
    audit.record(ctx.repo, identity.user_id, "read", "schedule",
                 structure_id=structures[0] if len(structures) == 1 else None)
    names = {p.id: p.display_name for p in data.people}
    found = [Planned(f, pid, names.get(pid, ""), (f.due_until or f.scheduled_on) < today)
             for pid, planned in data.planned.items() for f in planned]
    return sorted(found, key=lambda p: (p.followup.scheduled_on, p.person_name))


def schedule_ics(ctx: Context, identity: Identity, labels, *, today: dt.date | None = None) -> bytes:
    """The planned interviews of the caseload as an iCalendar file (RFC 5545): one all-day event per interview,
    a stable UID per interview (re-importing updates instead of duplicating). ``labels(kind)`` gives the
    French name of an interview kind. Logged as one export."""
    planned = planned_schedule(ctx, identity, today=today)
    calendar = Calendar()
    calendar.add("prodid", "-//competency-graph//entretiens//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t("interviews.title"))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for p in planned:
        f = p.followup
        event = Event()
        uid = hashlib.sha256(f.id.encode()).hexdigest()[:32]
        event.add("uid", f"{uid}@competency-graph")
        event.add("dtstamp", stamp)
        event.add("dtstart", f.scheduled_on)
        event.add("dtend", f.scheduled_on + dt.timedelta(days=1))
        event.add("summary", f"{labels(f.milestone or f.kind)} — {p.person_name}")
        if f.due_from and f.due_until:
            event.add("description", t("interviews.ics.window", start=f"{f.due_from:%d/%m/%Y}", end=f"{f.due_until:%d/%m/%Y}"))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    audit.record(ctx.repo, identity.user_id, "export", "schedule")
    return calendar.to_ical()
