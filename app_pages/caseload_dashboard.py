"""Admin: the caseload of the structures they administer, per structure and per accompanist — progress,
divergences, next and overdue interviews, recommendation — filterable and exportable."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import caseload
from competency_graph.ui import cache, session
from competency_graph.ui.caseload_table import filters, table
from competency_graph.ui.i18n import t

ctx = cache.context()
identity = session.require_role("admin")
st.title(t("dashboard.title"))
st.caption(t("dashboard.intro"))
rows = caseload.caseload(ctx, identity)
if not rows:
    st.info(t("dashboard.none"))
    st.stop()
kept = filters(rows, key="all", by_structure=True)
st.caption(t("caseload.count", shown=len(kept), total=len(rows)))
table(kept, key="all", by_structure=True, file_stem="tableau-de-suivi")
