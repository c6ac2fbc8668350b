"""Grid co-assessment, validation and proof correction services (issue 16), on the app's demo database.

Each test works on people of its own, in a structure of its own followed by an accompanist of its own, so
that the shared demo database only gains records nobody else lists."""

from __future__ import annotations

import pytest
from apphelpers import IDENTITIES
from coassess_helpers import ACC, worker

from competency_graph.services import coassess, evidence, guidance
from competency_graph.services.coassess import Change
from competency_graph.store import StoreError


@pytest.fixture
def newcomer(ctx) -> str:
    """A worker aiming at the CAPa Jardinier paysagiste, with a few self-positionings."""
    pid = worker(ctx, "Grille (test)", target="rncp:RNCP38386")
    ctx.repo.record_positioning(pid, "rectec:C01", role="self", level=3)
    ctx.repo.record_positioning(pid, "rectec:C02", role="self", level=1)
    return pid


def test_one_save_co_assesses_all_rectec_and_the_trade_activities(ctx, newcomer):
    ctx.repo.update_person(newcomer, target="rae:operateur-logistique")
    rows = coassess.grid_rows(ctx, ACC, newcomer, coassess.RECTEC_AND_TRADE)
    rectec = [r for r in rows if r.section == "RECTEC"]
    activities = [r for r in rows if r.section != "RECTEC"]
    assert [r.number for r in rectec] == [str(n) for n in range(1, 13)] and activities
    before = ctx.repo.count_positionings(newcomer)
    changes = [Change(r.item_id, 3 if r.graded else "acquired",
                      "Vu en atelier." if r.item_id == "rectec:C02" else "") for r in rows]
    written = coassess.save_grid(ctx, ACC, newcomer, coassess.RECTEC_AND_TRADE, changes)
    assert written == len(rows) == ctx.repo.count_positionings(newcomer) - before
    view = ctx.repo.current_view(newcomer)
    assert all(view.items[r.item_id].accompanist is not None for r in rows)
    assert view.items["rectec:C02"].accompanist.comment == "Vu en atelier."
    assert view.items["rectec:C02"].self_.level == 1  # her own answer is kept beside it
    # saving the same grid again writes nothing
    assert coassess.save_grid(ctx, ACC, newcomer, coassess.RECTEC_AND_TRADE,
                              [Change(r.item_id, 3 if r.graded else "acquired") for r in rows]) == 0


def test_a_disagreement_needs_a_note_and_nothing_is_saved_without_it(ctx, newcomer):
    before = ctx.repo.count_positionings(newcomer)
    with pytest.raises(StoreError) as error:
        coassess.save_grid(ctx, ACC, newcomer, coassess.RECTEC_AND_TRADE,
                           [Change("rectec:C01", 2), Change("rectec:C05", 2)])
    assert error.value.code == "note_required" and any("Organiser" in d for d in error.value.details)
    assert ctx.repo.count_positionings(newcomer) == before


def test_grid_refused_to_someone_who_does_not_follow_the_person(ctx, newcomer):
    stranger = IDENTITIES["accompanist"]  # the demo accompanist does not follow this person
    with pytest.raises(StoreError) as error:
        coassess.save_grid(ctx, stranger, newcomer, coassess.RECTEC_AND_TRADE, [Change("rectec:C05", 2)])
    assert error.value.message_fr.startswith("Accès refusé")
    with pytest.raises(StoreError):
        coassess.save_grid(ctx, IDENTITIES["candidate"], "demo-lea", coassess.RECTEC_AND_TRADE,
                           [Change("rectec:C05", 2)])  # a candidate never writes the accompanist's word


