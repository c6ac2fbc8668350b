"""Accompanist: the caseload dashboard (progress, divergences, next and overdue interviews, recommendation),
filterable and exportable, then one candidate's file (objective, experience, contracts, certifications held) and
the way to co-positioning."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import caseload
from competency_graph.ui import cache, session
from competency_graph.ui.caseload_table import filters, table
from competency_graph.ui.i18n import t
from competency_graph.ui.person_file import render as person_file

ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("candidates.title"))
rows = caseload.caseload(ctx, identity)
if not rows:
    st.info(t("candidates.none"))
    st.page_link("app_pages/people.py", label=t("caseload.add_people"), icon="➕")
    st.stop()

kept = filters(rows, key="mine", by_structure=False)
st.caption(t("caseload.count", shown=len(kept), total=len(rows)))
table(kept, key="mine", by_structure=False, file_stem="mes-candidats")

names = {r.person_id: r.name for r in rows}
ids = list(names)
current = session.selected_person()
left, right = st.columns([3, 1], vertical_alignment="bottom")
chosen = left.selectbox(t("candidates.open"), ids, index=ids.index(current) if current in ids else 0,
                        format_func=names.__getitem__, key="open_person")
if right.button(t("candidates.go"), type="primary", key="go", width="stretch"):
    session.select_person(chosen)
    st.switch_page("app_pages/accompanist_copositioning.py")
if chosen != current:
    session.select_person(chosen)
# The file is opened on demand: reading it is one more logged read of that person's record, the list alone
# is one audit entry.
if st.toggle(t("file.show"), key="show_file"):
    person_file(ctx, identity, chosen)
