"""People of the grid tests: a structure and an accompanist of their own in the shared demo database, so that
the demo's lists (the demo accompanist's candidates…) never change under the other tests."""

from __future__ import annotations

import uuid

from competency_graph.services.accounts import Identity

STRUCTURE = "test-coassess-esat"
ACC = Identity("test-coassess-acc", "Accompagnatrice (test grille)", "accompanist", (STRUCTURE,))


def worker(ctx, name: str, **fields) -> str:
    """A new person of the test structure, followed by :data:`ACC`."""
    if ctx.repo.find_user_by_login("test.coassess") is None:
        ctx.repo.create_structure("ESAT de test (grilles)", "esat", networks=["rae"], structure_id=STRUCTURE)
        ctx.repo.create_user("test.coassess", ACC.display_name, user_id=ACC.user_id)
        ctx.repo.grant_role(ACC.user_id, STRUCTURE, "accompanist")
    pid = f"test-grid-{uuid.uuid4().hex[:8]}"
    ctx.repo.create_person(STRUCTURE, name, "esat", person_id=pid, **fields)
    ctx.repo.assign(ACC.user_id, pid)
    return pid
