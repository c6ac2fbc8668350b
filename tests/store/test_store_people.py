"""Structures, people, users, roles per structure and accompanist ↔ candidate assignments."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.store import ExperienceEntry, Repository, StoreError


def test_people_inherit_their_structure_networks_unless_they_have_their_own(repo: Repository) -> None:
    esat = repo.create_structure("ESAT", "esat", networks=["rae", "rsfp"], field="espaces verts")
    a = repo.create_person(esat.id, "A", "esat", experience=[ExperienceEntry("rome:A1203", 14, current=True)])
    b = repo.create_person(esat.id, "B", "pec", networks=["clea"], birth_year=1990, writing="none", goal="employment")
    assert a.networks == ("rae", "rsfp") and a.own_networks is None
    assert b.networks == ("clea",)
    assert a.experience == (ExperienceEntry("rome:A1203", 14, False, True),)
    updated = repo.update_person(a.id, writing="fluent", target="rncp:RNCP38386")
    assert (updated.writing, updated.target) == ("fluent", "rncp:RNCP38386")
    again = repo.set_experience(a.id, [ExperienceEntry("rome:A1203", 20, in_pec=True)])
    assert again.experience == (ExperienceEntry("rome:A1203", 20, True, False),)
    assert [p.display_name for p in repo.list_people(esat.id)] == ["A", "B"]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"status": "astronaut"}, "bad_status"),
    ({"writing": "poetic"}, "bad_writing"),
    ({"networks": ["fake"]}, "bad_network"),
    ({"birth_year": 1800}, "bad_birth_year"),
    ({"display_name": ""}, "bad_name"),
    ({"experience": [ExperienceEntry("rome:A1203", -1)]}, "bad_experience"),
    ({"structure_id": "nowhere"}, "unknown_structure"),
])
def test_bad_people_are_refused(repo: Repository, kwargs: dict[str, object], code: str) -> None:
    esat = repo.create_structure("ESAT", "esat")
    args = {"structure_id": esat.id, "display_name": "X", "status": "esat", **kwargs}
    with pytest.raises(StoreError) as info:
        repo.create_person(args.pop("structure_id"), args.pop("display_name"), args.pop("status"), **args)  # type: ignore[arg-type]
    assert info.value.code == code
    assert repo.list_people() == []


def test_roles_are_per_structure_and_assignments_need_the_accompanist_role(repo: Repository) -> None:
    esat = repo.create_structure("ESAT", "esat")
    ea = repo.create_structure("EA", "ea")
    person = repo.create_person(esat.id, "A", "esat")
    user = repo.create_user("moniteur", "Moniteur")
    repo.grant_role(user.id, ea.id, "accompanist")
    with pytest.raises(StoreError) as info:
        repo.assign(user.id, person.id)
    assert info.value.code == "not_accompanist"
    repo.grant_role(user.id, esat.id, "accompanist")
    repo.grant_role(user.id, esat.id, "accompanist")  # twice is harmless
    repo.grant_role(user.id, esat.id, "trainer")
    assert set(repo.get_user(user.id).roles) == {(ea.id, "accompanist"), (esat.id, "accompanist"), (esat.id, "trainer")}
    assert repo.has_role(user.id, "trainer", esat.id) and not repo.has_role(user.id, "trainer", ea.id)
    repo.assign(user.id, person.id, since=dt.date(2025, 1, 1))
    assert repo.is_assigned(user.id, person.id)
    assert not repo.is_assigned(user.id, person.id, on=dt.date(2024, 12, 31))
    assert [p.id for p in repo.candidates_of(user.id)] == [person.id]
    assert [u.id for u in repo.accompanists_of(person.id)] == [user.id]
    repo.end_assignment(user.id, person.id, until=dt.date(2025, 6, 30))
    assert repo.is_assigned(user.id, person.id, on=dt.date(2025, 6, 1))
    assert not repo.is_assigned(user.id, person.id, on=dt.date(2025, 7, 1))
    repo.revoke_role(user.id, esat.id, "trainer")
    assert not repo.has_role(user.id, "trainer")


def test_logins_are_unique(repo: Repository) -> None:
    repo.create_user("x", "X")
    with pytest.raises(StoreError) as info:
        repo.create_user("x", "Y")
    assert info.value.code == "duplicate_login"
    assert repo.find_user_by_login("x") is not None and len(repo.list_users()) == 1


def test_a_transaction_groups_calls_and_rolls_back_together(repo: Repository) -> None:
    def work(r: Repository) -> None:
        esat = r.create_structure("ESAT", "esat")
        r.create_person(esat.id, "A", "esat")
        r.create_person(esat.id, "B", "martian")

    with pytest.raises(StoreError):
        repo.transaction(work)
    assert repo.list_structures() == [] and repo.list_people() == []
