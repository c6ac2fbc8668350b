"""Guarded, audited reads of a SET of people in a few queries: one access decision per set, one audit entry
per page or list (issue #19).

The per-person guard (``security.access.Guard``) costs ~18 statements and one committed audit INSERT for
each person read; a caseload of 10,000 people took minutes. Here the same rules are applied to the whole set
with set-based queries (``store.bulk``), and the read is logged once, naming every person of the set by
pseudonym (``security.audit.record_set``). Functions and their contracts (stable, for the caseload
dashboard and other list pages):

- :func:`visible_ids` — a ``SELECT`` of the ids the user may open (the rule of ``Guard.people``);
- :func:`read_people` — records, relations and current views of a set, all allowed or refused as a whole;
- :func:`read_group` — a trainer's group (same contract as ``Guard.group_records``), batched;
- :func:`read_group_with` — the same access and audit with the data of your choice (a gap matrix's levels);
- :func:`count_statements` — the statements a block executed (tests assert budgets on it, the bench reports it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, and_, event, false, or_, select
from sqlalchemy.orm import Session

from ..security import audit
from ..security.access import Guard
from ..security.errors import AccessDenied
from ..store import PersonRecord, PositionView, bulk
from ..store.models import Assignment, Person
from ..store.positions import as_of_instant
from .accounts import Identity, guard_for
from .context import Context

__all__ = ["PeopleRead", "visible_ids", "relations", "read_people", "read_group", "read_group_with", "count_statements",
           "StatementCount"]

T = TypeVar("T")
_GROUP_ROLES = {"trainer", "accompanist", "admin"}


def _structures(guard: Guard, role: str) -> list[str]:
    return sorted(s for s in guard.roles if guard.has(role, s))


def visible_ids(guard: Guard, *, on: dt.date | None = None) -> Select[Any]:
    """A ``SELECT`` of the ids of the people ``guard``'s user may open (their own record as a candidate,
    the people they follow in a structure where they are accompanist, their structures' people as admin):
    the rule of ``Guard.people``, computed by the database."""
    day = on or dt.date.today()
    allowed = []
    if guard.user.person_id and guard.role in (None, "candidate"):
        allowed.append(Person.id == guard.user.person_id)
    accompanist = _structures(guard, "accompanist")
    if accompanist:
        followed = select(Assignment.person_id).where(
            Assignment.accompanist_id == guard.user_id, Assignment.since <= day,
            or_(Assignment.until.is_(None), Assignment.until >= day))
        allowed.append(and_(Person.id.in_(followed), Person.structure_id.in_(accompanist)))
    admin = _structures(guard, "admin")
    if admin:
        allowed.append(Person.structure_id.in_(admin))
    return select(Person.id).where(or_(*allowed) if allowed else false())


def relations(guard: Guard, records: dict[str, PersonRecord], assigned: set[str]) -> dict[str, str | None]:
    """How the user relates to each person (``self``, ``accompanist``, ``admin`` or None), as
    ``Guard._relation`` decides, from the set of people the user follows today."""
    found: dict[str, str | None] = {}
    for pid, person in records.items():
        if guard.user.person_id == pid and guard.role in (None, "candidate"):
            found[pid] = "self"
        elif guard.has("accompanist", person.structure_id) and pid in assigned:
            found[pid] = "accompanist"
        elif guard.has("admin", person.structure_id):
            found[pid] = "admin"
        else:
            found[pid] = None
    return found


@dataclass(frozen=True)
class PeopleRead:
    """What :func:`read_people` returns, every mapping in the order of the ids asked for."""

    records: dict[str, PersonRecord]
    relations: dict[str, str]
    views: dict[str, PositionView]
    """Current views (at the first ``views_at`` instant); empty when no view was asked for."""
    views_at: dict[Any, dict[str, PositionView]] = field(default_factory=dict)
    """Views at each instant of ``views_at``."""
    also: Any = None
    """What ``also`` read in the same transaction (None when not asked)."""


def read_people(ctx: Context, identity: Identity | None, person_ids: Sequence[str], kind: str, *,
                views_at: Sequence[dt.datetime | dt.date | None] = (None,), allowed: tuple[str, ...] = (
                    "self", "accompanist", "admin"),
                also: Callable[[Session, dict[str, PersonRecord]], Any] | None = None) -> PeopleRead:
    """Records, relations and views of ``person_ids`` when the user may read every one of them (relation in
    ``allowed``), in one read transaction of 3 + ``len(views_at)`` queries (and those of ``also(session,
    records)``, run in the same transaction, its result returned only when allowed); then ONE audit entry
    (``read``/``kind``) naming the set. When some are unknown or not allowed, nothing is returned: one
    ``denied`` entry names those people and :class:`AccessDenied` is raised (French message)."""
    guard = guard_for(ctx, identity)
    ids = list(dict.fromkeys(person_ids))

    def read(s: Session) -> tuple[dict[str, PersonRecord], set[str], list[dict[str, PositionView]], Any]:
        follower = guard.user_id if _structures(guard, "accompanist") else None
        records, assigned = bulk.records_and_followed(s, ids, followed_by=follower)
        if any(p not in records for p in ids):
            return records, assigned, [], None
        views: list[dict[str, PositionView]] = []
        for at in views_at:
            same = _same_view(views[0], at) if views else None
            views.append(same if same is not None else bulk.position_views(s, ids, as_of=at))
        decided = relations(guard, records, assigned)
        extra = also(s, records) if also is not None and all(decided[p] in allowed for p in ids) else None
        return records, assigned, views, extra

    records, assigned, views, extra = ctx.repo.run(read, write=False)
    decided = relations(guard, records, assigned)
    refused = [p for p in ids if p not in records or decided.get(p) not in allowed]
    if refused:
        audit.record_set(ctx.repo, guard.user_id, "read", kind, refused, outcome="denied")
        raise AccessDenied(code="access_denied", message="access_denied.read")
    audit.record_set(ctx.repo, guard.user_id, "read", kind, ids, structure_id=_only_structure(records.values()))
    return PeopleRead({p: records[p] for p in ids}, {p: str(decided[p]) for p in ids},
                      views[0] if views else {}, dict(zip(views_at, views)), extra)


def _same_view(now: dict[str, PositionView], at: dt.datetime | dt.date | None) -> dict[str, PositionView] | None:
    """The views at ``at`` when they are the current ones (no latest event after ``at``: the usual case of a
    page asking for today), else None (then they are read)."""
    instant = as_of_instant(at)
    if instant is None or any(p.positioned_at > instant for v in now.values() for i in v.items.values()
                              for p in i.roles.values()):
        return None if instant is not None else now
    return {pid: PositionView(pid, instant, v.items) for pid, v in now.items()}


def _only_structure(records: Any) -> str | None:
    structures = {r.structure_id for r in records}
    return structures.pop() if len(structures) == 1 else None


def read_group(ctx: Context, identity: Identity | None, person_ids: Sequence[str], *,
               as_of: dt.datetime | dt.date | None = None) -> dict[str, tuple[PersonRecord, PositionView]]:
    """Record (pseudonymised unless the user is the person's accompanist) and current view of each person
    of a group, for group work: the contract of ``Guard.group_records`` in 5 queries whatever the size of
    the group, and one audit entry per structure naming its members of the set."""
    shown, views = read_group_with(ctx, identity, person_ids, lambda s, ids: bulk.position_views(s, ids, as_of=as_of))
    return {pid: (record, views[pid]) for pid, record in shown.items()}


def read_group_with(ctx: Context, identity: Identity | None, person_ids: Sequence[str],
                    fetch: Callable[[Session, list[str]], T]) -> tuple[dict[str, PersonRecord], T]:
    """The group-work read of :func:`read_group` with the data of your choice: ``fetch(session, ids)`` runs
    in the same read transaction (e.g. only the latest levels on a target's items, for a gap matrix) and
    its result is returned only when the user may work with every person of the group."""
    guard = guard_for(ctx, identity)
    ids = list(dict.fromkeys(person_ids))

    def read(s: Session) -> tuple[dict[str, PersonRecord], set[str], T | None]:
        follower = guard.user_id if _structures(guard, "accompanist") else None
        records, assigned = bulk.records_and_followed(s, ids, followed_by=follower)
        if any(p not in records for p in ids):
            return records, set(), None
        return records, assigned, fetch(s, ids)

    records, assigned, data = ctx.repo.run(read, write=False)
    missing = [p for p in ids if p not in records]
    if missing:
        audit.record_set(ctx.repo, guard.user_id, "read", "group", missing, outcome="denied")
        raise AccessDenied(code="access_denied", message="access_denied.read")
    by_structure: dict[str, list[str]] = {}
    for pid in ids:
        by_structure.setdefault(records[pid].structure_id, []).append(pid)
    for structure_id in sorted(by_structure):
        if not guard.roles.get(structure_id, set()) & _GROUP_ROLES:
            audit.record(ctx.repo, guard.user_id, "read", "group", outcome="denied", record_id=structure_id,
                         structure_id=structure_id)
            raise AccessDenied(code="access_denied", message="access_denied.structure")
    decided = relations(guard, records, assigned)
    key = audit.pseudonym_key(ctx.repo)  # read once: every name below is pseudonymised with it
    shown = {pid: records[pid] if decided[pid] == "accompanist" else dataclasses.replace(
        records[pid], display_name="P-" + _pseudonym(key, pid)[:8]) for pid in ids}
    for structure_id in sorted(by_structure):
        audit.record_set(ctx.repo, guard.user_id, "read", "group", by_structure[structure_id],
                         record_id=structure_id, structure_id=structure_id)
    return shown, data  # type: ignore[return-value]


def _pseudonym(key: bytes, person_id: str) -> str:
    return hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).hexdigest()


# -- measuring ---------------------------------------------------------------------------------------------

@dataclass
class StatementCount:
    """SQL the database driver executed inside :func:`count_statements`: every statement, and the
    transaction openings (``BEGIN``…) among them."""

    statements: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.statements)

    @property
    def transactions(self) -> int:
        return sum(1 for s in self.statements if s.lstrip().upper().startswith("BEGIN"))

    @property
    def queries(self) -> int:
        """Statements other than ``BEGIN`` (what the application asked for)."""
        return self.total - self.transactions


@contextmanager
def count_statements(engine: Any = None) -> Iterator[StatementCount]:
    """Count the statements executed on ``engine`` (default: every engine of the process) in the block; used
    by the tests (statement budgets, never wall-clock times) and the bench."""
    from sqlalchemy.engine import Engine

    target = engine if engine is not None else Engine
    count = StatementCount()

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        count.statements.append(statement)

    event.listen(target, "before_cursor_execute", seen)
    try:
        yield count
    finally:
        event.remove(target, "before_cursor_execute", seen)
