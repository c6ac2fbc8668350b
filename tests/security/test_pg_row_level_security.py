"""PostgreSQL (security round 2): row-level security per structure for a database shared by several sites,
and NUL bytes (which PostgreSQL cannot store) refused as ordinary errors. On a throwaway cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from competency_graph.security import accounts
from competency_graph.security.errors import AuthError
from competency_graph.store import Repository, StoreError
from competency_graph.store.engine import make_engine

_pg_cluster = pytest.importorskip("_pg_cluster")  # tests/store is on sys.path (tests/security/conftest.py)
from _store_workers import fake_catalog  # noqa: E402

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    reason = _pg_cluster.skip_reason()
    if reason is not None:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    cluster = _pg_cluster.PgCluster()
    try:
        cluster.start()
        yield cluster.url
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(server: str, tmp_path) -> Iterator[str]:
    url = _pg_cluster.create_database(server)
    yield url
    _pg_cluster.drop_database(url)


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def test_a_site_role_reads_and_writes_only_its_structures_records(pg_url: str, tmp_path) -> None:
    from competency_graph.store import rls

    owner = Repository.open(pg_url, catalog=fake_catalog(), files_dir=tmp_path / "files")
    a = owner.create_structure("ESAT A", "esat", structure_id="esat-a").id
    b = owner.create_structure("ESAT B", "esat", structure_id="esat-b").id
    owner.create_person(a, "Personne A", "esat", person_id="pa")
    owner.create_person(b, "Personne B", "esat", person_id="pb")
    owner.record_positioning("pa", "rectec:C01", role="self", level=2)
    owner.record_positioning("pb", "rectec:C01", role="self", level=3)
    owner.add_evidence("pb", "observation", "Note B", item_id="rectec:C01", description="fait")
    rls.enable(owner.engine)
    with owner.engine.begin() as c:
        c.execute(text("CREATE ROLE site_a LOGIN"))
        c.execute(text("CREATE ROLE nobody LOGIN"))
    rls.grant_site_role(owner.engine, "site_a", [a])
    rls.grant_site_role(owner.engine, "nobody", [])
    with owner.engine.begin() as c:
        c.execute(text(f"ALTER ROLE nobody RESET {rls.SETTING}"))
    owner.close()

    site = Repository.open(_as(pg_url, "site_a"), catalog=fake_catalog(), files_dir=tmp_path / "files",
                           migrate=False)
    try:
        assert [p.id for p in site.list_people(a)] == ["pa"] and site.list_people(b) == []
        assert site.find_person("pb") is None
        assert [e.person_id for e in site.history("pa")] == ["pa"]
        with pytest.raises(StoreError):
            site.history("pb")
        with pytest.raises(StoreError):
            site.list_evidence("pb")
        with pytest.raises(StoreError):  # B's person does not exist for site A: no write either
            site.record_positioning("pb", "rectec:C02", role="self", level=1)
        with pytest.raises(StoreError) as caught:
            site.create_person(b, "Intrus", "esat")
        assert caught.value.code == "database_refused"
        site.record_positioning("pa", "rectec:C02", role="self", level=1)  # its own records work
    finally:
        site.close()
    anonymous = make_engine(_as(pg_url, "nobody"))
    try:
        with anonymous.connect() as c:
            assert c.execute(text("SELECT count(*) FROM people")).scalar() == 0
            assert c.execute(text("SELECT count(*) FROM positioning_events")).scalar() == 0
    finally:
        anonymous.dispose()


def test_nul_bytes_are_refused_as_ordinary_errors_on_postgresql(pg_url: str, tmp_path) -> None:
    repo = Repository.open(pg_url, catalog=fake_catalog(), files_dir=tmp_path / "files")
    try:
        structure = repo.create_structure("ESAT", "esat").id
        with pytest.raises(StoreError) as caught:
            repo.create_person(structure, "Nul\x00Octet", "esat")
        assert caught.value.code == "bad_name"
        with pytest.raises(StoreError) as caught:
            repo.find_user_by_login("a\x00b")
        assert caught.value.code == "bad_value"
        with pytest.raises(AuthError):
            accounts.authenticate(repo, "admin\x00", "un-mot-de-passe-quelconque")
        with pytest.raises(AuthError):
            accounts.external_sign_in(repo, "x\x00@y.example", email_verified=True)
    finally:
        repo.close()
