"""Batched, guarded reads (issue #19): the set-based path gives the same results as the per-person path, in a
number of statements that does not grow with the set, with one audit entry per list naming every person."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from competency_graph.security import audit
from competency_graph.security.access import Guard
from competency_graph.security.errors import AccessDenied
from competency_graph.services import accounts, batch, caseload, caseload_reference, cohort, guidance
from competency_graph.services.accounts import Identity
from competency_graph.services.context import Context
from competency_graph.store import Repository, bulk
from competency_graph.store import accounts as store_accounts
from competency_graph.store.models import utcnow

RECTEC = [f"rectec:C{n:02d}" for n in range(1, 13)]
ACTIVITIES = ["rae:agent-de-restauration/A1", "rae:agent-de-restauration/A2"]


@pytest.fixture
def repo(tmp_path: Path, shipped_bundle):
    repository = Repository.open(f"sqlite:///{tmp_path / 'record.sqlite'}", catalog=shipped_bundle,
                                 files_dir=tmp_path / "files")
    yield repository
    repository.close()


def build_world(repo: Repository, people: int, seed: int = 3) -> dict[str, list[str]]:
    """Structure S: ``people`` candidates with random positionings (ties on time included), planned and
    held interviews; the accompanist follows all but the last three (one of them no longer); a trainer,
    an admin. Structure T: one person the accompanist does not follow."""
    rng = random.Random(seed)
    s = repo.create_structure("ESAT S", "esat", networks=["rae"], structure_id="S").id
    t = repo.create_structure("EA T", "ea", structure_id="T").id
    for uid, role, structure in [("u-acc", "accompanist", s), ("u-trainer", "trainer", s), ("u-admin", "admin", s)]:
        repo.create_user(uid, uid, user_id=uid)
        repo.grant_role(uid, structure, role)
    ids = []
    now = utcnow()
    for n in range(people):
        pid = f"p{n:03d}"
        repo.create_person(s, f"Personne {rng.choice('ABCDE')}{n % 4}", "esat", person_id=pid,
                           target=rng.choice([None, "rae:agent-de-restauration", "rae:cuisinier", "rae:inconnu"]))
        ids.append(pid)
        if n < people - 3:
            repo.assign("u-acc", pid, since=dt.date.today() - dt.timedelta(days=30))
        elif n == people - 3:
            repo.assign("u-acc", pid, since=dt.date(2020, 1, 1))
            repo.end_assignment("u-acc", pid, until=dt.date(2021, 1, 1))
        base = now - dt.timedelta(days=rng.randint(2, 300))
        for _ in range(rng.randint(0, 30)):
            item = rng.choice(RECTEC + ACTIVITIES)
            role = rng.choice(["self", "accompanist", "accompanist", "jury"])
            at = base + dt.timedelta(hours=rng.randint(0, 3) * 24)  # many ties on time
            if item in ACTIVITIES:
                repo.record_positioning(pid, item, role=role, state=rng.choice(["acquired", "in_progress", "not_yet"]),
                                        at=at)
            else:
                repo.record_positioning(pid, item, role=role, level=rng.randint(1, 4), at=at)
        for _ in range(rng.randint(0, 3)):
            day = dt.date.today() + dt.timedelta(days=rng.randint(-40, 40))
            until = day + dt.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.5 else None
            repo.plan_followup(pid, "follow_up", day, due_from=day if until else None, due_until=until)
    repo.create_person(t, "Personne Ailleurs", "ea", person_id="other")
    return {"S": ids}


@pytest.fixture
def ctx(repo: Repository, shipped_bundle) -> Context:
    return Context(shipped_bundle, repo)


def who(ctx: Context, user_id: str, role: str) -> Identity:
    return accounts.identity_for(ctx, user_id, role)


def entries(repo: Repository) -> list[audit.AuditRecord]:
    return audit.list_audit(repo, "u-admin", limit=100_000)


# -- equality of the fast and reference paths ----------------------------------------------------------------

def test_bulk_views_and_records_equal_the_per_person_repository_reads(ctx: Context) -> None:
    ids = build_world(ctx.repo, 25)["S"] + ["other"]
    as_of = utcnow() - dt.timedelta(days=100)
    views = ctx.repo.run(lambda s: bulk.position_views(s, ids), write=False)
    past = ctx.repo.run(lambda s: bulk.position_views(s, ids, as_of=as_of), write=False)
    records = ctx.repo.run(lambda s: bulk.person_records(s, ids + ["nobody"]), write=False)
    assert sorted(records) == sorted(ids)
    for pid in ids:
        assert views[pid] == ctx.repo.current_view(pid)
        assert past[pid] == ctx.repo.current_view(pid, as_of=as_of)
        assert records[pid] == ctx.repo.get_person(pid)
    assert sum(len(v.items) for v in views.values()) > 50  # the world is not empty
    assert any(v.divergent_items() for v in views.values())


def test_user_record_in_one_query_equals_the_former_two(ctx: Context) -> None:
    build_world(ctx.repo, 3)
    ctx.repo.grant_role("u-acc", "T", "accompanist")
    found = ctx.repo.run(lambda s: bulk.user_record(s, "u-acc"), write=False)
    assert found == ctx.repo.run(lambda s: store_accounts.user_record(s, store_accounts.user_row(s, "u-acc")), write=False)
    assert found.roles == (("S", "accompanist"), ("T", "accompanist"))
    assert ctx.repo.run(lambda s: bulk.user_record(s, "nobody"), write=False) is None


@pytest.mark.parametrize("user, role", [("u-acc", "accompanist"), ("u-admin", "admin")])
def test_caseload_equals_the_per_person_reference(ctx: Context, user: str, role: str) -> None:
    build_world(ctx.repo, 30)
    identity = who(ctx, user, role)
    fast = caseload.caseload(ctx, identity)
    assert caseload_reference.core(fast) == caseload_reference.caseload_per_person(ctx, identity)
    assert len(fast) == (27 if role == "accompanist" else 30)
    assert any(r.divergences for r in fast) and any(r.next_interview for r in fast)
    assert any(r.target_label is None and r.target_id for r in fast)  # an unknown target stays visible


def test_caseload_recommendations_equal_the_engine_run_person_by_person(ctx: Context) -> None:
    """The memoised recommendation column (per profile signature, per facts, ``when_ineligible=False``) gives
    the best eligible modality ``recommend_modalities`` gives for each person's own profile."""
    from competency_graph.analysis.recommend import recommend_modalities
    from competency_graph.services.people import profile_from_record
    from competency_graph.store import ExperienceEntry

    ids = build_world(ctx.repo, 30)["S"]
    rng = random.Random(8)
    for pid in ids:
        ctx.repo.update_person(pid, status=rng.choice(["esat", "ea", "pec", "job_seeker"]),
                               birth_year=rng.choice([None, 1970, 1990, 2004]),
                               writing=rng.choice([None, "none", "limited", "fluent"]),
                               goal=rng.choice([None, "recognition", "certification", "employment"]),
                               target=rng.choice([None, "rae:agent-de-restauration", "rae:cuisinier"]))
        if rng.random() < 0.5:
            ctx.repo.set_experience(pid, [ExperienceEntry(rng.choice(["rae:agent-de-restauration", "rome:G1603"]),
                                                          rng.choice([6, 14, 40]), rng.random() < 0.3)])
    today = dt.date.today()
    rows = caseload.caseload(ctx, who(ctx, "u-admin", "admin"), with_recommendation=True)
    labels = {i.id: i.label for i in ctx.bundle.of_kind("modality")}
    for row in rows:
        view = ctx.repo.current_view(row.person_id)
        expected = None
        if view.items:
            profile = profile_from_record(ctx.bundle, ctx.repo.get_person(row.person_id), view, today=today)
            best = next((r for r in recommend_modalities(ctx.bundle, profile, today) if r.eligible), None)
            expected = labels.get(best.modality, best.modality) if best else None
        assert row.recommendation == expected, row.person_id
    assert len({r.recommendation for r in rows}) >= 3
    assert all(r.recommendation is None for r in caseload.caseload(ctx, who(ctx, "u-admin", "admin"),
                                                                    with_recommendation=False))


