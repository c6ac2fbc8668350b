"""Fixtures of the store tests: a fake item catalog, SQLite repositories, and a throwaway PostgreSQL server.

PostgreSQL: ``COMPETENCY_GRAPH_TEST_PG_URL`` (a server URL whose user may create databases) when set; else a
cluster started with Debian's binaries (``/usr/lib/postgresql/*/bin``) in a temporary directory, as the
``postgres`` user when the tests run as root; skipped with a message when neither is available.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server (its maintenance database)."""
    if os.environ.get(PG_ENV):
        yield os.environ[PG_ENV]
        return
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL tests skipped: no server binaries in /usr/lib/postgresql/*/bin "
                    f"(apt-get install postgresql) and {PG_ENV} is not set")
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="cg-pg-"))
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            pytest.skip("PostgreSQL tests skipped: running as root and there is no 'postgres' user to run the server")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else ["su", "postgres", "-s",
                                                                                        "/bin/sh", "-c"]
    data, log = base / "data", base / "server.log"
    port = _free_port()

    def run(args: list[str]) -> None:
        command = prefix + ([" ".join(args)] if prefix[:1] == ["su"] else args)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log_text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stdout}\n{result.stderr}\n{log_text}")

    run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
         "--no-sync"])
    options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=60")
    run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", f"'{options}'"
         if prefix[:1] == ["su"] else options, "start"])
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        try:
            run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the PostgreSQL server, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(pg_server)
    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on SQLite and (when available) PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'record.sqlite'}"
    return str(request.getfixturevalue("pg_url"))
