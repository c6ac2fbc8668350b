"""Finding 9 (security round 2), each lower-severity hole replayed: login enumeration by message and timing,
anyone locking anyone out, an admin writing co-positionings, the command line changing roles unaudited,
control and RTL-override characters in names, single sign-on without a verified address nor a real
sign-out, a mistyped mode opening demo mode, and the reverse proxy's headers undocumented."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from competency_graph.security import accounts, audit
from competency_graph.security.access import Guard
from competency_graph.security.errors import AccessDenied, AuthError
from competency_graph.store import Repository, StoreError

GOOD = "tulipe-rouge-Brique-42"
ROOT = Path(__file__).resolve().parents[2]


def _hasher(monkeypatch, memory_kib: int):
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=memory_kib, parallelism=1))
    try:
        from competency_graph.security import throttle
    except ImportError:  # the code before the fix (the attack is replayed there too)
        pass
    else:
        monkeypatch.setattr(throttle, "sleep", lambda _s: None)
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def fast_hash(monkeypatch):
    """Cheap argon2 parameters for the throttling tests (dozens of attempts), and no real waiting."""
    _hasher(monkeypatch, 1024)
    yield
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def timed_hash(monkeypatch):
    """argon2 at 32 MiB: each verification takes tens of milliseconds, far above the rest of a sign-in, so
    a refusal path that skips it shows (the production parameters cost 0.3–1 s on a busy machine)."""
    _hasher(monkeypatch, 32 * 1024)
    yield
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def marie(repo: Repository, world) -> str:
    repo.create_user("marie", "Marie", user_id="u-marie")
    repo.grant_role("u-marie", world["s"], "accompanist")
    accounts.set_password(repo, "u-marie", GOOD)
    return "u-marie"


def _refusal(repo: Repository, login: str, password: str, client: str) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(AuthError) as caught:
        accounts.authenticate(repo, login, password, client=client)  # where the attempt comes from
    return caught.value.message_fr, time.perf_counter() - started


def test_unknown_wrong_and_locked_look_the_same_in_message_and_time(repo: Repository, timed_hash, marie) -> None:
    """The attack told a locked account (4 ms, "verrouillé") from a wrong password (600 ms) and so learnt
    which logins exist."""
    for _ in range(accounts.MAX_FAILURES):  # lock the pair (marie, 10.0.0.66)
        _refusal(repo, "marie", "mauvais", "10.0.0.66")
    wrong = [_refusal(repo, "marie", "mauvais", f"10.0.1.{i}") for i in range(5)]
    unknown = [_refusal(repo, "personne.inconnue", "mauvais", f"10.0.2.{i}") for i in range(5)]
    locked = [_refusal(repo, "marie", GOOD, "10.0.0.66") for _ in range(5)]
    assert {m for m, _ in wrong + unknown + locked} == {wrong[0][0]}
    assert "verrouill" not in wrong[0][0]
    slowest = statistics.median(t for _, t in wrong)
    for case in (unknown, locked):
        assert statistics.median(t for _, t in case) > 0.4 * slowest  # one argon2 verification each time


def test_an_attacker_failing_on_purpose_does_not_lock_the_real_user_out(repo: Repository, fast_hash, marie) -> None:
    for _ in range(accounts.MAX_FAILURES + 1):
        _refusal(repo, "marie", "devine", "203.0.113.7")
    # Marie, from her own computer, signs in at once.
    assert accounts.authenticate(repo, "marie", GOOD, client="192.0.2.10")
    # The attacker's address stays locked out, even with the right password.
    _refusal(repo, "marie", GOOD, "203.0.113.7")


def test_one_client_trying_many_logins_is_slowed_down_never_locking_others(repo: Repository, fast_hash, marie,
                                                                          monkeypatch) -> None:
    """Spraying one password over many logins from one address: slowed down; a colleague behind the same
    public address still signs in."""
    from competency_graph.security import throttle

    waited: list[float] = []
    monkeypatch.setattr(throttle, "sleep", waited.append)
    for i in range(throttle.CLIENT_SLOW_AFTER + 3):
        _refusal(repo, f"login{i}", "devine", "203.0.113.8")
    assert waited and max(waited) <= throttle.MAX_DELAY_S
    assert accounts.authenticate(repo, "marie", GOOD, client="203.0.113.8")


def test_the_client_address_behind_trusted_proxies() -> None:
    from competency_graph.security.throttle import client_from

    assert client_from("10.0.0.2", "6.6.6.6, 198.51.100.4", 1) == "198.51.100.4"  # the forged part is ignored
    assert client_from("10.0.0.2", "6.6.6.6, 198.51.100.4", 0) == "10.0.0.2"
    assert client_from("10.0.0.2", None, 1) == "10.0.0.2"


def test_many_clients_guessing_one_login_are_slowed_down(repo: Repository, fast_hash, marie, monkeypatch) -> None:
    from competency_graph.security import throttle

    waited: list[float] = []
    monkeypatch.setattr(throttle, "sleep", waited.append)
    for i in range(throttle.LOGIN_SLOW_AFTER + 3):  # noqa: B007
        _refusal(repo, "marie", "devine", f"198.51.100.{i}")
    assert waited and max(waited) <= throttle.MAX_DELAY_S
    assert accounts.authenticate(repo, "marie", GOOD, client="192.0.2.10")  # slowed, never locked


def test_an_admin_cannot_make_themself_accompanist_nor_write_co_positionings(repo: Repository, world) -> None:
    admin = Guard(repo, "u-admin", "admin")
    with pytest.raises(AccessDenied):
        admin.grant_role("u-admin", world["s"], "accompanist")
    # Even an admin who holds the accompanist role (given by someone else) writes no positioning there.
    repo.grant_role("u-admin", world["s"], "accompanist")
    repo.assign("u-admin", "own")
    with pytest.raises(AccessDenied):
        Guard(repo, "u-admin", "accompanist").record_positioning("own", "rectec:C01", level=2)
    assert repo.history("own") == []
    Guard(repo, "u-acc", "accompanist").record_positioning("own", "rectec:C01", level=2)  # the real one can


def test_the_command_line_role_change_is_audited(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from competency_graph.cli import app

    url = f"sqlite:///{tmp_path / 'record.sqlite'}"
    monkeypatch.setenv("COMPETENCY_GRAPH_DATABASE_URL", url)
    repo = Repository.open(url)
    structure = repo.create_structure("ESAT", "esat").id
    repo.create_user("paul", "Paul", user_id="u-paul")
    repo.create_user("chef", "Chef", user_id="u-chef")
    repo.grant_role("u-chef", structure, "admin")
    result = CliRunner().invoke(app, ["grant-role", "--login", "paul", "--role", "accompanist",
                                      "--structure", structure])
    assert result.exit_code == 0, result.output
    entries = audit.list_audit(repo, "u-chef", action="change")
    assert [(e.record_kind, e.record_id, e.actor_id, e.structure_id) for e in entries] == [
        ("user", "u-paul", None, structure)]
    repo.close()


@pytest.mark.parametrize("name", ["Martin\u202egpj.exe", "Nul\x00Byte", "Cloche\x07", "Isolé\u2067x\u2069"])
def test_control_and_bidi_characters_are_refused_in_names(repo: Repository, world, name: str) -> None:
    with pytest.raises(StoreError) as caught:
        repo.create_person(world["s"], name, "esat")
    assert caught.value.code == "bad_name" and "caractère" in caught.value.message("fr")
    with pytest.raises(StoreError):
        repo.create_user("x", name)


def test_nul_in_a_login_is_an_ordinary_refusal(repo: Repository, marie) -> None:
    with pytest.raises(AuthError):
        accounts.authenticate(repo, "marie\x00", GOOD)


def test_single_sign_on_needs_a_verified_address(repo: Repository, world) -> None:
    repo.create_user("marie@structure.example", "Marie", user_id="u-sso")
    repo.grant_role("u-sso", world["s"], "accompanist")
    with pytest.raises(AuthError):
        accounts.external_sign_in(repo, "marie@structure.example")  # email_verified absent or false
    assert accounts.external_sign_in(repo, "marie@structure.example", email_verified=True)


def test_sign_out_also_ends_the_single_sign_on_identity(monkeypatch) -> None:
    from competency_graph.ui import session

    calls: list[str] = []
    monkeypatch.setattr(session.st, "user", SimpleNamespace(is_logged_in=True))
    monkeypatch.setattr(session.st, "logout", lambda: calls.append("logout"))
    session.sign_out()
    assert calls == ["logout"]


@pytest.mark.parametrize("value", ["prod", "Production!", "demo1", "off"])
def test_an_unknown_mode_is_an_error_not_demo(monkeypatch, value: str) -> None:
    from competency_graph import settings
    from competency_graph.services import bootstrap

    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", value)
    with pytest.raises(settings.SettingsError):
        accounts.demo_sign_in_allowed()
    with pytest.raises(settings.SettingsError):
        bootstrap.demo_enabled()
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "production")
    assert not accounts.demo_sign_in_allowed()


def test_the_deployment_guide_documents_the_reverse_proxy_headers() -> None:
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for header in ("Content-Security-Policy", "frame-ancestors", "X-Content-Type-Options: nosniff",
                   "Strict-Transport-Security", "ROW LEVEL SECURITY"):
        assert header in guide, header
