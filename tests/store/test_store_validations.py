"""Validation events and proof withdrawals: append-only, with the rules that keep recognition honest."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from competency_graph.security.rgpd import erase_person
from competency_graph.store import StoreError
from competency_graph.store.validation_models import EvidenceWithdrawal, ValidationEvent
from competency_graph.store.validations import (
    active_evidence,
    record_validation,
    status_of,
    validation_history,
    validations,
    withdraw_evidence,
    withdraw_validation,
    withdrawals,
)


@pytest.fixture
def proof(repo, people) -> str:
    return repo.add_evidence(people["a"], "observation", "Vu en atelier", item_id="rectec:C01",
                             description="Range son poste seul.").id


def _count(repo, table) -> int:
    return repo.run(lambda s: s.scalar(select(func.count()).select_from(table)), write=False)


def test_self_positioning_alone_is_never_validated(repo, people, proof):
    a = people["a"]
    repo.record_positioning(a, "rectec:C01", role="self", level=4)
    with pytest.raises(StoreError) as error:
        record_validation(repo, a, "rectec:C01", modality="montrer", evidence_ids=[proof], author_id=people["acc"])
    assert error.value.code == "not_co_positioned"
    assert validations(repo, a) == {} and _count(repo, ValidationEvent) == 0
    view = repo.current_view(a)
    assert status_of(view.items["rectec:C01"], None) == "self_positioned"


def test_validation_records_who_when_modality_and_proofs(repo, people, proof):
    a = people["a"]
    repo.record_positioning(a, "rectec:C01", role="self", level=1)
    co = repo.record_positioning(a, "rectec:C01", role="accompanist", level=3, author_id=people["acc"])
    with pytest.raises(StoreError) as error:  # never above the co-positioning
        record_validation(repo, a, "rectec:C01", modality="montrer", evidence_ids=[proof], author_id=people["acc"],
                          level=4)
    assert error.value.code == "above_co_positioning"
    for bad, code in (({"evidence_ids": []}, "evidence_required"), ({"modality": "dire"}, "bad_rae_modality")):
        kwargs = {"modality": "montrer", "evidence_ids": [proof], **bad}
        with pytest.raises(StoreError) as error:
            record_validation(repo, a, "rectec:C01", author_id=people["acc"], **kwargs)
        assert error.value.code == code
    other = repo.add_evidence(people["b"], "observation", "Autre", item_id="rectec:C01", description="x").id
    with pytest.raises(StoreError) as error:
        record_validation(repo, a, "rectec:C01", modality="montrer", evidence_ids=[other], author_id=people["acc"])
    assert error.value.code == "unknown_evidence"
    v = record_validation(repo, a, "rectec:C01", modality="expliquer", evidence_ids=[proof], author_id=people["acc"],
                          validator_role="jury", validator_name="Jury RAE", validated_on=dt.date(2025, 6, 1))
    assert (v.level, v.modality, v.validator_role, v.positioning_id, v.evidence_ids) == (
        3, "expliquer", "jury", co.id, (proof,))
    standing = validations(repo, a)
    assert standing["rectec:C01"].id == v.id
    assert validations(repo, a, as_of=dt.date(2025, 5, 31)) == {}
    assert status_of(repo.current_view(a).items["rectec:C01"], v) == "validated"


def test_ungraded_items_need_acquired(repo, people):
    a = people["a"]
    item = "rae:agent-de-proprete/A1"
    p = repo.add_evidence(a, "observation", "Nettoyage", item_id=item, description="Fait seul").id
    repo.record_positioning(a, item, role="accompanist", state="in_progress", author_id=people["acc"])
    with pytest.raises(StoreError) as error:
        record_validation(repo, a, item, modality="montrer", evidence_ids=[p], author_id=people["acc"])
    assert error.value.code == "not_acquired"
    repo.record_positioning(a, item, role="accompanist", state="acquired", author_id=people["acc"])
    assert record_validation(repo, a, item, modality="montrer", evidence_ids=[p], author_id=None).state == "acquired"


def test_withdrawing_a_validation_is_a_new_event(repo, people, proof):
    a = people["a"]
    repo.record_positioning(a, "rectec:C01", role="accompanist", level=2, author_id=people["acc"])
    v = record_validation(repo, a, "rectec:C01", modality="montrer", evidence_ids=[proof], author_id=people["acc"])
    withdraw_validation(repo, a, v.id, author_id=people["acc"], reason="Saisie par erreur")
    assert validations(repo, a) == {}
    assert [e.action for e in validation_history(repo, a)] == ["validate", "withdraw"]
    with pytest.raises(StoreError) as error:
        withdraw_validation(repo, a, v.id, author_id=people["acc"])
    assert error.value.code == "already_withdrawn"
    with pytest.raises(StoreError):
        withdraw_validation(repo, people["b"], v.id, author_id=people["acc"])  # not that person's


def test_withdrawn_proof_is_kept_but_hidden_and_cannot_support_a_validation(repo, people, proof):
    a = people["a"]
    new = repo.add_evidence(a, "observation", "Vu en atelier (corrigé)", item_id="rectec:C01",
                            description="Range son poste seul, sans rappel.").id
    withdraw_evidence(repo, a, proof, author_id=people["acc"], reason="Doublon", replaced_by_id=new)
    assert [e.id for e in active_evidence(repo, a)] == [new]
    assert {e.id for e in repo.list_evidence(a)} == {proof, new}  # kept for the audit
    assert withdrawals(repo, a)[proof].replaced_by_id == new
    with pytest.raises(StoreError) as error:
        withdraw_evidence(repo, a, proof, author_id=None)
    assert error.value.code == "already_withdrawn"
    with pytest.raises(StoreError) as error:
        withdraw_evidence(repo, people["b"], new, author_id=None)
    assert error.value.code == "unknown_evidence"
    repo.record_positioning(a, "rectec:C01", role="accompanist", level=2, author_id=people["acc"])
    with pytest.raises(StoreError) as error:
        record_validation(repo, a, "rectec:C01", modality="montrer", evidence_ids=[proof], author_id=None)
    assert error.value.code == "withdrawn_evidence"


def test_erasing_a_person_removes_validations_and_withdrawals(repo, people, proof):
    a = people["a"]
    admin = repo.create_user("adm", "Admin", user_id="adm")
    repo.grant_role(admin.id, people["structure"], "admin")
    repo.record_positioning(a, "rectec:C01", role="accompanist", level=2, author_id=people["acc"])
    v = record_validation(repo, a, "rectec:C01", modality="montrer", evidence_ids=[proof], author_id=people["acc"])
    withdraw_validation(repo, a, v.id, author_id=None)
    second = repo.add_evidence(a, "observation", "Bis", item_id="rectec:C01", description="y").id
    withdraw_evidence(repo, a, proof, author_id=None, replaced_by_id=second)
    erase_person(repo, a, admin.id)
    assert _count(repo, ValidationEvent) == 0 and _count(repo, EvidenceWithdrawal) == 0


def test_the_person_export_holds_validations_and_withdrawals(repo, people, proof):
    import json

    from competency_graph.security.rgpd import export_person

    a = people["a"]
    repo.record_positioning(a, "rectec:C01", role="accompanist", level=2, author_id=people["acc"])
    v = record_validation(repo, a, "rectec:C01", modality="comparer", evidence_ids=[proof], author_id=people["acc"])
    withdraw_validation(repo, a, v.id, author_id=None, reason="Erreur")
    withdraw_evidence(repo, a, proof, author_id=None, reason="Doublon")
    data = export_person(repo, a)
    json.dumps(data)
    assert [e["action"] for e in data["validations"]] == ["validate", "withdraw"]
    assert data["validations"][0]["modality"] == "comparer" and data["validations"][0]["evidence_ids"] == [proof]
    assert [w["evidence_id"] for w in data["evidence_withdrawals"]] == [proof]
