"""Sessions that survive a reload: the signed cookie value, the idle timeout, preferences saved on the account."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.security import accounts, sessions
from competency_graph.services import preferences
from competency_graph.services.context import Context
from competency_graph.store import Repository
from competency_graph.store.preferences import Preferences, get_preferences, save_preferences

GOOD = "tulipe-rouge-Brique-42"


@pytest.fixture
def user(repo: Repository) -> str:
    s = repo.create_structure("ESAT S", "esat").id
    repo.create_user("marie", "Marie", user_id="u-marie")
    repo.grant_role("u-marie", s, "accompanist")
    accounts.set_password(repo, "u-marie", GOOD)
    return "u-marie"


def test_cookie_round_trips_and_refuses_altered_values(repo: Repository, user: str) -> None:
    token = accounts.authenticate(repo, "marie", GOOD)
    value = sessions.sign_cookie(repo, token, "accompanist")
    assert sessions.read_cookie(repo, value) == (token, "accompanist")
    forged_role = value.replace(".accompanist.", ".admin.")
    assert sessions.read_cookie(repo, forged_role) is None
    assert sessions.read_cookie(repo, value[:-1] + ("0" if value[-1] != "0" else "1")) is None
    assert sessions.read_cookie(repo, "x" * 500) is None
    assert sessions.read_cookie(repo, "") is None
    assert sessions.read_cookie(repo, "a.b") is None


def test_idle_session_ends_but_active_one_lives(repo: Repository, user: str) -> None:
    t0 = dt.datetime.now(dt.UTC)
    token = accounts.authenticate(repo, "marie", GOOD, now=t0)
    assert sessions.touch(repo, token, now=t0 + dt.timedelta(minutes=20))
    assert sessions.touch(repo, token, now=t0 + dt.timedelta(minutes=45))  # 25 min after the last use
    assert not sessions.touch(repo, token, now=t0 + dt.timedelta(minutes=45 + sessions.IDLE_MINUTES + 1))
    assert accounts.session_user(repo, token) is None  # the idle session was ended in the database
    assert not sessions.touch(repo, token)


def test_restore_session_needs_a_live_session(repo: Repository, user: str) -> None:
    ctx = Context(bundle=None, repo=repo)  # type: ignore[arg-type]
    token = accounts.authenticate(repo, "marie", GOOD)
    value = sessions.sign_cookie(repo, token, "accompanist")
    identity, again = preferences.restore_session(ctx, value)  # type: ignore[misc]
    assert (identity.user_id, identity.role, again) == ("u-marie", "accompanist", token)
    assert preferences.restore_session(ctx, sessions.sign_cookie(repo, token, "admin")) is None  # role not held
    accounts.logout(repo, token)
    assert preferences.restore_session(ctx, value) is None


def test_preferences_are_saved_on_the_account(repo: Repository, user: str) -> None:
    assert get_preferences(repo, user) == Preferences()
    save_preferences(repo, user, Preferences(easy_read=True, read_aloud=False, text_size="large"))
    assert get_preferences(repo, user) == Preferences(True, False, "large")
    from competency_graph.store import StoreError
    with pytest.raises(StoreError):
        save_preferences(repo, user, Preferences(text_size="huge"))
