"""Findings 4 and 8 (security round 2) through the app itself (AppTest): the admin page listed every account
of every structure; a display name written in Markdown was rendered in the sidebar (remote image, fake
link). Finding 1's screens too: the forced change after an admin's reset, and "my password"."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from competency_graph.security import accounts as security_accounts
from competency_graph.services.accounts import Identity
from competency_graph.store.demo import DEMO_STRUCTURE_ID

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ADMIN = Identity("demo-admin", "Administratrice (démo)", "admin", (DEMO_STRUCTURE_ID,))
HOSTILE_NAME = "![pixel](https://evil.example/p.png) [cliquez ici](https://evil.example/login) **Urgent**"
PASSWORD = "Tournesol-bleu-42!"


@pytest.fixture(scope="module")
def module_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pages-data")


@pytest.fixture(autouse=True)
def _isolated_data_dir(module_data_dir, monkeypatch):
    """Overrides the suite-wide fixture: one demo database for the tests of this module (built once)."""
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(module_data_dir))


@pytest.fixture
def ctx(monkeypatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_DEMO", "1")
    monkeypatch.delenv("COMPETENCY_GRAPH_DATABASE_URL", raising=False)
    monkeypatch.delenv("COMPETENCY_GRAPH_MODE", raising=False)
    from competency_graph.ui import cache

    return cache.context()


def run(identity: Identity | None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if identity is not None:
        at.session_state["identity"] = identity
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def test_admin_page_lists_only_the_accounts_of_the_admins_structures(ctx) -> None:
    """The attack: an admin of the demo ESAT opens "Administration" and reads, in the accounts table, the
    name and roles of a worker of another structure."""
    other = ctx.repo.create_structure("ESAT Ailleurs", "esat").id
    person = ctx.repo.create_person(other, "Travailleur Ailleurs", "esat")
    elsewhere = ctx.repo.create_user("travailleur.ailleurs", "Travailleur Ailleurs", person_id=person.id)
    ctx.repo.grant_role(elsewhere.id, other, "candidate")
    at = run(ADMIN, "admin")
    shown = "\n".join(df.value.to_csv() for df in at.dataframe)
    assert "travailleur.ailleurs" not in shown and "Travailleur Ailleurs" not in shown
    assert "demo.moniteur" in shown or "Moniteur" in shown  # the admin's own structure is listed


def test_a_markdown_display_name_is_shown_as_text_in_the_sidebar(ctx) -> None:
    user = ctx.repo.create_user("nom.piege", HOSTILE_NAME)
    ctx.repo.grant_role(user.id, DEMO_STRUCTURE_ID, "trainer")
    at = run(Identity(user.id, HOSTILE_NAME, "trainer", (DEMO_STRUCTURE_ID,)))
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    # Every Markdown character of the name is escaped: no image, no link, no bold once rendered.
    assert "\\!\\[pixel\\]\\(https" in sidebar and "\\[cliquez ici\\]\\(https" in sidebar
    assert "\\*\\*Urgent\\*\\*" in sidebar
    assert "](" not in sidebar and "![" not in sidebar


def test_an_admin_reset_password_is_changed_before_any_page_opens(ctx) -> None:
    user = ctx.repo.create_user("remise.a.zero", "Remise à zéro")
    ctx.repo.grant_role(user.id, DEMO_STRUCTURE_ID, "trainer")
    security_accounts.set_password(ctx.repo, user.id, PASSWORD, by_user_id="demo-admin")
    at = run(None)
    at.text_input(key="login").input("remise.a.zero")
    at.text_input(key="password").input(PASSWORD)
    next(b for b in at.button if b.label == "Se connecter").click().run()
    assert "identity" not in at.session_state
    assert any("choisi par un administrateur" in w.value for w in at.warning)
    new = "Magnolia-Cerise-Pluie-7"
    at.text_input(key="forced_password_current").input(PASSWORD)
    at.text_input(key="forced_password_new").input(new)
    at.text_input(key="forced_password_again").input(new)
    next(b for b in at.button if b.label == "Changer le mot de passe").click().run()
    assert not at.exception, at.exception
    assert at.session_state["identity"].user_id == user.id
    assert not security_accounts.must_change_password(ctx.repo, user.id)
    assert security_accounts.session_user(ctx.repo, at.session_state["session_token"]).id == user.id


def test_my_password_page_refuses_a_wrong_current_password_in_french(ctx) -> None:
    user = ctx.repo.create_user("mon.mdp", "Mon MDP")
    ctx.repo.grant_role(user.id, DEMO_STRUCTURE_ID, "trainer")
    security_accounts.set_password(ctx.repo, user.id, PASSWORD, by_user_id=user.id)
    at = run(Identity(user.id, "Mon MDP", "trainer", (DEMO_STRUCTURE_ID,)), "account_password")
    assert at.title[0].value == "Changer mon mot de passe"
    at.text_input(key="own_password_current").input("pas-le-bon-du-tout")
    at.text_input(key="own_password_new").input("Magnolia-Cerise-Pluie-7")
    at.text_input(key="own_password_again").input("Magnolia-Cerise-Pluie-7")
    next(b for b in at.button if b.label == "Changer le mot de passe").click().run()
    assert [e.value for e in at.error] == ["Mot de passe non changé : Mot de passe actuel incorrect."]
    at.text_input(key="own_password_current").input(PASSWORD)
    at.text_input(key="own_password_new").input("Magnolia-Cerise-Pluie-7")
    at.text_input(key="own_password_again").input("Magnolia-Cerise-Pluie-7")
    next(b for b in at.button if b.label == "Changer le mot de passe").click().run()
    assert not at.exception and any("Mot de passe changé" in s.value for s in at.success)