def test_group_read_equals_guard_group_records(ctx: Context) -> None:
    ids = build_world(ctx.repo, 20)["S"]
    trainer = who(ctx, "u-trainer", "trainer")
    fast = batch.read_group(ctx, trainer, ids)
    reference = Guard(ctx.repo, "u-trainer", "trainer").group_records(ids)
    assert fast == reference
    assert all(record.display_name.startswith("P-") for record, _ in fast.values())


def test_gap_matrix_equals_the_per_person_views(ctx: Context) -> None:
    ids = build_world(ctx.repo, 20)["S"]
    trainer = who(ctx, "u-trainer", "trainer")
    target = guidance.resolve(ctx, "rae:agent-de-restauration")
    matrix = cohort.gap_matrix(ctx, trainer, ids, target)
    reference = Guard(ctx.repo, "u-trainer", "trainer").group_records(ids)
    expected = cohort.cohort_gaps(cohort._long_positions(reference, ids),
                                  {r.item: r.level for r in target.requirements if r.graded}).reindex(ids)
    assert matrix.equals(expected)


def test_guidance_page_equals_the_four_separate_services(ctx: Context) -> None:
    ids = build_world(ctx.repo, 6)["S"]
    identity = who(ctx, "u-acc", "accompanist")
    as_of = dt.date.today() - dt.timedelta(days=60)
    for pid in ids[:3]:
        for day in (dt.date.today(), as_of):
            run = ctx.as_actor(identity)
            page = guidance.guidance_page(run, pid, "rae:agent-de-restauration", day)
            assert page.gaps == guidance.gaps(run, pid, "rae:agent-de-restauration")
            assert page.coverage == guidance.coverage(run, pid, "rae:agent-de-restauration")
            assert page.recommendations == guidance.recommendations(run, pid, day, "rae:agent-de-restauration")
            assert page.pathway == guidance.pathway(run, pid, "rae:agent-de-restauration", day)
            untargeted = guidance.guidance_page(run, pid, None, day)
            assert untargeted.recommendations == guidance.recommendations(run, pid, day)


