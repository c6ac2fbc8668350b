"""The accompanist's "Objectif et parcours", the candidate's "Ma prochaine étape" and the CLI give the same
answer for the same person on the same day: the record exported as a profile file and read by
``competency-graph recommend`` ranks the modalities exactly as the pages do."""

from __future__ import annotations

import datetime as dt
import json

from apphelpers import IDENTITIES, open_page, texts
from typer.testing import CliRunner

from competency_graph.analysis.profile import dump_profile
from competency_graph.cli import app
from competency_graph.services import guidance
from competency_graph.services import profiles as profiles_service
from competency_graph.ui.i18n import t

PERSON = "demo-lea"


def _cli_answer(ctx, tmp_path, command: str) -> object:
    path = tmp_path / "profile.yaml"
    path.write_text(dump_profile(profiles_service.export_profile(ctx.repo, PERSON)), encoding="utf-8")
    result = CliRunner().invoke(app, [command, str(path), "--as-of", dt.date.today().isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _plain(modality: str, label: str) -> str:
    plain = t(f"modality_plain.{modality.split(':', 1)[-1]}")
    return label if plain.startswith("modality_plain.") else plain


def test_pages_and_cli_rank_the_modalities_the_same_way(ctx, tmp_path):
    cli = _cli_answer(ctx, tmp_path, "recommend")
    service = guidance.recommendations(ctx.as_actor(IDENTITIES["accompanist"]), PERSON, dt.date.today())
    assert [(r["modality"], r["eligible"], r["variant"]) for r in cli] == \
        [(r.modality, r.eligible, r.variant) for r in service]

    labels = {r.modality: r.label for r in service}
    guidance_page = open_page("accompanist", "accompanist_guidance", person_id=PERSON)
    shown = [e.label.split(". ", 1)[1].split(" — ")[0] for e in guidance_page.expander
             if e.label[:1].isdigit()][:len(cli)]
    assert shown == [labels[r["modality"]] for r in cli]
    best = next(r for r in cli if r["eligible"])
    if best["variant"]:
        assert t("advice.variant", label=next(s.variant_label for s in service if s.modality == best["modality"])) \
            in texts(guidance_page)

    next_page = open_page("candidate", "candidate_next")
    assert f"### {_plain(best['modality'], labels[best['modality']])}" in [m.value for m in next_page.markdown]


def test_pathway_page_and_cli_plan_the_same_steps(ctx, tmp_path):
    cli = _cli_answer(ctx, tmp_path, "pathway")
    page = open_page("accompanist", "accompanist_guidance", person_id=PERSON)
    text = texts(page)
    for n, step in enumerate(cli["steps"], 1):
        assert f"**{n}. {step['label']}" in text
        day = dt.date.fromisoformat(step["eligible_from"])
        assert t("advice.step_from", date=f"{day:%d/%m/%Y}") in text
    assert set(cli["steps"][0]) >= {"modality", "eligible_from", "blocs", "duration_months", "duration_source"}


def test_advice_pdf_carries_the_same_answer_and_its_provenance(ctx, tmp_path):
    import io

    from pypdf import PdfReader

    from competency_graph.security import audit

    cli = _cli_answer(ctx, tmp_path, "pathway")
    target = ctx.repo.get_person(PERSON).target
    data = guidance.advice_pdf(ctx, IDENTITIES["accompanist"], PERSON, target, dt.date.today())
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Objectif et parcours" in text and "À vérifier" in text
    first = cli["steps"][0]
    assert f"à partir du {dt.date.fromisoformat(first['eligible_from']):%d/%m/%Y}" in text
    assert any(e.record_kind == "advice_pdf" and e.action == "export"
               for e in audit.list_audit(ctx.repo, "demo-admin"))
