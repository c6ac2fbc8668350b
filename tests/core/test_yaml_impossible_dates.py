"""Regression (found by atheris in CI): a timestamp-shaped scalar that is no date made PyYAML raise ValueError
out of the loader; it is now a located problem like any other YAML error."""

from __future__ import annotations

from competency_graph.yamlsource import read_positioned


def test_an_impossible_date_is_a_located_problem_not_a_crash() -> None:
    text = "sources:\n  - {title: Fixture, date: 2026-21-01}\n2026-13-45: key\n"
    data, _positions, problems = read_positioned(text, "fuzz.yaml")
    assert [p.code for p in problems] == ["yaml-syntax", "yaml-syntax"]
    assert problems[0].location.line == 2 and "month must be in 1..12" in problems[0].message
    assert problems[1].location.line == 3
    assert data["sources"][0]["date"] is None
