"""The "Personnes" page (AppTest) and its service: add a person with their account in one flow, edit, archive;
refusals in French; a person added in one structure stays invisible to another's accompanists."""

from __future__ import annotations

import uuid

import pytest
from apphelpers import open_page, texts
from caseload_helpers import own_structure

from competency_graph.security import accounts as security_accounts
from competency_graph.security import audit
from competency_graph.security.errors import AccessDenied
from competency_graph.services import accounts, onboarding
from competency_graph.services.accounts import Identity
from competency_graph.store.archive import is_archived


def _name() -> str:
    return f"Test {uuid.uuid4().hex[:6]}"


def _people_named(ctx, name: str):
    return [p for p in ctx.repo.list_people() if p.display_name == name]


def test_accompanist_adds_a_person_with_an_invitation_code_and_follows_them(ctx):
    own = own_structure(ctx)
    name, login = _name(), f"test.{uuid.uuid4().hex[:8]}"
    at = open_page(None, "people", identity=own.accompanist)
    assert at.title[0].value == "Personnes accompagnées"
    at.text_input(key="p_name").input(name)
    at.number_input(key="p_birth").set_value(1990)
    at.selectbox(key="p_status").set_value("esat")
    at.selectbox(key="p_writing").set_value("limited")
    at.radio(key="p_account").set_value("invitation")
    at.text_input(key="p_login").input(login)
    next(b for b in at.button if b.label == "Ajouter la personne").click().run()
    assert not at.exception, at.exception
    assert f"{name} est ajouté·e." in texts(at)
    assert "Code d'invitation" in texts(at)
    (person,) = _people_named(ctx, name)
    assert (person.birth_year, person.status, person.writing) == (1990, "esat", "limited")
    assert ctx.repo.is_assigned(own.accompanist.user_id, person.id)
    user = ctx.repo.find_user_by_login(login)
    assert user is not None and user.person_id == person.id and (person.structure_id, "candidate") in user.roles
    code = next(line for line in texts(at).splitlines() if "Code d'invitation" in line).split("`")[1]
    assert security_accounts.authenticate(ctx.repo, login, code)  # the code is the first password
    entries = audit.list_audit(ctx.repo, "demo-admin", actor_id=own.accompanist.user_id, limit=20)
    assert any(e.action == "create" and e.record_kind == "person" and e.subject_ref == audit.pseudonym(ctx.repo, person.id)
               for e in entries)


def test_missing_fields_and_a_weak_password_are_refused_in_french_and_nothing_is_written(ctx):
    at = open_page(None, "people", identity=own_structure(ctx).accompanist)
    next(b for b in at.button if b.label == "Ajouter la personne").click().run()
    assert "Champ(s) à remplir : Nom affiché, Statut." in texts(at)
    name = _name()
    at.text_input(key="p_name").input(name)
    at.selectbox(key="p_status").set_value("esat")
    at.radio(key="p_account").set_value("password")
    at.text_input(key="p_login").input(f"test.{uuid.uuid4().hex[:8]}")
    at.text_input(key="p_password").input("court")
    next(b for b in at.button if b.label == "Ajouter la personne").click().run()
    assert not at.exception, at.exception
    assert any("au moins 12 caractères" in e.value for e in at.error)
    assert _people_named(ctx, name) == []  # person and account are one flow: nothing half-written


def test_edit_then_archive_hides_the_person_from_lists_without_deleting(ctx):
    own = own_structure(ctx)
    added = onboarding.add_person(ctx, own.accompanist, own.structure_id, _name(), "esat")
    person = added.person
    at = open_page(None, "people", identity=own.accompanist)
    at.selectbox(key="e_person").set_value(person.id).run()
    at.text_input(key=f"e_name_{person.id}").input(person.display_name + " B")
    at.selectbox(key=f"e_status_{person.id}").set_value("ea")
    next(b for b in at.button if b.label == "Enregistrer les modifications").click().run()
    assert not at.exception, at.exception
    assert ctx.repo.get_person(person.id).status == "ea"
    assert ctx.repo.get_person(person.id).display_name == person.display_name + " B"
    at.selectbox(key="e_person").set_value(person.id).run()
    at.button(key=f"archive_{person.id}").click().run()
    assert "archivé·e (rien n'est effacé)" in texts(at)
    assert is_archived(ctx.repo, person.id) and ctx.repo.find_person(person.id) is not None
    assert person.id not in {p.id for p in accounts.visible_people(ctx, own.accompanist)}
    candidates = open_page(None, "accompanist_candidates", identity=own.accompanist)
    assert "Aucun candidat ne vous est attribué." in texts(candidates)  # the only one is archived
    onboarding.restore_person(ctx, own.accompanist, person.id)
    assert person.id in {p.id for p in accounts.visible_people(ctx, own.accompanist)}


