"""Referentials explorer: browse RECTEC, RAE, RSFP, RNCP, CléA, modalities (and ROME when imported), search,
see an item's details and its neighbours."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from competency_graph.analysis.targets import ENTRY_PROFILE_KIND, is_entry_profile
from competency_graph.services import referentials
from competency_graph.ui import cache, session
from competency_graph.ui.charts import neighbour_network
from competency_graph.ui.easyread import level_picto
from competency_graph.ui.formats import fr_number, md_escape
from competency_graph.ui.i18n import label, t

FIELDS = ("diploma", "abbrev", "level", "vae_open", "field", "rome", "rncp", "modalities", "public", "jury",
          "outcome", "duration_months", "description", "situations", "criteria")

ctx = cache.context()
session.require_role("accompanist", "trainer", "admin")
st.title(t("ref.title"))

entries = referentials.referential_entries(ctx.bundle)
refs = {e.id: f"{e.title} ({fr_number(e.count)})" for e in entries}
c1, c2, c3 = st.columns([2, 1, 2])
referential = c1.selectbox(t("ref.referential"), [None, *refs],
                           index=1 + list(refs).index("rectec") if "rectec" in refs else 0,
                           format_func=lambda r: t("ref.all") if r is None else refs[r], key="r_ref")
kinds = sorted({i.kind for i in ctx.bundle.items.values()
                if referential is None or i.referential.split("@")[0] == referential})
kind = c2.selectbox(t("ref.kind"), [None, *kinds], format_func=lambda k: t("ref.all_kinds") if k is None
                    else label("kind", k), key="r_kind")
query = c3.text_input(t("ref.search"), key="r_query", max_chars=200)

found = referentials.search_items(ctx.bundle, referential, query, kind=kind, limit=200)
if not found and referential is not None and query.strip():
    # a code typed while another referential is selected (RNCP90001 under RECTEC): look everywhere
    found = referentials.search_items(ctx.bundle, None, query, kind=kind, limit=200)
    if found:
        st.caption(t("ref.everywhere"))
if not found:
    st.info(t("ref.none"))
    st.stop()
st.caption(t("ref.results_capped", count=len(found)) if len(found) == 200 else t("ref.results", count=len(found)))
ids = [i.id for i in found]
item_id = st.selectbox(t("ref.item"), ids, key="r_item", format_func=lambda i: f"{ctx.bundle.label(i)} — {i}")
item = ctx.bundle.items[item_id]
item_kind = ENTRY_PROFILE_KIND if is_entry_profile(item) else item.kind  # an entry profile is not a competency
around = referentials.neighbours(ctx.bundle, item_id, limit=200)
DRAWN = 16  # beyond this the drawing is unreadable; the table below lists every neighbour

left, right = st.columns([1, 1])
with left:
    st.subheader(item.label)
    facts = [f"**{t('ref.id')}** : `{item.id}`", f"**{t('ref.kind_label')}** : {label('kind', item_kind)}",
             f"**{t('ref.provenance')}** : {label('ref.provenance', item.provenance)}"
             + ("" if item.verified else f" · {t('ref.verified_no')}"),
             f"**{t('ref.source_file')}** : `{item.location}`"]
    st.markdown("  \n".join(facts))
    shown_fields = []
    for name in FIELDS:
        value = getattr(item.model, name, None)
        if value in (None, [], ""):
            continue
        if isinstance(value, bool):
            value = t("ref.yes") if value else t("ref.no")
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        shown_fields.append(f"**{t('ref.field.' + name)}** : {value}")
    if shown_fields:
        st.markdown("  \n".join(shown_fields))
    if getattr(item.model, "elements", None):
        st.markdown(f"**{t('ref.elements')}**")
        st.markdown("\n".join(f"- {e}" for e in item.model.elements))
    if item.levels:
        st.markdown(f"**{t('ref.levels')}**")
        for level in item.levels:
            st.markdown(t("ref.level_row", picto=level_picto(level.rank), rank=level.rank, title=md_escape(level.title)))
            if level.easy_read:
                st.caption(t("ref.easy_read", text=level.easy_read))
            if level.indicators:
                st.caption(t("ref.indicators", text=" ".join(level.indicators)))
with right:
    st.subheader(t("ref.network"))
    if around:
        st.plotly_chart(neighbour_network(item.id, item.label, item_kind, around[:DRAWN]),
                        config={"displayModeBar": False}, key="network")
        if len(around) > DRAWN:
            st.caption(t("ref.more", count=len(around) - DRAWN))
    else:
        st.caption(t("ref.no_links"))

st.subheader(t("ref.links"))
if around:
    st.dataframe(pd.DataFrame([{
        t("ref.col.relation"): ("→ " if n.outgoing else "← ")
        + label("relation", n.relation, default=label("edge", n.relation)),
        t("ref.col.item"): n.label, t("ref.col.id"): n.id, t("ref.col.kind"): label("kind", n.kind),
        t("ref.col.level"): "" if n.level is None else str(n.level),
    } for n in around]), hide_index=True, width="stretch")
else:
    st.caption(t("ref.no_links"))
