"""Follow-up interviews and the PEC schedule (1 month, mid-contract, ¾, exit 1–3 months before the end)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_graph.store import Participant, Repository, StoreError, pec_schedule
from competency_graph.store.schedule import add_months


def test_a_twelve_month_pec_schedule() -> None:
    start, end = dt.date(2025, 3, 1), dt.date(2026, 2, 28)
    plan = {m.milestone: m for m in pec_schedule(start, end)}
    assert plan["one_month"].scheduled_on == dt.date(2025, 4, 1)
    assert plan["mid_contract"].scheduled_on == dt.date(2025, 8, 30)
    assert plan["three_quarters"].scheduled_on == dt.date(2025, 11, 29)
    exit_ = plan["exit"]
    assert (exit_.kind, exit_.due_from, exit_.due_until) == ("exit", dt.date(2025, 11, 28), dt.date(2026, 1, 28))
    assert exit_.scheduled_on == dt.date(2025, 12, 28)


@given(start=st.dates(dt.date(2018, 1, 1), dt.date(2035, 12, 31)), months=st.integers(6, 36),
       extra_days=st.integers(0, 27))
def test_schedule_is_ordered_and_the_exit_falls_one_to_three_months_before_the_end(
        start: dt.date, months: int, extra_days: int) -> None:
    end = add_months(start, months) + dt.timedelta(days=extra_days)
    plan = pec_schedule(start, end)
    dates = [m.scheduled_on for m in plan]
    assert [m.milestone for m in plan] == ["one_month", "mid_contract", "three_quarters", "exit"]
    assert start < dates[0] < dates[1] < dates[2] < dates[3] < end
    exit_ = plan[-1]
    assert add_months(end, -3) <= exit_.scheduled_on <= add_months(end, -1)
    assert exit_.due_from == add_months(end, -3) and exit_.due_until == add_months(end, -1)


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)


@pytest.mark.parametrize(("start", "end", "code"), [
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1), "contract_dates"),
    (dt.date(2025, 1, 1), dt.date(2025, 4, 1), "contract_too_short"),
])
def test_bad_contract_dates(start: dt.date, end: dt.date, code: str) -> None:
    with pytest.raises(StoreError) as info:
        pec_schedule(start, end)
    assert info.value.code == code


def test_a_pec_contract_creates_its_schedule(repo: Repository, people: dict[str, str]) -> None:
    employer = repo.create_structure("Mairie (fictive)", "pec-employer")
    contract = repo.create_pec_contract("pa", employer.id, dt.date(2025, 1, 6), dt.date(2025, 10, 5),
                                        prescriber="cap_emploi")
    assert [(f.kind, f.milestone, f.status) for f in contract.followups] == [
        ("follow_up", "one_month", "planned"), ("follow_up", "mid_contract", "planned"),
        ("follow_up", "three_quarters", "planned"), ("exit", "exit", "planned")]
    assert repo.list_contracts("pa")[0].followups == contract.followups
    assert [f.milestone for f in repo.due_followups(until=dt.date(2025, 6, 1))] == ["one_month", "mid_contract"]


def test_holding_an_interview_freezes_the_positions_of_that_day(repo: Repository, people: dict[str, str]) -> None:
    day = dt.date(2025, 2, 10)
    at = dt.datetime(2025, 2, 10, 9, tzinfo=dt.UTC)
    repo.record_positioning("pa", "rectec:C01", role="self", level=2, at=at)
    repo.record_positioning("pa", "rectec:C01", role="accompanist", level=3, at=at, author_id="acc")
    planned = repo.plan_followup("pa", "follow_up", day)
    held = repo.hold_followup(planned.id, held_on=day, notes="Bon échange.",
                              participants=[Participant("candidate", name="A"), Participant("accompanist", "acc")])
    repo.record_positioning("pa", "rectec:C01", role="self", level=4, at=at + dt.timedelta(days=3))
    again = repo.list_followups("pa")[0]
    assert held.status == again.status == "done"
    snapshot = again.snapshot
    assert snapshot is not None and snapshot["divergent"] == ["rectec:C01"]
    assert snapshot["items"][0]["self"]["value"] == 2 and snapshot["items"][0]["accompanist"]["value"] == 3
    assert [p.role for p in again.participants] == ["candidate", "accompanist"]
    with pytest.raises(StoreError) as info:
        repo.hold_followup(planned.id)
    assert info.value.code == "followup_closed"


def test_recording_an_unplanned_interview_and_cancelling_one(repo: Repository, people: dict[str, str]) -> None:
    done = repo.record_followup("pa", "tripartite", dt.date(2025, 1, 2),
                                participants=[Participant("employer", name="Employeur")])
    assert done.status == "done" and done.snapshot == {"person_id": "pa", "as_of": done.snapshot["as_of"],
                                                       "items": [], "divergent": []}
    planned = repo.plan_followup("pa", "jury_preparation", dt.date(2025, 5, 1))
    assert repo.cancel_followup(planned.id).status == "cancelled"
    for kwargs, code in [({"kind": "party"}, "bad_followup_kind"),
                         ({"participants": [Participant("boss", name="x")]}, "bad_participant_role"),
                         ({"participants": [Participant("tutor")]}, "bad_participant")]:
        args = {"kind": "follow_up", **kwargs}
        with pytest.raises(StoreError) as info:
            repo.record_followup("pa", args.pop("kind"), dt.date(2025, 1, 3), **args)  # type: ignore[arg-type]
        assert info.value.code == code
    assert len(repo.list_followups("pa")) == 2
