"""The person's record at the scale of a structure: caseload, gap matrix and guarded writes, each against what a
competent user would otherwise write, measured in the same run.

A synthetic SQLite database (WAL, the app's own engine and migrations) holds ``N`` people of one structure,
each with the 12 RECTEC competencies positioned by themselves and by their accompanist plus a few older
events (``EVENTS_PER_PERSON`` on average), and two interviews (one planned). One accompanist follows all of
them; a trainer works with the structure. Keys (times are medians; CPU seconds of this process next to them):

- ``caseload_10k_s`` — ``services.caseload.caseload`` for the accompanist of 10,000 people (guard, set-based
  reads over the maintained ``current_positions`` table, one audit entry naming the 10,000; the recommendation
  column left empty above ``RECOMMEND_LIMIT`` people, as the page does); ``caseload_sql_10k_s`` — the same
  figures from one plain SQL query over the same tables (``sqlite3``: ``current_positions``, no guard, no
  audit); ``caseload_over_sql`` = ours / plain SQL (goal ≤ 10); ``caseload_sql_events_10k_s`` — the plain
  query a competent engineer writes without the maintained table (window function over every event);
  ``caseload_same_as_sql`` — the three give the same rows; ``caseload_10k_with_recommendation_s`` — the same
  call with the recommendation column filled for every person (memoised engine);
- ``caseload_per_person_small_s`` — the former path (guard and audit entry per person,
  ``services.caseload_reference``) on 1,000 people (200 with ``--quick``), and
  ``caseload_per_person_over_batched`` its time over ``services.caseload`` on the same people;
- ``--quick``: 2,000 people instead of 10,000 (same keys; ``caseload_people`` says which);
- ``gap_matrix_1k_s`` — ``services.cohort.gap_matrix`` for 1,000 people (guarded group read, one audit entry);
  ``gap_matrix_sql_pandas_1k_s`` — a plain SQL query of the latest positions (``current_positions``) and a
  ``pandas`` pivot;
  ``gap_matrix_numpy_floor_s`` — the gap kernel alone on pre-coded numpy arrays (the physical floor);
- ``guarded_writes_per_s`` — positionings written one by one through the guarded service
  (``positioning.record_co``: access decision, event, audit entry in one transaction per event; the actor's
  guard built once, as in one run of the app), ``guarded_writes_fresh_guard_per_s`` — the guard built again
  before each write (one click = one run); ``guarded_batch_writes_per_s`` — events written by the workshop
  grid (``coassess.save_group``, 10 people × 12 competencies per save, one guarded transaction per save);
  baselines on the same database: ``repository_writes_per_s`` (the repository, no guard),
  ``raw_sqlite_writes_per_s`` (a plain ``sqlite3`` INSERT and COMMIT per event),
  ``raw_sqlite_guarded_writes_per_s`` (by hand what a guarded write does: access query, event, audit row,
  one COMMIT per event) and ``raw_sqlite_batch_writes_per_s`` (120 events and one audit row per COMMIT);
  each with its ``…_cpu_per_s`` (events per CPU second of this process); ``guarded_write_statements`` —
  statements of one guarded write (``BEGIN`` included).

    python bench/bench_caseload.py [--quick]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

RECTEC = [f"rectec:C{n:02d}" for n in range(1, 13)]
EVENTS_PER_PERSON = 30

#: what a competent user writes for the caseload in plain SQL: one query, the window function picks each
#: (person, item, role)'s latest event, then aggregates per item and per person
CASELOAD_SQL = """
WITH followed AS (
  SELECT person_id FROM assignments WHERE accompanist_id = :user AND since <= :today
         AND (until IS NULL OR until >= :today)),
latest AS (
  SELECT person_id, item_id, author_role, COALESCE(CAST(level AS TEXT), state) AS value, positioned_at,
         ROW_NUMBER() OVER (PARTITION BY person_id, item_id, author_role ORDER BY positioned_at DESC, id DESC) AS r
  FROM positioning_events WHERE person_id IN (SELECT person_id FROM followed)),
