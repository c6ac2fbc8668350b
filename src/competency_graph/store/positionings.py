"""Positionings: the append-only events (who, role, level or state, referential version, time) and their views."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from . import current_positions
from .access_facts import VERIFIED_PEOPLE, VERIFIED_USERS
from .accounts import user_row
from .catalog import ItemCatalog
from .checks import MAX_COMMENT_CHARS, check_choice, check_text, not_found, require_aware
from .errors import StoreError
from .models import AUTHOR_ROLES, STATES, Person, PositioningEvent, new_id, utcnow
from .people import person_row
from .positions import Positioning, PositionView, as_of_instant, build_view
from .records import ImportReport, PositioningInput
from .unit import UnitOfWork

__all__ = ["to_positioning", "require_catalog", "check_positioning", "insert_positionings", "record_positioning",
           "record_positionings", "events", "history", "current_view", "structure_views", "count_positionings",
           "export_positionings_csv", "import_positionings_csv"]

log = logging.getLogger("competency_graph.store")

_CLOCK_SKEW = dt.timedelta(minutes=5)


def to_positioning(row: PositioningEvent) -> Positioning:
    """The record of one stored event."""
    return Positioning(
        id=row.id, uid=row.uid, person_id=row.person_id, item_id=row.item_id, level=row.level, state=row.state,
        author_role=row.author_role, author_id=row.author_id, referential_version=row.referential_version,
        comment=row.comment, positioned_at=row.positioned_at, recorded_at=row.recorded_at,
        corrects_id=row.corrects_id, source=row.source,
    )


def require_catalog(uow: UnitOfWork) -> ItemCatalog:
    if uow.catalog is None:
        raise StoreError(code="no_catalog")
    return uow.catalog


def check_positioning(uow: UnitOfWork, entry: PositioningInput, now: dt.datetime) -> tuple[str, dt.datetime]:
    """Validate what does not need the database; return (referential version, positioned_at)."""
    catalog = require_catalog(uow)
    check_choice(entry.role, AUTHOR_ROLES, code="bad_author_role")
    item = entry.item_id
    if not isinstance(item, str) or not catalog.has_item(item):
        raise StoreError(code="unknown_item", params={"item": item})
    bounds = catalog.level_range(item)
    if bounds is None:
        if entry.level is not None:
            raise StoreError(code="state_required", params={"item": item})
        if entry.state not in STATES:
            raise StoreError(code="bad_state", params={"item": item, "value": entry.state})
    else:
        low, high = bounds
        if entry.state is not None:
            raise StoreError(code="level_required", params={"item": item, "low": low, "high": high},
                             message="level_required.not_a_state")
        if isinstance(entry.level, bool) or not isinstance(entry.level, int):
            raise StoreError(code="level_required", params={"item": item, "low": low, "high": high},
                             message="level_required.missing")
        if not low <= entry.level <= high:
            raise StoreError(code="level_out_of_range",
                             params={"item": item, "level": entry.level, "low": low, "high": high})
    check_text(entry.comment, MAX_COMMENT_CHARS, code="bad_comment", field="comment")
    at = require_aware(entry.at, "positioning_date") if entry.at is not None else now
    if at > now + _CLOCK_SKEW:
        raise StoreError(code="future_positioning")
    version = entry.referential_version or catalog.referential_version(item)
    check_text(version, 64, code="bad_version", field="version", required=True)
    check_text(entry.uid, 64, code="bad_uid", field="uid")
    return version, at


# On the Table, not the mapped class: the ORM's bulk-insert path cost as much again as the INSERT; built once
# (issue #19, perf-writes).
_INSERT_EVENTS = insert(PositioningEvent.__table__).returning(PositioningEvent.__table__.c.id,
                                                              sort_by_parameter_order=True)


def insert_positionings(uow: UnitOfWork, s: Session, entries: Sequence[PositioningInput], labels: Sequence[str] | None,
                         skip_existing_uids: bool = False) -> tuple[list[Positioning], int]:
    now = utcnow()
    problems: list[tuple[str, StoreError]] = []
    checked: list[tuple[PositioningInput, str, dt.datetime]] = []
    # -- issue #19 (perf-writes): existence already read in this transaction (the guard's access query) --
    known_people: set[str] = set(s.info.get(VERIFIED_PEOPLE, ()))
    known_users: set[str] = set(s.info.get(VERIFIED_USERS, ()))
    seen_uids: set[str] = set()
    skipped = 0
    for index, entry in enumerate(entries):
        label = labels[index] if labels else f"#{index + 1}"
        try:
            version, at = check_positioning(uow, entry, now)
            if entry.person_id not in known_people:
                if s.scalar(select(Person.id).where(Person.id == entry.person_id)) is None:
                    raise not_found(entry.person_id, code="unknown_person")
                known_people.add(entry.person_id)
            if entry.author_id is not None and entry.author_id not in known_users:
                user_row(s, entry.author_id)
                known_users.add(entry.author_id)
            if entry.corrects_id is not None:
                target = s.get(PositioningEvent, entry.corrects_id)
                if target is None or (target.person_id, target.item_id) != (entry.person_id, entry.item_id):
                    raise StoreError(code="bad_correction")
            if entry.uid is not None:
                if entry.uid in seen_uids:
                    raise StoreError(code="duplicate_uid")
                seen_uids.add(entry.uid)
                if s.scalar(select(PositioningEvent.id).where(PositioningEvent.uid == entry.uid)) is not None:
                    if skip_existing_uids:
                        skipped += 1
                        continue
                    raise StoreError(code="duplicate_uid", message="duplicate_uid.exists")
            checked.append((entry, version, at))
        except StoreError as error:
            problems.append((label, error))
    if problems:
        if len(problems) == 1 and len(entries) == 1:
            raise problems[0][1]
        raise StoreError(code="invalid_positionings", params={"count": len(problems)},
                         details=[f"{label} : {error.message_fr}" for label, error in problems])
    pending = [
        Positioning(id=0, uid=entry.uid or new_id(), person_id=entry.person_id, item_id=entry.item_id,
                    level=entry.level, state=entry.state, author_role=entry.role, author_id=entry.author_id,
                    referential_version=version, comment=entry.comment, positioned_at=at, recorded_at=now,
                    corrects_id=entry.corrects_id, source=entry.source)
        for entry, version, at in checked
    ]
    if not pending:
        return [], skipped
    # A Core INSERT … RETURNING: the ORM unit of work would double the cost of a write and adds nothing here.
    values = [{"uid": p.uid, "person_id": p.person_id, "item_id": p.item_id, "level": p.level, "state": p.state,
               "author_role": p.author_role, "author_id": p.author_id,
               "referential_version": p.referential_version, "comment": p.comment,
               "positioned_at": p.positioned_at, "recorded_at": p.recorded_at, "corrects_id": p.corrects_id,
               "source": p.source} for p in pending]
    ids = s.execute(_INSERT_EVENTS, values).scalars().all()
    stored = [replace(p, id=i) for p, i in zip(pending, ids, strict=True)]
    # the maintained table of current positions moves in the same transaction (every event is written here)
    current_positions.advance(s, stored)
    return stored, skipped


def record_positioning(uow: UnitOfWork, person_id: str, item_id: str, *, role: str, level: int | None = None,
                       state: str | None = None, author_id: str | None = None, comment: str | None = None,
                       at: dt.datetime | None = None, corrects_id: int | None = None,
                       source: str = "app") -> Positioning:
    """Append one positioning event. Graded items take ``level`` (checked against the catalog's range),
    ungraded ones ``state`` (acquired / in_progress / not_yet). ``role``: self, accompanist, jury, tutor.
    A correction is a new event (optionally pointing at the corrected one with ``corrects_id``)."""
    entry = PositioningInput(person_id, item_id, role, level, state, author_id, comment, at,
                             corrects_id=corrects_id, source=source)
    if not uow.in_transaction:  # fail fast, before opening a write transaction (else checked once, below)
        check_positioning(uow, entry, utcnow())

    def write(s: Session) -> Positioning:
        event = insert_positionings(uow, s, [entry], None)[0][0]
        log.debug("positioning recorded event=%s item=%s role=%s", event.id, item_id, role)
        return event

    return uow.run(write, write=True)


def record_positionings(uow: UnitOfWork, entries: Iterable[PositioningInput], *, labels: Sequence[str] | None = None,
                        skip_existing_uids: bool = False) -> ImportReport:
    """Append many positionings in one transaction; all are checked first and, when any is bad, a single
    :class:`StoreError` lists every problem (``labels`` name them, e.g. CSV lines) and nothing is written."""
    batch = list(entries)

    def write(s: Session) -> ImportReport:
        inserted, skipped = insert_positionings(uow, s, batch, labels, skip_existing_uids)
        log.info("positionings recorded count=%d skipped=%d", len(inserted), skipped)
        return ImportReport(len(inserted), skipped)

    return uow.run(write, write=True)


def events(s: Session, person_ids: Sequence[str] | None, item_id: str | None,
            as_of: dt.datetime | dt.date | None) -> list[Positioning]:
    query = select(PositioningEvent).order_by(PositioningEvent.positioned_at, PositioningEvent.id)
    if person_ids is not None:
        query = query.where(PositioningEvent.person_id.in_(person_ids))
    if item_id is not None:
        query = query.where(PositioningEvent.item_id == item_id)
    instant = as_of_instant(require_aware(as_of) if isinstance(as_of, dt.datetime) else as_of)
    if instant is not None:
        query = query.where(PositioningEvent.positioned_at <= instant)
    return [to_positioning(r) for r in s.scalars(query)]


def history(uow: UnitOfWork, person_id: str, *, item_id: str | None = None, as_of: dt.datetime | dt.date | None = None
            ) -> list[Positioning]:
    """Every positioning of the person (on one item when given), oldest first."""
    def read(s: Session) -> list[Positioning]:
        person_row(s, person_id)
        return events(s, [person_id], item_id, as_of)

    return uow.run(read, write=False)


def current_view(uow: UnitOfWork, person_id: str, *, as_of: dt.datetime | dt.date | None = None) -> PositionView:
    """Per item, the latest self / accompanist / jury / tutor positioning side by side, with divergence
    flags; ``as_of`` (a date means the end of that day, UTC) replays the history up to that instant."""
    def read(s: Session) -> PositionView:
        person_row(s, person_id)
        return build_view(person_id, events(s, [person_id], None, as_of), as_of)

    return uow.run(read, write=False)


def structure_views(uow: UnitOfWork, structure_id: str | None = None, *, as_of: dt.datetime | dt.date | None = None
                    ) -> dict[str, PositionView]:
    """The current view of every person of a structure (all people when None), in one query — the input
    of cohort analyses."""
    def read(s: Session) -> dict[str, PositionView]:
        query = select(Person.id)
        if structure_id is not None:
            query = query.where(Person.structure_id == structure_id)
        people = list(s.scalars(query))
        by_person: dict[str, list[Positioning]] = {p: [] for p in people}
        subset = None if structure_id is None else people
        for event in events(s, subset, None, as_of):
            by_person.setdefault(event.person_id, []).append(event)
        return {p: build_view(p, events, as_of) for p, events in by_person.items()}

    return uow.run(read, write=False)


def count_positionings(uow: UnitOfWork, person_id: str | None = None) -> int:
    def read(s: Session) -> int:
        query = select(func.count(PositioningEvent.id))
        if person_id is not None:
            query = query.where(PositioningEvent.person_id == person_id)
        return int(s.scalar(query) or 0)

    return uow.run(read, write=False)


def export_positionings_csv(uow: UnitOfWork, *, person_ids: Sequence[str] | None = None,
                            structure_id: str | None = None) -> bytes:
    """Positioning history as CSV for Excel (UTF-8 with BOM, ``;``, formula cells neutralised)."""
    from .csvio import format_positionings

    def read(s: Session) -> list[Positioning]:
        ids = list(person_ids) if person_ids is not None else None
        if structure_id is not None:
            in_structure = list(s.scalars(select(Person.id).where(Person.structure_id == structure_id)))
            ids = in_structure if ids is None else [i for i in ids if i in set(in_structure)]
        return events(s, ids, None, None)

    return format_positionings(uow.run(read, write=False))


def import_positionings_csv(uow: UnitOfWork, data: bytes, *, source: str = "csv") -> ImportReport:
    """Append the positionings of a CSV made by :func:`export_positionings_csv` (or by hand: columns
    person_id;item;role;level;state, optional uid;positioned_at;referential_version;author_id;comment).
    Rows whose uid is already stored are skipped; any bad row refuses the whole file."""
    from .csvio import parse_positionings

    entries, labels = parse_positionings(data, source=source)
    return record_positionings(uow, entries, labels=labels, skip_existing_uids=True)