# -- statements and audit rows -------------------------------------------------------------------------------

def test_caseload_statements_do_not_grow_with_the_caseload(ctx: Context) -> None:
    build_world(ctx.repo, 40)
    identity = who(ctx, "u-acc", "accompanist")
    audit.pseudonym_key(ctx.repo)  # read once per repository (2 statements the first time)
    with batch.count_statements(ctx.repo.engine) as count:
        rows = caseload.caseload(ctx, identity)
    with batch.count_statements(ctx.repo.engine) as per_person:
        caseload_reference.caseload_per_person(ctx, identity)
    assert len(rows) == 37
    for n in range(5):  # more people: the same statements
        ctx.repo.create_person("S", f"Nouvelle {n}", "esat", person_id=f"new{n}")
        ctx.repo.assign("u-acc", f"new{n}")
        ctx.repo.record_positioning(f"new{n}", "rectec:C01", role="self", level=2)
    with batch.count_statements(ctx.repo.engine) as more:
        assert len(caseload.caseload(ctx, identity)) == 42
    assert more.total == count.total
    assert count.total <= 16 and count.transactions <= 5, count.statements
    assert per_person.total > 10 * len(rows)


def test_caseload_writes_one_audit_entry_naming_every_person(ctx: Context) -> None:
    ids = build_world(ctx.repo, 12)["S"]
    before = len(entries(ctx.repo))
    rows = caseload.caseload(ctx, who(ctx, "u-acc", "accompanist"))
    log = entries(ctx.repo)
    assert len(log) == before + 1
    entry = log[0]
    assert (entry.action, entry.record_kind, entry.outcome, entry.record_id) == ("read", "caseload", "allowed",
                                                                                 f"set:{len(rows)}")
    # each person of the list finds the read when the admin filters the log on them
    for pid in ids[:9]:
        assert any(e.id == entry.id for e in audit.list_audit(ctx.repo, "u-admin", person_id=pid))
    assert not any(e.id == entry.id for e in audit.list_audit(ctx.repo, "u-admin", person_id=ids[-1]))


