"""RGPD export and erasure (no row, no file left), retention, SQLite backup/restore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from competency_graph.security import accounts, rgpd
from competency_graph.security.backup import backup, restore
from competency_graph.security.errors import AccessDenied, SecurityError
from competency_graph.store import Repository

from .conftest import PNG, real_png

SHARED = real_png((10, 120, 40))


def _fill(repo: Repository) -> None:
    event = repo.record_positioning("own", "rectec:C01", role="self", level=2, author_id="u-cand", comment="seul")
    repo.record_positioning("own", "rectec:C01", role="self", level=3, author_id="u-cand", corrects_id=event.id)
    repo.add_evidence("own", "photo", "Photo", item_id="rectec:C01", content=PNG, filename="moi.png",
                      author_id="u-cand")
    repo.add_evidence("own", "photo", "Partagée", item_id="rectec:C02", content=SHARED)
    repo.add_evidence("mate", "photo", "Partagée", item_id="rectec:C02", content=SHARED)
    accounts.set_password(repo, "u-cand", "tulipe-rouge-Brique-42")
    accounts.authenticate(repo, "cand", "tulipe-rouge-Brique-42")


def _rows_mentioning(repo: Repository, needle: str) -> list[str]:
    found = []
    with repo.engine.connect() as c:
        for table in inspect(c).get_table_names():
            for row in c.execute(text(f'SELECT * FROM "{table}"')):
                if any(needle in str(v) for v in row):
                    found.append(table)
    return found


def test_export_holds_everything_and_is_json(repo: Repository, world: dict[str, str]) -> None:
    _fill(repo)
    data = rgpd.export_person(repo, "own")
    json.dumps(data)
    assert data["person"]["display_name"] == "Personne Propre"
    assert len(data["positionings"]) == 2 and len(data["evidence"]) == 2 and len(data["files"]) == 2
    assert data["accounts"][0]["login"] == "cand"
    assert "password_hash" not in json.dumps(data)


def test_erasing_leaves_no_row_and_no_file(repo: Repository, world: dict[str, str]) -> None:
    _fill(repo)
    own_sha = repo.list_evidence("own")[0].file_sha256
    shared_sha = repo.list_evidence("mate")[0].file_sha256
    assert own_sha and shared_sha
    assert _rows_mentioning(repo, "own")
    record = rgpd.erase_person(repo, "own", "u-admin")
    assert record.files_deleted == 1 and record.rows_deleted > 5
    for needle in ("own", "Personne Propre", "u-cand", "moi.png"):
        leftovers = _rows_mentioning(repo, needle)
        # The audit log keeps the former account id as an actor (an opaque id, never the person's).
        assert set(leftovers) <= ({"audit_log"} if needle == "u-cand" else set()), (needle, leftovers)
    assert own_sha not in repo.files.hashes() and shared_sha in repo.files.hashes()
    assert repo.find_person("mate") is not None
    with repo.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM erasure_log")).scalar() == 1


def test_erasing_is_for_admins_of_the_structure(repo: Repository, world: dict[str, str]) -> None:
    for user in ("u-acc", "u-cand", "u-acc-t"):
        with pytest.raises(AccessDenied):
            rgpd.erase_person(repo, "own", user)
    with pytest.raises(AccessDenied):
        rgpd.erase_person(repo, "other", "u-admin")
    assert repo.find_person("own") is not None


def test_retention(repo: Repository, world: dict[str, str]) -> None:
    import datetime as dt

    assert rgpd.retention_days(repo) == rgpd.DEFAULT_RETENTION_DAYS
    rgpd.set_retention_days(repo, 365)
    assert rgpd.retention_days(repo) == 365
    with pytest.raises(SecurityError):
        rgpd.set_retention_days(repo, 1)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert rgpd.people_past_retention(repo, now=later) == ["mate", "other", "own"]
    assert rgpd.people_past_retention(repo) == []


def test_backup_and_restore_round_trip(repo: Repository, world: dict[str, str], tmp_path: Path) -> None:
    url = str(repo.engine.url)
    repo.record_positioning("own", "rectec:C01", role="self", level=2)
    saved = backup(url, tmp_path / "save.sqlite")
    repo.record_positioning("own", "rectec:C01", role="self", level=4)
    assert repo.count_positionings("own") == 2
    restore(saved, url)
    assert repo.count_positionings("own") == 1
    with pytest.raises(SecurityError):
        backup(url, saved)  # never overwrites
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"not a database")
    with pytest.raises(SecurityError):
        restore(bogus, url)
    with pytest.raises(SecurityError):
        backup("postgresql+psycopg://u@h/db", tmp_path / "x")
