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
    # session check (twice: app frame and page), guard, picker, one read of the person, one audit entry
    assert count.queries <= 10, count.statements
    assert count.total <= 16, count.statements
    assert _log_size(ctx) - before == 1
    entry = audit.list_audit(ctx.repo, "demo-admin", limit=1)[0]
    assert (entry.action, entry.record_kind, entry.record_id) == ("read", "profile", "set:1")
    assert entry.subject_ref is not None  # one person: named on the entry itself


def test_caseload_page_writes_one_audit_entry_per_render(ctx) -> None:
    at = open_page("accompanist", "accompanist_candidates")
    before = _log_size(ctx)
    with batch.count_statements() as count:
        at.run()
    assert not at.exception
    assert _log_size(ctx) - before == 1
    # session check twice (4), guard (2), people + summaries + interviews (4), one audit entry with its subjects (3)
    assert count.total <= 13, count.statements
