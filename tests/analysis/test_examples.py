"""The worked example profiles (examples/profiles/) give the answer the seeds and the law describe, at each date.

Each file carries ``source:`` (the seed passage or legal text the case comes from) and ``expected:``, a list
of checks by date: ``top``, ``eligible``, ``not_eligible``, ``variant`` ({modality: variant}),
``eligible_from`` ({modality: date it opens}), ``reasons`` / ``missing`` / ``sources`` ({modality: [text
fragments]}), ``pathway`` (the modalities of the planned pathway, in order) and ``pathway_excludes`` (blocs
the pathway must not plan).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from competency_graph.analysis.pathway import plan_pathway
from competency_graph.analysis.profile import load_profile
from competency_graph.analysis.recommend import recommend_modalities

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "profiles").glob("*.yaml"))
CASES = [(path, check) for path in EXAMPLES for check in (load_profile(path).expected or [])]
KNOWN_KEYS = {"as_of", "top", "eligible", "not_eligible", "variant", "eligible_from", "reasons", "missing", "sources",
              "pathway", "pathway_excludes"}


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def test_at_least_twenty_five_sourced_examples_with_expectations():
    assert len(EXAMPLES) >= 25
    for path in EXAMPLES:
        profile = load_profile(path)
        assert profile.expected, path.name
        cited = profile.source.lower() if profile.source else ""
        assert any(k in cited for k in ("seed", "source 00", "code ", "loi ", "décret", "rncp")), path.name
        for check in profile.expected:
            assert set(check) <= KNOWN_KEYS, (path.name, set(check) - KNOWN_KEYS)


@pytest.mark.parametrize("path,check", CASES, ids=[f"{p.stem}@{c['as_of']}" for p, c in CASES])
def test_expected_recommendation(shipped_bundle, path, check):
    profile = load_profile(path)
    as_of = _date(check["as_of"])
    recs = recommend_modalities(shipped_bundle, profile, as_of)
    by_id = {r.modality: r for r in recs}
    summary = [(r.modality, r.eligible, r.goal_fit, r.feasible, r.tier, r.score) for r in recs]
    if "top" in check:
        assert recs[0].modality == check["top"], summary
    for modality in check.get("eligible", []):
        assert by_id[modality].eligible, (modality, by_id[modality].missing)
    for modality in check.get("not_eligible", []):
        assert not by_id[modality].eligible, (modality, by_id[modality].reasons)
    for modality, variant in (check.get("variant") or {}).items():
        assert by_id[modality].variant == variant, (modality, by_id[modality].variant)
    for modality, day in (check.get("eligible_from") or {}).items():
        assert not by_id[modality].eligible and by_id[modality].eligible_from == _date(day), (
            modality, by_id[modality].eligible_from, by_id[modality].missing)
        assert any(f"à partir du {_date(day):%d/%m/%Y}" in m for m in by_id[modality].missing)
    for field in ("reasons", "missing", "sources"):
        for modality, fragments in (check.get(field) or {}).items():
            texts = " | ".join(getattr(by_id[modality], field))
            for fragment in fragments:
                assert fragment in texts, (modality, field, fragment, texts)
    if "pathway" in check or "pathway_excludes" in check:
        path_ = plan_pathway(shipped_bundle, profile, as_of=as_of)
        if "pathway" in check:
            assert [s.modality for s in path_.steps] == check["pathway"], [(s.modality, s.eligible_from) for s in path_.steps]
        planned = {b for s in path_.steps for b in s.blocs}
        assert planned.isdisjoint(check.get("pathway_excludes", [])), planned
    top = recs[0]
    assert top.reasons and top.sources  # every recommendation explains itself and cites its rules


def test_law_change_vae_minimum(shipped_bundle):
    profile = load_profile(next(p for p in EXAMPLES if p.stem == "vae-8-mois-reforme-2024"))
    before = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2023, 12, 31))}
    after = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2024, 1, 1))}
    assert not before["modality:vae"].eligible
    assert any("12 mois" in m for m in before["modality:vae"].missing)
    assert before["modality:vae"].eligible_from == dt.date(2024, 1, 1)
    assert after["modality:vae"].eligible
    assert any("8 mois" in r for r in after["modality:vae"].reasons)
    assert any("Code de l'éducation, art. L335-5" in s for s in before["modality:vae"].sources)
    assert any("2023-1275" in s for s in after["modality:vae"].sources)
    # the seed (December 2024) still says one year: the reasons say the law changed
    assert any("document source 003" in r for r in after["modality:vae"].reasons)


def test_competences_pec_closes_end_2022(shipped_bundle):
    profile = load_profile(next(p for p in EXAMPLES if p.stem == "pec-vae-12-mois"))
    open_ = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2022, 12, 31))}
    closed = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2023, 1, 1))}
    assert open_["modality:competences-pec"].eligible
    assert not closed["modality:competences-pec"].eligible
    assert any("31/12/2022" in m for m in closed["modality:competences-pec"].missing)


def test_pec_months_in_pec_count_for_common_law_vae_not_for_the_competences_pec_track(shipped_bundle):
    """Changed in issue 14: 13 months in PEC (none outside) used to make VAE ineligible. Per seed 000 and
    DOMAIN.md, the "12 months outside PEC" condition belongs to the VAE track of Compétences PEC only;
    common-law VAE (one year of experience before 2024, Code de l'éducation L335-5) stays open."""
    from competency_graph.analysis.profile import parse_profile

    profile = parse_profile(
        "person: {id: x, status: pec, writing: fluent, goal: certification}\n"
        "experience: [{job: rsfp:agent-de-nettoyage-de-locaux, months: 13, in_pec: true}]\n"
        "target: rncp:RNCP37794\n")
    recs = {r.modality: r for r in recommend_modalities(shipped_bundle, profile, dt.date(2022, 6, 1))}
    assert recs["modality:vae"].eligible
    assert any("droit commun" in r for r in recs["modality:vae"].reasons)
    pec = recs["modality:competences-pec"]
    assert pec.eligible and any("Voie RSFP ou CléA" in r and "hors PEC" in r for r in pec.reasons)
    assert recs["modality:rsfp"].eligible and recs["modality:clea"].eligible


def test_vae_toward_an_ended_certification_names_its_successor():
    """RNCP registration windows and successors (NOUVEAU_RNCP): the VAE says the registration ended and points
    to the certification that replaces it; the training too."""
    import dataclasses

    from competency_graph.analysis.profile import parse_profile
    from competency_graph.loader import load_bundle

    bundle = load_bundle([Path(__file__).resolve().parents[2] / "referentials"])  # a private copy to change
    old = bundle.items["rncp:RNCP35317"]
    bundle.items[old.id] = dataclasses.replace(old, model=old.model.model_copy(update={
        "end_date": dt.date(2024, 8, 31), "replaced_by": ["rncp:RNCP26650"]}))
    profile = parse_profile("person: {id: x, status: employee, writing: fluent, goal: certification}\n"
                            "contracts: [{kind: cdi, start: 2020-01-06, job: 'rome:G1603'}]\n"
                            "target: rncp:RNCP35317\n")
    last_day = {r.modality: r for r in recommend_modalities(bundle, profile, dt.date(2024, 8, 31))}
    after = {r.modality: r for r in recommend_modalities(bundle, profile, dt.date(2024, 9, 1))}
    assert last_day["modality:vae"].eligible
    vae = after["modality:vae"]
    assert not vae.eligible and vae.eligible_from is None
    text = " ".join(vae.missing)
    assert "a pris fin le 31/08/2024" in text and "rncp:RNCP26650" in text and "CAP Cuisine" in text
    assert any("rncp:RNCP26650" in m for m in after["modality:formation"].missing)
