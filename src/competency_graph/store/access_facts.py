"""What the access guard needs to decide a write on people's records, read by ONE query inside the write's own
transaction (issue #19).

``Guard._writing`` used to read the person (two queries), the assignment and the admin role in three read
transactions before opening the write transaction: 3 transactions and ~11 statements per positioning, and a
decision taken on data that could change before the write. :func:`people_access` reads, for each person asked
for, their structure, whether the user follows them today and whether the user is admin in their structure,
plus whether the user's row exists, in one Core query (statements built once per process); run inside the
write transaction, the decision and the write see the same data.

What the query proved (these people and this user exist) is noted in ``session.info`` for the rest of the
transaction (:data:`VERIFIED_PEOPLE`, :data:`VERIFIED_USERS`), so that the writes joining it
(``positionings.insert_positionings``) do not check again. A session lives for one transaction
(``UnitOfWork.run``), so the note never outlives what it describes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session

from .models import Assignment, Membership, Person, User
from .unit import UnitOfWork

__all__ = ["PersonAccess", "people_access", "person_access", "VERIFIED_PEOPLE", "VERIFIED_USERS"]

#: ``session.info`` keys: ids whose row was read in this transaction (see the module's docstring)
VERIFIED_PEOPLE = "competency_graph_verified_people"
VERIFIED_USERS = "competency_graph_verified_users"


@dataclass(frozen=True)
class PersonAccess:
    """The facts about one person the write rules of ``security.access.Guard`` need."""

    person_id: str
    structure_id: str
    assigned: bool
    """The user follows the person on the day asked for (an open assignment)."""
    admin_here: bool
    """The user holds the admin role in the person's structure (whatever role they signed in with)."""


_people, _assignments, _memberships, _users = (Person.__table__, Assignment.__table__, Membership.__table__,
                                               User.__table__)


def _query(which: Any) -> Any:
    assigned = exists().where(
        _assignments.c.accompanist_id == bindparam("user"), _assignments.c.person_id == _people.c.id,
        _assignments.c.since <= bindparam("day"),
        or_(_assignments.c.until.is_(None), _assignments.c.until >= bindparam("day")))
    admin = exists().where(_memberships.c.user_id == bindparam("user"), _memberships.c.role == "admin",
                           _memberships.c.structure_id == _people.c.structure_id)
    user = exists().where(_users.c.id == bindparam("user"))
    return select(_people.c.id, _people.c.structure_id, assigned.label("assigned"), admin.label("admin_here"),
                  user.label("user_exists")).where(which)


# Built once: SQLAlchemy then reuses their compiled form from its cache at each execution.
_ONE = _query(_people.c.id == bindparam("person"))
_MANY = _query(_people.c.id.in_(bindparam("people", expanding=True)))


def read_access(s: Session, user_id: str, person_ids: Sequence[str], on: dt.date | None = None
                ) -> dict[str, PersonAccess]:
    """:func:`people_access` inside an open session (and the note of what it proved)."""
    day = on or dt.date.today()
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}
    if len(ids) == 1:
        rows = s.connection().execute(_ONE, {"user": user_id, "person": ids[0], "day": day}).all()
    else:
        rows = s.connection().execute(_MANY, {"user": user_id, "people": ids, "day": day}).all()
    found = {r.id: PersonAccess(r.id, r.structure_id, bool(r.assigned), bool(r.admin_here)) for r in rows}
    s.info.setdefault(VERIFIED_PEOPLE, set()).update(found)
    if rows and rows[0].user_exists:
        s.info.setdefault(VERIFIED_USERS, set()).add(user_id)
    return found


def people_access(uow: UnitOfWork, user_id: str, person_ids: Sequence[str], *, on: dt.date | None = None,
                  write: bool = True) -> dict[str, PersonAccess]:
    """The access facts of each known person of ``person_ids`` (unknown ids are absent) for ``user_id`` on
    ``on`` (default today), in one query; joins the transaction open on this thread (the guard calls it from
    inside the write it decides)."""
    return uow.run(lambda s: read_access(s, user_id, person_ids, on), write=write)


def person_access(uow: UnitOfWork, user_id: str, person_id: str, *, on: dt.date | None = None,
                  write: bool = True) -> PersonAccess | None:
    """:func:`people_access` for one person (None when unknown)."""
    return people_access(uow, user_id, [person_id], on=on, write=write).get(person_id)
