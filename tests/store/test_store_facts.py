"""The facts the recognition rules read: structure networks, branch agreements, dated contracts, certifications
held, PEC enrolment — written and read back on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.store import Repository, StoreError
from competency_graph.store import facts as F


@pytest.fixture
def any_repo(any_url: str, tmp_path, catalog):
    repository = Repository.open(any_url, catalog=catalog, files_dir=tmp_path / "files")
    yield repository
    repository.close()


def test_structure_networks_and_agreements_round_trip(any_repo: Repository) -> None:
    s = any_repo.create_structure("ESAT Lys", "esat", field="propreté")
    facts = F.set_network(any_repo, s.id, "rae", trained_staff=3, since=dt.date(2020, 1, 6))
    assert facts.network("rae") == F.NetworkMembership("rae", 3, None, None, dt.date(2020, 1, 6))
    facts = F.set_network(any_repo, s.id, "rsfp", field="propreté", field_structures=2)
    assert facts.network("rsfp").field_structures == 2
    # replacing keeps one row per network
    facts = F.set_network(any_repo, s.id, "rsfp", field="propreté", field_structures=1)
    assert [n.network for n in facts.networks] == ["rae", "rsfp"]
    assert facts.network("rsfp").field_structures == 1
    # the structure's network list (effective networks of its people) follows
    assert set(any_repo.get_structure(s.id).networks) == {"rae", "rsfp"}
    agreement = F.add_branch_agreement(any_repo, s.id, "UIMM (métallurgie)", ["cqp:agent-logistique"])
    assert F.structure_facts(any_repo, s.id).agreements == (agreement,)
    F.remove_branch_agreement(any_repo, agreement.id)
    facts = F.remove_network(any_repo, s.id, "rae")
    assert [n.network for n in facts.networks] == ["rsfp"] and facts.agreements == ()
    assert any_repo.get_structure(s.id).networks == ("rsfp",)


def test_legacy_network_without_facts_is_a_membership_with_unknown_facts(any_repo: Repository) -> None:
    s = any_repo.create_structure("EA", "ea", networks=["rsfp"])
    assert F.structure_facts(any_repo, s.id).network("rsfp") == F.NetworkMembership("rsfp")


@pytest.mark.parametrize("kwargs,code", [
    ({"network": "nope"}, "bad_network"),
    ({"network": "rsfp", "field_structures": 0}, "bad_field_structures"),
    ({"network": "rae", "trained_staff": -1}, "bad_trained_staff"),
])
def test_bad_network_facts_are_refused(repo: Repository, kwargs, code) -> None:
    s = repo.create_structure("ESAT", "esat")
    network = kwargs.pop("network")
    with pytest.raises(StoreError) as err:
        F.set_network(repo, s.id, network, **kwargs)
    assert err.value.code == code


def test_person_contracts_held_and_pec_enrolment(any_repo: Repository) -> None:
    s = any_repo.create_structure("Mairie", "pec-employer")
    p = any_repo.create_person(s.id, "P", "pec", person_id="p1", goal="certification", target="rncp:RNCP37794")
    before = F.add_contract(any_repo, p.id, "cdd", dt.date(2019, 1, 1), dt.date(2020, 2, 1),
                            job="rsfp:agent-de-nettoyage-de-locaux")
    pec = F.add_contract(any_repo, p.id, "pec", dt.date(2021, 9, 15), dt.date(2022, 9, 14),
                         job="rsfp:agent-de-nettoyage-de-locaux", employer_id=s.id, weekly_hours=20,
                         prescriber="france_travail")
    assert pec.job == "rsfp:agent-de-nettoyage-de-locaux" and len(pec.followups) == 4  # PEC schedule planned
    cdi = F.add_contract(any_repo, p.id, "cdi", dt.date(2023, 1, 2))
    assert cdi.end_date is None and cdi.employer_id is None
    facts = F.set_person_facts(any_repo, p.id, pec_enrolled_on=dt.date(2022, 11, 30), placement_planned=True)
    assert facts.pec_enrolled_on == dt.date(2022, 11, 30) and facts.placement_planned is True
    held = F.add_held(any_repo, p.id, "rncp:RNCP37794", "partial", dt.date(2022, 6, 30),
                      blocs=["rncp:RNCP37794BC01"], jury="Jury DREETS", modality="modality:vae")
    facts = F.person_facts(any_repo, p.id)
    assert [c.kind for c in facts.contracts] == ["cdd", "pec", "cdi"]
    assert [c.id for c in facts.contracts] == [before.id, pec.id, cdi.id]
    assert facts.held == (held,) and held.blocs == ("rncp:RNCP37794BC01",)
    changed = F.update_contract(any_repo, cdi.id, end=dt.date(2023, 12, 31), job="rome:K2204")
    assert changed.end_date == dt.date(2023, 12, 31) and changed.job == "rome:K2204"
    F.remove_contract(any_repo, before.id)
    F.remove_held(any_repo, held.id)
    facts = F.set_person_facts(any_repo, p.id, pec_enrolled_on=None)
    assert len(facts.contracts) == 2 and facts.held == () and facts.pec_enrolled_on is None
    assert facts.placement_planned is True  # untouched when not given


def test_contracts_open_ended_show_in_the_follow_up_timeline(repo: Repository) -> None:
    """The follow-up timeline (services.followup) lists an open-ended contract without an end entry."""
    s = repo.create_structure("EA", "ea")
    p = repo.create_person(s.id, "P", "ea")
    F.add_contract(repo, p.id, "cdi", dt.date(2023, 1, 2), job="rae:ouvrier-paysagiste")
    contracts = repo.list_contracts(p.id)
    assert contracts[0].end_date is None and contracts[0].job == "rae:ouvrier-paysagiste"


@pytest.mark.parametrize("call,code", [
    (lambda r, p: F.add_contract(r, p, "cdd", dt.date(2022, 1, 1), dt.date(2021, 1, 1)), "bad_dates"),
    (lambda r, p: F.add_contract(r, p, "job", dt.date(2022, 1, 1)), "bad_contract_kind"),
    (lambda r, p: F.add_contract(r, p, "cdd", dt.date(2022, 1, 1), job="not an id"), "bad_job"),
    (lambda r, p: F.add_held(r, p, "rncp:RNCP1", "some", dt.date(2022, 1, 1)), "bad_outcome"),
    (lambda r, p: F.add_held(r, p, "rncp:RNCP1", "total", dt.date.today() + dt.timedelta(days=2)), "bad_date"),
    (lambda r, p: F.set_person_facts(r, p, pec_enrolled_on="2022-01-01"), "bad_date"),
    (lambda r, p: F.add_contract(r, "nobody", "cdd", dt.date(2022, 1, 1)), "unknown_person"),
])
def test_bad_person_facts_are_refused(repo: Repository, call, code) -> None:
    s = repo.create_structure("EA", "ea")
    p = repo.create_person(s.id, "P", "ea")
    with pytest.raises(StoreError) as err:
        call(repo, p.id)
    assert err.value.code == code
    assert F.person_facts(repo, p.id).contracts == ()


def test_facts_are_exported_and_erased_with_the_person(repo: Repository) -> None:
    from competency_graph.security import rgpd

    s = repo.create_structure("EA", "ea")
    p = repo.create_person(s.id, "P", "ea")
    admin = repo.create_user("adm", "Admin")
    repo.grant_role(admin.id, s.id, "admin")
    F.add_held(repo, p.id, "rae:ouvrier-paysagiste", "partial", dt.date(2023, 6, 1), modality="modality:rae")
    F.add_contract(repo, p.id, "cdi", dt.date(2023, 1, 2), job="rae:ouvrier-paysagiste")
    exported = rgpd.export_person(repo, p.id)
    assert exported["held_certifications"][0]["certification"] == "rae:ouvrier-paysagiste"
    assert exported["contracts"][0]["job"] == "rae:ouvrier-paysagiste"
    rgpd.erase_person(repo, p.id, admin.id)
    with pytest.raises(StoreError):
        F.person_facts(repo, p.id)
