"""Guarded, audited reads and writes of the facts the recognition rules need (store API: :mod:`..store.facts`).

Person facts (contracts, certifications held, Compétences PEC enrolment, planned placement): read by whoever
may read the record; written by the person's accompanist only (the candidate sees them). Structure facts
(networks, branch agreements): read by any member of the structure, written by its admins. Every decision is
written to the audit log, allowed or denied.

Functions (``identity`` None: ``ctx.actor``, the signed-in user of the run):
``person_facts(ctx, person_id)``, ``set_person_facts(ctx, person_id, **changes)``,
``add_contract(ctx, person_id, kind, start, end=None, **kwargs)``, ``update_contract(ctx, person_id,
contract_id, **changes)``, ``remove_contract(ctx, person_id, contract_id)``, ``add_held(ctx, person_id,
certification, outcome, awarded_on, **kwargs)``, ``remove_held(ctx, person_id, held_id)``,
``structure_facts(ctx, structure_id)``, ``set_network(ctx, structure_id, network, **facts)``,
``remove_network(ctx, structure_id, network)``, ``add_branch_agreement(ctx, structure_id, branch, cqps,
since=None)``, ``remove_branch_agreement(ctx, structure_id, agreement_id)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..security import audit
from ..security.errors import AccessDenied
from ..store import ContractRecord, StoreError
from ..store import facts as store_facts
from ..store.facts import BranchAgreementRecord, HeldRecord, PersonFacts, StructureFacts
from .accounts import Identity, guard_for
from .context import Context

__all__ = [
    "add_branch_agreement",
    "add_contract",
    "add_held",
    "person_facts",
    "remove_branch_agreement",
    "remove_contract",
    "remove_held",
    "remove_network",
    "set_network",
    "set_person_facts",
    "structure_facts",
    "update_contract",
]

T = TypeVar("T")
_WRITERS = ("accompanist",)


# -- person facts ------------------------------------------------------------------------------------------

def person_facts(ctx: Context, person_id: str, *, identity: Identity | None = None) -> PersonFacts:
    return guard_for(ctx, identity).reading(person_id, "facts", lambda: store_facts.person_facts(ctx.repo, person_id))


def _write(ctx: Context, identity: Identity | None, person_id: str, kind: str, fn: Callable[[], T],
           action: str = "create") -> T:
    return guard_for(ctx, identity).writing(person_id, kind, lambda _role: fn(), roles=_WRITERS, action=action)


def set_person_facts(ctx: Context, person_id: str, *, identity: Identity | None = None, **changes: Any) -> PersonFacts:
    """``pec_enrolled_on`` and/or ``placement_planned``."""
    return _write(ctx, identity, person_id, "facts",
                  lambda: store_facts.set_person_facts(ctx.repo, person_id, **changes), action="change")


def _own_contract(ctx: Context, person_id: str, contract_id: str) -> None:
    if all(c.id != contract_id for c in store_facts.person_facts(ctx.repo, person_id).contracts):
        raise StoreError(code="unknown_contract", message="unknown_contract.not_in_record")


def _own_held(ctx: Context, person_id: str, held_id: str) -> None:
    if all(h.id != held_id for h in store_facts.person_facts(ctx.repo, person_id).held):
        raise StoreError(code="unknown_held", message="unknown_held.not_in_record")


def add_contract(ctx: Context, person_id: str, kind: str, start: dt.date, end: dt.date | None = None, *,
                 identity: Identity | None = None, **kwargs: Any) -> ContractRecord:
    return _write(ctx, identity, person_id, "contract",
                  lambda: store_facts.add_contract(ctx.repo, person_id, kind, start, end, **kwargs))


def update_contract(ctx: Context, person_id: str, contract_id: str, *, identity: Identity | None = None,
                    **changes: Any) -> ContractRecord:
    def change() -> ContractRecord:
        _own_contract(ctx, person_id, contract_id)
        return store_facts.update_contract(ctx.repo, contract_id, **changes)
    return _write(ctx, identity, person_id, "contract", change, action="change")


def remove_contract(ctx: Context, person_id: str, contract_id: str, *, identity: Identity | None = None) -> None:
    def remove() -> None:
        _own_contract(ctx, person_id, contract_id)
        store_facts.remove_contract(ctx.repo, contract_id)
    _write(ctx, identity, person_id, "contract", remove, action="change")


def add_held(ctx: Context, person_id: str, certification: str, outcome: str, awarded_on: dt.date, *,
             identity: Identity | None = None, **kwargs: Any) -> HeldRecord:
    return _write(ctx, identity, person_id, "held_certification",
                  lambda: store_facts.add_held(ctx.repo, person_id, certification, outcome, awarded_on, **kwargs))


def remove_held(ctx: Context, person_id: str, held_id: str, *, identity: Identity | None = None) -> None:
    def remove() -> None:
        _own_held(ctx, person_id, held_id)
        store_facts.remove_held(ctx.repo, held_id)
    _write(ctx, identity, person_id, "held_certification", remove, action="change")


# -- structure facts ---------------------------------------------------------------------------------------

def _structure_guarded(ctx: Context, identity: Identity | None, structure_id: str, fn: Callable[[], T], *,
                       write: bool) -> T:
    guard = guard_for(ctx, identity)
    action = "change" if write else "read"
    allowed = guard.has("admin", structure_id) if write else bool(guard.roles.get(structure_id))
    if not allowed:
        audit.record(ctx.repo, guard.user_id, action, "structure_facts", outcome="denied", structure_id=structure_id)
        raise AccessDenied(code="access_denied",
                           message="access_denied.structure_facts" if write else "access_denied.structure_read")
    if not write:
        result = fn()
        audit.record(ctx.repo, guard.user_id, action, "structure_facts", structure_id=structure_id)
        return result

    def both(_repo: Any) -> T:
        result = fn()
        audit.record(ctx.repo, guard.user_id, action, "structure_facts", structure_id=structure_id)
        return result
    return ctx.repo.transaction(both)


def structure_facts(ctx: Context, structure_id: str, *, identity: Identity | None = None) -> StructureFacts:
    return _structure_guarded(ctx, identity, structure_id,
                              lambda: store_facts.structure_facts(ctx.repo, structure_id), write=False)


def set_network(ctx: Context, structure_id: str, network: str, *, identity: Identity | None = None,
                **facts: Any) -> StructureFacts:
    """``trained_staff``, ``field``, ``field_structures``, ``since``."""
    return _structure_guarded(ctx, identity, structure_id,
                              lambda: store_facts.set_network(ctx.repo, structure_id, network, **facts), write=True)


def remove_network(ctx: Context, structure_id: str, network: str, *, identity: Identity | None = None
                   ) -> StructureFacts:
    return _structure_guarded(ctx, identity, structure_id,
                              lambda: store_facts.remove_network(ctx.repo, structure_id, network), write=True)


def add_branch_agreement(ctx: Context, structure_id: str, branch: str, cqps: Iterable[str], *,
                         since: dt.date | None = None, identity: Identity | None = None) -> BranchAgreementRecord:
    return _structure_guarded(ctx, identity, structure_id, lambda: store_facts.add_branch_agreement(
        ctx.repo, structure_id, branch, list(cqps), since=since), write=True)


def remove_branch_agreement(ctx: Context, structure_id: str, agreement_id: str, *,
                            identity: Identity | None = None) -> None:
    def remove() -> None:
        if all(a.id != agreement_id for a in store_facts.structure_facts(ctx.repo, structure_id).agreements):
            raise StoreError(code="unknown_agreement", message="unknown_agreement.other_structure")
        store_facts.remove_branch_agreement(ctx.repo, agreement_id)
    _structure_guarded(ctx, identity, structure_id, remove, write=True)
