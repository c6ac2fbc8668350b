"""The maintained table of current positions (``current_positions``, migration 0009): the latest event of each
(person, item, author role), kept in step with ``positioning_events``.

- :func:`advance` is called by ``store.positionings.insert_positionings`` in the transaction that appends the
  events (every event is written there): one multi-row upsert that replaces a row only with a later event
  (``positioned_at``, then the larger id — the order of ``build_view`` and of the window function);
- erasure deletes the person's rows (``store.erasure``), a backup carries the table with the events, and
  :func:`rebuild` recomputes it from the events with the window function (migration 0009's backfill, tests,
  bulk loads that bypass the store);
- :func:`summaries` and :func:`rows` read it for lists of thousands of people (the caseload).

A test compares the table with the window function on random events (ties on time, backdated events,
erasure, restore of a backup), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, delete, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from .models import PositioningEvent
from .positions import Positioning
from .read_models import CurrentPosition

__all__ = ["advance", "rebuild", "summaries", "rows", "window_rows", "BACKFILL_SQL"]

#: the table's content computed from the events (the migration's backfill; SQLite and PostgreSQL)
BACKFILL_SQL = """
INSERT INTO current_positions (person_id, item_id, author_role, event_id, level, state, positioned_at)
SELECT person_id, item_id, author_role, id, level, state, positioned_at FROM (
  SELECT id, person_id, item_id, author_role, level, state, positioned_at,
         ROW_NUMBER() OVER (PARTITION BY person_id, item_id, author_role
                            ORDER BY positioned_at DESC, id DESC) AS rank
  FROM positioning_events {where}) AS ranked
WHERE rank = 1
"""

_KEY = ("person_id", "item_id", "author_role")
#: largest id list sent in one IN (…)
CHUNK = 30_000


#: the upsert of :func:`advance`, built once per dialect (building it costs more than running it)
_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    statement = _UPSERTS.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        statement = dialect_insert(CurrentPosition)
        new, old = statement.excluded, CurrentPosition
        statement = _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=[getattr(CurrentPosition, k) for k in _KEY],
            set_={"event_id": new.event_id, "level": new.level, "state": new.state,
                  "positioned_at": new.positioned_at},
            where=or_(new.positioned_at > old.positioned_at,
                      and_(new.positioned_at == old.positioned_at, new.event_id > old.event_id)))
    return statement


def advance(s: Session, events: Iterable[Positioning]) -> None:
    """Make the table reflect ``events`` (just inserted, with their ids): one upsert per (person, item, role),
    kept only when later than the stored row (a backdated event leaves the current one in place)."""
    latest: dict[tuple[str, str, str], Positioning] = {}
    for event in events:
        key = (event.person_id, event.item_id, event.author_role)
        kept = latest.get(key)
        if kept is None or (event.positioned_at, event.id) > (kept.positioned_at, kept.id):
            latest[key] = event
    if not latest:
        return
    # in key order: concurrent PostgreSQL transactions lock the rows they upsert in the same order (no deadlock)
    rows = [{"person_id": e.person_id, "item_id": e.item_id, "author_role": e.author_role, "event_id": e.id,
             "level": e.level, "state": e.state, "positioned_at": e.positioned_at}
            for _, e in sorted(latest.items())]
    s.execute(_upsert(s.get_bind().dialect.name), rows[0] if len(rows) == 1 else rows)


def rebuild(s: Session, person_ids: Sequence[str] | None = None) -> None:
    """Recompute the rows of ``person_ids`` (everyone when None) from the events."""
    if person_ids is None:
        s.execute(delete(CurrentPosition))
        s.execute(text(BACKFILL_SQL.format(where="")))
        return
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return
    s.execute(delete(CurrentPosition).where(CurrentPosition.person_id.in_(ids)))
    s.execute(text(BACKFILL_SQL.format(where="WHERE person_id IN :ids")).bindparams(
        bindparam("ids", expanding=True)), {"ids": ids})


def window_rows(s: Session) -> list[tuple[Any, ...]]:
    """What the table must hold, computed from the events by the window function (consistency tests)."""
    e = PositioningEvent
    rank = func.row_number().over(partition_by=(e.person_id, e.item_id, e.author_role),
                                  order_by=(e.positioned_at.desc(), e.id.desc())).label("rank")
    ranked = select(e.person_id, e.item_id, e.author_role, e.id, e.level, e.state, e.positioned_at, rank).subquery()
    query = select(*[c for c in ranked.c if c.name != "rank"]).where(ranked.c.rank == 1)
    return sorted(tuple(r) for r in s.execute(query))


def _sets(people: Select[Any] | Sequence[str]) -> Iterable[Any]:
    """The IN-operand(s) for ``people``: the SELECT itself, or the ids in slices under the bound-parameter
    limits (SQLite 32,766, PostgreSQL 65,535)."""
    if isinstance(people, Select):
        yield people
        return
    ids = list(dict.fromkeys(people))
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def rows(s: Session, people: Select[Any] | Sequence[str]) -> list[tuple[str, str, str, int | None, str | None]]:
    """(person, item, role, level, state) of every current position of ``people`` (a SELECT of person ids, or
    ids); no time: for lists that need the values, not the events."""
    c = CurrentPosition
    found: list[tuple[str, str, str, int | None, str | None]] = []
    for chunk in _sets(people):
        query = select(c.person_id, c.item_id, c.author_role, c.level, c.state).where(c.person_id.in_(chunk))
        found += [tuple(r) for r in s.execute(query)]  # type: ignore[misc]
    return found


def summaries(s: Session, people: Select[Any] | Sequence[str], counted_items: Sequence[str]
              ) -> dict[str, tuple[int, int, int, dt.datetime]]:
    """Per person of ``people`` (a SELECT of person ids, or ids) with at least one positioning, computed by the
    database in one query over the current positions: (items of ``counted_items`` positioned by any role,
    items of ``counted_items`` the person positioned themselves on, items (any) where the latest self and
    accompanist values differ, time of the latest positioning) — what ``PositionView`` gives person by
    person."""
    c, co = CurrentPosition, aliased(CurrentPosition)
    counted = list(counted_items) or [""]
    in_counted = c.item_id.in_(counted)
    differs = and_(co.person_id.is_not(None), or_(c.level.is_distinct_from(co.level),
                                                  c.state.is_distinct_from(co.state)))
    found: dict[str, tuple[int, int, int, dt.datetime]] = {}
    for chunk in _sets(people):
        query = (select(c.person_id,
                        func.count(func.distinct(case((in_counted, c.item_id)))),
                        func.sum(case((and_(c.author_role == "self", in_counted), 1), else_=0)),
                        func.sum(case((differs, 1), else_=0)),
                        func.max(c.positioned_at, type_=CurrentPosition.positioned_at.type))
                 .outerjoin(co, and_(c.author_role == "self", co.person_id == c.person_id, co.item_id == c.item_id,
                                     co.author_role == "accompanist"))
                 .where(c.person_id.in_(chunk)).group_by(c.person_id))
        found.update({pid: (int(n), int(own or 0), int(div or 0), last)
                      for pid, n, own, div, last in s.execute(query)})
    return found
