"""Trainers' named groups and the versions of their course links (maillons de parcours): a group keeps person
ids only; each save of the course links is a new numbered version, never overwritten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .caseload_models import CourseLinkVersion, TrainerGroup
from .errors import StoreError
from .models import Person, utcnow
from .repository import Repository

__all__ = ["GroupRecord", "VersionRecord", "save_group", "list_groups", "get_group", "delete_group",
           "save_version", "list_versions", "get_version"]


@dataclass(frozen=True)
class GroupRecord:
    id: str
    owner_id: str
    structure_id: str | None
    name: str
    members: tuple[str, ...]
    changed_at: dt.datetime


@dataclass(frozen=True)
class VersionRecord:
    group_id: str
    version: int
    target: str
    content: dict[str, Any]
    author_id: str | None
    created_at: dt.datetime


def _group(row: TrainerGroup, existing: set[str] | None = None) -> GroupRecord:
    members = tuple(m for m in row.members or () if existing is None or m in existing)
    return GroupRecord(row.id, row.owner_id, row.structure_id, row.name, members, row.changed_at)


def save_group(repo: Repository, owner_id: str, structure_id: str | None, name: str, members: Sequence[str], *,
               group_id: str | None = None) -> GroupRecord:
    """Create a group (or rename it and change its members when ``group_id`` is given)."""
    name = (name or "").strip()
    if not name:
        raise StoreError(code="missing_group_name")
    if len(name) > 200:
        raise StoreError(code="bad_group_name")
    if not members:
        raise StoreError(code="empty_group")

    def write(s: Session) -> GroupRecord:
        query = select(Person.id).where(Person.id.in_(list(members)))
        if structure_id is not None:
            query = query.where(Person.structure_id == structure_id)
        if set(s.scalars(query)) != set(members):
            raise StoreError(code="member_elsewhere")
        clash = s.scalar(select(TrainerGroup.id).where(TrainerGroup.owner_id == owner_id, TrainerGroup.name == name))
        if clash is not None and clash != group_id:
            raise StoreError(code="duplicate_group")
        if group_id is None:
            row = TrainerGroup(owner_id=owner_id, structure_id=structure_id, name=name, members=list(members))
            s.add(row)
        else:
            row = s.get(TrainerGroup, group_id)
            if row is None or row.owner_id != owner_id:
                raise StoreError(code="unknown_group")
            row.name, row.members, row.structure_id, row.changed_at = name, list(members), structure_id, utcnow()
        s.flush()
        return _group(row)
    return repo.run(write, write=True)


def list_groups(repo: Repository, owner_id: str) -> list[GroupRecord]:
    """The owner's groups by name; members erased since are left out."""
    def read(s: Session) -> list[GroupRecord]:
        rows = list(s.scalars(select(TrainerGroup).where(TrainerGroup.owner_id == owner_id)
                              .order_by(TrainerGroup.name)))
        wanted = {m for r in rows for m in r.members or ()}
        existing = set(s.scalars(select(Person.id).where(Person.id.in_(list(wanted))))) if wanted else set()
        return [_group(r, existing) for r in rows]
    return repo.run(read, write=False)


def get_group(repo: Repository, group_id: str) -> GroupRecord | None:
    def read(s: Session) -> GroupRecord | None:
        row = s.get(TrainerGroup, group_id)
        if row is None:
            return None
        existing = set(s.scalars(select(Person.id).where(Person.id.in_(list(row.members or ())))))
        return _group(row, existing)
    return repo.run(read, write=False)


def delete_group(repo: Repository, group_id: str) -> None:
    def write(s: Session) -> None:
        row = s.get(TrainerGroup, group_id)
        if row is not None:
            s.delete(row)
    repo.run(write, write=True)


def save_version(repo: Repository, group_id: str, target: str, content: dict[str, Any], author_id: str | None
                 ) -> VersionRecord:
    """Store the course links as the group's next version (1, 2, …)."""
    def write(s: Session) -> VersionRecord:
        if s.get(TrainerGroup, group_id) is None:
            raise StoreError(code="unknown_group")
        last = s.scalar(select(func.max(CourseLinkVersion.version)).where(CourseLinkVersion.group_id == group_id))
        row = CourseLinkVersion(group_id=group_id, version=(last or 0) + 1, target=target, content=content,
                                author_id=author_id, created_at=utcnow())
        s.add(row)
        s.flush()
        return VersionRecord(group_id, row.version, target, content, author_id, row.created_at)
    return repo.run(write, write=True)


def list_versions(repo: Repository, group_id: str) -> list[VersionRecord]:
    """The group's versions, newest first."""
    def read(s: Session) -> list[VersionRecord]:
        return [VersionRecord(r.group_id, r.version, r.target, r.content, r.author_id, r.created_at)
                for r in s.scalars(select(CourseLinkVersion).where(CourseLinkVersion.group_id == group_id)
                                   .order_by(CourseLinkVersion.version.desc()))]
    return repo.run(read, write=False)


def get_version(repo: Repository, group_id: str, version: int) -> VersionRecord | None:
    return next((v for v in list_versions(repo, group_id) if v.version == version), None)
