"""Guarded writes decide and write in ONE transaction (issue #19): statements counted (never timed), the same
access rules and audit entries as before, and the batched writes (one transaction, one audit entry per set)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from competency_graph.security import audit
from competency_graph.security.access import Guard
from competency_graph.security.errors import AccessDenied
from competency_graph.services import accounts, batch, coassess, positioning
from competency_graph.services.accounts import Identity
from competency_graph.services.context import Context
from competency_graph.store import Repository, StoreError


@pytest.fixture
def repo(tmp_path: Path, shipped_bundle):
    repository = Repository.open(f"sqlite:///{tmp_path / 'record.sqlite'}", catalog=shipped_bundle,
                                 files_dir=tmp_path / "files")
    yield repository
    repository.close()


@pytest.fixture
def ctx(repo: Repository, shipped_bundle, world) -> Context:
    return Context(shipped_bundle, repo)


def who(ctx: Context, user_id: str, role: str) -> Identity:
    return accounts.identity_for(ctx, user_id, role)


def entries(repo: Repository) -> list[audit.AuditRecord]:
    return audit.list_audit(repo, "u-admin", limit=100_000)


def test_a_guarded_positioning_is_one_transaction_of_three_statements(ctx) -> None:
    acc = who(ctx, "u-acc", "accompanist")
    guard = accounts.guard_for(ctx, acc)  # built before: a page builds it once per run
    before = len(entries(ctx.repo))
    audit.pseudonym_key(ctx.repo)  # read once per repository and process (the first entry of a fresh database)
    with batch.count_statements(ctx.repo.engine) as count:
        event = guard.record_positioning("own", "rectec:C01", as_role="accompanist", level=3)
    # before: 4 transactions and 12 statements (person ×2, assignment, admin role, person, author, event, audit)
    assert count.transactions == 1 and count.statements[0] == "BEGIN IMMEDIATE", count.statements
    assert count.queries == 4, [s[:70].replace("\n", " ") for s in count.statements]  # the access facts, the event, the current position (upsert), the audit entry
    assert (event.author_role, event.author_id, event.level) == ("accompanist", "u-acc", 3)
    log = entries(ctx.repo)
    assert len(log) - before == 1
    assert (log[0].action, log[0].outcome, log[0].record_kind, log[0].subject_ref) == (
        "create", "allowed", "positioning", audit.pseudonym(ctx.repo, "own"))
    assert log[0].structure_id == ctx.repo.get_person("own").structure_id


@pytest.mark.parametrize(("person", "role", "message"), [
    ("mate", "accompanist", "vous ne pouvez pas modifier"),  # same structure, not followed
    ("other", "accompanist", "vous ne pouvez pas modifier"),  # another structure
    ("nobody", "accompanist", "ne fait pas partie"),  # unknown person
])
def test_a_refused_write_commits_its_denied_entry_and_nothing_else(ctx, person, role, message) -> None:
    guard = accounts.guard_for(ctx, who(ctx, "u-acc", role))
    events, before = ctx.repo.count_positionings(), len(entries(ctx.repo))
    with batch.count_statements(ctx.repo.engine) as count, pytest.raises(AccessDenied, match=message):
        guard.record_positioning(person, "rectec:C01", level=2)
    assert count.transactions == 1, count.statements
    assert ctx.repo.count_positionings() == events
    log = entries(ctx.repo)
    assert len(log) - before == 1 and log[0].outcome == "denied" and log[0].action == "create"
    assert log[0].subject_ref == audit.pseudonym(ctx.repo, person)


def test_an_admin_who_is_also_accompanist_there_still_never_positions(ctx, world) -> None:
    ctx.repo.grant_role("u-acc", world["s"], "admin")  # after the guard was built: read inside the write
    guard = accounts.guard_for(ctx, who(ctx, "u-acc", "accompanist"))
    with pytest.raises(AccessDenied, match="administrateur"):
        guard.record_positioning("own", "rectec:C01", level=2)
    assert ctx.repo.count_positionings() == 0


def test_an_assignment_ended_after_the_guard_was_built_refuses_the_write(ctx) -> None:
    guard = Guard(ctx.repo, "u-acc", "accompanist")
    ctx.repo.end_assignment("u-acc", "own", until=dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(AccessDenied):
        guard.record_positioning("own", "rectec:C01", level=2)
    assert ctx.repo.count_positionings() == 0


def test_a_bad_value_writes_neither_the_event_nor_its_entry(ctx) -> None:
    guard = accounts.guard_for(ctx, who(ctx, "u-acc", "accompanist"))
    before = len(entries(ctx.repo))
    with pytest.raises(StoreError) as refused:
        guard.record_positioning("own", "rectec:C01", level=9)
    assert refused.value.code == "level_out_of_range"
    assert ctx.repo.count_positionings() == 0 and len(entries(ctx.repo)) == before


def test_writing_set_decides_per_person_in_one_transaction_with_one_entry_per_outcome(ctx, world) -> None:
    ctx.repo.assign("u-acc", "mate")
    guard = accounts.guard_for(ctx, who(ctx, "u-acc", "accompanist"))
    before = len(entries(ctx.repo))
    seen = {}

    def write(allowed: dict[str, str]) -> int:
        seen.update(allowed)
        ctx.repo.record_positioning("own", "rectec:C01", role="accompanist", level=2, author_id="u-acc")
        ctx.repo.record_positioning("mate", "rectec:C01", role="accompanist", level=3, author_id="u-acc")
        return 2

    with batch.count_statements(ctx.repo.engine) as count:
        written, refused = guard.writing_set(["own", "mate", "other", "nobody"], "positioning", write,
                                             roles=("accompanist",))
    assert written == 2 and seen == {"own": "accompanist", "mate": "accompanist"}
    assert set(refused) == {"other", "nobody"}
    assert count.transactions == 1, count.statements
    log = entries(ctx.repo)[: len(entries(ctx.repo)) - before]
    assert sorted((e.action, e.outcome, e.record_id) for e in log) == [
        ("create", "allowed", "set:2"), ("create", "denied", "set:2")]
    allowed = next(e for e in log if e.outcome == "allowed")
    assert allowed.structure_id == world["s"]
    for person in ("own", "mate"):  # an admin filtering the log on a person finds the set entry
        named = audit.list_audit(ctx.repo, "u-admin", person_id=person)
        assert any(e.id == allowed.id for e in named)


def test_writing_set_writes_nothing_when_the_write_fails(ctx) -> None:
    guard = accounts.guard_for(ctx, who(ctx, "u-acc", "accompanist"))
    before = len(entries(ctx.repo))

    def write(_allowed: dict[str, str]) -> None:
        ctx.repo.record_positioning("own", "rectec:C01", role="accompanist", level=2, author_id="u-acc")
        ctx.repo.record_positioning("own", "rectec:C02", role="accompanist", level=99, author_id="u-acc")

    with pytest.raises(StoreError):
        guard.writing_set(["own"], "positioning", write, roles=("accompanist",))
    assert ctx.repo.count_positionings() == 0 and len(entries(ctx.repo)) == before


def test_a_candidate_saves_several_answers_in_one_transaction_or_none(ctx) -> None:
    cand = who(ctx, "u-cand", "candidate")
    ctx = ctx.as_actor(cand)  # the run's context: its actor's guard is built once (as the app's pages do)
    accounts.guard_for(ctx, cand)
    with batch.count_statements(ctx.repo.engine) as count:
        written = positioning.record_self_many(ctx, cand, "own", {"rectec:C01": (2, None),
                                                                  "rectec:C02": (3, None)})
    assert written == 2 and count.transactions == 1, count.statements
    assert [(p.item_id, p.level, p.author_role) for p in ctx.repo.history("own")] == [
        ("rectec:C01", 2, "self"), ("rectec:C02", 3, "self")]
    with pytest.raises(StoreError):
        positioning.record_self_many(ctx, cand, "own", {"rectec:C03": (2, None), "rectec:C04": (7, None)})
    assert ctx.repo.count_positionings("own") == 2
    with pytest.raises(AccessDenied):  # never someone else's record
        positioning.record_self_many(ctx, cand, "mate", {"rectec:C01": (2, None)})
    assert positioning.record_self_many(ctx, cand, "own", {}) == 0


def test_the_workshop_saves_every_person_in_one_transaction(ctx) -> None:
    ctx.repo.assign("u-acc", "mate")
    acc = who(ctx, "u-acc", "accompanist")
    before = len(entries(ctx.repo))
    answers = {"own": [coassess.Change("rectec:C01", 2), coassess.Change("rectec:C02", 3)],
               "mate": [coassess.Change("rectec:C01", 1)], "other": [coassess.Change("rectec:C01", 1)]}
    ctx = ctx.as_actor(acc)
    accounts.guard_for(ctx, acc)
    with batch.count_statements(ctx.repo.engine) as count:
        result = coassess.save_group(ctx, acc, answers)
    assert result["own"] == 2 and result["mate"] == 1 and isinstance(result["other"], AccessDenied)
    assert list(result) == list(answers)
    assert count.transactions == 1, count.statements
    log = entries(ctx.repo)[: len(entries(ctx.repo)) - before]
    assert sorted((e.action, e.outcome, e.record_id) for e in log) == [
        ("create", "allowed", "set:2"), ("create", "denied", "set:1"), ("read", "allowed", "set:2")]
    assert ctx.repo.count_positionings() == 3


def test_the_workshop_keeps_each_persons_answers_apart_when_one_is_refused(ctx) -> None:
    ctx.repo.assign("u-acc", "mate")
    acc = who(ctx, "u-acc", "accompanist")
    ctx.repo.record_positioning("mate", "rectec:C01", role="self", level=3, author_id=None)
    result = coassess.save_group(ctx, acc, {"own": [coassess.Change("rectec:C01", 2)],
                                            "mate": [coassess.Change("rectec:C01", 1)]})  # differs, no note
    assert result["own"] == 1
    assert isinstance(result["mate"], StoreError) and result["mate"].code == "note_required"
    assert [p.person_id for p in ctx.repo.history("own")] == ["own"]
    assert [p.author_role for p in ctx.repo.history("mate")] == ["self"]
