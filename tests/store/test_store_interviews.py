"""Interview proposals from contract dates (PEC windows, ESAT review), rescheduling, and the caseload queries."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from competency_graph.store import ContractRecord, FollowUpRecord, StoreError
from competency_graph.store.archive import archive_person
from competency_graph.store.caseload_queries import load_caseload
from competency_graph.store.interviews import plan, project_review_window, proposals, reschedule

TODAY = dt.date(2026, 3, 2)


def _contract(kind="pec", start=dt.date(2026, 2, 1), end=dt.date(2026, 11, 30)) -> ContractRecord:
    return ContractRecord("c1", "p1", "s1", kind, start, end, 20, None)


def _followup(kind, milestone=None, status="planned", held_on=None, contract_id=None) -> FollowUpRecord:
    return FollowUpRecord("f-" + (milestone or kind), "p1", contract_id, kind, milestone, status, TODAY, None, None,
                          held_on, None, None)


def test_a_pec_contract_proposes_its_four_windows_until_planned():
    found = proposals("pec", [_contract()], [], entered_on=TODAY, today=TODAY)
    assert [p.milestone for p in found] == ["one_month", "mid_contract", "three_quarters", "exit"]
    one_month = found[0]
    assert (one_month.scheduled_on, one_month.due_from) == (dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    exit_ = found[-1]  # 1 to 3 months before the end (seed 002)
    assert (exit_.due_from, exit_.due_until) == (dt.date(2026, 8, 30), dt.date(2026, 10, 30))
    planned = [_followup("follow_up", "one_month", contract_id="c1")]
    assert "one_month" not in [p.milestone for p in proposals("pec", [_contract()], planned, entered_on=TODAY,
                                                              today=TODAY)]
    assert proposals("pec", [_contract(end=dt.date(2026, 2, 27))], [], entered_on=TODAY, today=TODAY) == []


def test_esat_review_every_12_to_18_months_from_the_last_one():
    (review,) = proposals("esat", [], [], entered_on=dt.date(2025, 6, 1), today=TODAY)
    assert (review.kind, review.due_from, review.due_until) == ("project_review", dt.date(2026, 6, 1),
                                                                dt.date(2026, 12, 1))
    held = [_followup("project_review", status="done", held_on=dt.date(2026, 1, 15))]
    (review,) = proposals("esat", [], held, entered_on=dt.date(2020, 1, 1), today=TODAY)
    assert review.due_from == dt.date(2027, 1, 15)
    late = proposals("esat", [], [], entered_on=dt.date(2023, 1, 1), today=TODAY)[0]
    assert late.scheduled_on == TODAY and late.due_until < TODAY  # overdue: proposed for today
    assert proposals("esat", [], [_followup("project_review")], entered_on=TODAY, today=TODAY) == []
    assert project_review_window(dt.date(2024, 1, 31)) == (dt.date(2025, 1, 31), dt.date(2025, 7, 31))


def test_plan_reschedule_and_the_set_based_caseload(any_url, catalog, tmp_path):
    from competency_graph.store import Repository

    repo = Repository.open(any_url, catalog=catalog, files_dir=tmp_path / "files")
    s = repo.create_structure("ESAT S", "esat", networks=["rae"]).id
    repo.create_person(s, "Ana", "pec", person_id="p1")
    repo.create_person(s, "Bo", "esat", person_id="p2")
    repo.create_person(s, "Cy", "esat", person_id="p3")
    repo.create_user("acc", "Acc", user_id="u-acc")
    repo.grant_role("u-acc", s, "accompanist")
    repo.assign("u-acc", "p1")
    repo.assign("u-acc", "p3")
    contract = repo.create_pec_contract("p1", s, dt.date(2026, 1, 5), dt.date(2026, 10, 4))
    first = contract.followups[0]
    moved = reschedule(repo, first.id, dt.date(2026, 2, 10))
    assert moved.scheduled_on == dt.date(2026, 2, 10) and moved.due_until == first.due_until
    with pytest.raises(StoreError):
        plan(repo, "p1", "follow_up", TODAY, contract_id="nope")
    review = plan(repo, "p2", "project_review", TODAY, due_from=TODAY, due_until=TODAY + dt.timedelta(days=90))
    assert review.kind == "project_review"
    repo.record_positioning("p1", "rectec:C01", role="self", level=2)
    repo.record_positioning("p1", "rectec:C01", role="accompanist", level=3)
    archive_person(repo, "p3", None)
    data = load_caseload(repo, [s], accompanist_id="u-acc")
    assert [p.id for p in data.people] == ["p1"]  # p2 not assigned, p3 archived
    assert data.views["p1"].items["rectec:C01"].divergent
    assert [f.milestone for f in data.planned["p1"]] == ["one_month", "mid_contract", "three_quarters", "exit"]
    everyone = load_caseload(repo, [s])
    assert [p.id for p in everyone.people] == ["p1", "p2"]
    assert everyone.accompanists["p1"] == (("u-acc", "Acc"),)
    assert data.views["p1"].items["rectec:C01"].self_.positioned_at.tzinfo is not None
    repo.close()


def test_icalendar_round_trip():
    cal = Calendar()
    cal.add("prodid", "-//t//FR")
    cal.add("version", "2.0")
    parsed = Calendar.from_ical(cal.to_ical())
    assert parsed["version"] == "2.0"
