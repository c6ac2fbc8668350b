"""Archived people: hidden from lists, nothing deleted (their record, positionings and proofs stay)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .caseload_models import PersonArchive
from .models import Person, utcnow
from .repository import Repository

__all__ = ["archive_person", "restore_person", "archived_ids", "is_archived"]


def archive_person(repo: Repository, person_id: str, by_user_id: str | None) -> None:
    """Hide the person from lists (idempotent)."""
    def write(s: Session) -> None:
        if s.get(Person, person_id) is None:
            from .errors import StoreError
            raise StoreError(code="unknown_person", params={"id": person_id}, message="unknown_person.unknown")
        if s.get(PersonArchive, person_id) is None:
            s.add(PersonArchive(person_id=person_id, archived_at=utcnow(), archived_by=by_user_id))
    repo.run(write, write=True)


def restore_person(repo: Repository, person_id: str) -> None:
    """Show an archived person in lists again."""
    repo.run(lambda s: s.execute(delete(PersonArchive).where(PersonArchive.person_id == person_id)), write=True)


def archived_ids(repo: Repository, person_ids: Iterable[str] | None = None) -> set[str]:
    """The archived people among ``person_ids`` (all of them when None), in one query."""
    wanted = None if person_ids is None else list(person_ids)

    def read(s: Session) -> set[str]:
        query = select(PersonArchive.person_id)
        if wanted is not None:
            if not wanted:
                return set()
            query = query.where(PersonArchive.person_id.in_(wanted))
        return set(s.scalars(query))
    return repo.run(read, write=False)


def is_archived(repo: Repository, person_id: str) -> bool:
    return person_id in archived_ids(repo, [person_id])