def test_bloc_coverage_moves_when_bloc_competencies_are_answered_yes_or_partial(ctx, newcomer):
    cert = "rncp:RNCP38386"
    rows = coassess.grid_rows(ctx, ACC, newcomer, cert)
    before = {c.bloc: c.share for c in guidance.coverage(ctx.as_actor(ACC), newcomer, cert)}
    bloc = rows[0].item_id.split("/")[0]
    in_bloc = [r for r in rows if r.item_id.startswith(bloc + "/")]
    assert len(in_bloc) >= 2 and before[bloc] == 0
    answers = [Change(in_bloc[0].item_id, "acquired"), Change(in_bloc[1].item_id, "in_progress")]
    assert coassess.save_grid(ctx, ACC, newcomer, cert, answers) == 2
    after = {c.bloc: c for c in guidance.coverage(ctx.as_actor(ACC), newcomer, cert)}
    assert after[bloc].covered == (in_bloc[0].item_id,) and after[bloc].partial == (in_bloc[1].item_id,)
    assert after[bloc].share == pytest.approx(1.5 / len(in_bloc))
    assert all(after[b].share == before[b] for b in before if b != bloc)
    coassess.save_grid(ctx, ACC, newcomer, cert, [Change(in_bloc[1].item_id, "acquired")])
    again = {c.bloc: c.share for c in guidance.coverage(ctx.as_actor(ACC), newcomer, cert)}
    assert again[bloc] == pytest.approx(2 / len(in_bloc))


def test_group_grid_saves_each_person_and_reports_refusals(ctx, newcomer):
    other = worker(ctx, "Groupe (test)")
    cells = coassess.group_grid(ctx, ACC, [newcomer, other], ["rectec:C01", "rectec:C03"])
    assert cells[(newcomer, "rectec:C01")].self_value == 3 and cells[(other, "rectec:C01")].self_value is None
    result = coassess.save_group(ctx, ACC, {newcomer: [Change("rectec:C03", 2)],
                                            other: [Change("rectec:C01", 2), Change("rectec:C03", 1)],
                                            "demo-aicha": [Change("rectec:C01", 2)]})  # not followed by ACC
    assert result[newcomer] == 1 and result[other] == 2
    assert isinstance(result["demo-aicha"], StoreError)


def test_validation_then_badge_choice_and_proof_correction(ctx, newcomer):
    from competency_graph.services import exports

    coassess.save_grid(ctx, ACC, newcomer, coassess.RECTEC_AND_TRADE, [Change("rectec:C01", 3)])
    assert exports.badge_choices(ctx, ACC, newcomer) == []  # co-positioned is not recognised
    first = evidence.add_proof(ctx, ACC, newcomer, "observation", "Rangement", item_id="rectec:C01",
                               description="Range son poste.")
    second = evidence.add_proof(ctx, ACC, newcomer, "observation", "Rangement (bis)", item_id="rectec:C01",
                                description="Range son poste, sans rappel.")
    coassess.replace_proof(ctx, ACC, newcomer, first.id, second.id, reason="Doublon")
    shown = [r.id for records in evidence.dossier(ctx, newcomer, identity=ACC).values() for r in records]
    assert shown == [second.id]
    assert set(coassess.withdrawn_proofs(ctx, ACC, newcomer)) == {first.id}
    with pytest.raises(StoreError):
        coassess.validate(ctx, ACC, newcomer, "rectec:C01", modality="montrer", evidence_ids=[first.id])
    with pytest.raises(StoreError):
        coassess.validate(ctx, IDENTITIES["candidate"], "demo-lea", "rectec:C03", modality="montrer",
                          evidence_ids=[second.id])
    v = coassess.validate(ctx, ACC, newcomer, "rectec:C01", modality="montrer", evidence_ids=[second.id])
    assert v.level == 3
    rows = {r.item_id: r for r in coassess.validation_rows(ctx, ACC, newcomer)}
    assert rows["rectec:C01"].status == "validated" and rows["rectec:C02"].status == "self_positioned"
    assert [c.item_id for c in exports.badge_choices(ctx, ACC, newcomer)] == ["rectec:C01"]
    coassess.withdraw_validation(ctx, ACC, newcomer, v.id, reason="Erreur")
    assert exports.badge_choices(ctx, ACC, newcomer) == []
