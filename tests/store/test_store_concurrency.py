"""Several processes on one database: SQLite under 8 concurrent writers, a writer killed mid-transaction,
and two service processes sharing one PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from competency_graph.store import Repository

WORKERS = Path(__file__).resolve().parent / "_store_workers.py"
PROCESSES = 8
PER_PROCESS = 1000


def _setup(url: str, catalog, count: int) -> Repository:
    repo = Repository.open(url, catalog=catalog)
    structure = repo.create_structure("ESAT", "esat")
    for i in range(count):
        repo.create_person(structure.id, f"P{i}", "esat", person_id=f"p{i}")
    return repo


def test_eight_sqlite_writers_store_exactly_8000_events_without_lock_errors(
        sqlite_url: str, tmp_path: Path, catalog) -> None:
    repo = _setup(sqlite_url, catalog, PROCESSES)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(WORKERS), "write", sqlite_url, f"p{i}", str(PER_PROCESS), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(PROCESSES)]
    time.sleep(0.3)
    started = time.monotonic()
    go.write_text("go")
    results = [p.communicate(timeout=120) for p in procs]
    elapsed = time.monotonic() - started
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == f"ok {PER_PROCESS}"
        assert "locked" not in err.lower()
    assert repo.count_positionings() == PROCESSES * PER_PROCESS
    for i in range(PROCESSES):
        assert repo.count_positionings(f"p{i}") == PER_PROCESS
    with repo.engine.connect() as c:
        assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert c.execute(text("SELECT COUNT(DISTINCT uid) FROM positioning_events")).scalar() == PROCESSES * PER_PROCESS
    _current_positions_match(repo)
    print(f"\n{PROCESSES}×{PER_PROCESS} SQLite positionings in {elapsed:.1f}s")


def test_a_writer_killed_mid_transaction_leaves_the_database_intact(sqlite_url: str, tmp_path: Path, catalog) -> None:
    repo = _setup(sqlite_url, catalog, 1)
    committed = repo.record_positioning("p0", "rectec:C02", role="self", level=3)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, str(WORKERS), "hang", sqlite_url, "p0", str(ready)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the writer never reached its open transaction"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # A fresh connection recovers the WAL: integrity is fine and none of the 500 uncommitted events exists.
    fresh = Repository.open(sqlite_url, catalog=catalog, migrate=False)
    with fresh.engine.connect() as c:
        assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert c.execute(text("PRAGMA foreign_key_check")).all() == []
    assert [e.id for e in fresh.history("p0")] == [committed.id]
    # And the database takes writes again at once (the dead writer's lock is gone).
    fresh.record_positioning("p0", "rectec:C01", role="self", level=1)
    assert fresh.count_positionings() == 2


def test_a_writer_killed_while_looping_leaves_only_whole_events(sqlite_url: str, tmp_path: Path, catalog) -> None:
    repo = _setup(sqlite_url, catalog, 1)
    go = tmp_path / "go"
    go.write_text("go")
    proc = subprocess.Popen([sys.executable, str(WORKERS), "write", sqlite_url, "p0", "100000", str(go)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while repo.count_positionings() < 300 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with repo.engine.connect() as c:
        assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # Every stored event is whole: one of level/state, a version, a time, an author role.
        bad = c.execute(text(
            "SELECT COUNT(*) FROM positioning_events WHERE (level IS NULL) = (state IS NULL) "
            "OR referential_version IS NULL OR positioned_at IS NULL OR author_role IS NULL")).scalar()
        assert bad == 0
    assert repo.count_positionings() >= 300
    _current_positions_match(repo)


def _current_positions_match(repo: Repository) -> None:
    """The maintained table (migration 0009) equals the window over the events that were committed."""
    from sqlalchemy import select

    from competency_graph.store import current_positions
    from competency_graph.store.read_models import CurrentPosition

    c = CurrentPosition
    stored = repo.run(lambda s: sorted(tuple(r) for r in s.execute(select(
        c.person_id, c.item_id, c.author_role, c.event_id, c.level, c.state, c.positioned_at))), write=False)
    assert stored and stored == repo.run(current_positions.window_rows, write=False)


@pytest.mark.postgres
def test_concurrent_postgresql_writers_on_the_same_person_keep_the_current_positions(pg_url: str, tmp_path: Path,
                                                                                    catalog) -> None:
    repo = _setup(pg_url, catalog, 1)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(WORKERS), "write", pg_url, "p0", "150", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    time.sleep(0.3)
    go.write_text("go")
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "ok 150", err
    assert repo.count_positionings("p0") == 600
    _current_positions_match(repo)
    repo.close()


@pytest.mark.postgres
def test_two_service_processes_sharing_postgresql_see_each_others_writes(pg_url: str, catalog) -> None:
    repo = _setup(pg_url, catalog, 2)
    procs = [subprocess.Popen([sys.executable, str(WORKERS), "serve", pg_url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]

    def ask(proc: subprocess.Popen[str], line: str) -> str:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        answer = proc.stdout.readline().strip()
        assert answer, proc.stderr.read() if proc.stderr else ""
        return answer

    try:
        a, b = procs
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        assert ask(b, "view p0") == "{}"  # b has a pooled connection open before a writes
        ask(a, "write p0 rectec:C01 2")
        assert ask(b, "view p0") == '{"rectec:C01": 2}'
        ask(b, "write p0 rectec:C01 3")
        ask(b, "write p1 rectec:C04 1")
        assert ask(a, "view p0") == '{"rectec:C01": 3}'
        assert ask(a, "view p1") == '{"rectec:C04": 1}'
        for proc in procs:
            ask_quit = proc.stdin
            assert ask_quit is not None
            ask_quit.write("quit\n")
            ask_quit.flush()
            proc.wait(timeout=10)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert repo.count_positionings() == 3
    repo.close()


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql(pg_url: str, tmp_path: Path, catalog) -> None:
    repo = _setup(pg_url, catalog, 4)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(WORKERS), "write", pg_url, f"p{i}", "100", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    go.write_text("go")
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert repo.count_positionings() == 400
    repo.close()


def test_one_repository_shared_by_threads(repo: Repository, people: dict[str, str]) -> None:
    """Streamlit serves each session in its own thread with one cached repository."""
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> int:
        for i in range(100):
            repo.record_positioning("pa" if n % 2 else "pb", f"rectec:C{i % 12 + 1:02d}", role="self", level=1)
        return len(repo.current_view("pa").items)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(work, range(6)))
    assert repo.count_positionings() == 600
