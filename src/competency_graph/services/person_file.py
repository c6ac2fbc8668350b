"""The person's file as the accompanist keeps it: objective (target) and goal, experience lines, and the facts
of ``services.facts`` (contracts with dates, certifications and blocs held). Reads by whoever may read the
record, writes by the person's accompanist; checked and logged by the access guard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..store import ExperienceEntry, PersonRecord
from ..store.facts import PersonFacts
from . import facts
from .accounts import Identity, guard_for
from .context import Context

__all__ = ["PersonFile", "person_file", "set_objective", "set_experience"]


@dataclass(frozen=True)
class PersonFile:
    person: PersonRecord
    facts: PersonFacts


def person_file(ctx: Context, identity: Identity, person_id: str) -> PersonFile:
    person = guard_for(ctx, identity).read_person(person_id)
    return PersonFile(person, facts.person_facts(ctx, person_id, identity=identity))


def set_objective(ctx: Context, identity: Identity, person_id: str, *, goal: str | None, target: str | None
                  ) -> PersonRecord:
    """Save the person's goal (certification, recognition, employment, training) and target (a trade, job,
    certification or training entry profile id)."""
    return guard_for(ctx, identity).writing(person_id, "person", lambda _role: ctx.repo.update_person(
        person_id, goal=goal, target=target or None), roles=("accompanist",), action="change")


def set_experience(ctx: Context, identity: Identity, person_id: str, lines: Iterable[ExperienceEntry]
                   ) -> PersonRecord:
    """Replace the person's experience lines (job, months, in PEC, current)."""
    entries = list(lines)
    return guard_for(ctx, identity).writing(person_id, "experience", lambda _role: ctx.repo.set_experience(
        person_id, entries), roles=("accompanist",), action="change")
