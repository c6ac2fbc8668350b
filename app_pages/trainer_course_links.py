"""Trainer: pick a target and a group (a saved, named group or a new one), see the group's gaps (heatmap), edit
the generated maillons de parcours, save the edits as a new version, reopen a saved version, export as CSV."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from competency_graph.services import accounts, cohort, groups, guidance, people
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.charts import gap_heatmap
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_number, md_escape
from competency_graph.ui.i18n import t
from competency_graph.ui.pickers import entry_profile_details, target_picker

COLUMNS = ["order", "title", "competency", "from_level", "to_level", "hours", "situations", "people", "after"]
FLASH = "links_flash"
NEW = ""
PICK = "links_pick_group"

ctx = cache.context()
identity = session.require_role("trainer")
st.title(t("links.title"))
st.caption(t("links.intro"))

members = accounts.visible_people(ctx, identity)
if not members:
    st.info(t("picker.none"))
    st.stop()
labels = cohort.member_labels(ctx, identity, [p.id for p in members])
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
saved_groups = {g.id: g for g in groups.my_groups(ctx, identity)}
group_names = {NEW: t("links.new_group"), **{g.id: g.name for g in saved_groups.values()}}
if st.session_state.get(PICK) in group_names:
    st.session_state["l_saved_group"] = st.session_state.pop(PICK)
group_id = st.selectbox(t("links.saved_group"), list(group_names), format_func=group_names.__getitem__,
                        key="l_saved_group")
chosen_group = saved_groups.get(group_id)
options = guidance.target_options(ctx.bundle)
offered = {o.id for o in options}
common = Counter(p.target for p in members if p.target in offered).most_common(1)
target_id = target_picker(options, common[0][0] if common else options[0].id, key="l_target",
                          label_key="links.target")
visible_ids = [p.id for p in members]
default = [m for m in chosen_group.members if m in visible_ids] if chosen_group else visible_ids
group = st.multiselect(t("links.group"), visible_ids, default=default, format_func=labels.__getitem__,
                       key=f"l_group_{group_id}" if group_id else "l_group")
with st.form(f"save_group_{group_id or 'new'}"):
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    group_name = name_col.text_input(t("links.group_name"), value=chosen_group.name if chosen_group else "",
                                     max_chars=200, key=f"l_group_name_{group_id or 'new'}")
    save_group = button_col.form_submit_button(t("links.save_group"), width="stretch")
if save_group:
    if not group_name.strip():
        st.warning(t("links.group_name_missing"))
    else:
        try:
            saved = groups.save_group(ctx, identity, group_name, group, group_id=chosen_group.id if chosen_group else None)
        except StoreError as error:
            show_refusal(error)
        else:
            st.session_state[FLASH] = t("links.group_saved", name=md_escape(saved.name))
            st.session_state[PICK] = saved.id  # selected on the next run, before the box is drawn
            st.rerun()
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
opened_version = None
if chosen_group:
    history = groups.versions(ctx, identity, chosen_group.id)
    if history:
        names = {0: t("links.fresh"), **{v.version: t("links.version", version=v.version,
                                                          day=v.created_at.strftime("%d/%m/%Y %H:%M"))
                                         for v in history}}
        picked = st.selectbox(t("links.versions"), list(names), format_func=names.__getitem__,
                              index=1, key=f"l_version_{chosen_group.id}")
        opened_version = next((v for v in history if v.version == picked), None)
        if opened_version is not None:
            frame = groups.version_frame(opened_version)
            if opened_version.target != target_id:
                st.caption(t("links.other_target", target=ctx.bundle.label(opened_version.target)))
editor_key = f"links-{target_id}-{group_id or 'new'}-{opened_version.version if opened_version else 0}"
edited = st.data_editor(frame, hide_index=True, num_rows="dynamic", width="stretch", key=editor_key,
                        column_config={t("links.col.hours"): st.column_config.NumberColumn(min_value=0, step=1)})
hours = edited[t("links.col.hours")].fillna(0).sum()
st.write(t("links.total", count=len(edited), hours=fr_number(hours)))
left, right = st.columns(2)
left.download_button(t("links.download"), cohort.frame_to_csv(edited), file_name="maillons-de-parcours.csv",
                     mime="text/csv", key="download", type="primary", width="stretch")
if chosen_group is None:
    right.caption(t("links.save_needs_group"))
elif right.button(t("links.save_version"), key="save_version", width="stretch"):
    try:
        version = groups.save_links(ctx, identity, chosen_group.id, target_id, edited)
    except StoreError as error:
        show_refusal(error)
    else:
        st.session_state[FLASH] = t("links.version_saved", version=version.version, name=md_escape(chosen_group.name))
        st.session_state.pop(f"l_version_{chosen_group.id}", None)
        st.rerun()
