"""Gaps, coverage, pathway and course links: unit tests and hypothesis properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_graph.analysis.course_links import design_course_links
from competency_graph.analysis.coverage import acquired_items, bloc_coverage
from competency_graph.analysis.gaps import cohort_gaps, cohort_gaps_naive, compute_gaps
from competency_graph.analysis.pathway import plan_pathway
from competency_graph.analysis.profile import Position, parse_profile
from competency_graph.analysis.targets import resolve_target

RECTEC = [f"rectec:C{i:02d}" for i in range(1, 13)]
level = st.one_of(st.none(), st.integers(1, 4))


def _positions(pairs):
    return {item: Position(item=item, self=s, co=c) for item, (s, c) in pairs.items() if s is not None or c is not None}


def test_retained_is_accompanist_else_self_not_confirmed(shipped_bundle):
    target = resolve_target(shipped_bundle, "rncp:RNCP38386")
    positions = _positions({"rectec:C01": (3, 1), "rectec:C02": (2, None)})
    rows = {r.item: r for r in compute_gaps(shipped_bundle, positions, target).rows}
    assert (rows["rectec:C01"].retained, rows["rectec:C01"].confirmed, rows["rectec:C01"].divergence) == (1, True, -2)
    assert (rows["rectec:C02"].retained, rows["rectec:C02"].confirmed, rows["rectec:C02"].divergence) == (2, False, None)
    assert rows["rectec:C01"].gap == rows["rectec:C01"].required - 1
    report = compute_gaps(shipped_bundle, positions, target)
    assert report.divergences == 1
    assert "rectec:P1" in report.by_pole


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(RECTEC), st.tuples(level, level)))
def test_gap_never_negative_and_self_view_independent_of_accompanist(shipped_bundle, pairs):
    target = resolve_target(shipped_bundle, "rae:cuisinier")
    positions = _positions(pairs)
    report = compute_gaps(shipped_bundle, positions, target)
    assert all(r.gap >= 0 for r in report.rows)
    # adding (or changing) an accompanist positioning never changes the self view
    with_co = {k: Position(item=k, self=p.self, co=4) for k, p in positions.items()}
    again = compute_gaps(shipped_bundle, with_co, target)
    assert [r.self_level for r in report.rows] == [r.self_level for r in again.rows]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_coverage_between_0_and_1_and_monotone(shipped_bundle, data):
    candidates = sorted(i.id for i in shipped_bundle.items.values()
                        if i.id.startswith(("rae:ouvrier-paysagiste/", "rncp:RNCP38386BC")))
    small = set(data.draw(st.lists(st.sampled_from(candidates), max_size=15)))
    extra = set(data.draw(st.lists(st.sampled_from(candidates), max_size=15)))
    before = bloc_coverage(shipped_bundle, small, "rncp:RNCP38386")
    after = bloc_coverage(shipped_bundle, small | extra, "rncp:RNCP38386")
    for b, a in zip(before, after):
        assert 0.0 <= b.share <= 1.0 and 0.0 <= a.share <= 1.0
        assert a.share >= b.share


def test_acquired_trade_covers_professional_blocs(shipped_bundle):
    activities = [a for a in shipped_bundle.children("rae:ouvrier-paysagiste") if a.kind == "activity"]
    positions = {a.id: Position(item=a.id, co="acquired") for a in activities}
    coverage = bloc_coverage(shipped_bundle, acquired_items(shipped_bundle, positions), "rncp:RNCP38386")
    assert max(c.share for c in coverage) > 0
    assert min(c.share for c in coverage) < 1  # general-education blocs are left to training


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60), st.integers(0, 4), st.floats(0, 1))
def test_cohort_vectorised_equals_naive(people, items, missing_share):
    rng = np.random.default_rng(people * 31 + items)
    req = {f"rectec:C{i:02d}": int(rng.integers(1, 5)) for i in range(1, items + 2)}
    rows = []
    for p in range(people):
        for item in req:
            if rng.random() < missing_share:
                continue
            s = float(rng.integers(1, 5))
            c = float(rng.integers(1, 5)) if rng.random() < 0.5 else np.nan
            rows.append((f"p{p}", item, s, c))
    rows.append(("p0", "rectec:C12", 1.0, np.nan))  # an item outside the requirements is ignored
    frame = pd.DataFrame(rows, columns=["person", "item", "self", "co"])
    fast = cohort_gaps(frame, req)
    slow = cohort_gaps_naive(frame, req).reindex(index=fast.index, columns=fast.columns)
    assert (fast.to_numpy() == slow.to_numpy()).all()
    assert (fast[list(req)].to_numpy() >= 0).all()


@pytest.mark.parametrize("layout", ["sorted", "grouped", "shuffled", "object"])
def test_cohort_long_frame_equals_naive(layout):
    """Past 1,024 rows the person codes come from runs of equal strings (sorted, or only grouped by person)
    or from a hash per row (shuffled, or not Arrow-backed): every path gives the loop's table."""
    rng = np.random.default_rng(11)
    req = {item: int(rng.integers(1, 5)) for item in RECTEC[:5]}
    people = [f"p{i:04d}" for i in range(800)]
    if layout == "grouped":
        people = list(rng.permutation(people))
    rows = [(p, item, float(rng.integers(0, 5)), float(rng.integers(1, 5)) if rng.random() < 0.6 else np.nan)
            for p in people for item in RECTEC[:7] if rng.random() < 0.9]
    frame = pd.DataFrame(rows, columns=["person", "item", "self", "co"])
    frame.loc[frame.index[::17], "self"] = np.nan
    if layout == "shuffled":
        frame = frame.sample(frac=1, random_state=3).reset_index(drop=True)
    if layout == "object":
        frame = frame.astype({"person": object, "item": object})
    fast = cohort_gaps(frame, req)
    slow = cohort_gaps_naive(frame, req)
    assert list(fast.index) == list(dict.fromkeys(frame["person"])) == list(slow.index)  # first appearance
    assert list(fast.columns) == [*req, "total_gap", "met"] and (fast.dtypes == np.int64).all()
    assert (fast.to_numpy() == slow.reindex(columns=fast.columns).to_numpy()).all()