def test_the_audit_subjects_are_pseudonyms_and_append_only(ctx: Context) -> None:
    from sqlalchemy import text

    ids = build_world(ctx.repo, 5)["S"]
    caseload.caseload(ctx, who(ctx, "u-acc", "accompanist"))
    with ctx.repo.engine.connect() as connection:
        refs = [r[0] for r in connection.execute(text("SELECT subject_ref FROM audit_subjects"))]
        assert sorted(refs) == sorted(audit.pseudonym(ctx.repo, p) for p in ids[:2])
        assert not set(refs) & set(ids)
        with pytest.raises(Exception, match="append-only"):
            connection.execute(text("DELETE FROM audit_subjects"))


def test_group_read_statements_do_not_grow_with_the_group(ctx: Context) -> None:
    ids = build_world(ctx.repo, 30)["S"]
    trainer = who(ctx, "u-trainer", "trainer")
    totals = []
    audit.pseudonym_key(ctx.repo)
    for size in (5, 30):
        with batch.count_statements(ctx.repo.engine) as count:
            batch.read_group(ctx, trainer, ids[:size])
        totals.append(count.total)
    assert totals[0] == totals[1] <= 10


def test_read_people_refuses_the_whole_set_with_one_denied_entry(ctx: Context) -> None:
    ids = build_world(ctx.repo, 6)["S"]
    identity = who(ctx, "u-acc", "accompanist")
    before = len(entries(ctx.repo))
    with pytest.raises(AccessDenied, match="Accès refusé"):
        batch.read_people(ctx, identity, [ids[0], "other", ids[-2]], "profile")
    log = entries(ctx.repo)
    assert len(log) == before + 1
    assert (log[0].outcome, log[0].record_id) == ("denied", "set:2")
    allowed = batch.read_people(ctx, identity, ids[:3], "profile")
    assert list(allowed.records) == ids[:3] and set(allowed.relations.values()) == {"accompanist"}
    assert entries(ctx.repo)[0].outcome == "allowed"


def test_pseudonym_key_is_read_once_per_repository(ctx: Context) -> None:
    build_world(ctx.repo, 2)
    audit.pseudonym(ctx.repo, "p000")
    with batch.count_statements(ctx.repo.engine) as count:
        names = {audit.pseudonym(ctx.repo, f"p{n:03d}") for n in range(50)}
    assert count.total == 0 and len(names) == 50
    old = audit.pseudonym(ctx.repo, "p000")
    audit.set_setting(ctx.repo, "pseudonym_key", "00" * 32)  # a new key is used at once
    assert audit.pseudonym(ctx.repo, "p000") != old


def test_the_run_guard_is_reused_only_for_the_actor_of_this_run(ctx: Context, monkeypatch) -> None:
    build_world(ctx.repo, 2)
    identity = who(ctx, "u-acc", "accompanist")
    run = ctx.as_actor(identity)
    first = accounts.guard_for(run)
    assert accounts.guard_for(run) is first and accounts.guard_for(run, identity) is first
    assert accounts.guard_for(run, who(ctx, "u-admin", "admin")) is not first
    assert accounts.guard_for(ctx, identity) is not first  # a context without that actor memoises nothing
    assert accounts.guard_for(ctx, identity) is not accounts.guard_for(ctx, identity)
    again = ctx.as_actor(identity)  # a new run: the user and roles are read again
    assert accounts.guard_for(again) is not first
    assert accounts.guard_for(again) is accounts.guard_for(again)
    # a few seconds at most, even within one context (roles may change)
    later = accounts.time.monotonic() + run.guards.SECONDS + 1
    monkeypatch.setattr(accounts.time, "monotonic", lambda: later)
    assert accounts.guard_for(run) is not first
