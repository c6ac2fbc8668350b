"""User accounts (the identity of who acts; authentication lives in security.accounts)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import bulk
from .checks import check_text, not_found
from .errors import StoreError
from .models import Membership, User, new_id
from .people import person_row
from .records import UserRecord
from .unit import UnitOfWork

__all__ = ["user_record", "create_user", "user_row", "get_user", "find_user_by_login", "list_users"]

log = logging.getLogger("competency_graph.store")

def user_record(s: Session, row: User) -> UserRecord:
    roles = tuple((m.structure_id, m.role) for m in s.scalars(
        select(Membership).where(Membership.user_id == row.id).order_by(Membership.structure_id, Membership.role)))
    return UserRecord(row.id, row.login, row.display_name, row.person_id, row.active, roles)


def create_user(uow: UnitOfWork, login: str, display_name: str, *, person_id: str | None = None,
                user_id: str | None = None) -> UserRecord:
    """A user account (authentication is added elsewhere); ``person_id`` links a candidate to their record."""
    login = check_text(login, 200, code="bad_login", field="login", required=True) or ""
    display_name = check_text(display_name, 200, code="bad_name", field="name", required=True) or ""

    def write(s: Session) -> UserRecord:
        if s.scalar(select(User.id).where(User.login == login)) is not None:
            raise StoreError(code="duplicate_login")
        if person_id is not None:
            person_row(s, person_id)
        row = User(id=user_id or new_id(), login=login, display_name=display_name, person_id=person_id)
        s.add(row)
        s.flush()
        log.info("user created id=%s", row.id)
        return user_record(s, row)

    return uow.run(write, write=True)


def user_row(s: Session, user_id: str) -> User:
    row = s.get(User, user_id)
    if row is None:
        raise not_found(user_id, code="unknown_user")
    return row


def get_user(uow: UnitOfWork, user_id: str) -> UserRecord:
    found = uow.run(lambda s: bulk.user_record(s, user_id), write=False)  # user and roles: one query
    return found if found is not None else uow.run(lambda s: user_record(s, user_row(s, user_id)), write=False)


def find_user_by_login(uow: UnitOfWork, login: str) -> UserRecord | None:
    def read(s: Session) -> UserRecord | None:
        row = s.scalar(select(User).where(User.login == login))
        return user_record(s, row) if row else None

    return uow.run(read, write=False)


def list_users(uow: UnitOfWork, structure_id: str | None = None) -> list[UserRecord]:
    def read(s: Session) -> list[UserRecord]:
        query = select(User).order_by(User.display_name, User.id)
        if structure_id is not None:
            query = query.where(User.id.in_(select(Membership.user_id).where(
                Membership.structure_id == structure_id)))
        return [user_record(s, r) for r in s.scalars(query)]

    return uow.run(read, write=False)
