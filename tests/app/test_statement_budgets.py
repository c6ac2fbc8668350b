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
