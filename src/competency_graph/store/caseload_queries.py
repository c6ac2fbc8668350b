"""The caseload in a few set-based queries: the people of a scope (an accompanist's open assignments, or whole
structures), their experience, their accompanists, the latest positioning of each role on each item, and their
planned interviews — five queries whatever the number of people, one read transaction, no per-person work in
the database. Archived people are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from .caseload_models import PersonArchive
from .models import Assignment, Experience, FollowUp, Person, PositioningEvent, Structure, User
from .positions import ItemView, Positioning, PositionView
from .records import ExperienceEntry, FollowUpRecord, PersonRecord
from .repository import Repository

__all__ = ["CaseloadData", "load_caseload"]


@dataclass(frozen=True)
class CaseloadData:
    people: list[PersonRecord]
    accompanists: dict[str, tuple[tuple[str, str], ...]]
    """person id → ``(user id, display name)`` of the accompanists following them today."""
    views: dict[str, PositionView]
    planned: dict[str, list[FollowUpRecord]] = field(default_factory=dict)
    """person id → planned interviews, soonest first (no participants, no snapshot)."""
    structure_names: dict[str, str] = field(default_factory=dict)


def _scope(structure_ids: Sequence[str], accompanist_id: str | None, day: dt.date):
    query = select(Person.id).where(Person.structure_id.in_(list(structure_ids)),
                                    ~exists().where(PersonArchive.person_id == Person.id))
    if accompanist_id is not None:
        query = query.where(exists().where(
            Assignment.person_id == Person.id, Assignment.accompanist_id == accompanist_id,
            Assignment.since <= day, or_(Assignment.until.is_(None), Assignment.until >= day)))
    return query


def load_caseload(repo: Repository, structure_ids: Sequence[str], *, accompanist_id: str | None = None,
                  today: dt.date | None = None) -> CaseloadData:
    """The caseload of ``structure_ids`` (only the people ``accompanist_id`` follows today, when given)."""
    day = today or dt.date.today()
    if not structure_ids:
        return CaseloadData([], {}, {})

    def read(s: Session) -> CaseloadData:
        scope_ids = _scope(structure_ids, accompanist_id, day)
        # 1. people with their structure's networks
        rows = s.execute(select(Person, Structure.networks, Structure.name).join(Structure, Structure.id == Person.structure_id)
                         .where(Person.id.in_(scope_ids)).order_by(Person.display_name, Person.id)).all()
        # 2. experience
        experience: dict[str, list[ExperienceEntry]] = defaultdict(list)
        for e in s.scalars(select(Experience).where(Experience.person_id.in_(scope_ids)).order_by(Experience.id)):
            experience[e.person_id].append(ExperienceEntry(e.job, e.months, e.in_pec, e.current))
        people = []
        structure_names: dict[str, str] = {}
        for person, networks, structure_name in rows:
            structure_names[person.structure_id] = structure_name
            own = tuple(person.networks) if person.networks is not None else None
            people.append(PersonRecord(person.id, person.structure_id, person.display_name, person.status,
                                       person.birth_year, person.writing, person.goal, person.target,
                                       own if own is not None else tuple(networks or ()), own,
                                       tuple(experience.get(person.id, ())), person.created_at))
        # 3. accompanists following them today
        accompanists: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for person_id, user_id, name in s.execute(
                select(Assignment.person_id, User.id, User.display_name).join(User, User.id == Assignment.accompanist_id)
                .where(Assignment.person_id.in_(scope_ids), Assignment.since <= day,
                       or_(Assignment.until.is_(None), Assignment.until >= day))
                .order_by(User.display_name)):
            if (user_id, name) not in accompanists[person_id]:
                accompanists[person_id].append((user_id, name))
        # 4. the latest event of each (person, item, role): only the columns the dashboard reads (value, role,
        # time); uid, version and comment are not loaded (the views built here are for counting, not export)
        e = PositioningEvent
        rank = func.row_number().over(partition_by=(e.person_id, e.item_id, e.author_role),
                                      order_by=(e.positioned_at.desc(), e.id.desc())).label("rank")
        latest = (select(e.id, e.person_id, e.item_id, e.author_role, e.level, e.state, e.positioned_at, rank)
                  .where(e.person_id.in_(scope_ids)).subquery())
        items: dict[str, dict[str, dict[str, Positioning]]] = defaultdict(lambda: defaultdict(dict))
        for ident, person_id, item_id, role, level, state, at, _rank in s.execute(
                select(latest).where(latest.c.rank == 1)):
            moment = _aware(at)
            items[person_id][item_id][role] = Positioning(ident, "", person_id, item_id, level, state, role, None,
                                                          "", None, moment, moment)
        views = {pid: PositionView(pid, None, {i: ItemView(i, roles) for i, roles in by_item.items()})
                 for pid, by_item in items.items()}
        # 5. planned interviews
        planned: dict[str, list[FollowUpRecord]] = defaultdict(list)
        for f in s.scalars(select(FollowUp).where(and_(FollowUp.person_id.in_(scope_ids), FollowUp.status == "planned"))
                           .order_by(FollowUp.scheduled_on, FollowUp.id)):
            planned[f.person_id].append(FollowUpRecord(f.id, f.person_id, f.contract_id, f.kind, f.milestone, f.status,
                                                       f.scheduled_on, f.due_from, f.due_until, f.held_on, None, None))
        return CaseloadData(people, {k: tuple(v) for k, v in accompanists.items()}, views, dict(planned),
                            structure_names)
    return repo.run(read, write=False)


def _aware(value: dt.datetime) -> dt.datetime:
    """Raw rows of a subquery skip the column type: SQLite gives naive UTC (or text), PostgreSQL aware values."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
