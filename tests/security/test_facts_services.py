"""The facts services: person facts written by the person's accompanist only, structure facts by its admins;
every decision (allowed or refused) is in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.security import audit
from competency_graph.security.errors import AccessDenied
from competency_graph.services import accounts
from competency_graph.services import facts as services
from competency_graph.services.context import Context
from competency_graph.store import Repository, StoreError


@pytest.fixture
def ctx(repo: Repository, world) -> Context:
    return Context(None, repo)  # type: ignore[arg-type] - the facts services do not read the referentials


def who(ctx: Context, user_id: str, role: str):
    return accounts.identity_for(ctx, user_id, role)


def _entries(repo: Repository, kind: str, outcome: str) -> list[audit.AuditRecord]:
    return [e for e in audit.list_audit(repo, "u-admin") if e.record_kind == kind and e.outcome == outcome]


def test_accompanist_writes_person_facts_and_candidate_reads_them(ctx: Context) -> None:
    acc = who(ctx, "u-acc", "accompanist")
    contract = services.add_contract(ctx, "own", "esat", dt.date(2020, 3, 1), identity=acc,
                                     job="rae:agent-de-proprete-et-d-hygiene")
    services.update_contract(ctx, "own", contract.id, identity=acc, end=dt.date(2024, 3, 1))
    held = services.add_held(ctx, "own", "rae:agent-de-proprete-et-d-hygiene", "partial", dt.date(2023, 6, 1),
                             identity=acc, modality="modality:rae", jury="Jury RAE")
    services.set_person_facts(ctx, "own", identity=acc, placement_planned=True)
    seen = services.person_facts(ctx, "own", identity=who(ctx, "u-cand", "candidate"))
    assert seen.contracts[0].end_date == dt.date(2024, 3, 1) and seen.held == (held,)
    assert seen.placement_planned is True
    assert len(_entries(ctx.repo, "contract", "allowed")) == 2
    assert _entries(ctx.repo, "held_certification", "allowed")
    assert _entries(ctx.repo, "facts", "allowed")


@pytest.mark.parametrize("user,role,person", [
    ("u-cand", "candidate", "own"),       # the candidate sees but does not edit the facts
    ("u-acc", "accompanist", "mate"),      # not assigned
    ("u-admin", "admin", "own"),           # admins never write a record
    ("u-acc-t", "accompanist", "own"),     # other structure
])
def test_others_may_not_write_person_facts(ctx: Context, user: str, role: str, person: str) -> None:
    with pytest.raises(AccessDenied) as err:
        services.add_contract(ctx, person, "cdd", dt.date(2022, 1, 1), identity=who(ctx, user, role))
    assert "Accès refusé" in str(err.value)
    assert _entries(ctx.repo, "contract", "denied")
    assert ctx.repo.list_contracts(person) == []


def test_a_contract_of_another_person_cannot_be_changed_through_this_one(ctx: Context) -> None:
    acc_t = who(ctx, "u-acc-t", "accompanist")
    theirs = services.add_contract(ctx, "other", "cdd", dt.date(2022, 1, 1), identity=acc_t)
    with pytest.raises(StoreError):
        services.remove_contract(ctx, "own", theirs.id, identity=who(ctx, "u-acc", "accompanist"))
    assert len(ctx.repo.list_contracts("other")) == 1


def test_structure_facts_by_admins_only(ctx: Context, world) -> None:
    s = world["s"]
    facts = services.set_network(ctx, s, "rsfp", identity=who(ctx, "u-admin", "admin"), field="propreté",
                                 field_structures=2)
    assert facts.network("rsfp").field_structures == 2
    agreement = services.add_branch_agreement(ctx, s, "UIMM", ["cqp:agent-logistique"],
                                              identity=who(ctx, "u-admin", "admin"))
    assert services.structure_facts(ctx, s, identity=who(ctx, "u-acc", "accompanist")).agreements == (agreement,)
    for user, role in [("u-acc", "accompanist"), ("u-cand", "candidate"), ("u-acc-t", "accompanist")]:
        with pytest.raises(AccessDenied) as err:
            services.set_network(ctx, s, "rae", identity=who(ctx, user, role), trained_staff=1)
        assert "administrateur" in str(err.value)
    with pytest.raises(AccessDenied):
        services.structure_facts(ctx, s, identity=who(ctx, "u-acc-t", "accompanist"))
    assert len(_entries(ctx.repo, "structure_facts", "denied")) == 4
    services.remove_branch_agreement(ctx, s, agreement.id, identity=who(ctx, "u-admin", "admin"))
    assert services.remove_network(ctx, s, "rsfp", identity=who(ctx, "u-admin", "admin")).network("rsfp") is None
