"""Fixtures of the store tests: a fake item catalog, SQLite repositories, and a throwaway PostgreSQL server.

PostgreSQL: ``COMPETENCY_GRAPH_TEST_PG_URL`` (a server URL whose user may create databases) when set; else a
cluster started with Debian's binaries (``/usr/lib/postgresql/*/bin``) in a temporary directory, as the
``postgres`` user when the tests run as root (see ``_pg_cluster.py``, shared with the security tests);
skipped with a message when neither is available.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pg_cluster import PgCluster, create_database, drop_database, skip_reason  # noqa: E402
from _store_workers import fake_catalog  # noqa: E402

from competency_graph.store import Repository  # noqa: E402
from competency_graph.store.catalog import StaticCatalog  # noqa: E402

PG_ENV = "COMPETENCY_GRAPH_TEST_PG_URL"


@pytest.fixture
def catalog() -> StaticCatalog:
    return fake_catalog()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'record.sqlite'}"


@pytest.fixture
def repo(sqlite_url: str, tmp_path: Path, catalog: StaticCatalog) -> Iterator[Repository]:
    repository = Repository.open(sqlite_url, catalog=catalog, files_dir=tmp_path / "files")
    yield repository
    repository.close()


@pytest.fixture
def people(repo: Repository) -> dict[str, str]:
    """One structure, two candidates, an accompanist assigned to both."""
    structure = repo.create_structure("ESAT test", "esat", networks=["rae"])
    a = repo.create_person(structure.id, "Personne A", "esat", person_id="pa")
    b = repo.create_person(structure.id, "Personne B", "esat", person_id="pb")
    acc = repo.create_user("acc", "Accompagnateur", user_id="acc")
    repo.grant_role(acc.id, structure.id, "accompanist")
    repo.assign(acc.id, a.id)
    repo.assign(acc.id, b.id)
    return {"structure": structure.id, "a": a.id, "b": b.id, "acc": acc.id}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server (its maintenance database)."""
    if os.environ.get(PG_ENV):
        yield os.environ[PG_ENV]
        return
    reason = skip_reason()
    if reason is not None:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster.url
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the PostgreSQL server, dropped afterwards."""
    url = create_database(pg_server)
    yield url
    drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on SQLite and (when available) PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'record.sqlite'}"
    return str(request.getfixturevalue("pg_url"))
