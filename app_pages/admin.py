"""Admin: referential validation (structure, references, SHACL) and a read-only SPARQL console."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from competency_graph.services import cache, referentials
from competency_graph.sparql import SparqlError
from competency_graph.ui import session
from competency_graph.ui.formats import fr_number
from competency_graph.ui.i18n import label, t

EXAMPLE = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation ?label WHERE {
  ?c skos:notation ?notation ; skos:prefLabel ?label .
  FILTER(REGEX(STR(?notation), "^rectec:C[0-9]+$"))
} ORDER BY ?notation"""

ctx = cache.context()
session.require_role("admin")
st.title(t("admin.title"))
st.caption(t("admin.summary", refs=len(ctx.bundle.referentials), items=fr_number(len(ctx.bundle.items)),
             edges=fr_number(len(ctx.bundle.edges)), hash=ctx.bundle.content_hash[:12]))

with st.container(border=True):
    st.subheader(t("admin.validate"))
    st.caption(t("admin.validate_help"))
    if st.button(t("admin.validate"), key="validate", type="primary"):
        with st.spinner():
            problems = referentials.validate_referentials()
        errors = [p for p in problems if p.severity == "error"]
        if not problems:
            st.success(t("admin.valid"))
        else:
            (st.error if errors else st.warning)(t("admin.problems", errors=len(errors),
                                                   warnings=len(problems) - len(errors)))
            st.code("\n".join(str(p) for p in problems), language=None)
    st.caption(t("admin.imports"))

with st.container(border=True):
    st.subheader(t("admin.sparql"))
    st.caption(t("admin.sparql_help"))
    with st.form("sparql"):
        text = st.text_area(t("admin.query"), value=EXAMPLE, height=180, key="query", max_chars=20000)
        run = st.form_submit_button(t("admin.run"))
    if run:
        try:
            columns, rows = referentials.sparql_select(cache.rdf_graph(), text)
        except SparqlError as error:
            st.error(t("admin.sparql_error", message=str(error)))
        else:
            st.caption(t("admin.rows", count=fr_number(len(rows))))
            st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")

with st.container(border=True):
    st.subheader(t("admin.users"))
    st.dataframe(pd.DataFrame([{
        t("admin.col.login"): u.login, t("admin.col.name"): u.display_name,
        t("admin.col.roles"): ", ".join(sorted({label("role", r) for _, r in u.roles})),
    } for u in ctx.repo.list_users()]), hide_index=True, width="stretch")