per_item AS (
  SELECT person_id, item_id, MAX(CASE WHEN author_role = 'self' THEN value END) AS own,
         MAX(CASE WHEN author_role = 'accompanist' THEN value END) AS co, MAX(positioned_at) AS last_at
  FROM latest WHERE r = 1 GROUP BY person_id, item_id),
per_person AS (
  SELECT person_id, SUM(item_id IN ({rectec})) AS positioned,
         SUM(own IS NOT NULL AND co IS NOT NULL AND own <> co) AS divergences, MAX(last_at) AS last_at
  FROM per_item GROUP BY person_id),
interviews AS (
  SELECT person_id, MIN(scheduled_on) AS next_on FROM followups
  WHERE status = 'planned' AND (scheduled_on >= :today OR due_until >= :today)
        AND person_id IN (SELECT person_id FROM followed) GROUP BY person_id)
SELECT p.id, p.display_name, p.status, p.target, COALESCE(s.positioned, 0), COALESCE(s.divergences, 0),
       s.last_at, i.next_on
FROM people p JOIN structures st ON st.id = p.structure_id
LEFT JOIN per_person s ON s.person_id = p.id LEFT JOIN interviews i ON i.person_id = p.id
WHERE p.id IN (SELECT person_id FROM followed)
ORDER BY p.display_name, p.id
"""

#: the same figures from the maintained table of current positions (migration 0009): what the same engineer
#: writes once the table exists — one pass over the rows, the accompanist's row of the same item joined by key
CASELOAD_CURRENT_SQL = """
WITH followed AS (
  SELECT person_id FROM assignments WHERE accompanist_id = :user AND since <= :today
         AND (until IS NULL OR until >= :today)),
per_person AS (
  SELECT c.person_id, COUNT(DISTINCT CASE WHEN c.item_id IN ({rectec}) THEN c.item_id END) AS positioned,
         SUM(CASE WHEN a.person_id IS NOT NULL AND (c.level IS NOT a.level OR c.state IS NOT a.state)
                  THEN 1 ELSE 0 END) AS divergences, MAX(c.positioned_at) AS last_at
  FROM current_positions c LEFT JOIN current_positions a
       ON c.author_role = 'self' AND a.person_id = c.person_id AND a.item_id = c.item_id
          AND a.author_role = 'accompanist'
  WHERE c.person_id IN (SELECT person_id FROM followed) GROUP BY c.person_id),
interviews AS (
  SELECT person_id, MIN(scheduled_on) AS next_on FROM followups
  WHERE status = 'planned' AND (scheduled_on >= :today OR due_until >= :today)
        AND person_id IN (SELECT person_id FROM followed) GROUP BY person_id)
SELECT p.id, p.display_name, p.status, p.target, COALESCE(s.positioned, 0), COALESCE(s.divergences, 0),
       s.last_at, i.next_on
