"""Set-based reads of the person's record: a few queries for a whole set of people, never one per person.

Each function takes an open :class:`~sqlalchemy.orm.Session` (so that several compose in one transaction:
``repo.run(lambda s: ..., write=False)``) and a set of people given either as ids or as a ``SELECT`` of
person ids (then the set is computed by the database, e.g. "the people this accompanist follows today").
They return the same values the per-person repository methods return (``PersonRecord``, ``PositionView``…);
tests compare both paths on the same data. Access checks and the audit entry are the caller's
(``services.batch``): these functions only read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Union

from sqlalchemy import Select, String, and_, bindparam, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from .models import Assignment, Experience, FollowUp, Membership, Person, PositioningEvent, Structure, User
from .positions import ItemView, Positioning, PositionView, as_of_instant
from .read_models import CurrentPosition
from .records import ExperienceEntry, PersonRecord, UserRecord

__all__ = ["People", "CHUNK", "user_record", "person_records", "records_and_followed", "latest_positionings", "latest_levels", "position_views", "assigned_among",
           "next_planned_interviews", "position_summaries", "PositionSummary"]

#: a set of people: their ids, or a SELECT of one column of person ids
People = Union[Sequence[str], Select[Any]]
#: largest id list sent in one IN (…): under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
CHUNK = 30_000


def _chunks(people: People) -> Iterable[Any]:
    """The IN-operand(s) for ``people``: the SELECT itself, or the ids in slices of :data:`CHUNK`."""
    if isinstance(people, Select):
        yield people
        return
    ids = list(dict.fromkeys(people))
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


_users, _memberships = User.__table__, Membership.__table__
#: built once, on the tables (no ORM entity): every guard reads it, i.e. every script run (issue #19)
_USER_RECORD = (select(_users.c.id, _users.c.login, _users.c.display_name, _users.c.person_id, _users.c.active,
                       _memberships.c.structure_id, _memberships.c.role)
                .select_from(_users.outerjoin(_memberships, _memberships.c.user_id == _users.c.id))
                .where(_users.c.id == bindparam("user"))
                .order_by(_memberships.c.structure_id, _memberships.c.role))


def user_record(s: Session, user_id: str) -> UserRecord | None:
    """A user and their roles (structure, role) in one query (None when unknown)."""
    rows = s.execute(_USER_RECORD, {"user": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    roles = tuple((r.structure_id, r.role) for r in rows if r.structure_id is not None)
    return UserRecord(first.id, first.login, first.display_name, first.person_id, bool(first.active), roles)


def person_records(s: Session, people: People, *, by_name: bool = False, experience: bool = True
                   ) -> dict[str, PersonRecord]:
    """The records of ``people`` (unknown ids are absent), in two queries: people with their structure's
    networks, then every experience line of the set (none read, and empty, when ``experience`` is False).
    ``by_name``: in the order of the database's ``ORDER BY display_name, id``."""
    return records_and_followed(s, people, by_name=by_name, experience=experience)[0]


def records_and_followed(s: Session, people: People, *, followed_by: str | None = None, on: dt.date | None = None,
                         by_name: bool = False, experience: bool = True) -> tuple[dict[str, PersonRecord], set[str]]:
    """:func:`person_records`, and which of the people ``followed_by`` (an accompanist) follows on ``on``
    (default today), read in the same query (an EXISTS column) — the input of an access decision."""
    rows: list[Any] = []
    day = on or dt.date.today()
    followed = (select(Assignment.id).where(
        Assignment.accompanist_id == followed_by, Assignment.person_id == Person.id, Assignment.since <= day,
        or_(Assignment.until.is_(None), Assignment.until >= day)).exists() if followed_by else literal(False))
    for chunk in _chunks(people):
        query = select(Person, Structure.networks, followed.label("followed")) \
            .outerjoin(Structure, Structure.id == Person.structure_id).where(Person.id.in_(chunk))
        rows += s.execute(query.order_by(Person.display_name, Person.id) if by_name else query).all()
    # The identity map holds rows weakly: keep them for the rest of the transaction, so that a later
    # ``session.get(Person, id)`` in it (e.g. the facts of the guidance page) needs no query.
    s.info.setdefault("bulk_people", []).extend(r[0] for r in rows)
    lines: dict[str, list[ExperienceEntry]] = {}
    for chunk in _chunks([r[0].id for r in rows] if experience else []):
        for e in s.scalars(select(Experience).where(Experience.person_id.in_(chunk)).order_by(Experience.id)):
            lines.setdefault(e.person_id, []).append(ExperienceEntry(e.job, e.months, e.in_pec, e.current))
    records = {}
    assigned = set()
    for row, structure_networks, is_followed in rows:
        own = tuple(row.networks) if row.networks is not None else None
        effective = own if own is not None else tuple(structure_networks or ())
        records[row.id] = PersonRecord(row.id, row.structure_id, row.display_name, row.status, row.birth_year,
                                       row.writing, row.goal, row.target, effective, own,
                                       tuple(lines.get(row.id, ())), row.created_at)
        if is_followed:
            assigned.add(row.id)
    return records, assigned


