"""AppTests of the person file on "Mes candidats" and of "Ma structure": saved through the facts API, refusals in
French (missing fields, an accompanist editing structure facts, another structure's person)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from apphelpers import open_page, texts
from caseload_helpers import own_structure

from competency_graph.security.errors import AccessDenied
from competency_graph.services import facts, onboarding, person_file
from competency_graph.services.accounts import Identity


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _new_person(ctx, own) -> str:
    return onboarding.add_person(ctx, own.accompanist, own.structure_id, f"Test {uuid.uuid4().hex[:6]}",
                                 "esat").person.id


def test_person_file_objective_experience_contract_and_certification(ctx):
    own = own_structure(ctx)
    pid = _new_person(ctx, own)
    at = open_page(None, "accompanist_candidates", identity=own.accompanist, person_id=pid, show_file=True)
    assert at.selectbox(key="open_person").value == pid
    at.selectbox(key=f"f_goal_{pid}").set_value("certification")
    at.selectbox(key=f"f_target_{pid}").set_value("rncp:RNCP38386")
    _button(at, "Enregistrer l'objectif").click().run()
    assert not at.exception, at.exception
    assert "Objectif enregistré." in texts(at)
    person = ctx.repo.get_person(pid)
    assert (person.goal, person.target) == ("certification", "rncp:RNCP38386")
    # a contract: missing start refused, then saved with its dates
    _button(at, "Ajouter le contrat").click().run()
    assert "Indiquez la date de début du contrat." in texts(at)
    at.selectbox(key=f"f_ckind_{pid}").set_value("esat")
    at.date_input(key=f"f_cstart_{pid}").set_value(dt.date(2024, 9, 1))
    at.text_input(key=f"f_cjob_{pid}").input("rome:A1203")
    _button(at, "Ajouter le contrat").click().run()
    assert "Contrat ajouté." in texts(at)
    (contract,) = facts.person_facts(ctx, pid, identity=own.accompanist).contracts
    assert (contract.kind, contract.start_date, contract.end_date, contract.job) == ("esat", dt.date(2024, 9, 1),
                                                                                     None, "rome:A1203")
    # a certification held: missing date refused, then a partial one with its blocs
    at.text_input(key=f"f_hcert_{pid}").input("rncp:RNCP38386")
    _button(at, "Ajouter la certification").click().run()
    assert "Indiquez la certification et sa date d'obtention." in texts(at)
    at.text_input(key=f"f_hcert_{pid}").input("rncp:RNCP38386")
    at.selectbox(key=f"f_hout_{pid}").set_value("partial")
    at.date_input(key=f"f_hday_{pid}").set_value(dt.date(2025, 6, 30))
    at.text_input(key=f"f_hblocs_{pid}").input("rncp:RNCP38386BC01")
    _button(at, "Ajouter la certification").click().run()
    assert not at.exception, at.exception
    (held,) = facts.person_facts(ctx, pid, identity=own.accompanist).held
    assert (held.outcome, held.blocs) == ("partial", ("rncp:RNCP38386BC01",))
    # experience lines through the service (the data editor is driven in the browser)
    from competency_graph.store import ExperienceEntry
    person_file.set_experience(ctx, own.accompanist, pid, [ExperienceEntry("rome:A1203", 14, False, True)])
    assert ctx.repo.get_person(pid).experience[0].months == 14


def test_person_file_refused_outside_the_caseload(ctx):
    pid = _new_person(ctx, own_structure(ctx))
    other = ctx.repo.create_structure(f"EA {uuid.uuid4().hex[:4]}", "ea")
    user = ctx.repo.create_user(f"test.acc.{uuid.uuid4().hex[:6]}", "Acc B")
    ctx.repo.grant_role(user.id, other.id, "accompanist")
    outsider = Identity(user.id, "Acc B", "accompanist", (other.id,))
    with pytest.raises(AccessDenied) as refused:
        person_file.set_objective(ctx, outsider, pid, goal="employment", target=None)
    assert refused.value.message("fr").startswith("Accès refusé")
    with pytest.raises(AccessDenied):
        person_file.person_file(ctx, outsider, pid)


def test_structure_page_admin_sets_rsfp_network_accompanist_reads_only(ctx):
    own = own_structure(ctx)
    at = open_page(None, "structure", identity=own.admin)
    assert at.title[0].value == "Réseaux et accords de la structure"
    _button(at, "Enregistrer le réseau").click().run()
    assert "Choisissez un réseau." in texts(at)
    at.selectbox(key="s_network").set_value("rsfp")
    at.text_input(key="s_field").input("espaces verts")
    at.number_input(key="s_peers").set_value(3)
    _button(at, "Enregistrer le réseau").click().run()
    assert not at.exception, at.exception
    assert "Réseau RSFP enregistré." in texts(at)
    rsfp = facts.structure_facts(ctx, own.structure_id, identity=own.admin).network("rsfp")
    assert (rsfp.field, rsfp.field_structures) == ("espaces verts", 3)
    _button(at, "Ajouter l'accord").click().run()
    assert "Indiquez la branche et au moins un CQP." in texts(at)
    reader = open_page(None, "structure", identity=own.accompanist)
    assert "Seul·e un·e administrateur·rice de la structure modifie ses réseaux et accords." in texts(reader)
    assert not [b for b in reader.button if b.label == "Enregistrer le réseau"]
    with pytest.raises(AccessDenied) as refused:
        facts.set_network(ctx, own.structure_id, "rae", identity=own.accompanist, trained_staff=2)
    assert refused.value.message("fr").startswith("Accès refusé")
