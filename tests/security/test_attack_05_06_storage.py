"""Findings 5 and 6 (security round 2): the SQLite database, -wal and -shm were created 0644; an erasure
left the person's data in the -wal, ``secure_delete`` was off, and restoring a backup taken before an
erasure silently brought the person back and emptied the erasure log."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from competency_graph.security import rgpd
from competency_graph.security.access import Guard
from competency_graph.security.backup import backup, restore
from competency_graph.store import Repository

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from _store_workers import fake_catalog  # noqa: E402

MARKER = "ZEPHYRINE-MARQUEUR-7781"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_side_files_are_created_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: files 0644, directories 0755
    try:
        db = tmp_path / "var" / "record.sqlite"
        repo = Repository.open(f"sqlite:///{db}", catalog=fake_catalog(), files_dir=tmp_path / "files")
        repo.create_structure("ESAT", "esat")
        with repo.engine.connect() as c:  # keep a connection open: -wal and -shm exist meanwhile
            c.exec_driver_sql("SELECT count(*) FROM structures").scalar()
            for name in ("record.sqlite", "record.sqlite-wal", "record.sqlite-shm"):
                assert _mode(db.with_name(name)) == 0o600, name
        assert _mode(db.parent) == 0o700
        repo.close()
    finally:
        os.umask(old)


def test_a_database_readable_by_others_is_narrowed_at_start(tmp_path: Path) -> None:
    db = tmp_path / "record.sqlite"
    Repository.open(f"sqlite:///{db}", catalog=fake_catalog(), files_dir=tmp_path / "files").close()
    os.chmod(db, 0o644)
    Repository.open(f"sqlite:///{db}", catalog=fake_catalog(), files_dir=tmp_path / "files").close()
    assert _mode(db) == 0o600


@pytest.fixture
def marked(repo: Repository, world) -> dict[str, str]:
    """A person whose name and comment carry :data:`MARKER`, and a second admin of their structure."""
    repo.create_person(world["s"], f"Personne {MARKER}", "esat", person_id="marked")
    repo.record_positioning("marked", "rectec:C01", role="self", level=2, comment=f"commentaire {MARKER}")
    repo.create_user("admin2", "Admin deux", user_id="u-admin2")
    repo.grant_role("u-admin2", world["s"], "admin")
    return world


def _erase(repo: Repository, person_id: str) -> rgpd.ErasureRecord:
    """The erasure itself (the guard's two-admin confirmation is tested below)."""
    return rgpd.erase_person(repo, person_id, "u-admin")


def test_right_after_an_erasure_no_file_of_the_database_holds_the_person(repo: Repository, marked) -> None:
    with repo.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    db = Path(repo.engine.url.database)
    _erase(repo, "marked")
    for name in (db.name, db.name + "-wal", db.name + "-shm"):
        path = db.with_name(name)
        if path.exists():
            assert MARKER.encode() not in path.read_bytes(), name


def test_restoring_a_backup_taken_before_an_erasure_erases_the_person_again(repo: Repository, marked,
                                                                            tmp_path: Path) -> None:
    url = repo.engine.url.render_as_string(hide_password=False)
    saved = backup(url, tmp_path / "avant.sqlite")
    record = _erase(repo, "marked")
    again = restore(saved, url)
    assert again == 1  # said, so the command line warns
    assert repo.find_person("marked") is None
    with repo.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM positioning_events WHERE comment LIKE :m"),
                         {"m": f"%{MARKER}%"}).scalar() == 0
    assert [e.subject_ref for e in rgpd.list_erasures(repo)] == [record.subject_ref]
    # The journal kept outside the database holds no personal data.
    journal = Path(repo.engine.url.database + "-erasures.jsonl")
    assert _mode(journal) == 0o600 and MARKER not in journal.read_text() and "marked" not in journal.read_text()


def test_erasure_needs_a_second_admin(repo: Repository, marked) -> None:
    from competency_graph.security.errors import AccessDenied

    with pytest.raises(AccessDenied):
        Guard(repo, "u-admin", "admin").erase_person("marked")
    Guard(repo, "u-admin", "admin").request_erasure("marked")
    with pytest.raises(AccessDenied):  # asking then confirming oneself is not two people
        Guard(repo, "u-admin", "admin").erase_person("marked")
    assert repo.find_person("marked") is not None
    Guard(repo, "u-admin2", "admin").erase_person("marked")
    assert repo.find_person("marked") is None
