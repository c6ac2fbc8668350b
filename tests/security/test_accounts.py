"""Passwords, throttling, session expiry, demo sign-in by mode."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.security import accounts
from competency_graph.security.errors import AuthError, WeakPassword
from competency_graph.store import Repository

GOOD = "tulipe-rouge-Brique-42"
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def user(repo: Repository) -> str:
    repo.create_user("marie", "Marie", user_id="u-marie")
    accounts.set_password(repo, "u-marie", GOOD)
    return "u-marie"


@pytest.mark.parametrize("bad", ["court", "motdepasse123", "azertyuiopqs", "aaaaaaaaaaaaaa", "marie-marie-2026",
                                 "123456789012"])
def test_weak_passwords_are_refused(repo: Repository, bad: str) -> None:
    repo.create_user("marie", "Marie", user_id="u-marie")
    with pytest.raises(WeakPassword):
        accounts.set_password(repo, "u-marie", bad)


def test_sign_in_gives_a_session_until_logout(repo: Repository, user: str) -> None:
    token = accounts.authenticate(repo, "marie", GOOD)
    assert accounts.session_user(repo, token).id == user  # type: ignore[union-attr]
    accounts.logout(repo, token)
    assert accounts.session_user(repo, token) is None


def test_bad_password_and_unknown_login_give_the_same_message(repo: Repository, user: str) -> None:
    with pytest.raises(AuthError) as a:
        accounts.authenticate(repo, "marie", "faux-mot-de-passe")
    with pytest.raises(AuthError) as b:
        accounts.authenticate(repo, "personne", "faux-mot-de-passe")
    assert a.value.message_fr == b.value.message_fr


def test_lock_after_repeated_failures_from_one_client_then_unlock(repo: Repository, user: str) -> None:
    for i in range(accounts.MAX_FAILURES):
        with pytest.raises(AuthError) as caught:
            accounts.authenticate(repo, "marie", "mauvais", now=T0 + dt.timedelta(seconds=i), client="10.0.0.9")
        assert caught.value.code == "bad_credentials"
    # That client is locked out of that login: even the right password is refused, with the same message.
    with pytest.raises(AuthError) as caught:
        accounts.authenticate(repo, "marie", GOOD, now=T0 + dt.timedelta(minutes=1), client="10.0.0.9")
    assert caught.value.code == "bad_credentials"
    later = T0 + dt.timedelta(minutes=accounts.LOCK_MINUTES + 1)
    assert accounts.authenticate(repo, "marie", GOOD, now=later, client="10.0.0.9")


def test_sessions_expire(repo: Repository, user: str) -> None:
    token = accounts.authenticate(repo, "marie", GOOD, now=T0, session_hours=1)
    assert accounts.session_user(repo, token, now=T0 + dt.timedelta(minutes=59)) is not None
    assert accounts.session_user(repo, token, now=T0 + dt.timedelta(minutes=61)) is None
    assert accounts.session_user(repo, "not-a-token") is None


def test_changing_the_password_ends_sessions(repo: Repository, user: str) -> None:
    token = accounts.authenticate(repo, "marie", GOOD)
    accounts.set_password(repo, user, "autre-Phrase-de-passe-7")
    assert accounts.session_user(repo, token) is None


def test_demo_sign_in_only_outside_production(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.create_user("demo.lea", "Léa", user_id="demo-lea")
    monkeypatch.setenv(accounts.MODE_ENV, "demo")
    assert accounts.demo_sign_in_allowed()
    assert accounts.session_user(repo, accounts.demo_sign_in(repo, "demo.lea")) is not None
    monkeypatch.setenv(accounts.MODE_ENV, "production")
    assert not accounts.demo_sign_in_allowed()
    with pytest.raises(AuthError):
        accounts.demo_sign_in(repo, "demo.lea")
    # No account without a password can sign in with any password.
    with pytest.raises(AuthError):
        accounts.authenticate(repo, "demo.lea", "")
