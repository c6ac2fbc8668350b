"""The demo record (for `competency-graph demo` and the app's first start), on SQLite and PostgreSQL,
and the promise that personal data never reaches the logs."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from competency_graph.store import Repository, StaticCatalog, StoreError
from competency_graph.store.demo import DEMO_STRUCTURE_ID, create_demo, ensure_demo

TODAY = dt.date(2025, 6, 2)


def test_demo_creates_a_living_structure(any_url: str, tmp_path: Path) -> None:
    repo = Repository.open(any_url, files_dir=tmp_path / "files")
    summary = create_demo(repo, today=TODAY)
    assert summary.created and len(summary.people) == 4
    esat = repo.get_structure(DEMO_STRUCTURE_ID)
    assert esat.kind == "esat" and set(esat.networks) == {"rae", "rsfp"}
    assert len(repo.list_people(DEMO_STRUCTURE_ID)) == 3
    accompanist = summary.users["accompanist"]
    assert {p.id for p in repo.candidates_of(accompanist, on=TODAY)} == {"demo-lea", "demo-samir", "demo-julien"}
    assert repo.has_role(summary.users["trainer"], "trainer", DEMO_STRUCTURE_ID)
    # Several months of history, with divergences, replayable.
    lea = repo.current_view("demo-lea")
    assert lea.divergent_items() and len(repo.history("demo-lea")) > 10
    earlier = repo.current_view("demo-lea", as_of=TODAY - dt.timedelta(days=90))
    assert earlier.items["rectec:C01"].self_.level == 2  # type: ignore[union-attr]
    assert lea.items["rectec:C01"].self_.level == 3  # type: ignore[union-attr]
    evidence = repo.list_evidence("demo-lea")
    assert {e.kind for e in evidence} == {"observation", "photo"} and evidence[0].endorsements
    # The PEC employee has a contract and its schedule, the past milestones held with a snapshot.
    contract = repo.list_contracts("demo-aicha")[0]
    assert [f.milestone for f in contract.followups] == ["one_month", "mid_contract", "three_quarters", "exit"]
    held = [f for f in contract.followups if f.status == "done"]
    assert held and all(f.snapshot for f in held)
    # Idempotent.
    assert not create_demo(repo, today=TODAY).created
    assert ensure_demo(repo) is None
    assert len(repo.list_people()) == 4
    repo.close()


def test_demo_with_a_real_catalog_skips_what_it_lacks(sqlite_url: str, tmp_path: Path) -> None:
    only_rectec = StaticCatalog({f"rectec:C{n:02d}": ((1, 8), "rectec-plus-2021") for n in range(1, 13)})
    repo = Repository.open(sqlite_url, catalog=only_rectec, files_dir=tmp_path / "files")
    assert ensure_demo(repo, today=TODAY) is not None
    items = {e.item_id for e in repo.history("demo-lea")}
    assert items and all(i.startswith("rectec:") for i in items)
    assert {e.referential_version for e in repo.history("demo-lea")} == {"rectec-plus-2021"}


def test_no_names_or_comments_reach_the_logs(sqlite_url: str, tmp_path: Path, catalog,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    repo = Repository.open(sqlite_url, catalog=catalog, files_dir=tmp_path / "files")
    create_demo(repo, today=TODAY)
    structure = repo.create_structure("ESAT Secret", "esat")
    person = repo.create_person(structure.id, "Jeanne Confidentielle", "esat")
    repo.record_positioning(person.id, "rectec:C01", role="self", level=2, comment="remarque très personnelle")
    repo.record_followup(person.id, "diagnostic", TODAY, notes="notes médicales sensibles")
    with pytest.raises(StoreError):
        repo.create_person(structure.id, "Jeanne Confidentielle", "robot")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # the store does log, with ids only
    for secret in ("Jeanne", "Confidentielle", "personnelle", "médicales", "Léa", "Samir", "Aïcha", "Secret",
                   "Tuteur", "binôme"):
        assert secret not in logged
