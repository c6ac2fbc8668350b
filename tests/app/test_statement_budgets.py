"""Statement and audit budgets of the pages that read many records (issue #19): counted, never timed."""

from __future__ import annotations

from apphelpers import open_page

from competency_graph.security import audit
from competency_graph.services import batch


def _log_size(ctx) -> int:
    return len(audit.list_audit(ctx.repo, "demo-admin", limit=100_000))


def test_guidance_page_reads_the_person_once(ctx) -> None:
    at = open_page("accompanist", "accompanist_guidance")
    before = _log_size(ctx)
    with batch.count_statements() as count:
        at.run()
    assert not at.exception
    # session check twice (2 queries), guard (1), person picker (3: people, experience, archived), one read of
    # the person (8: person with the follow-up check, experience, latest positions, and the facts the rules
    # need — contracts, certifications held, structure, its networks, its branch agreements), one audit
    # entry (1); plus one BEGIN per transaction (7). Before: 107 statements and 4 audit rows.
    assert count.queries <= 15, count.statements
    assert count.total <= 22, count.statements
    assert _log_size(ctx) - before == 1
    entry = audit.list_audit(ctx.repo, "demo-admin", limit=1)[0]
    assert (entry.action, entry.record_kind, entry.record_id) == ("read", "profile", "set:1")
    assert entry.subject_ref is not None  # one person: named on the entry itself


def test_a_candidates_level_click_is_one_run_with_one_write(ctx) -> None:
    at = open_page("candidate", "candidate_position", position_index=2)
    button = next(b for b in at.button if str(b.key).startswith("big-"))
    item_id = str(button.key).removeprefix("big-").removeprefix("chosen-").rsplit("-", 1)[0]
    before, events = _log_size(ctx), ctx.repo.count_positionings("demo-lea")
    with batch.count_statements() as count:
        button.click().run()
    assert not at.exception
    # the write in the button's callback (session check 1, guard 1, the guarded write 3: access facts, event,
    # audit entry), then ONE run (the record and positions read once: 3, one audit entry); before: two script
    # runs, 36 queries in 22 transactions, 4 audit entries.
    assert count.queries <= 10, count.statements
    assert count.transactions <= 5, count.statements
    assert sum(s.startswith("INSERT INTO positioning_events") for s in count.statements) == 1
    assert ctx.repo.count_positionings("demo-lea") == events + 1
    assert _log_size(ctx) - before == 2  # the write, the page's one read
    written, read = audit.list_audit(ctx.repo, "demo-admin", limit=2)[::-1]
    assert (written.action, written.record_kind) == ("create", "positioning")
    assert (read.action, read.record_kind, read.record_id) == ("read", "positioning", "set:1")
    assert "C'est noté" in " ".join(str(s.value) for s in at.success)
    assert at.session_state["position_index"] == 3
    assert not any(str(b.key).startswith(f"big-{item_id}-") for b in at.button)  # the next question shown