def _cohort_gaps_before_issue_19(positions, requirements):
    """``cohort_gaps`` as it was before its fast paths (commit cb750ee), frozen for the edge cases below."""
    items = list(requirements)
    required = np.array([requirements[i] for i in items], dtype=np.int16)
    person_codes, people = pd.factorize(positions["person"], sort=False)
    raw_codes, item_values = pd.factorize(positions["item"], sort=False)
    item_codes = pd.Index(items).get_indexer(item_values)[raw_codes]
    keep = item_codes >= 0
    co = positions["co"].to_numpy(dtype=float)
    retained = np.where(np.isnan(co), positions["self"].to_numpy(dtype=float), co)
    with np.errstate(invalid="ignore"):
        retained = np.nan_to_num(retained[keep], nan=0.0).astype(np.int16)
    matrix = np.zeros((len(people), len(items)), dtype=np.int16)
    matrix[person_codes[keep], item_codes[keep]] = retained
    gaps = np.clip(required[None, :] - matrix, 0, None)
    table = np.column_stack([gaps, gaps.sum(axis=1), (gaps == 0).sum(axis=1)])
    return pd.DataFrame(table, index=pd.Index(people, name="person"), columns=[*items, "total_gap", "met"])


@pytest.mark.parametrize("dtype", ["str", object, "string[pyarrow]", "large_string[pyarrow]", "category"])
@pytest.mark.parametrize("rows", [0, 1, 50, 3000])
def test_cohort_edge_inputs_equal_the_code_before_the_fast_paths(dtype, rows):
    """Levels beyond int16, ±inf, NaN, 2.5 and negatives; missing persons and items; items not required;
    duplicated (person, item) rows; grouped and sorted persons; an index that is not a RangeIndex."""
    rng = np.random.default_rng(rows)
    levels = np.array([np.nan, 0, 1, 2.5, -2.5, -1, 4, 32767, 32768, 40000.0, -40000, 3e9, np.inf, -np.inf, 1e300])
    people = np.array([f"p{i:05d}" for i in range(max(1, rows // 4))])
    frame = pd.DataFrame({"person": people[np.sort(rng.integers(0, len(people), rows))] if rows % 2 == 0
                          else people[rng.integers(0, len(people), rows)],
                          "item": rng.choice(["a", "b", "c", "x"], rows),
                          "self": rng.choice(levels, rows), "co": rng.choice(levels, rows)},
                         index=pd.Index(np.arange(rows)[::-1] * 3))
    if dtype == "large_string[pyarrow]":
        import pyarrow as pa
        dtype = pd.ArrowDtype(pa.large_string())
    for column in ("person", "item"):
        frame[column] = frame[column].astype(dtype)
    req = {"a": 3, "b": 2, "c": 32767, "z": 1}
    expected = _cohort_gaps_before_issue_19(frame, req)
    pd.testing.assert_frame_equal(cohort_gaps(frame, req), expected)
    if rows:
        holes = frame.astype({"person": object, "item": object})
        holes.iloc[::7, 0] = None  # a row without a person lands on the last person, as before
        holes.iloc[::5, 1] = None
        try:
            expected = _cohort_gaps_before_issue_19(holes, req)
        except IndexError:  # only missing items: the code before raised too
            with pytest.raises(IndexError):
                cohort_gaps(holes, req)
            return
        pd.testing.assert_frame_equal(cohort_gaps(holes, req), expected)


def test_pathway_rae_then_partial_vae_then_training(shipped_bundle):
    from pathlib import Path

    from competency_graph.analysis.profile import load_profile

    profile = load_profile(Path(__file__).resolve().parents[2] / "examples/profiles/ea-paysagiste-rae-cap.yaml")
    path = plan_pathway(shipped_bundle, profile, as_of=dt.date(2024, 6, 1))
    mods = [s.modality for s in path.steps]
    assert mods[0] == "modality:rae" and "modality:vae" in mods
    assert path.total_months == round(sum(s.duration_months for s in path.steps), 1)
    vae = next(s for s in path.steps if s.modality == "modality:vae")
    if mods[-1] == "modality:formation":
        training = path.steps[-1]
        assert set(vae.validates).isdisjoint(training.validates)
        assert training.validates  # the blocs a partial VAE cannot cover yet


def test_course_links_ordered_prerequisites_first(shipped_bundle):
    target = resolve_target(shipped_bundle, "rae:cuisinier")
    profiles = [
        parse_profile("person: {id: a, status: ime}\npositions: [{item: rectec:C01, self: 1}]\n"),
        parse_profile("person: {id: b, status: ime}\npositions: [{item: rectec:C01, self: 2, co: 2}, {item: rectec:C02, self: 2}]\n"),
    ]
    links = design_course_links(shipped_bundle, profiles, target)
    keys = [l.key for l in links]
    assert keys.index("rectec:C01#2") < keys.index("rectec:C01#3")
    c01_2 = next(l for l in links if l.key == "rectec:C01#2")
    assert c01_2.people == ["a"] and c01_2.from_level == 1
    assert next(l for l in links if l.key == "rectec:C01#3").people == ["a", "b"]
    assert all(l.situations for l in links if l.competency == "rectec:C01")
    assert [l.order for l in links] == list(range(1, len(links) + 1))


def test_profile_errors_are_located():
    import pytest

    from competency_graph.problems import ReferentialError

    with pytest.raises(ReferentialError) as info:
        parse_profile("person: {id: a, status: martian}\n", "p.yaml")
    assert "p.yaml:1:" in str(info.value) and "[invalid-value]" in str(info.value)
