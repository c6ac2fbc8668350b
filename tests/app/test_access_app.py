"""The main access cases through the app (AppTest): sign-in with a password, sessions checked at every run,
refusals shown in French with no data when a page would open a record it must not, pseudonyms for trainers,
the admin page of users, audit log and RGPD — and no demo picker in production mode."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from apphelpers import IDENTITIES, ROOT, open_page, texts
from streamlit.testing.v1 import AppTest

from competency_graph.security import accounts as security_accounts
from competency_graph.security import audit
from competency_graph.services.accounts import Identity
from competency_graph.store.demo import DEMO_STRUCTURE_ID
from competency_graph.store.models import utcnow
from competency_graph.ui.formats import md_escape

PASSWORD = "Tournesol-bleu-42!"
REFUSED = ("Connexion refusée : identifiant ou mot de passe incorrect, ou trop d'essais récents (réessayez dans "
           "quelques minutes).")
DEMO_NAMES = ("Léa (démo)", "Julien (démo)", "Samir (démo)", "Aïcha (démo)")


def _user(ctx, role: str, *, person_id: str | None = None) -> tuple[str, str]:
    """A new user of the demo structure with ``role`` and a password: (user id, login)."""
    login = f"test.{role}.{uuid.uuid4().hex[:8]}"
    user = ctx.repo.create_user(login, f"Test {role}", person_id=person_id)
    ctx.repo.grant_role(user.id, DEMO_STRUCTURE_ID, role)
    security_accounts.set_password(ctx.repo, user.id, PASSWORD)
    return user.id, login


def _password_sign_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="login").input(login)
    at.text_input(key="password").input(password)
    next(b for b in at.button if b.label == "Se connecter").click().run()
    assert not at.exception, at.exception
    return at


def _denied_since(ctx, before: int) -> list[audit.AuditRecord]:
    entries = audit.list_audit(ctx.repo, "demo-admin")
    return [e for e in entries[: len(entries) - before] if e.outcome == "denied"]


# -- sign-in -------------------------------------------------------------------------------------------------

def test_password_sign_in_opens_the_role_page_and_a_wrong_password_is_refused(ctx):
    user_id, login = _user(ctx, "accompanist")
    at = open_page(None)
    _password_sign_in(at, login, PASSWORD + "?")
    assert REFUSED in texts(at)
    assert "identity" not in at.session_state
    _password_sign_in(at, "personne.inconnue", PASSWORD)  # same message: never says which one was wrong
    assert [e.value for e in at.error] == [REFUSED]
    _password_sign_in(at, login, PASSWORD)
    assert at.session_state["identity"].user_id == user_id
    assert security_accounts.session_user(ctx.repo, at.session_state["session_token"]).id == user_id
    assert at.title[0].value == "Mes candidats"
    # sign-out ends the session in the database too
    token = at.session_state["session_token"]
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "Bienvenue" and "Vous êtes déconnecté·e." in texts(at)
    assert security_accounts.session_user(ctx.repo, token) is None


def test_repeated_failures_lock_the_account_with_a_french_message(ctx):
    _, login = _user(ctx, "trainer")
    at = open_page(None)
    for _ in range(security_accounts.MAX_FAILURES):
        _password_sign_in(at, login, "mauvais-mot-de-passe")
    _password_sign_in(at, login, PASSWORD)  # even the right password waits for the lock to end
    # The same message as a wrong password: a lock must not tell that the login exists.
    assert at.error[0].value == REFUSED and "trop d'essais" in REFUSED
    assert "identity" not in at.session_state


def test_a_user_with_several_roles_picks_one_after_the_password(ctx):
    user_id, login = _user(ctx, "trainer")
    ctx.repo.grant_role(user_id, DEMO_STRUCTURE_ID, "admin")
    at = _password_sign_in(open_page(None), login, PASSWORD)
    assert "identity" not in at.session_state
    at.radio(key="pending_role").set_value("admin")
    next(b for b in at.button if b.label == "Continuer").click().run()
    assert not at.exception
    assert at.session_state["identity"].role == "admin"
    assert at.title[0].value == "Validation et SPARQL"


def test_an_expired_or_ended_session_returns_to_sign_in_with_a_message(ctx):
    user_id, login = _user(ctx, "trainer")
    identity = Identity(user_id, "Test trainer", "trainer", (DEMO_STRUCTURE_ID,))
    live = security_accounts.authenticate(ctx.repo, login, PASSWORD)
    at = open_page(None, identity=identity, session_token=live)
    assert at.title[0].value == "Maillons de parcours"
    security_accounts.logout(ctx.repo, live)  # ended elsewhere (or by an admin resetting the password)
    at.run()
    assert at.title[0].value == "Bienvenue"
    assert "Votre session a expiré" in texts(at) and "identity" not in at.session_state
    old = security_accounts.authenticate(ctx.repo, login, PASSWORD, now=utcnow() - dt.timedelta(hours=9))
    at = open_page(None, identity=identity, session_token=old)
    assert at.title[0].value == "Bienvenue" and "Votre session a expiré" in texts(at)


def test_production_mode_has_no_demo_picker_and_needs_a_session(ctx, monkeypatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "production")
    at = open_page(None)
    assert at.title[0].value == "Bienvenue"
    assert not [r for r in at.radio if r.key == "account"]
    assert not any(name in texts(at) for name in DEMO_NAMES) and "démonstration" not in texts(at)
    assert at.text_input(key="login") and at.text_input(key="password")
    # an identity without a live session token is not trusted in production
    at = open_page("candidate")
    assert at.title[0].value == "Bienvenue" and "identity" not in at.session_state
    # and the demo accounts have no password to fall back on
    with pytest.raises(security_accounts.AuthError):
        security_accounts.authenticate(ctx.repo, "demo.lea", "")


def test_a_forged_role_is_refused_at_the_next_run():
    forged = Identity("demo-moniteur", "Moniteur d'atelier (démo)", "admin", (DEMO_STRUCTURE_ID,))
    at = open_page(None, identity=forged)
    assert at.title[0].value == "Bienvenue" and "identity" not in at.session_state


# -- records of other people ---------------------------------------------------------------------------------

def test_candidate_forcing_another_person_sees_only_their_own_record(ctx):
    at = open_page("candidate", "candidate_map", person_id="demo-samir")
    assert "Samir" not in texts(at) and at.get("plotly_chart")
    # a forged person id in the identity is replaced by the database's at the next run
    forged = Identity("demo-user-lea", "Léa (démo)", "candidate", (DEMO_STRUCTURE_ID,), "demo-samir")
    at = open_page(None, "candidate_map", identity=forged)
    assert at.session_state["identity"].person_id == "demo-lea"


def test_candidate_page_refuses_another_record_even_when_the_session_layer_lets_it_through(ctx, monkeypatch):
    from competency_graph.services import accounts

    forged = Identity("demo-user-lea", "Léa (démo)", "candidate", (DEMO_STRUCTURE_ID,), "demo-samir")
    monkeypatch.setattr(accounts, "check_session", lambda _ctx, identity, _token: identity)
    before = len(audit.list_audit(ctx.repo, "demo-admin"))
    at = open_page(None, "candidate_map", identity=forged)
    assert at.error and "Action refusée : Accès refusé" in at.error[0].value
    assert not at.get("plotly_chart") and "Samir" not in texts(at)
    denied = _denied_since(ctx, before)
    assert denied and denied[0].actor_id == "demo-user-lea"
    assert denied[0].subject_ref == audit.pseudonym(ctx.repo, "demo-samir")


def _forced(identity: Identity, page: str, person_id: str) -> AppTest:
    """Open ``page`` with ``person_id`` forced into the session AFTER the landing page (Mes candidats), which
    selects one of the accompanist's own people."""
    at = open_page(None, identity=identity)
    at.session_state["person_id"] = person_id
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    return at