def _latest(people: Any, as_of: dt.datetime | None, items: Sequence[str] | None) -> Select[Any]:
    """Each (person, item, role)'s latest event (ties on time broken by insertion order, as ``build_view``)."""
    rank = func.row_number().over(
        partition_by=(PositioningEvent.person_id, PositioningEvent.item_id, PositioningEvent.author_role),
        order_by=(PositioningEvent.positioned_at.desc(), PositioningEvent.id.desc())).label("rank")
    query = select(PositioningEvent.id, rank).where(PositioningEvent.person_id.in_(people))
    if as_of is not None:
        query = query.where(PositioningEvent.positioned_at <= as_of)
    if items is not None:
        query = query.where(PositioningEvent.item_id.in_(list(items)))
    return query


def latest_positionings(s: Session, people: People, *, as_of: dt.datetime | dt.date | None = None,
                        items: Sequence[str] | None = None) -> list[Positioning]:
    """The events a view keeps: for each person, item and role, the latest one at ``as_of`` (on ``items``
    only when given), in one query per chunk (a window function)."""
    instant = as_of_instant(as_of)
    found: list[Positioning] = []
    for chunk in _chunks(people):
        if instant is None:  # now: the maintained table names each latest event (migration 0009)
            query = select(PositioningEvent).join(CurrentPosition, CurrentPosition.event_id == PositioningEvent.id) \
                .where(CurrentPosition.person_id.in_(chunk))
            if items is not None:
                query = query.where(CurrentPosition.item_id.in_(list(items)))
        else:
            ranked = _latest(chunk, instant, items).subquery()
            query = select(PositioningEvent).join(ranked, ranked.c.id == PositioningEvent.id).where(ranked.c.rank == 1)
        found += [_to_positioning(r) for r in s.scalars(query.order_by(PositioningEvent.positioned_at,
                                                                          PositioningEvent.id))]
    return found


def latest_levels(s: Session, people: People, items: Sequence[str]) -> list[tuple[str, str, str, int | None]]:
    """(person, item, role, level) of each latest event on ``items`` — plain tuples for vectorised analyses
    (a gap matrix), no event objects built."""
    found: list[tuple[str, str, str, int | None]] = []
    c = CurrentPosition  # the maintained latest event of each (person, item, role), migration 0009
    for chunk in _chunks(people):
        query = select(c.person_id, c.item_id, c.author_role, c.level).where(c.person_id.in_(chunk),
                                                                            c.item_id.in_(list(items)))
        found += [tuple(row) for row in s.execute(query)]  # type: ignore[misc]
    return found


def _to_positioning(row: PositioningEvent) -> Positioning:
    return Positioning(row.id, row.uid, row.person_id, row.item_id, row.level, row.state, row.author_role,
                       row.author_id, row.referential_version, row.comment, row.positioned_at, row.recorded_at,
                       row.corrects_id, row.source)


