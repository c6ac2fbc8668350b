"""Candidate: "Ma prochaine étape" — the best recognition route and the next circle to reach, in plain words."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import accounts, exports, guidance
from competency_graph.ui import cache, session
from competency_graph.ui.easyread import competency_picto, level_picto, read_aloud
from competency_graph.ui.i18n import t, t_easy

ctx = cache.context()
identity = session.require_role("candidate")
person = accounts.require_person(ctx, identity, identity.person_id or "")
easy = session.easy_read()

st.title(t("next.title"))
step = guidance.next_step(ctx, person.id)
spoken = []

with st.container(border=True):
    st.subheader(f"🏅 {t('next.recognition')}")
    rec = step.recommendation
    if rec is None:
        st.write(t("next.no_recommendation"))
        spoken.append(t("next.no_recommendation"))
    else:
        plain = t(f"modality_plain.{rec.modality.split(':', 1)[-1]}")
        if plain.startswith("modality_plain."):
            plain = rec.label
        st.markdown(f"### {plain}")
        spoken.append(plain)
        if rec.variant_label:
            st.markdown(t("next.variant", label=rec.variant_label))
            spoken.append(t("next.variant", label=rec.variant_label))
        if not easy:
            st.caption(rec.label)
            if rec.reasons:
                st.write(t("next.why", reason=rec.reasons[0]))
    if step.upcoming is not None and step.upcoming.eligible_from is not None:
        soon = t(f"modality_plain.{step.upcoming.modality.split(':', 1)[-1]}")
        soon = step.upcoming.label if soon.startswith("modality_plain.") else soon
        st.info(t("next.upcoming", label=soon, date=f"{step.upcoming.eligible_from:%d/%m/%Y}"))

if step.competency_id and step.next_level:
    item = ctx.bundle.items[step.competency_id]
    level = item.level(step.next_level)
    with st.container(border=True):
        st.subheader(f"{level_picto(step.next_level)} {t('next.competency')}")
        st.markdown(t("next.competency_text", picto=competency_picto(item.id), label=item.label,
                      level=step.next_level))
        if level is not None:
            statement = level.easy_read or level.title
            st.markdown(t("next.competency_statement", statement=statement))
            spoken.append(f"{item.label}. {statement}")

if step.unpositioned:
    st.info(t_easy("next.unpositioned", easy, count=len(step.unpositioned)))
    st.page_link("app_pages/candidate_position.py", label=t("next.go_position"), icon="✋")
st.write(t("next.talk"))
if session.read_aloud_on():
    read_aloud(". ".join([*spoken, t("next.talk")]))
st.download_button(t("exports.my_portfolio"), lambda: exports.portfolio(ctx, identity, person.id),
                   file_name=exports.file_name("mes-competences", person.id, "pdf"), mime="application/pdf",
                   key="my_portfolio")