def test_a_person_added_in_structure_a_is_invisible_to_structure_b(ctx):
    other = ctx.repo.create_structure(f"EA B {uuid.uuid4().hex[:4]}", "ea")
    user = ctx.repo.create_user(f"test.acc.b.{uuid.uuid4().hex[:6]}", "Accompagnateur B")
    ctx.repo.grant_role(user.id, other.id, "accompanist")
    ctx.repo.grant_role(user.id, other.id, "admin")
    acc_b = Identity(user.id, "Accompagnateur B", "accompanist", (other.id,))
    admin_b = Identity(user.id, "Accompagnateur B", "admin", (other.id,))
    own = own_structure(ctx)
    person = onboarding.add_person(ctx, own.accompanist, own.structure_id, _name(), "esat").person
    for who in (acc_b, admin_b):
        assert person.id not in {p.id for p in accounts.visible_people(ctx, who)}
        assert person.id not in {r.person.id for r in onboarding.people(ctx, who, include_archived=True)}
        with pytest.raises(AccessDenied):
            accounts.require_person(ctx, who, person.id)
        with pytest.raises(AccessDenied) as refused:
            onboarding.edit_person(ctx, who, person.id, status="ea")
        assert "Accès refusé" in refused.value.message("fr")
    # and B's accompanist cannot add someone to structure A
    with pytest.raises(AccessDenied) as refused:
        onboarding.add_person(ctx, acc_b, own.structure_id, _name(), "esat")
    assert "Accès refusé" in refused.value.message("fr")
    assert audit.list_audit(ctx.repo, "demo-admin", actor_id=user.id, action="create", limit=5)[0].outcome == "denied"


def test_trainer_and_candidate_cannot_open_the_people_page():
    for role in ("trainer", "candidate"):
        at = open_page(role)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("app_pages/people.py")


def test_admin_adds_a_person_with_a_first_password_that_must_be_changed(ctx):
    name, login = _name(), f"test.{uuid.uuid4().hex[:8]}"
    own = own_structure(ctx)
    added = onboarding.add_person(ctx, own.admin, own.structure_id, name, "ea", account="password",
                                  login=login, password="Tournesol-bleu-42!")
    assert added.account is not None and added.invitation_code is None
    assert not ctx.repo.is_assigned(own.admin.user_id, added.person.id)  # an admin does not become the accompanist
    assert security_accounts.must_change_password(ctx.repo, added.account.id)  # branch security's rule applies
    assert added.person.id in {r.person.id for r in onboarding.people(ctx, own.admin)}


def test_open_the_account_of_an_existing_person_from_the_edit_tab(ctx):
    own = own_structure(ctx)
    person = onboarding.add_person(ctx, own.accompanist, own.structure_id, _name(), "esat").person
    at = open_page(None, "people", identity=own.accompanist)
    at.selectbox(key="e_person").set_value(person.id).run()
    assert "pas encore de compte" in texts(at)
    next(b for b in at.button if b.label == "Ouvrir son compte avec un code d'invitation").click().run()
    assert any("Indiquez un identifiant de connexion." in e.value for e in at.error)  # refused in French
    login = f"test.{uuid.uuid4().hex[:8]}"
    at.text_input(key=f"a_login_{person.id}").input(login)
    next(b for b in at.button if b.label == "Ouvrir son compte avec un code d'invitation").click().run()
    assert not at.exception, at.exception
    assert f"Compte de {person.display_name} ouvert." in texts(at) and "Code d'invitation" in texts(at)
    assert ctx.repo.find_user_by_login(login).person_id == person.id