FROM people p JOIN structures st ON st.id = p.structure_id
LEFT JOIN per_person s ON s.person_id = p.id LEFT JOIN interviews i ON i.person_id = p.id
WHERE p.id IN (SELECT person_id FROM followed)
ORDER BY p.display_name, p.id
"""

#: the latest level of each (person, item, role) for a gap matrix: read from the maintained table the app reads
#: too (migration 0009), so that the baseline has the same advantage
LATEST_SQL = """
SELECT person_id, item_id, author_role, level FROM current_positions
WHERE person_id IN ({ids}) AND item_id IN ({items})
"""


def build_database(path: Path, people: int, seed: int = 11, small: int = 1000) -> dict[str, object]:
    """Migrate a fresh database with the app's code and fill it with Core INSERTs (setup, not measured)."""
    from sqlalchemy import insert

    from competency_graph.store import Repository, current_positions
    from competency_graph.store.models import (
        Assignment,
        FollowUp,
        Membership,
        Person,
        PositioningEvent,
        Structure,
        User,
    )

    repo = Repository.open(f"sqlite:///{path}", files_dir=path.parent / "files")
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    today = dt.date.today()
    ids = [f"p{n:06d}" for n in range(people)]
    with repo.engine.begin() as c:
        c.execute(insert(Structure), [{"id": "S", "name": "ESAT S", "kind": "esat", "networks": ["rae"]}])
        c.execute(insert(User), [{"id": u, "login": u, "display_name": u} for u in ("u-acc", "u-trainer",
                                                                                    "u-acc-1k")])
        c.execute(insert(Membership), [{"user_id": u, "structure_id": "S", "role": r} for u, r in
                                       (("u-acc", "accompanist"), ("u-trainer", "trainer"),
                                        ("u-acc-1k", "accompanist"))])
        c.execute(insert(Person), [{"id": p, "structure_id": "S", "display_name": f"Personne {rng.randint(0, 99999):05d}",
                                    "status": "esat", "target": rng.choice([None, "rae:agent-de-restauration"])}
                                   for p in ids])
        c.execute(insert(Assignment), [{"accompanist_id": "u-acc", "person_id": p, "since": today - dt.timedelta(days=90)}
                                       for p in ids])
        c.execute(insert(Assignment), [{"accompanist_id": "u-acc-1k", "person_id": p,
                                        "since": today - dt.timedelta(days=90)} for p in ids[:small]])
        events = []
        for p in ids:
            base = now - dt.timedelta(days=rng.randint(5, 400))
            for item in RECTEC:
                for role in ("self", "accompanist"):
                    events.append((p, item, role, rng.randint(1, 4), base + dt.timedelta(hours=rng.randint(0, 72))))
            for _ in range(EVENTS_PER_PERSON - 24):
                events.append((p, rng.choice(RECTEC), rng.choice(("self", "accompanist")), rng.randint(1, 4),
                               base - dt.timedelta(days=rng.randint(1, 90))))
        for start in range(0, len(events), 50_000):
            c.execute(insert(PositioningEvent), [
                {"uid": f"e{start + n}", "person_id": p, "item_id": i, "level": lvl, "author_role": r,
                 "referential_version": "2019", "positioned_at": at, "recorded_at": at}
                for n, (p, i, r, lvl, at) in enumerate(events[start:start + 50_000])])
    # the bulk INSERT bypasses the store: the maintained table is computed from the events, as migration 0009 does
    repo.run(lambda s: current_positions.rebuild(s), write=True)
    with repo.engine.begin() as c:
        c.execute(insert(FollowUp), [
            {"id": f"f{p}{k}", "person_id": p, "kind": "follow_up", "status": "planned" if k == 0 else "done",
             "scheduled_on": today + dt.timedelta(days=rng.randint(-30, 60))} for p in ids for k in (0, 1)])
    return {"repo": repo, "ids": ids, "events": len(events)}


