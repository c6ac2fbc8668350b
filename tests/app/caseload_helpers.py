"""A structure of its own for the caseload app tests: they add people, so they must not touch the demo
structure whose candidates other page tests count."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from competency_graph.services.accounts import Identity


@dataclass(frozen=True)
class Own:
    structure_id: str
    accompanist: Identity
    admin: Identity


def own_structure(ctx, kind: str = "esat") -> Own:
    """A new structure with one accompanist and one admin (no password: identities are set directly)."""
    tag = uuid.uuid4().hex[:6]
    structure = ctx.repo.create_structure(f"Structure test {tag}", kind)
    acc = ctx.repo.create_user(f"test.acc.{tag}", f"Accompagnant {tag}")
    ctx.repo.grant_role(acc.id, structure.id, "accompanist")
    admin = ctx.repo.create_user(f"test.admin.{tag}", f"Admin {tag}")
    ctx.repo.grant_role(admin.id, structure.id, "admin")
    return Own(structure.id, Identity(acc.id, acc.display_name, "accompanist", (structure.id,)),
               Identity(admin.id, admin.display_name, "admin", (structure.id,)))
