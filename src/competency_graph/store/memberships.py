"""Memberships: roles of users in structures, and the accompanists' assignments to people."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import bulk
from .accounts import user_record, user_row
from .checks import check_choice, not_found
from .errors import StoreError
from .models import USER_ROLES, Assignment, Membership, Structure, User
from .people import person_row
from .records import PersonRecord, UserRecord
from .unit import UnitOfWork

__all__ = ["roles_by_structure", "grant_role", "revoke_role", "has_role", "assign", "end_assignment", "is_assigned", "candidates_of",
           "accompanists_of"]

log = logging.getLogger("competency_graph.store")

def grant_role(uow: UnitOfWork, user_id: str, structure_id: str, role: str) -> UserRecord:
    """Give ``role`` (candidate, accompanist, trainer, admin) in a structure; granting twice is harmless."""
    check_choice(role, USER_ROLES, code="bad_role")

    def write(s: Session) -> UserRecord:
        user = user_row(s, user_id)
        if s.get(Structure, structure_id) is None:
            raise not_found(structure_id, code="unknown_structure")
        exists = s.scalar(select(Membership.id).where(
            Membership.user_id == user_id, Membership.structure_id == structure_id, Membership.role == role))
        if exists is None:
            s.add(Membership(user_id=user_id, structure_id=structure_id, role=role))
            s.flush()
            log.info("role granted user=%s structure=%s role=%s", user_id, structure_id, role)
        return user_record(s, user)

    return uow.run(write, write=True)


def revoke_role(uow: UnitOfWork, user_id: str, structure_id: str, role: str) -> UserRecord:
    def write(s: Session) -> UserRecord:
        user = user_row(s, user_id)
        for m in s.scalars(select(Membership).where(
                Membership.user_id == user_id, Membership.structure_id == structure_id, Membership.role == role)):
            s.delete(m)
        s.flush()
        log.info("role revoked user=%s structure=%s role=%s", user_id, structure_id, role)
        return user_record(s, user)

    return uow.run(write, write=True)


def has_role(uow: UnitOfWork, user_id: str, role: str, structure_id: str | None = None) -> bool:
    """True when the user holds ``role`` (in ``structure_id``, or anywhere when None)."""
    def read(s: Session) -> bool:
        query = select(Membership.id).where(Membership.user_id == user_id, Membership.role == role)
        if structure_id is not None:
            query = query.where(Membership.structure_id == structure_id)
        return s.scalar(query.limit(1)) is not None

    return uow.run(read, write=False)


def assign(uow: UnitOfWork, accompanist_id: str, person_id: str, *, since: dt.date | None = None) -> None:
    """Make ``accompanist_id`` follow ``person_id``; they must be accompanist in the person's structure."""
    def write(s: Session) -> None:
        user_row(s, accompanist_id)
        person = person_row(s, person_id)
        role = s.scalar(select(Membership.id).where(
            Membership.user_id == accompanist_id, Membership.structure_id == person.structure_id,
            Membership.role == "accompanist"))
        if role is None:
            raise StoreError(code="not_accompanist")
        if _open_assignment(s, accompanist_id, person_id) is None:
            s.add(Assignment(accompanist_id=accompanist_id, person_id=person_id, since=since or dt.date.today()))
            s.flush()
            log.info("assignment accompanist=%s person=%s", accompanist_id, person_id)

    uow.run(write, write=True)


def _open_assignment(s: Session, accompanist_id: str, person_id: str) -> Assignment | None:
    return s.scalar(select(Assignment).where(
        Assignment.accompanist_id == accompanist_id, Assignment.person_id == person_id,
        Assignment.until.is_(None)))


def end_assignment(uow: UnitOfWork, accompanist_id: str, person_id: str, *, until: dt.date | None = None) -> None:
    def write(s: Session) -> None:
        row = _open_assignment(s, accompanist_id, person_id)
        if row is not None:
            row.until = until or dt.date.today()
            log.info("assignment ended accompanist=%s person=%s", accompanist_id, person_id)

    uow.run(write, write=True)


def is_assigned(uow: UnitOfWork, accompanist_id: str, person_id: str, *, on: dt.date | None = None) -> bool:
    """True when the accompanist follows the person on ``on`` (default today)."""
    day = on or dt.date.today()

    def read(s: Session) -> bool:
        return s.scalar(select(Assignment.id).where(
            Assignment.accompanist_id == accompanist_id, Assignment.person_id == person_id,
            Assignment.since <= day, (Assignment.until.is_(None)) | (Assignment.until >= day)).limit(1)) is not None

    return uow.run(read, write=False)


def candidates_of(uow: UnitOfWork, accompanist_id: str, *, on: dt.date | None = None) -> list[PersonRecord]:
    """The people an accompanist follows on ``on`` (default today)."""
    day = on or dt.date.today()

    def read(s: Session) -> list[PersonRecord]:
        ids = select(Assignment.person_id).where(
            Assignment.accompanist_id == accompanist_id, Assignment.since <= day,
            (Assignment.until.is_(None)) | (Assignment.until >= day))
        return list(bulk.person_records(s, ids, by_name=True).values())

    return uow.run(read, write=False)


def accompanists_of(uow: UnitOfWork, person_id: str, *, on: dt.date | None = None) -> list[UserRecord]:
    day = on or dt.date.today()

    def read(s: Session) -> list[UserRecord]:
        ids = select(Assignment.accompanist_id).where(
            Assignment.person_id == person_id, Assignment.since <= day,
            (Assignment.until.is_(None)) | (Assignment.until >= day))
        return [user_record(s, r) for r in s.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))]

    return uow.run(read, write=False)


def roles_by_structure(uow: UnitOfWork, user_id: str) -> dict[str, set[str]]:
    """The roles a user holds, by structure id."""
    def read(s: Session) -> dict[str, set[str]]:
        roles: dict[str, set[str]] = {}
        for structure_id, role in s.execute(select(Membership.structure_id, Membership.role)
                                            .where(Membership.user_id == user_id)):
            roles.setdefault(structure_id, set()).add(role)
        return roles
    return uow.read(read)
