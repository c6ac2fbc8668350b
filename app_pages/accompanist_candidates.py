"""Accompanist: the assigned candidates with status, positioning, divergences and next interview."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from competency_graph.services import cache, caseload
from competency_graph.ui import session
from competency_graph.ui.formats import fr_date
from competency_graph.ui.i18n import label, t

ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("candidates.title"))
rows = caseload.caseload(ctx, identity)
if not rows:
    st.info(t("candidates.none"))
    st.stop()

frame = pd.DataFrame([{
    t("candidates.col.name"): r.name,
    t("candidates.col.status"): label("status", r.status),
    t("candidates.col.target"): r.target_label or (t("candidates.unknown_target", id=r.target_id) if r.target_id
                                                   else t("candidates.no_target")),
    t("candidates.col.positioned"): f"{r.positioned} / {r.rectec_total}",
    t("candidates.col.divergences"): f"⚠️ {r.divergences}" if r.divergences else "0",
    t("candidates.col.last"): fr_date(r.last_positioning),
    t("candidates.col.next"): fr_date(r.next_interview),
} for r in rows])
st.dataframe(frame, hide_index=True, width="stretch", column_config={
    t("candidates.col.divergences"): st.column_config.TextColumn(help=t("candidates.divergence_help"))})

names = {r.person_id: r.name for r in rows}
ids = list(names)
current = session.selected_person()
left, right = st.columns([3, 1], vertical_alignment="bottom")
chosen = left.selectbox(t("candidates.open"), ids, index=ids.index(current) if current in ids else 0,
                        format_func=names.__getitem__, key="open_person")
if right.button(t("candidates.go"), type="primary", key="go", width="stretch"):
    session.select_person(chosen)
    st.switch_page("app_pages/accompanist_copositioning.py")