def test_accompanist_of_another_structure_is_refused(ctx, monkeypatch):
    from competency_graph.services import accounts

    other = Identity("demo-conseiller", "Conseiller France Travail (démo)", "accompanist", ("demo-asso-jardins",))
    # forcing Léa's id: the picker only offers the accompanist's own candidate
    at = open_page(None, "accompanist_copositioning", identity=other, person_id="demo-lea")
    assert "Léa" not in texts(at) and at.session_state["person_id"] == "demo-aicha"
    # a page that would list too many people (a UI bug) still gets no data: the services refuse
    monkeypatch.setattr(accounts, "visible_people", lambda ctx, identity: ctx.repo.list_people())
    before = len(audit.list_audit(ctx.repo, "demo-admin"))
    at = _forced(other, "accompanist_copositioning", "demo-lea")
    assert at.error and "Action refusée : Accès refusé" in at.error[0].value
    assert not at.dataframe and not at.get("plotly_chart")
    assert _denied_since(ctx, before)[0].subject_ref == audit.pseudonym(ctx.repo, "demo-lea")
    at = _forced(other, "accompanist_followup", "demo-lea")
    assert at.error and "Accès refusé" in at.error[0].value and not at.dataframe


def test_trainer_sees_the_group_under_pseudonyms(ctx):
    at = open_page("trainer", "trainer_course_links")
    options = at.multiselect(key="l_group").options
    assert options and all(o.startswith("Personne ") for o in options)
    shown = texts(at) + " ".join(options) + " ".join(at.data_editor[0].value["Personnes"])
    assert not any(name in shown for name in DEMO_NAMES)
    entry = audit.list_audit(ctx.repo, "demo-admin", actor_id="demo-formatrice")[0]
    assert (entry.action, entry.record_kind) == ("read", "group")


