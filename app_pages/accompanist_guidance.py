"""Accompanist: gaps to a chosen target with bloc coverage, the ranked recognition modalities with reasons and
sources, and the proposed pathway."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from competency_graph.services import guidance, people
from competency_graph.ui import cache, session
from competency_graph.ui.easyread import competency_picto
from competency_graph.ui.formats import fr_months, fr_number, fr_percent
from competency_graph.ui.i18n import t
from competency_graph.ui.pickers import entry_profile_details, person_picker, target_picker

GAP_STYLE = "background-color: #FFE0B2"

ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("guidance.title"))
person = person_picker(ctx, identity)
left, right = st.columns([3, 1])
with left:
    target_id = target_picker(guidance.target_options(ctx.bundle), people.usable_target(ctx.bundle, person.target),
                              key=f"g_target-{person.id}")
as_of = right.date_input(t("guidance.as_of"), value=dt.date.today(), format="DD/MM/YYYY", key="g_as_of")
entry_profile_details(ctx.bundle, target_id)


def shown(value: int | None, graded: bool) -> str:
    if value is None:
        return "–"
    if graded:
        return f"cercle {value}" if value else "–"
    return t("state_short." + {0: "not_yet", 1: "in_progress", 2: "acquired"}.get(value, "not_yet"))


def confirmation(row) -> str:
    """✓ when the accompanist positioned the item; else whether the person did (self only) or nobody did."""
    if row.confirmed:
        return "✓"
    return t("guidance.unconfirmed") if row.self_level is not None else t("guidance.unpositioned")


# One guarded read (and one audit entry) for the whole page.
page = guidance.guidance_page(ctx, person.id, target_id, as_of)
if target_id is None:
    st.info(t("guidance.no_target"))
else:
    report = page.gaps
    st.subheader(t("guidance.gaps"))
    st.write(t("guidance.gaps_summary", met=report.met, total=report.total, gap=report.total_gap))
    for note in guidance.gap_notes(ctx, target_id):
        st.warning(f"{t('advice.provenance')} : {note}", icon="⚠️")
    frame = pd.DataFrame([{
        t("guidance.col.item"): f"{competency_picto(r.item)} {r.label}",
        t("guidance.col.self"): shown(r.self_level, r.graded),
        t("guidance.col.co"): shown(r.co_level, r.graded),
        t("guidance.col.required"): shown(r.required, r.graded),
        t("guidance.col.gap"): r.gap,
        t("guidance.col.confirmed"): confirmation(r),
    } for r in report.rows])
    gaps = [r.gap > 0 for r in report.rows]
    st.dataframe(frame.style.apply(lambda col: [GAP_STYLE if g else "" for g in gaps], axis=0),
                 hide_index=True, width="stretch", height=min(420, 40 + 35 * len(report.rows)))

    st.subheader(t("guidance.coverage"))
    blocs = page.coverage
    if not blocs:
        st.caption(t("guidance.no_coverage"))
    for bloc in blocs:
        st.progress(bloc.share, text=f"{t('guidance.coverage_row', label=bloc.label, covered=len(bloc.covered), total=bloc.total)}"
                                     f" · {fr_percent(bloc.share)}")

st.subheader(t("guidance.modalities"))
for rank, rec in enumerate(page.recommendations, 1):
    flag = t("guidance.eligible") if rec.eligible else t("guidance.not_eligible")
    if not rec.eligible and rec.eligible_from is not None:
        flag += " · " + t("advice.opens_on", date=f"{rec.eligible_from:%d/%m/%Y}")
    title = f"{rank}. {rec.label} — {flag} · {t('guidance.score', score=fr_number(rec.score, 2))}"
    with st.expander(title, expanded=rank == 1):
        if rec.variant_label:
            st.markdown(f"**{t('advice.variant', label=rec.variant_label)}**")
        st.caption(t("guidance.duration", months=fr_months(rec.duration_months)))
        if rec.reasons:
            st.markdown(f"**{t('guidance.reasons')}**")
            st.markdown("\n".join(f"- {r}" for r in rec.reasons))
        if rec.missing:
            st.markdown(f"**{t('guidance.missing')}**")
            st.markdown("\n".join(f"- {m}" for m in rec.missing))
        if rec.sources:
            st.markdown(f"**{t('guidance.sources')}**")
            for source in rec.sources:
                st.caption(source)
        if rec.provenance:
            st.markdown(f"**{t('advice.provenance')}**")
            st.markdown("\n".join(f"- {note}" for note in rec.provenance))

if target_id is not None:
    st.subheader(t("guidance.pathway"))
    path = page.pathway
    if path is None:
        st.info(t("guidance.pathway_unavailable"))
    else:
        if path.held:
            st.caption(t("advice.held", blocs=", ".join(ctx.bundle.label(b) for b in path.held)))
        if not path.steps:
            st.info(path.note or t("advice.no_step"))
        for n, step in enumerate(path.steps, 1):
            with st.container(border=True):
                st.markdown(f"**{t('guidance.step', n=n, label=step.label, months=fr_months(step.duration_months))}**"
                            f" · {t('advice.step_from', date=f'{step.eligible_from:%d/%m/%Y}')}")
                if step.blocs:
                    st.caption(t("guidance.validates", blocs=", ".join(ctx.bundle.label(b) for b in step.blocs)))
                if step.note:
                    st.caption(step.note)
                st.caption(t("advice.duration_source", source=step.duration_source) if step.duration_source
                           else t("advice.duration_unsourced"))
        if path.steps:
            st.write(t("guidance.pathway_total", months=fr_months(path.total_months)))
            if path.note:
                st.caption(path.note)
        for note in path.provenance:
            st.warning(f"{t('advice.provenance')} : {note}", icon="⚠️")

st.download_button(t("advice.pdf"), lambda: guidance.advice_pdf(ctx, identity, person.id, target_id, as_of),
                   file_name=f"objectif-parcours-{as_of:%Y-%m-%d}.pdf", mime="application/pdf", key="advice_pdf")
