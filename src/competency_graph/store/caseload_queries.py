"""The caseload in a few set-based queries: the people of a scope (an accompanist's open assignments, or whole
structures), their experience, their accompanists, their current positions (the maintained table
``current_positions``: summaries computed by the database, or the values, or views) and their planned interviews
— a handful of Core queries whatever the number of people, one read transaction, no ORM object per row, no
per-person work in the database. Archived people are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from . import current_positions
from .caseload_models import PersonArchive
from .models import Assignment, Experience, FollowUp, Person, Structure, User
from .positions import ItemView, Positioning, PositionView
from .read_models import CurrentPosition
from .records import ExperienceEntry, FollowUpRecord, PersonRecord
from .repository import Repository

__all__ = ["CaseloadData", "load_caseload", "current_values", "Summary"]

#: (items of the counted set positioned by any role, of them the person positioned themselves on, divergent
#: items, time of the latest positioning) — see ``current_positions.summaries``
Summary = tuple[int, int, int, dt.datetime]


@dataclass(frozen=True)
class CaseloadData:
    people: list[PersonRecord]
    accompanists: dict[str, tuple[tuple[str, str], ...]]
    """person id → ``(user id, display name)`` of the accompanists following them today."""
    views: dict[str, PositionView]
    """Current views (only with ``positions="views"``; for counting, not export: no uid nor comment)."""
    planned: dict[str, list[FollowUpRecord]] = field(default_factory=dict)
    """person id → planned interviews, soonest first (no participants, no snapshot)."""
    structure_names: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, Summary] = field(default_factory=dict)
    """person id → :data:`Summary` (with ``counted_items``; absent: no positioning)."""
    values: dict[str, dict[str, dict[str, int | str]]] = field(default_factory=dict)
    """person id → item → role → level or state (with ``positions="values"``; people with a target only)."""


def _scope(structure_ids: Sequence[str], accompanist_id: str | None, day: dt.date):
    query = select(Person.id).where(Person.structure_id.in_(list(structure_ids)),
                                    ~exists().where(PersonArchive.person_id == Person.id))
    if accompanist_id is not None:
        query = query.where(exists().where(
            Assignment.person_id == Person.id, Assignment.accompanist_id == accompanist_id,
            Assignment.since <= day, or_(Assignment.until.is_(None), Assignment.until >= day)))
    return query


def load_caseload(repo: Repository, structure_ids: Sequence[str], *, accompanist_id: str | None = None,
                  today: dt.date | None = None, positions: str | None = "views",
                  counted_items: Sequence[str] | None = None) -> CaseloadData:
    """The caseload of ``structure_ids`` (only the people ``accompanist_id`` follows today, when given).
    ``positions``: ``"views"`` (a ``PositionView`` per person), ``"values"`` (item → role → value, people with
    a target only) or None;
    ``counted_items``: also the per-person summaries over these items, computed by the database."""
    day = today or dt.date.today()
    if not structure_ids:
        return CaseloadData([], {}, {})

    def read(s: Session) -> CaseloadData:
        scope_ids = _scope(structure_ids, accompanist_id, day)
        p = Person
        # 1. people with their structure's networks and name; 2. their experience
        structures = {sid: (name, tuple(networks or ())) for sid, name, networks in s.execute(
            select(Structure.id, Structure.name, Structure.networks).where(Structure.id.in_(list(structure_ids))))}
        rows = s.execute(select(p.id, p.structure_id, p.display_name, p.status, p.birth_year, p.writing, p.goal,
                                p.target, p.networks, p.created_at)
                         .where(p.id.in_(scope_ids)).order_by(p.display_name, p.id)).all()
        experience: dict[str, list[ExperienceEntry]] = defaultdict(list)
        for pid, job, months, in_pec, current in s.execute(
                select(Experience.person_id, Experience.job, Experience.months, Experience.in_pec, Experience.current)
                .where(Experience.person_id.in_(scope_ids)).order_by(Experience.id)):
            experience[pid].append(ExperienceEntry(job, months, in_pec, current))
        people = []
        structure_names: dict[str, str] = {}
        for pid, sid, name, status, birth, writing, goal, target, own, created in rows:
            sname, networks = structures[sid]
            structure_names[sid] = sname
            own = tuple(own) if own is not None else None
            people.append(PersonRecord(pid, sid, name, status, birth, writing, goal, target,
                                       own if own is not None else networks, own,
                                       tuple(experience.get(pid, ())), created))
        # 3. accompanists following them today
        accompanists: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for person_id, user_id, name in s.execute(
                select(Assignment.person_id, User.id, User.display_name).join(User, User.id == Assignment.accompanist_id)
                .where(Assignment.person_id.in_(scope_ids), Assignment.since <= day,
                       or_(Assignment.until.is_(None), Assignment.until >= day))
                .order_by(User.display_name)):
            if (user_id, name) not in accompanists[person_id]:
                accompanists[person_id].append((user_id, name))
        # 4. current positions (the maintained table): summaries by the database, values or views
        summaries = current_positions.summaries(s, scope_ids, counted_items) if counted_items is not None else {}
        values = _values(s, scope_ids) if positions == "values" else {}
        views = _views(s, scope_ids) if positions == "views" else {}
        # 5. planned interviews
        planned: dict[str, list[FollowUpRecord]] = defaultdict(list)
        f = FollowUp
        for fid, pid, contract, kind, milestone, status, on, due_from, due_until, held in s.execute(
                select(f.id, f.person_id, f.contract_id, f.kind, f.milestone, f.status, f.scheduled_on, f.due_from,
                       f.due_until, f.held_on)
                .where(and_(f.person_id.in_(scope_ids), f.status == "planned")).order_by(f.scheduled_on, f.id)):
            planned[pid].append(FollowUpRecord(fid, pid, contract, kind, milestone, status, on, due_from, due_until,
                                               held, None, None))
        return CaseloadData(people, {k: tuple(v) for k, v in accompanists.items()}, views, dict(planned),
                            structure_names, summaries, values)
    return repo.run(read, write=False)


def current_values(repo: Repository, structure_ids: Sequence[str], *, accompanist_id: str | None = None,
                   today: dt.date | None = None) -> dict[str, dict[str, dict[str, int | str]]]:
    """Only the current values (person → item → role → level or state) of the people of the scope of
    :func:`load_caseload` who have a target."""
    if not structure_ids:
        return {}
    scope_ids = _scope(structure_ids, accompanist_id, today or dt.date.today())
    return repo.run(lambda s: _values(s, scope_ids), write=False)


def _values(s: Session, scope_ids) -> dict[str, dict[str, dict[str, int | str]]]:  # type: ignore[no-untyped-def]
    """The values of the people of the scope who have a target (only a target makes the recommendation engine
    read positions)."""
    values: dict[str, dict[str, dict[str, int | str]]] = {}
    for pid, item, role, level, state in current_positions.rows(s, scope_ids.where(Person.target.is_not(None))):
        values.setdefault(pid, {}).setdefault(item, {})[role] = level if level is not None else str(state)
    return values


def _views(s: Session, scope_ids) -> dict[str, PositionView]:  # type: ignore[no-untyped-def]
    c = CurrentPosition
    items: dict[str, dict[str, dict[str, Positioning]]] = defaultdict(lambda: defaultdict(dict))
    for ident, person_id, item_id, role, level, state, at in s.execute(
            select(c.event_id, c.person_id, c.item_id, c.author_role, c.level, c.state, c.positioned_at)
            .where(c.person_id.in_(scope_ids))):
        items[person_id][item_id][role] = Positioning(ident, "", person_id, item_id, level, state, role, None, "",
                                                      None, at, at)
    return {pid: PositionView(pid, None, {i: ItemView(i, roles) for i, roles in by_item.items()})
            for pid, by_item in items.items()}