# -- admin pages ---------------------------------------------------------------------------------------------

def test_non_admins_are_refused_on_the_admin_pages():
    for role in ("candidate", "accompanist", "trainer"):
        at = open_page(role)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("app_pages/admin_users.py")
        page = AppTest.from_file(str(ROOT / "app_pages" / "admin_users.py"), default_timeout=60)
        page.session_state["identity"] = IDENTITIES[role]
        page.run()
        assert not page.exception
        assert "pas disponible pour votre rôle" in texts(page)
        assert not page.dataframe and not page.text_input


def test_admin_creates_an_account_that_can_sign_in(ctx):
    at = open_page("admin", "admin_users")
    assert at.title[0].value == "Utilisateurs, journal d'audit et RGPD"
    assert "demo.moniteur" in set(at.dataframe[0].value["Identifiant"])
    login = f"formatrice.{uuid.uuid4().hex[:6]}"
    at.text_input(key="u_login").input(login)
    at.text_input(key="u_name").input("Nouvelle formatrice")
    at.selectbox(key="u_role").set_value("trainer")
    at.text_input(key="u_password").input("azerty")
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert "Action refusée : Le mot de passe doit compter au moins 12 caractères." in at.error[0].value
    assert ctx.repo.find_user_by_login(login) is None
    at.text_input(key="u_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert not at.exception
    assert f"Compte « {md_escape(login)} » créé." in texts(at)  # the login is shown as text, not Markdown
    assert login in set(at.dataframe[0].value["Identifiant"])
    signed = _password_sign_in(open_page(None), login, PASSWORD)
    # The first password was chosen by the admin: its owner chooses a new one before any page opens.
    assert "identity" not in signed.session_state
    own = "Capucine-Orage-Lente-9"
    signed.text_input(key="forced_password_current").input(PASSWORD)
    signed.text_input(key="forced_password_new").input(own)
    signed.text_input(key="forced_password_again").input(own)
    next(b for b in signed.button if b.label == "Changer le mot de passe").click().run()
    assert not signed.exception
    assert signed.session_state["identity"].role == "trainer"


def test_admin_views_and_downloads_the_audit_log(ctx):
    at = open_page("admin", "admin_users")
    at.selectbox(key="f_action").set_value("sign_in")
    next(b for b in at.button if b.label == "Afficher le journal").click().run()
    assert not at.exception
    frame = at.dataframe[1].value
    assert len(frame) > 0 and set(frame["Action"]) == {"connexion"}
    download = at.get("download_button")
    assert download
    latest = audit.list_audit(ctx.repo, "demo-admin", actor_id="demo-admin")[:2]
    assert [(e.action, e.record_kind) for e in latest] == [("export", "audit_log"), ("read", "audit_log")]


def test_admin_exports_then_erases_a_person_after_confirmation(ctx):
    person = ctx.repo.create_person(DEMO_STRUCTURE_ID, "Personne À Effacer", "esat",
                                    person_id=f"erase-{uuid.uuid4().hex[:8]}")
    ctx.repo.record_positioning(person.id, "rectec:C01", role="self", level=2)
    at = open_page("admin", "admin_users")
    at.selectbox(key="r_person").set_value(person.id).run()
    at.button(key="r_export").click().run()
    assert not at.exception and at.get("download_button")
    assert audit.list_audit(ctx.repo, "demo-admin", action="export", person_id=person.id)
    at.button(key="r_erase").click().run()
    assert "Rien n'a été effacé" in at.error[0].value
    assert ctx.repo.find_person(person.id) is not None
    # One admin alone cannot erase: a second admin of the structure asks, this one confirms.
    at.text_input(key="r_confirm").input("EFFACER")
    at.button(key="r_erase").click().run()
    assert "demandé par un autre administrateur" in at.error[0].value
    assert ctx.repo.find_person(person.id) is not None
    second = ctx.repo.find_user_by_login("test.second.admin") or ctx.repo.create_user("test.second.admin",
                                                                                      "Second admin")
    ctx.repo.grant_role(second.id, DEMO_STRUCTURE_ID, "admin")
    other = open_page(None, "admin_users", identity=Identity(second.id, "Second admin", "admin",
                                                             (DEMO_STRUCTURE_ID,)))
    other.selectbox(key="r_person").set_value(person.id).run()
    other.button(key="r_request").click().run()
    assert not other.exception and "Effacement demandé" in texts(other)
    at.run()
    at.selectbox(key="r_person").set_value(person.id).run()
    at.text_input(key="r_confirm").input("EFFACER")
    at.button(key="r_erase").click().run()
    assert not at.exception
    assert "Personne effacée (pseudonyme" in texts(at)
    assert ctx.repo.find_person(person.id) is None
    assert audit.list_audit(ctx.repo, "demo-admin", action="erase")[0].subject_ref == \
        audit.pseudonym(ctx.repo, person.id)
    assert "Personne À Effacer" not in texts(at)


def test_admin_sets_the_retention_period(ctx):
    from competency_graph.security import rgpd

    at = open_page("admin", "admin_users")
    at.number_input(key="ret_days").set_value(730)
    next(b for b in at.button if b.label == "Enregistrer la durée").click().run()
    assert not at.exception
    assert "Durée de conservation : 730 jours." in texts(at)
    assert rgpd.retention_days(ctx.repo) == 730



def test_single_sign_on_opens_a_known_account_and_refuses_an_unknown_one(ctx):
    email = f"sso.{uuid.uuid4().hex[:8]}@structure.example"  # for single sign-on the login is the e-mail
    oidc_user = ctx.repo.create_user(email, "Formatrice SSO")
    ctx.repo.grant_role(oidc_user.id, DEMO_STRUCTURE_ID, "trainer")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    at.user = {"is_logged_in": True, "email": "inconnue@structure.example", "email_verified": True}
    at.run()
    assert f"Compte reconnu : {md_escape('inconnue@structure.example')}" in texts(at)
    at.button(key="oidc_continue").click().run()
    assert "Ce compte n'a pas accès à l'application" in at.error[0].value
    assert "identity" not in at.session_state
    at.user = {"is_logged_in": True, "email": email.upper()}  # the provider did not verify the address
    at.run()
    at.button(key="oidc_continue").click().run()
    assert "identity" not in at.session_state
    at.user = {"is_logged_in": True, "email": email.upper(), "email_verified": True}
    at.run()
    at.button(key="oidc_continue").click().run()
    assert not at.exception
    assert at.session_state["identity"].user_id == oidc_user.id
    assert at.title[0].value == "Maillons de parcours"
    assert security_accounts.session_user(ctx.repo, at.session_state["session_token"]).id == oidc_user.id
