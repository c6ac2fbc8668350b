"""The worked example profiles (examples/profiles/) give the recommendation the seeds describe, at each date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from competency_graph.analysis.profile import load_profile
from competency_graph.analysis.recommend import recommend_modalities

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "profiles").glob("*.yaml"))
CASES = [(path, check) for path in EXAMPLES for check in (load_profile(path).expected or [])]


def test_at_least_eight_examples_with_expectations():
    assert len(EXAMPLES) >= 8
    assert all(load_profile(p).expected for p in EXAMPLES)


@pytest.mark.parametrize("path,check", CASES, ids=[f"{p.stem}@{c['as_of']}" for p, c in CASES])
def test_expected_recommendation(shipped_bundle, path, check):
    profile = load_profile(path)
    as_of = check["as_of"] if isinstance(check["as_of"], dt.date) else dt.date.fromisoformat(check["as_of"])
    recs = recommend_modalities(shipped_bundle, profile, as_of)
    by_id = {r.modality: r for r in recs}
    if "top" in check:
        assert recs[0].modality == check["top"], [(r.modality, r.eligible, r.score) for r in recs]
    for modality in check.get("eligible", []):
        assert by_id[modality].eligible, (modality, by_id[modality].missing)
    for modality in check.get("not_eligible", []):
        assert not by_id[modality].eligible, (modality, by_id[modality].reasons)
    top = recs[0]
    assert top.reasons and top.sources  # every recommendation explains itself and cites its rules


def test_law_change_vae_minimum(shipped_bundle):
    profile = load_profile(next(p for p in EXAMPLES if p.stem == "vae-8-mois-reforme-2024"))
    before = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2023, 12, 31))}
    after = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2024, 1, 1))}
    assert not before["modality:vae"].eligible
    assert any("12 mois" in m for m in before["modality:vae"].missing)
    assert after["modality:vae"].eligible
    assert any("8 mois" in r for r in after["modality:vae"].reasons)


def test_competences_pec_closes_end_2022(shipped_bundle):
    profile = load_profile(next(p for p in EXAMPLES if p.stem == "pec-vae-12-mois"))
    open_ = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2022, 12, 31))}
    closed = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2023, 1, 1))}
    assert open_["modality:competences-pec"].eligible
    assert not closed["modality:competences-pec"].eligible
    assert any("31/12/2022" in m for m in closed["modality:competences-pec"].missing)


def test_pec_vae_needs_experience_outside_pec(shipped_bundle):
    """12 months in PEC only is not enough for VAE through Compétences PEC."""
    from competency_graph.analysis.profile import parse_profile

    profile = parse_profile(
        "person: {id: x, status: pec, writing: fluent, goal: certification}\n"
        "experience: [{job: rsfp:agent-de-nettoyage-de-locaux, months: 13, in_pec: true}]\n"
        "target: rncp:RNCP37794\n")
    recs = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2022, 6, 1))}
    assert not recs["modality:vae"].eligible
    assert any("hors PEC" in m for m in recs["modality:vae"].missing)
    assert recs["modality:rsfp"].eligible and recs["modality:clea"].eligible
