"""Trainer: pick a target and a group, see the group's gaps (heatmap) and edit the generated maillons de
parcours, exportable as CSV."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from competency_graph.services import accounts, cache, cohort, guidance, people
from competency_graph.ui import session
from competency_graph.ui.charts import gap_heatmap
from competency_graph.ui.formats import fr_number
from competency_graph.ui.i18n import t
from competency_graph.ui.pickers import entry_profile_details, target_picker

COLUMNS = ["order", "title", "competency", "from_level", "to_level", "hours", "situations", "people", "after"]

ctx = cache.context()
identity = session.require_role("trainer")
st.title(t("links.title"))
st.caption(t("links.intro"))

members = accounts.visible_people(ctx, identity)
if not members:
    st.info(t("picker.none"))
    st.stop()
labels = cohort.member_labels(ctx, identity, [p.id for p in members])
options = guidance.target_options(ctx.bundle)
offered = {o.id for o in options}
common = Counter(p.target for p in members if p.target in offered).most_common(1)
target_id = target_picker(options, common[0][0] if common else options[0].id, key="l_target",
                          label_key="links.target")
group = st.multiselect(t("links.group"), [p.id for p in members], default=[p.id for p in members],
                       format_func=labels.__getitem__, key="l_group")
if any(labels[p.id].startswith("Personne ") for p in members):
    st.caption(t("links.pseudonyms"))
if target_id is None:
    st.info(t("guidance.no_target"))
    st.stop()
entry_profile_details(ctx.bundle, target_id)
if not group:
    st.info(t("links.group_empty"))
    st.stop()

target, links = cohort.course_links(ctx, identity, group, target_id)
matrix = cohort.gap_matrix(ctx, identity, group, target)
items = [c for c in matrix.columns if c not in ("total_gap", "met")]
if not items:
    st.info(t("links.no_requirements"))
    st.stop()

st.subheader(t("links.heatmap"))
numbers = {i.id: i.model.order for i in people.rectec_competencies(ctx.bundle)}
item_labels = [f"{numbers.get(i, '')}. {ctx.bundle.label(i)}".lstrip(". ") for i in items]
st.plotly_chart(gap_heatmap(matrix[items].astype(int).values.tolist(), [labels[p] for p in matrix.index],
                            item_labels), config={"displayModeBar": False}, key="heatmap")

st.subheader(t("links.table"))
if not links:
    st.success(t("links.none"))
    st.stop()
frame = cohort.links_frame(links, labels, {c: t(f"links.col.{c}") for c in COLUMNS})
edited = st.data_editor(frame, hide_index=True, num_rows="dynamic", width="stretch", key=f"links-{target_id}",
                        column_config={t("links.col.hours"): st.column_config.NumberColumn(min_value=0, step=1)})
hours = edited[t("links.col.hours")].fillna(0).sum()
st.write(t("links.total", count=len(edited), hours=fr_number(hours)))
st.download_button(t("links.download"), cohort.frame_to_csv(edited), file_name="maillons-de-parcours.csv",
                   mime="text/csv", key="download", type="primary")