def position_views(s: Session, person_ids: Sequence[str], *, as_of: dt.datetime | dt.date | None = None
                   ) -> dict[str, PositionView]:
    """The current view of each person (equal to ``Repository.current_view``), every person of
    ``person_ids`` present (an empty view when they have no positioning)."""
    instant = as_of_instant(as_of)
    items: dict[str, dict[str, dict[str, Positioning]]] = {p: {} for p in person_ids}
    for event in latest_positionings(s, person_ids, as_of=instant):
        items.setdefault(event.person_id, {}).setdefault(event.item_id, {})[event.author_role] = event
    return {p: PositionView(p, instant, {i: ItemView(i, roles) for i, roles in by_item.items()})
            for p, by_item in items.items()}


def assigned_among(s: Session, accompanist_id: str, people: People, *, on: dt.date | None = None) -> set[str]:
    """Which of ``people`` the accompanist follows on ``on`` (default today), in one query."""
    day = on or dt.date.today()
    found: set[str] = set()
    for chunk in _chunks(people):
        found.update(s.scalars(select(Assignment.person_id).where(
            Assignment.accompanist_id == accompanist_id, Assignment.person_id.in_(chunk), Assignment.since <= day,
            or_(Assignment.until.is_(None), Assignment.until >= day))))
    return found


def next_planned_interviews(s: Session, people: People, *, today: dt.date) -> dict[str, dt.date]:
    """Each person's earliest planned interview still to come (scheduled from ``today`` on, or whose window
    is still open), in one query."""
    found: dict[str, dt.date] = {}
    for chunk in _chunks(people):
        query = (select(FollowUp.person_id, func.min(FollowUp.scheduled_on))
                 .where(FollowUp.person_id.in_(chunk), FollowUp.status == "planned",
                        or_(FollowUp.scheduled_on >= today, and_(FollowUp.due_until.is_not(None),
                                                                 FollowUp.due_until >= today)))
                 .group_by(FollowUp.person_id))
        found.update({pid: day for pid, day in s.execute(query)})
    return found


class PositionSummary(tuple):  # type: ignore[type-arg]
    """(positioned, divergences, last_positioning) of one person — see :func:`position_summaries`."""

    __slots__ = ()

    @property
    def positioned(self) -> int:
        return int(self[0])

    @property
    def divergences(self) -> int:
        return int(self[1])

    @property
    def last_positioning(self) -> dt.datetime | None:
        return self[2]  # type: ignore[no-any-return]


def position_summaries(s: Session, people: People, counted_items: Sequence[str]) -> dict[str, PositionSummary]:
    """Per person, computed by the database in one query: how many of ``counted_items`` carry a positioning
    (any role), how many items (any) are divergent (latest self and latest accompanist differ), and the
    time of the latest positioning. Equal to what ``PositionView`` gives person by person."""
    found: dict[str, PositionSummary] = {}
    value = func.coalesce(cast(PositioningEvent.level, String), PositioningEvent.state)
    for chunk in _chunks(people):
        ranked = _latest(chunk, None, None).subquery()
        latest = (select(PositioningEvent.person_id, PositioningEvent.item_id, PositioningEvent.author_role,
                         value.label("value"), PositioningEvent.positioned_at)
                  .join(ranked, ranked.c.id == PositioningEvent.id).where(ranked.c.rank == 1)).subquery()
        per_item = (select(
            latest.c.person_id, latest.c.item_id,
            func.max(case((latest.c.author_role == "self", latest.c.value))).label("own"),
            func.max(case((latest.c.author_role == "accompanist", latest.c.value))).label("co"),
            func.max(latest.c.positioned_at).label("last_at"))
            .group_by(latest.c.person_id, latest.c.item_id)).subquery()
        counted = case((per_item.c.item_id.in_(list(counted_items) or [""]), 1), else_=0)
        divergent = case((and_(per_item.c.own.is_not(None), per_item.c.co.is_not(None),
                               per_item.c.own != per_item.c.co), 1), else_=0)
        query = (select(per_item.c.person_id, func.sum(counted), func.sum(divergent),
                        func.max(per_item.c.last_at, type_=PositioningEvent.positioned_at.type))
                 .group_by(per_item.c.person_id))
        for pid, positioned, divergences, last in s.execute(query):
            found[pid] = PositionSummary((positioned or 0, divergences or 0, last))
    return found
