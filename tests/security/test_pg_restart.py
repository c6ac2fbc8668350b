"""The store survives a PostgreSQL restart: a clear French error while the server is down, no lost or
half-written write, and the same Repository carries on once the server is back.

Runs on a dedicated throwaway cluster (``tests/store/_pg_cluster.py``) since it stops and restarts the server;
skipped with the reason when no PostgreSQL server binaries are installed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competency_graph.store import Repository, StoreError
from competency_graph.store.models import Evidence, PositioningEvent, StoredFile

from .conftest import PNG

_pg_cluster = pytest.importorskip("_pg_cluster")  # tests/store is on sys.path (tests/security/conftest.py)
from _store_workers import fake_catalog  # noqa: E402

pytestmark = pytest.mark.postgres

UNAVAILABLE = "La base de données est momentanément indisponible"


@pytest.fixture(scope="module")
def cluster() -> Iterator[_pg_cluster.PgCluster]:
    reason = _pg_cluster.skip_reason()
    if reason is not None:
        pytest.skip(f"PostgreSQL restart tests skipped: {reason}")
    # synchronous_commit on, as in production: an acknowledged commit is in the WAL even after a crash.
    server = _pg_cluster.PgCluster(synchronous_commit=True)
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def repo(cluster: _pg_cluster.PgCluster, tmp_path: Path) -> Iterator[Repository]:
    url = _pg_cluster.create_database(cluster.url)
    repository = Repository.open(url, catalog=fake_catalog(), files_dir=tmp_path / "files",
                                 unavailable_seconds=1.0)
    structure = repository.create_structure("ESAT S", "esat", networks=["rae"])
    repository.create_person(structure.id, "Personne Propre", "esat", person_id="own")
    yield repository
    repository.close()
    _pg_cluster.drop_database(url)


def _write(repo: Repository, level: int) -> int:
    return repo.record_positioning("own", "rectec:C01", role="self", level=level).id


def _in_database(url: str) -> list[int]:
    """The positionings as a brand-new connection sees them (not through the repository under test)."""
    fresh = Repository.open(url, migrate=False)
    try:
        with fresh.engine.connect() as c:
            return list(c.execute(select(PositioningEvent.id).order_by(PositioningEvent.id)).scalars())
    finally:
        fresh.close()


def test_writes_before_during_and_after_a_restart(cluster: _pg_cluster.PgCluster, repo: Repository) -> None:
    url = repo.engine.url.render_as_string(hide_password=False)
    acknowledged = [_write(repo, 1)]

    cluster.restart("immediate")  # a crash: every pooled connection is now dead
    acknowledged.append(_write(repo, 2))  # the same Repository carries on (pre-ping reconnects)
    cluster.restart("fast")
    acknowledged.append(_write(repo, 3))

    cluster.stop("fast")
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            _write(repo, 4)
        assert time.monotonic() - started < 15  # a clear answer, not a hang
        assert info.value.code == "database_unavailable"
        assert info.value.message_fr.startswith(UNAVAILABLE) and "Rien n'a été enregistré" in info.value.message_fr
        with pytest.raises(StoreError) as info:
            repo.add_evidence("own", "photo", "Photo du poste", item_id="rectec:C01", content=PNG)
        assert info.value.code == "database_unavailable"
        assert repo.files.hashes() == set()  # the file staged for the refused proof is gone
        with pytest.raises(StoreError) as info:
            repo.history("own")  # reads too give the message instead of a traceback
        assert info.value.code == "database_unavailable"
        with pytest.raises(StoreError) as info:
            Repository.open(url, catalog=fake_catalog())  # an app starting while the server is down
        assert info.value.code == "database_unavailable"
    finally:
        cluster.start()

    acknowledged.append(_write(repo, 4))
    assert [p.id for p in repo.history("own")] == acknowledged
    assert _in_database(url) == acknowledged  # every acknowledged write, and only those


def test_a_transaction_cut_by_a_restart_is_replayed_whole(cluster: _pg_cluster.PgCluster,
                                                          repo: Repository) -> None:
    url = repo.engine.url.render_as_string(hide_password=False)
    attempts = []

    def two_writes(r: Repository) -> None:
        attempts.append(1)
        _write(r, 1)
        if len(attempts) == 1:
            cluster.restart("immediate")  # the server dies between the two writes of one transaction
            time.sleep(1.5)  # longer than unavailable_seconds: the outage is timed from its first error only
        _write(r, 2)

    repo.transaction(two_writes)
    assert len(attempts) == 2  # the first attempt was rolled back by the crash, then replayed
    levels = [p.level for p in repo.history("own")]
    assert levels == [1, 2]  # nothing half written, nothing written twice
    assert len(_in_database(url)) == 2


def test_a_proof_written_across_a_restart_has_its_row_and_its_file(cluster: _pg_cluster.PgCluster,
                                                                   repo: Repository) -> None:
    cluster.restart("fast")
    record = repo.add_evidence("own", "photo", "Photo du poste", item_id="rectec:C01", content=PNG)
    assert repo.evidence_file(record.id) == (PNG, "image/png")
    with repo.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(Evidence)).scalar() == 1
        assert c.execute(select(func.count()).select_from(StoredFile)).scalar() == 1
