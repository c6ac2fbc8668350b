"""A trainer's named groups (people of a structure they work in) and the saved, versioned course links of
each group. Checked and logged: only the group's owner reads or changes it, only people of a structure where
they are trainer, accompanist or admin can be members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..security import audit
from ..security.errors import AccessDenied, SecurityError
from ..store import groups as store
from ..store.groups import GroupRecord, VersionRecord
from .accounts import Identity, guard_for
from .context import Context

__all__ = ["GroupRecord", "VersionRecord", "my_groups", "save_group", "save_links", "versions", "version_frame"]

_GROUP_ROLES = frozenset({"trainer", "accompanist", "admin"})


def my_groups(ctx: Context, identity: Identity) -> list[GroupRecord]:
    """The identity's own groups (logged as one read)."""
    found = store.list_groups(ctx.repo, identity.user_id)
    audit.record(ctx.repo, identity.user_id, "read", "trainer_group")
    return found


def save_group(ctx: Context, identity: Identity, name: str, members: Sequence[str], *,
               group_id: str | None = None) -> GroupRecord:
    """Create or update a named group; every member must be of a structure the identity works in."""
    guard = guard_for(ctx, identity)
    people = [ctx.repo.find_person(pid) for pid in members]
    if None in people:
        raise SecurityError(code="unknown_person", message="unknown_person.group_member")
    structures = {p.structure_id for p in people if p is not None}
    for structure in sorted(structures):
        if not guard.roles.get(structure, set()) & _GROUP_ROLES:
            audit.record(ctx.repo, identity.user_id, "create", "trainer_group", outcome="denied",
                         structure_id=structure)
            raise AccessDenied(code="access_denied", message="access_denied.structure")
    structure_id = next(iter(structures)) if len(structures) == 1 else None
    if group_id is not None:
        _own(ctx, identity, group_id, "change")

    def both(repo) -> GroupRecord:
        group = store.save_group(repo, identity.user_id, structure_id, name, list(members), group_id=group_id)
        audit.record(repo, identity.user_id, "change" if group_id else "create", "trainer_group", record_id=group.id,
                     structure_id=structure_id)
        return group
    return ctx.repo.transaction(both)


def _own(ctx: Context, identity: Identity, group_id: str, action: str) -> GroupRecord:
    group = store.get_group(ctx.repo, group_id)
    if group is None or group.owner_id != identity.user_id:
        audit.record(ctx.repo, identity.user_id, action, "trainer_group", outcome="denied", record_id=group_id)
        raise AccessDenied(code="access_denied", message="access_denied.group")
    return group


def save_links(ctx: Context, identity: Identity, group_id: str, target: str, frame: pd.DataFrame) -> VersionRecord:
    """Save the edited course links of a group as its next version."""
    group = _own(ctx, identity, group_id, "create")
    rows: list[dict[str, Any]] = [{str(k): (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v))
                                   for k, v in row.items()} for row in frame.to_dict(orient="records")]
    content = {"columns": [str(c) for c in frame.columns], "rows": rows}

    def both(repo) -> VersionRecord:
        saved = store.save_version(repo, group_id, target, content, identity.user_id)
        audit.record(repo, identity.user_id, "create", "course_links", record_id=group_id,
                     structure_id=group.structure_id)
        return saved
    return ctx.repo.transaction(both)


def versions(ctx: Context, identity: Identity, group_id: str) -> list[VersionRecord]:
    """The group's saved versions, newest first (its owner only)."""
    group = _own(ctx, identity, group_id, "read")
    found = store.list_versions(ctx.repo, group_id)
    audit.record(ctx.repo, identity.user_id, "read", "course_links", record_id=group_id,
                 structure_id=group.structure_id)
    return found


def version_frame(version: VersionRecord) -> pd.DataFrame:
    """A saved version back as the table the trainer edited."""
    return pd.DataFrame(version.content.get("rows", []), columns=version.content.get("columns"))