def _timed(fn, repeat: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """(median wall s, median CPU s of this process, last result)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def caseload_sql(path: Path, user: str, sql: str = CASELOAD_CURRENT_SQL) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        query = sql.replace("{rectec}", ", ".join(f"'{i}'" for i in RECTEC))
        return connection.execute(query, {"user": user, "today": dt.date.today().isoformat()}).fetchall()
    finally:
        connection.close()


def _same_rows(ours: list, plain: list[tuple]) -> bool:
    if len(ours) != len(plain):
        return False
    for row, (pid, _name, _status, target, positioned, divergences, last_at, next_on) in zip(ours, plain):
        last = dt.datetime.fromisoformat(last_at).replace(tzinfo=dt.UTC) if last_at else None
        nxt = dt.date.fromisoformat(next_on) if next_on else None
        if (row.person_id, row.target_id, row.positioned, row.divergences, row.last_positioning,
                row.next_interview) != (pid, target, positioned, divergences, last, nxt):
            return False
    return True


def gap_matrix_baseline(path: Path, ids: list[str], requirements: dict[str, int]):  # type: ignore[no-untyped-def]
    """Plain SQL (latest position per person, item and role) and a pandas pivot: no guard, no audit."""
    import numpy as np
    import pandas as pd

    connection = sqlite3.connect(path)
    try:
        query = LATEST_SQL.format(ids=", ".join("?" * len(ids)), items=", ".join("?" * len(requirements)))
        frame = pd.read_sql_query(query, connection, params=[*ids, *requirements])
    finally:
        connection.close()
    frame = frame.pivot_table(index=["person_id", "item_id"], columns="author_role", values="level",
                              aggfunc="first")
    level = frame["accompanist"].fillna(frame["self"]).unstack("item_id").reindex(index=ids,
                                                                                   columns=list(requirements))
    gaps = np.clip(np.array(list(requirements.values()))[None, :] - level.fillna(0).to_numpy(), 0, None)
    return gaps


def numpy_floor(people: int, requirements: dict[str, int], repeat: int) -> float:
    """The gap kernel on pre-coded arrays: people × items retained levels → capped gaps, totals, met."""
    import numpy as np

    rng = np.random.default_rng(5)
    levels = rng.integers(0, 5, (people, len(requirements))).astype(np.int16)
    required = np.array(list(requirements.values()), dtype=np.int16)

    def kernel() -> None:
        gaps = np.clip(required[None, :] - levels, 0, None)
        gaps.sum(axis=1), (gaps == 0).sum(axis=1)

    return _timed(kernel, repeat * 20)[0]


def _rates(count: int, start: float, cpu: float) -> tuple[float, float]:
    """(events per second of wall time, events per second of this process's CPU time)."""
    return count / (time.perf_counter() - start), count / max(time.process_time() - cpu, 1e-9)


def guarded_writes(ctx, identity, ids: list[str], count: int, fresh_guard: bool = False  # type: ignore[no-untyped-def]
                   ) -> tuple[float, float]:
    """One ``positioning.record_co`` per event: the access decision, the event and its audit entry in one
    transaction. The actor's guard is built once per run in the app (``guard_for`` on the run's context): here
    once, or before every write with ``fresh_guard`` (one click = one run = one context = one guard)."""
    from competency_graph.services import positioning

    rng = random.Random(3)
    base, ctx = ctx, ctx.as_actor(identity)  # the context of a run: the actor's guard is built once
    positioning.record_co(ctx, identity, ids[0], RECTEC[0], level=2)  # warm
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        if fresh_guard:
            ctx = base.as_actor(identity)  # what the app does at each run: a new context, a new guard
        positioning.record_co(ctx, identity, ids[n % 50], RECTEC[n % 12], level=rng.randint(1, 4))
    return _rates(count, start, cpu)


def guarded_batch_writes(ctx, identity, ids: list[str], count: int, people: int = 10  # type: ignore[no-untyped-def]
                         ) -> tuple[float, float]:
    """The accompanist's workshop grid (``coassess.save_group``): ``people`` × the 12 RECTEC competencies per
    save, each save one guarded transaction (access facts, current positions, one multi-row INSERT, one audit
    entry for the set and one for the read). Events per second."""
    from competency_graph.services import coassess

    rng = random.Random(4)
    saves = max(1, count // (people * len(RECTEC)))
    ctx = ctx.as_actor(identity)
    start, cpu = time.perf_counter(), time.process_time()
    written = 0
    for n in range(saves):
        group = ids[(n * people) % 50:(n * people) % 50 + people]
        answers = {p: [coassess.Change(i, rng.randint(1, 4), "Vu en atelier") for i in RECTEC] for p in group}
        result = coassess.save_group(ctx, identity, answers)
        written += sum(v for v in result.values() if isinstance(v, int))
    return _rates(written, start, cpu)


def guarded_statements(ctx, identity, ids: list[str]) -> int:  # type: ignore[no-untyped-def]
    from competency_graph.services import batch, positioning

    ctx = ctx.as_actor(identity)
    positioning.record_co(ctx, identity, ids[1], RECTEC[1], level=2)
    with batch.count_statements(ctx.repo.engine) as count:
        positioning.record_co(ctx, identity, ids[1], RECTEC[1], level=3)
    return count.total


def repository_writes(repo, ids: list[str], count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        repo.record_positioning(ids[n % 50], RECTEC[n % 12], role="accompanist", level=n % 4 + 1)
    return _rates(count, start, cpu)


_RAW_EVENT = ("INSERT INTO positioning_events (uid, person_id, item_id, level, author_role, author_id,"
              " referential_version, positioned_at, recorded_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_RAW_AUDIT = ("INSERT INTO audit_log (at, actor_id, action, outcome, record_kind, record_id, subject_ref,"
              " structure_id) VALUES (?, 'u-acc', 'create', 'allowed', 'positioning', NULL, ?, 'S')")
_RAW_ACCESS = ("SELECT p.structure_id, EXISTS (SELECT 1 FROM assignments a WHERE a.accompanist_id = 'u-acc'"
               " AND a.person_id = p.id AND a.since <= ? AND (a.until IS NULL OR a.until >= ?)),"
               " EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = 'u-acc' AND m.role = 'admin'"
               " AND m.structure_id = p.structure_id) FROM people p WHERE p.id = ?")


def raw_writes(path: Path, ids: list[str], count: int, mode: str = "event") -> tuple[float, float]:
    """Plain ``sqlite3`` (WAL, ``synchronous = NORMAL`` as the app), events per second. ``event``: one INSERT
    and COMMIT per event; ``guarded``: what a guarded write does, by hand (the access query, the event, the
    audit entry, one COMMIT per event); ``batch``: the events of 120 at a time in one transaction."""
    import hashlib
    import uuid

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = NORMAL")
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    today = dt.date.today().isoformat()

    def row(n: int) -> tuple:
        return (uuid.uuid4().hex, ids[n % 50], RECTEC[n % 12], n % 4 + 1, "accompanist", "u-acc", "2019", now, now,
                "app")

    start, cpu = time.perf_counter(), time.process_time()
    if mode == "batch":
        for first in range(0, count, 120):
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(_RAW_EVENT, [row(n) for n in range(first, min(first + 120, count))])
            connection.execute(_RAW_AUDIT, (now, None))
            connection.execute("COMMIT")
    else:
        for n in range(count):
            connection.execute("BEGIN IMMEDIATE")
            if mode == "guarded":
                connection.execute(_RAW_ACCESS, (today, today, ids[n % 50])).fetchone()
            connection.execute(_RAW_EVENT, row(n))
            if mode == "guarded":
                connection.execute(_RAW_AUDIT, (now, hashlib.sha256(ids[n % 50].encode()).hexdigest()))
            connection.execute("COMMIT")
    rates = _rates(count, start, cpu)
    connection.close()
    return rates


def run(quick: bool = False) -> dict:
    from competency_graph.loader import load_bundle
    from competency_graph.services import caseload, caseload_reference, cohort, guidance
    from competency_graph.services.accounts import Identity
    from competency_graph.services.context import Context

    people = 2_000 if quick else 10_000
    small = 200 if quick else 1_000
    repeat = 3 if quick else 5
    result: dict[str, object] = {"caseload_people": people, "load_before": os.getloadavg()[0]}
    bundle = load_bundle([ROOT / "referentials"])
    with tempfile.TemporaryDirectory(prefix="bench-caseload-") as tmp:
        path = Path(tmp) / "record.sqlite"
        start = time.perf_counter()
        built = build_database(path, people, small=small)
        result["caseload_setup_s"] = round(time.perf_counter() - start, 1)
        result["caseload_events"] = built["events"]
        repo = built["repo"]
        repo.catalog = bundle
        ctx = Context(bundle, repo)
        ids: list[str] = built["ids"]  # type: ignore[assignment]
        acc = Identity("u-acc", "u-acc", "accompanist", ("S",))
        acc_1k = Identity("u-acc-1k", "u-acc-1k", "accompanist", ("S",))
        trainer = Identity("u-trainer", "u-trainer", "trainer", ("S",))

        caseload.caseload(ctx, acc)  # warm (first use of the statements, the audit key)
        wall, cpu, ours = _timed(lambda: caseload.caseload(ctx, acc), repeat)
        sql_wall, sql_cpu, plain = _timed(lambda: caseload_sql(path, "u-acc"), repeat)
        events_wall, events_cpu, plain_events = _timed(lambda: caseload_sql(path, "u-acc", CASELOAD_SQL), repeat)
        rec_wall, rec_cpu, with_rec = _timed(lambda: caseload.caseload(ctx, acc, with_recommendation=True), repeat)
        result.update({"caseload_10k_s": round(wall, 3), "caseload_10k_cpu_s": round(cpu, 3),
                       "caseload_sql_10k_s": round(sql_wall, 3), "caseload_sql_10k_cpu_s": round(sql_cpu, 3),
                       "caseload_over_sql": round(wall / sql_wall, 2),
                       "caseload_over_sql_cpu": round(cpu / sql_cpu, 2),
                       "caseload_sql_events_10k_s": round(events_wall, 3),
                       "caseload_sql_events_10k_cpu_s": round(events_cpu, 3),
                       "caseload_10k_with_recommendation_s": round(rec_wall, 3),
                       "caseload_10k_with_recommendation_cpu_s": round(rec_cpu, 3),
                       "caseload_recommendations_filled": sum(1 for r in with_rec if r.recommendation),  # type: ignore[attr-defined]
                       "caseload_same_as_sql": _same_rows(ours, plain) and _same_rows(ours, plain_events)})  # type: ignore[arg-type]
        batched_1k = _timed(lambda: caseload.caseload(ctx, acc_1k), repeat)[0]
        per_person_1k, _, reference = _timed(lambda: caseload_reference.caseload_per_person(ctx, acc_1k), 1)
        result.update({"caseload_per_person_small_s": round(per_person_1k, 2), "caseload_small_people": small,
                       "caseload_batched_small_s": round(batched_1k, 3),
                       "caseload_per_person_over_batched": round(per_person_1k / batched_1k, 1),
                       "caseload_same_as_per_person": reference == caseload_reference.core(
                           caseload.caseload(ctx, acc_1k))})

        target = guidance.resolve(ctx, "rae:agent-de-restauration")
        requirements = {r.item: r.level for r in target.requirements if r.graded}
        group = ids[:1000]  # 1,000 in both modes
        wall, cpu, _ = _timed(lambda: cohort.gap_matrix(ctx, trainer, group, target), repeat)
        base = _timed(lambda: gap_matrix_baseline(path, group, requirements), repeat)[0]
        floor = numpy_floor(len(group), requirements, repeat)
        result.update({"gap_matrix_1k_s": round(wall, 4), "gap_matrix_1k_cpu_s": round(cpu, 4),
                       "gap_matrix_sql_pandas_1k_s": round(base, 4), "gap_matrix_over_sql_pandas": round(wall / base, 2),
                       "gap_matrix_numpy_floor_s": round(floor, 6), "gap_matrix_requirements": len(requirements)})

        writes = 300 if quick else 1000
        guarded, guarded_cpu = guarded_writes(ctx, acc, ids, writes)
        fresh, fresh_cpu = guarded_writes(ctx, acc, ids, writes, fresh_guard=True)
        batch, batch_cpu = guarded_batch_writes(ctx, acc, ids, writes * 4)
        repository, repository_cpu = repository_writes(repo, ids, writes)
        raw, raw_cpu = raw_writes(path, ids, writes * 3)
        raw_guarded, raw_guarded_cpu = raw_writes(path, ids, writes * 3, "guarded")
        raw_batch, raw_batch_cpu = raw_writes(path, ids, writes * 12, "batch")
        result.update({
            "guarded_writes_per_s": round(guarded), "guarded_writes_cpu_per_s": round(guarded_cpu),
            "guarded_writes_fresh_guard_per_s": round(fresh), "guarded_writes_fresh_guard_cpu_per_s": round(fresh_cpu),
            "guarded_batch_writes_per_s": round(batch), "guarded_batch_writes_cpu_per_s": round(batch_cpu),
            "repository_writes_per_s": round(repository), "repository_writes_cpu_per_s": round(repository_cpu),
            "raw_sqlite_writes_per_s": round(raw), "raw_sqlite_writes_cpu_per_s": round(raw_cpu),
            "raw_sqlite_guarded_writes_per_s": round(raw_guarded),
            "raw_sqlite_guarded_writes_cpu_per_s": round(raw_guarded_cpu),
            "raw_sqlite_batch_writes_per_s": round(raw_batch), "raw_sqlite_batch_writes_cpu_per_s": round(raw_batch_cpu),
            "guarded_over_raw_sqlite": round(raw / guarded, 1),
            "guarded_over_raw_sqlite_guarded": round(raw_guarded / guarded, 1),
            "guarded_batch_over_raw_sqlite_batch": round(raw_batch / batch, 1),
            "guarded_write_statements": guarded_statements(ctx, acc, ids),
        })
        repo.close()
    result["load_after"] = os.getloadavg()[0]
    return result


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
