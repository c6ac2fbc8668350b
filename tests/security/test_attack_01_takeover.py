"""Finding 1 (security round 2): cross-structure account takeover, and passwords an admin chose that were
never changed. Each test replays the attack as it was run against the services."""

from __future__ import annotations

import pytest

from competency_graph.security import accounts, audit
from competency_graph.security.access import Guard
from competency_graph.security.errors import AccessDenied, AuthError
from competency_graph.store import Repository

ADMIN_PASSWORD = "Glycine-mauve-Orage-31"
RESET = "Pervenche-Tonnerre-88"
OWN = "Chataigne-Brumeuse-2026"


@pytest.fixture
def two_admins(repo: Repository, world: dict[str, str]) -> dict[str, str]:
    """``u-admin`` administers S. ``u-boss-t`` administers T and also holds a trainer role in S."""
    repo.create_user("boss.t", "Directrice T", user_id="u-boss-t")
    repo.grant_role("u-boss-t", world["t"], "admin")
    repo.grant_role("u-boss-t", world["s"], "trainer")
    accounts.set_password(repo, "u-boss-t", ADMIN_PASSWORD)
    return world


def test_admin_of_a_cannot_reset_the_password_of_an_admin_of_b(repo: Repository, two_admins) -> None:
    """The attack: admin of S resets the password of someone who is also admin of T, then signs in as them
    and reads T's records. The reset is refused (logged) and the victim's password still works."""
    guard = Guard(repo, "u-admin", "admin")
    with pytest.raises(AccessDenied):
        guard.set_password("u-boss-t", RESET)
    with pytest.raises(AuthError):
        accounts.authenticate(repo, "boss.t", RESET)
    assert accounts.authenticate(repo, "boss.t", ADMIN_PASSWORD)
    denied = [e for e in audit.list_audit(repo, "u-admin", action="change") if e.outcome == "denied"]
    assert [(e.record_kind, e.record_id) for e in denied] == [("password", "u-boss-t")]


def test_admin_of_a_cannot_grant_or_revoke_roles_of_a_user_also_in_b(repo: Repository, two_admins) -> None:
    guard = Guard(repo, "u-admin", "admin")
    with pytest.raises(AccessDenied):
        guard.grant_role("u-boss-t", two_admins["s"], "admin")
    with pytest.raises(AccessDenied):
        guard.revoke_role("u-boss-t", two_admins["s"], "trainer")
    assert set(repo.get_user("u-boss-t").roles) == {(two_admins["s"], "trainer"), (two_admins["t"], "admin")}


def test_the_user_list_shows_no_role_held_elsewhere(repo: Repository, two_admins) -> None:
    """The admin of S sees the trainer of S, not that she is admin of T."""
    listed = {u.id: u for u in Guard(repo, "u-admin", "admin").list_users()}
    assert listed["u-boss-t"].roles == ((two_admins["s"], "trainer"),)
    assert "u-acc-t" not in listed


def test_an_admin_reset_still_works_inside_the_structure_and_must_be_changed(repo: Repository, world) -> None:
    guard = Guard(repo, "u-admin", "admin")
    guard.set_password("u-acc", RESET)  # every role of u-acc is in S
    token = accounts.authenticate(repo, "u-acc", RESET)
    # The password an admin chose opens nothing until its owner changes it.
    assert accounts.session_user(repo, token) is None
    assert accounts.must_change_password(repo, "u-acc")
    with pytest.raises(AuthError):
        accounts.change_password(repo, "u-acc", "pas-le-bon-mot-de-passe", OWN)
    fresh = accounts.change_password(repo, "u-acc", RESET, OWN)
    assert accounts.session_user(repo, fresh).id == "u-acc"  # type: ignore[union-attr]
    assert not accounts.must_change_password(repo, "u-acc")
    with pytest.raises(AuthError):
        accounts.authenticate(repo, "u-acc", RESET)


def test_a_first_password_given_by_an_admin_must_be_changed(repo: Repository, world) -> None:
    created = Guard(repo, "u-admin", "admin").create_account("nouvelle", "Nouvelle", world["s"], "accompanist",
                                                              RESET)
    assert accounts.must_change_password(repo, created.id)
    assert accounts.session_user(repo, accounts.authenticate(repo, "nouvelle", RESET)) is None


def test_users_change_their_own_password(repo: Repository, world) -> None:
    accounts.set_password(repo, "u-acc", ADMIN_PASSWORD, by_user_id="u-acc")
    assert not accounts.must_change_password(repo, "u-acc")
    old = accounts.authenticate(repo, "u-acc", ADMIN_PASSWORD)
    fresh = accounts.change_password(repo, "u-acc", ADMIN_PASSWORD, OWN)
    assert accounts.session_user(repo, old) is None  # the other sessions end
    assert accounts.session_user(repo, fresh) is not None
    assert accounts.authenticate(repo, "u-acc", OWN)


def test_an_open_session_cannot_guess_the_current_password_without_end(repo: Repository, world, monkeypatch) -> None:
    """Someone at a tab left open tries current passwords on the change-password screen: after 5 wrong ones
    the change is refused for 15 minutes (even with the right one), logged as denied; signing in with the
    password still works, and the lock ends 15 minutes after the last try."""
    import datetime as dt

    from competency_graph.security import throttle

    monkeypatch.setattr(throttle, "sleep", lambda _s: None)
    accounts.set_password(repo, "u-acc", ADMIN_PASSWORD, by_user_id="u-acc")
    start = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    for n in range(throttle.PAIR_MAX_FAILURES):
        with pytest.raises(AuthError) as wrong:
            accounts.change_password(repo, "u-acc", f"essai-{n}", OWN, now=start + dt.timedelta(seconds=n))
        assert wrong.value.message_fr == "Mot de passe actuel incorrect."
    later = start + dt.timedelta(minutes=throttle.LOCK_MINUTES - 1)
    with pytest.raises(AuthError) as locked:
        accounts.change_password(repo, "u-acc", ADMIN_PASSWORD, OWN, now=later)  # the right one, too late
    assert "bloqué pendant 15 minutes" in locked.value.message_fr
    assert accounts.authenticate(repo, "u-acc", ADMIN_PASSWORD, now=later)  # the real user still signs in
    outcomes = [e.outcome for e in audit.list_audit(repo, "u-admin", action="change", actor_id="u-acc")
                if e.record_kind == "password"]
    assert outcomes.count("failed") == throttle.PAIR_MAX_FAILURES and outcomes.count("denied") == 1
    after = later + dt.timedelta(minutes=throttle.LOCK_MINUTES, seconds=30)  # a try while locked locks again
    assert accounts.change_password(repo, "u-acc", ADMIN_PASSWORD, OWN, now=after)
    assert accounts.authenticate(repo, "u-acc", OWN, now=after)
