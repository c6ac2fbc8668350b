"""The maintained table of current positions (migration 0009) always equals what the window function computes
from the events: random events with ties on time, backdated events and batches touching the same key twice,
after an erasure, after the restore of a backup, and after the migration's backfill of an older database —
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from competency_graph.security import rgpd
from competency_graph.security.backup import backup, restore
from competency_graph.store import Repository, current_positions
from competency_graph.store.catalog import StaticCatalog
from competency_graph.store.engine import make_engine, upgrade
from competency_graph.store.models import Person, PositioningEvent, Structure, utcnow
from competency_graph.store.read_models import CurrentPosition
from competency_graph.store.records import PositioningInput

ITEMS = [f"rectec:C{n:02d}" for n in range(1, 5)] + ["rae:agent-de-proprete/A1"]
ROLES = ["self", "accompanist", "jury", "tutor"]


def table(repo: Repository) -> list[tuple]:
    c = CurrentPosition
    return repo.run(lambda s: sorted(tuple(r) for r in s.execute(select(
        c.person_id, c.item_id, c.author_role, c.event_id, c.level, c.state, c.positioned_at))), write=False)


def window(repo: Repository) -> list[tuple]:
    return repo.run(current_positions.window_rows, write=False)


def _entry(rng: random.Random, pid: str, base: dt.datetime) -> PositioningInput:
    item, role = rng.choice(ITEMS), rng.choice(ROLES)
    at = base - dt.timedelta(days=rng.choice([0, 0, 1, 2, 30]))  # many ties on time, some backdated
    if item.startswith("rae:"):
        return PositioningInput(pid, item, role, None, rng.choice(["acquired", "in_progress", "not_yet"]), at=at)
    return PositioningInput(pid, item, role, rng.randint(1, 4), None, at=at)


def fill(repo: Repository, people: list[str], rng: random.Random, rounds: int = 60) -> None:
    base = utcnow().replace(microsecond=0) - dt.timedelta(hours=1)
    for n in range(rounds):
        pid = rng.choice(people)
        if n % 3 == 0:  # a batch, the same (person, item, role) often twice in it
            repo.record_positionings([_entry(rng, pid, base) for _ in range(rng.randint(2, 8))])
        else:
            e = _entry(rng, pid, base)
            repo.record_positioning(pid, e.item_id, role=e.role, level=e.level, state=e.state, at=e.at)


def world(repo: Repository, count: int = 6) -> list[str]:
    s = repo.create_structure("ESAT", "esat", structure_id="S").id
    repo.create_user("adm", "Admin", user_id="adm")
    repo.grant_role("adm", s, "admin")
    return [repo.create_person(s, f"P{n}", "esat", person_id=f"p{n}").id for n in range(count)]


def test_the_table_equals_the_window_on_random_events_and_after_an_erasure(any_url: str, tmp_path: Path,
                                                                            catalog: StaticCatalog) -> None:
    repo = Repository.open(any_url, catalog=catalog, files_dir=tmp_path / "files")
    try:
        rng = random.Random(19)
        people = world(repo)
        for _ in range(3):
            fill(repo, people, rng)
            expected = window(repo)
            assert table(repo) == expected
        assert len(expected) > 40 and len({r[0] for r in expected}) == len(people)
        # same-timestamp ties: the larger event id is kept
        at = utcnow() - dt.timedelta(minutes=5)
        first = repo.record_positioning("p0", "rectec:C01", role="self", level=1, at=at)
        second = repo.record_positioning("p0", "rectec:C01", role="self", level=3, at=at)
        repo.record_positioning("p0", "rectec:C01", role="self", level=2, at=at - dt.timedelta(seconds=1))
        kept = [r for r in table(repo) if r[:3] == ("p0", "rectec:C01", "self")]
        assert [r[3:5] for r in kept] == [(second.id, 3)] and second.id > first.id
        assert table(repo) == window(repo)
        # the summaries the caseload reads equal what each person's view gives (both databases)
        counted = ITEMS[:3]
        found = repo.run(lambda s: current_positions.summaries(s, people, counted), write=False)
        for pid in people:
            view = repo.current_view(pid)
            moments = [p.positioned_at for i in view.items.values() for p in i.roles.values()]
            assert found[pid] == (len(set(counted) & set(view.items)),
                                  sum(1 for i in counted if i in view.items and view.items[i].self_ is not None),
                                  len(view.divergent_items()), max(moments)), pid
        assert any(v[2] for v in found.values())
        values = repo.run(lambda s: current_positions.rows(s, people), write=False)
        assert sorted((r[0], r[1], r[2], r[3] if r[3] is not None else r[4]) for r in values) == sorted(
            (r[0], r[1], r[2], r[4] if r[4] is not None else r[5]) for r in window(repo))
        rgpd.erase_person(repo, "p1", "adm")
        assert table(repo) == window(repo)
        assert not [r for r in table(repo) if r[0] == "p1"]
        # rebuild from the events gives the same table (whole, or some people)
        repo.run(lambda s: current_positions.rebuild(s, ["p0", "p2"]), write=True)
        assert table(repo) == window(repo)
        repo.run(lambda s: current_positions.rebuild(s), write=True)
        assert table(repo) == window(repo)
    finally:
        repo.close()


def test_the_table_is_restored_with_a_backup(tmp_path: Path, catalog: StaticCatalog) -> None:
    url = f"sqlite:///{tmp_path / 'record.sqlite'}"
    repo = Repository.open(url, catalog=catalog, files_dir=tmp_path / "files")
    try:
        rng = random.Random(7)
        people = world(repo)
        fill(repo, people, rng)
        saved_rows = table(repo)
        saved = backup(url, tmp_path / "save.sqlite")
        fill(repo, people, rng, rounds=30)
        rgpd.erase_person(repo, "p2", "adm")  # erased after the backup: erased again by the restore
        restore(saved, url)
        restored = table(repo)
        assert restored == window(repo)
        assert restored == [r for r in saved_rows if r[0] != "p2"]
    finally:
        repo.close()


def test_the_migration_backfills_the_events_of_an_older_database(any_url: str) -> None:
    engine = make_engine(any_url)
    try:
        upgrade(engine, "0008")
        rng = random.Random(5)
        now = utcnow().replace(microsecond=0)
        with engine.begin() as c:
            c.execute(insert(Structure), [{"id": "S", "name": "S", "kind": "esat", "networks": []}])
            c.execute(insert(Person), [{"id": f"p{n}", "structure_id": "S", "display_name": f"P{n}", "status": "esat"}
                                       for n in range(4)])
            c.execute(insert(PositioningEvent), [
                {"uid": f"e{n}", "person_id": f"p{rng.randint(0, 3)}", "item_id": rng.choice(ITEMS[:4]),
                 "level": rng.randint(1, 4), "author_role": rng.choice(ROLES[:2]), "referential_version": "2019",
                 "positioned_at": now - dt.timedelta(days=rng.randint(0, 3)), "recorded_at": now}
                for n in range(200)])
        upgrade(engine)
        repo = Repository(engine)
        rows = table(repo)
        assert rows == window(repo) and len(rows) == len({r[:3] for r in rows}) > 10
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM current_positions")).scalar() == len(rows)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_migration_gives_the_table_the_events_policy_where_row_level_security_is_on(pg_url: str) -> None:
    from competency_graph.store import rls

    engine = make_engine(pg_url)
    try:
        upgrade(engine, "0008")
        with engine.begin() as c:  # the policies of a 0008 database (before the table existed)
            for statement in rls.statements():
                if "current_positions" not in statement:
                    c.execute(text(statement))
        upgrade(engine)
        with engine.connect() as c:
            assert c.execute(text("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
                                  "WHERE oid = 'current_positions'::regclass")).scalar() is True
            assert c.execute(text("SELECT count(*) FROM pg_policies WHERE tablename = 'current_positions' "
                                  "AND policyname = 'current_positions_by_structure'")).scalar() == 1
        rls.enable(engine)  # applying the module's statements again keeps one policy (idempotent)
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM pg_policies WHERE tablename = 'current_positions'")).scalar() == 1
    finally:
        engine.dispose()
