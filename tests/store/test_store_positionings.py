"""Positionings: append-only events, self and accompanist side by side, replay as of a date, bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from competency_graph.store import PositioningInput, Repository, StoreError
from competency_graph.store.models import PositioningEvent
from competency_graph.store.positions import Positioning, build_view

T0 = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


def _snapshot(repo: Repository) -> dict[str, int]:
    """Row counts of every table (to prove a refused write changed nothing)."""
    from competency_graph.store.models import Base

    with repo.engine.connect() as c:
        return {t: int(c.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() or 0) for t in Base.metadata.tables}


def test_self_and_accompanist_are_kept_side_by_side_never_averaged(repo: Repository, people: dict[str, str]) -> None:
    repo.record_positioning("pa", "rectec:C01", role="self", level=3, at=T0)
    repo.record_positioning("pa", "rectec:C01", role="accompanist", level=1, author_id="acc", at=T0)
    repo.record_positioning("pa", "rectec:C02", role="self", level=2, at=T0)
    repo.record_positioning("pa", "rectec:C02", role="accompanist", level=2, author_id="acc", at=T0)
    view = repo.current_view("pa")
    c01 = view.items["rectec:C01"]
    assert c01.self_ is not None and c01.self_.level == 3
    assert c01.accompanist is not None and c01.accompanist.level == 1
    assert c01.divergent and c01.difference == -2
    assert not view.items["rectec:C02"].divergent
    assert view.divergent_items() == ["rectec:C01"]
    # Nothing anywhere holds a merged value: the snapshot form keeps both sides.
    as_dict = view.to_dict()["items"][0]
    assert as_dict["self"]["value"] == 3 and as_dict["accompanist"]["value"] == 1


def test_a_correction_is_a_new_event_and_nothing_is_overwritten(repo: Repository, people: dict[str, str]) -> None:
    first = repo.record_positioning("pa", "rectec:C01", role="self", level=4, at=T0, comment="trop haut")
    second = repo.record_positioning("pa", "rectec:C01", role="self", level=2, at=T0 + dt.timedelta(hours=1),
                                     corrects_id=first.id)
    history = repo.history("pa", item_id="rectec:C01")
    assert [(e.level, e.corrects_id) for e in history] == [(4, None), (2, first.id)]
    assert repo.current_view("pa").items["rectec:C01"].self_.id == second.id  # type: ignore[union-attr]
    assert history[0].comment == "trop haut" and history[0].referential_version == "2019"


def test_ungraded_items_take_a_state(repo: Repository, people: dict[str, str]) -> None:
    repo.record_positioning("pa", "rae:agent-de-proprete/A1", role="self", state="acquired", at=T0)
    repo.record_positioning("pa", "rae:agent-de-proprete/A1", role="accompanist", state="in_progress", at=T0)
    item = repo.current_view("pa").items["rae:agent-de-proprete/A1"]
    assert item.divergent and item.difference == -1
    assert item.self_.referential_version == "2024-test"  # type: ignore[union-attr]


def test_jury_and_tutor_positions_are_kept_apart(repo: Repository, people: dict[str, str]) -> None:
    repo.record_positioning("pa", "rectec:C05", role="tutor", level=2, at=T0)
    repo.record_positioning("pa", "rectec:C05", role="jury", level=3, at=T0)
    item = repo.current_view("pa").items["rectec:C05"]
    assert item.get("tutor").level == 2 and item.get("jury").level == 3  # type: ignore[union-attr]
    assert item.self_ is None and not item.divergent


def test_replay_as_of_a_past_date_returns_what_was_current_then(repo: Repository, people: dict[str, str]) -> None:
    day = dt.timedelta(days=1)
    repo.record_positioning("pa", "rectec:C01", role="self", level=1, at=T0)
    repo.record_positioning("pa", "rectec:C01", role="accompanist", level=1, at=T0 + 2 * day)
    repo.record_positioning("pa", "rectec:C01", role="self", level=2, at=T0 + 10 * day)
    repo.record_positioning("pa", "rectec:C03", role="self", level=3, at=T0 + 20 * day)
    repo.record_positioning("pa", "rectec:C01", role="accompanist", level=3, at=T0 + 30 * day)

    def values(as_of: dt.datetime | dt.date) -> dict[str, tuple[object, object]]:
        view = repo.current_view("pa", as_of=as_of)
        return {k: (v.self_ and v.self_.level, v.accompanist and v.accompanist.level) for k, v in view.items.items()}

    assert values(T0 - day) == {}
    assert values(T0) == {"rectec:C01": (1, None)}
    assert values((T0 + 5 * day).date()) == {"rectec:C01": (1, 1)}
    assert values(T0 + 15 * day) == {"rectec:C01": (2, 1)}
    assert values(T0 + 25 * day) == {"rectec:C01": (2, 1), "rectec:C03": (3, None)}
    assert values(T0 + 40 * day) == {"rectec:C01": (2, 3), "rectec:C03": (3, None)}
    # Events recorded later about the past change the past view only from their own date on.
    repo.record_positioning("pa", "rectec:C03", role="accompanist", level=2, at=T0 + 22 * day)
    assert values(T0 + 21 * day) == {"rectec:C01": (2, 1), "rectec:C03": (3, None)}
    assert values(T0 + 25 * day)["rectec:C03"] == (3, 2)


_events = st.lists(
    st.tuples(st.integers(0, 60), st.sampled_from(["rectec:C01", "rectec:C02", "rectec:C03"]),
              st.sampled_from(["self", "accompanist", "jury"]), st.integers(1, 4)),
    min_size=1, max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=_events, cut=st.integers(-1, 61))
def test_replay_equals_the_latest_event_per_item_and_role_before_the_date(
        repo: Repository, people: dict[str, str], events: list[tuple[int, str, str, int]], cut: int) -> None:
    person = repo.create_person(people["structure"], "P", "esat").id
    stored = [repo.record_positioning(person, item, role=role, level=level, at=T0 + dt.timedelta(days=d))
              for d, item, role, level in events]
    as_of = T0 + dt.timedelta(days=cut)
    expected: dict[tuple[str, str], int] = {}
    for event in sorted(stored, key=lambda e: (e.positioned_at, e.id)):
        if event.positioned_at <= as_of:
            expected[(event.item_id, event.author_role)] = event.level  # type: ignore[assignment]
    view = repo.current_view(person, as_of=as_of)
    got = {(item, role): p.level for item, v in view.items.items() for role, p in v.roles.items()}
    assert got == expected


def test_view_of_self_ignores_accompanist_events() -> None:
    def ev(i: int, role: str, level: int) -> Positioning:
        return Positioning(i, str(i), "p", "rectec:C01", level, None, role, None, "v", None,
                           T0 + dt.timedelta(hours=i), T0)

    own = [ev(1, "self", 2), ev(3, "self", 3)]
    with_co = own + [ev(2, "accompanist", 4), ev(4, "accompanist", 1)]
    assert build_view("p", own).items["rectec:C01"].self_ == build_view("p", with_co).items["rectec:C01"].self_


@pytest.mark.parametrize(
    ("item", "kwargs", "code"),
    [
        ("rectec:C99", {"level": 2}, "unknown_item"),
        ("rectec:C01", {"level": 5}, "level_out_of_range"),
        ("rectec:C01", {"level": 0}, "level_out_of_range"),
        ("rectec:C01", {"state": "acquired"}, "level_required"),
        ("rectec:C01", {}, "level_required"),
        ("rae:agent-de-proprete/A1", {"level": 2}, "state_required"),
        ("rae:agent-de-proprete/A1", {"state": "maybe"}, "bad_state"),
        ("rectec:C01", {"level": 2, "role": "boss"}, "bad_author_role"),
        ("rectec:C01", {"level": 2, "at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)}, "future_positioning"),
        ("rectec:C01", {"level": 2, "at": dt.datetime(2025, 1, 1)}, "naive_datetime"),
        ("rectec:C01", {"level": 2, "comment": "x" * 6000}, "bad_comment"),
        ("rectec:C01", {"level": 2, "author_id": "nobody"}, "unknown_user"),
    ],
)
def test_bad_positionings_are_refused_with_a_bilingual_error_and_change_nothing(
        repo: Repository, people: dict[str, str], item: str, kwargs: dict[str, object], code: str) -> None:
    before = _snapshot(repo)
    kwargs = {"role": "self", **kwargs}
    with pytest.raises(StoreError) as info:
        repo.record_positioning("pa", item, **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
    assert info.value.message_fr and info.value.message_en and info.value.message_fr != info.value.message_en
    assert _snapshot(repo) == before


def test_unknown_person_is_refused(repo: Repository, people: dict[str, str]) -> None:
    with pytest.raises(StoreError) as info:
        repo.record_positioning("ghost", "rectec:C01", role="self", level=1)
    assert info.value.code == "unknown_person"


def test_a_batch_with_one_bad_entry_writes_nothing_and_lists_every_problem(
        repo: Repository, people: dict[str, str]) -> None:
    before = _snapshot(repo)
    entries = [PositioningInput("pa", "rectec:C01", "self", level=2),
               PositioningInput("pa", "rectec:C77", "self", level=2),
               PositioningInput("pb", "rectec:C02", "self", level=9)]
    with pytest.raises(StoreError) as info:
        repo.record_positionings(entries, labels=["l1", "l2", "l3"])
    assert info.value.code == "invalid_positionings"
    assert [d.split(" :")[0] for d in info.value.details] == ["l2", "l3"]
    assert _snapshot(repo) == before


def test_events_are_append_only_in_the_repository_api() -> None:
    # No public method updates or deletes a positioning event.
    names = [n for n in dir(Repository) if not n.startswith("_")]
    assert not [n for n in names if ("positioning" in n) and n.startswith(("update", "delete", "remove", "edit"))]


def test_database_refuses_an_event_with_both_level_and_state(repo: Repository, people: dict[str, str]) -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    with Session(repo.engine) as s, pytest.raises(IntegrityError):
        s.add(PositioningEvent(person_id="pa", item_id="rectec:C01", level=2, state="acquired", author_role="self",
                               referential_version="x", positioned_at=T0))
        s.commit()
    with Session(repo.engine) as s:
        assert s.scalars(select(PositioningEvent)).all() == []


def test_structure_views_give_every_person_of_a_structure(repo: Repository, people: dict[str, str]) -> None:
    repo.record_positioning("pa", "rectec:C01", role="self", level=2, at=T0)
    repo.record_positioning("pb", "rectec:C01", role="self", level=3, at=T0)
    views = repo.structure_views(people["structure"])
    assert {p: v.items["rectec:C01"].self_.level for p, v in views.items()} == {"pa": 2, "pb": 3}  # type: ignore[union-attr]
    assert repo.count_positionings() == 2 and repo.count_positionings("pa") == 1
