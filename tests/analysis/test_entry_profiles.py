"""Training entry profiles ("attendus d'entrée en formation") as targets: resolution, gaps, course links."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.analysis.course_links import design_course_links
from competency_graph.analysis.gaps import compute_gaps
from competency_graph.analysis.pathway import plan_pathway
from competency_graph.analysis.profile import Position, parse_profile
from competency_graph.analysis.recommend import gather_facts, recommend_modalities
from competency_graph.analysis.targets import (
    ENTRY_PROFILE_KIND,
    TargetError,
    entry_profiles,
    is_entry_profile,
    resolve_target,
)

CUISINE = "formation:cap-cuisine-apprentissage"


def _expected_levels(bundle, profile_id):
    """The circles the referential file declares for the profile, read from the edges (not from the engine)."""
    return {e.target: e.level for e in bundle.edges_from(profile_id, "requires-level")}


def test_shipped_entry_profiles_are_sourced_reconstructed_and_unverified(shipped_bundle):
    profiles = entry_profiles(shipped_bundle)
    assert len(profiles) >= 3
    for item in profiles:
        assert item.id.startswith("formation:") and item.label.startswith("Entrée")
        assert item.provenance == "reconstructed" and item.model.sources
        edges = shipped_bundle.edges_from(item.id, "requires-level")
        assert edges and all(e.target.startswith("rectec:C") and 1 <= e.level <= 4 for e in edges)
        assert all(e.link is not None and e.link.verified is False for e in edges)
    assert not is_entry_profile(shipped_bundle.items["rectec:C01"])


def test_entry_profile_target_requires_exactly_its_own_circles(shipped_bundle):
    target = resolve_target(shipped_bundle, CUISINE)
    assert target.kind == ENTRY_PROFILE_KIND
    assert all(r.graded and r.why == CUISINE for r in target.requirements)
    assert {r.item: r.level for r in target.requirements} == _expected_levels(shipped_bundle, CUISINE)
    # entering a training is not a certification: no VAE, no bloc coverage
    assert target.certifications == ()
    # the work situations come from the related trade (and the RSFP jobs of its field)
    assert "rae:cuisinier" in target.occupations
    assert all(shipped_bundle.items[o].kind in ("trade", "job") for o in target.occupations)


def test_entry_level_is_below_or_equal_to_the_trade_exit_level(shipped_bundle):
    entry = {r.item: r.level for r in resolve_target(shipped_bundle, CUISINE).requirements}
    trade = {r.item: r.level for r in resolve_target(shipped_bundle, "rae:cuisinier").requirements if r.graded}
    shared = set(entry) & set(trade)
    assert shared and all(entry[c] <= trade[c] for c in shared)


def test_gaps_to_an_entry_profile(shipped_bundle):
    target = resolve_target(shipped_bundle, CUISINE)
    expected = _expected_levels(shipped_bundle, CUISINE)
    first, second = sorted(expected)[:2]
    positions = {first: Position(item=first, self=1, co=expected[first]),  # reached, confirmed
                 second: Position(item=second, self=expected[second])}  # reached, self only
    report = compute_gaps(shipped_bundle, positions, target)
    rows = {r.item: r for r in report.rows}
    assert rows[first].gap == 0 and rows[first].confirmed
    assert rows[second].gap == 0 and not rows[second].confirmed
    others = [r for item, r in rows.items() if item not in (first, second)]
    assert all(r.self_level is None and r.co_level is None and r.gap == r.required for r in others)
    assert report.met == 2 and report.total == len(expected)
    assert report.total_gap == sum(level for item, level in expected.items() if item not in (first, second))


def test_course_links_close_a_group_gap_to_an_entry_profile(shipped_bundle):
    target = resolve_target(shipped_bundle, CUISINE)
    text = """
person: {id: p1, status: esat}
positions:
  - {item: rectec:C01, self: 1, co: 1}
"""
    profile = parse_profile(text)
    links = design_course_links(shipped_bundle, [profile], target)
    expected = _expected_levels(shipped_bundle, CUISINE)
    # one maillon per missing circle: C01 from 1 to its level, the other competencies from 0
    assert len(links) == sum(level - (1 if item == "rectec:C01" else 0) for item, level in expected.items())
    assert {(link.competency, link.to_level) for link in links} == {
        (item, lvl) for item, level in expected.items() for lvl in range((1 if item == "rectec:C01" else 0) + 1,
                                                                        level + 1)}
    # situations come from activities, the cuisinier's first
    situated = [link for link in links if link.situations]
    assert situated
    assert any(s["activity"].startswith("rae:cuisinier/") for link in situated for s in link.situations)
    assert all(link.people == ["p1"] for link in links)


def test_recommendation_and_pathway_accept_an_entry_profile(shipped_bundle):
    profile = parse_profile(f"""
person: {{id: p1, status: esat, networks: [rae]}}
target: {CUISINE}
positions:
  - {{item: rectec:C01, self: 2}}
""")
    facts = gather_facts(shipped_bundle, profile, resolve_target(shipped_bundle, CUISINE))
    # no certification behind the target (no VAE flag, no bloc coverage), but a referential route (RAE cuisinier)
    assert facts.has_target and facts.target_vae_open is None and not facts.bloc_coverage
    # C01 meets its circle 2; the other expectations are not positioned: unknown, not a gap to consolidate
    # (changed in issue 14: an unpositioned item used to count as a gap and sent people to an AFEST)
    assert facts.target_has_referential_route and facts.has_gap is False
    below = profile.model_copy(update={"positions": [profile.positions[0].model_copy(update={"self": 1})]})
    assert gather_facts(shipped_bundle, below, resolve_target(shipped_bundle, CUISINE)).has_gap is True
    recs = recommend_modalities(shipped_bundle, profile, dt.date(2025, 6, 1))
    assert {r.modality for r in recs} >= {"modality:rae", "modality:vae"}
    path = plan_pathway(shipped_bundle, profile, CUISINE, dt.date(2025, 6, 1))
    assert path.target == CUISINE


def test_unknown_or_plain_competency_is_not_an_entry_profile(shipped_bundle):
    with pytest.raises(TargetError):
        resolve_target(shipped_bundle, "formation:does-not-exist")
    assert resolve_target(shipped_bundle, "rectec:C01").kind == "competency"
