"""Accompanist: downloads for the selected candidate — portfolio / attestation, evidence dossier, follow-up sheet
(PDF), an Open Badge 3.0 credential (JSON-LD) and the person's positionings as a separate RDF graph.

Files are built when a button is clicked (``data`` is a callable), not at every rerun: a PDF takes about half
a second, and each click goes through the access check (logged) at that moment."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from competency_graph.services import exports
from competency_graph.ui import cache, session
from competency_graph.ui.i18n import t
from competency_graph.ui.pickers import period_picker, person_picker

ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("exports.title"))
person = person_picker(ctx, identity)
st.caption(t("exports.intro"))
today = dt.date.today()

with st.container(border=True):
    st.subheader(f"📄 {t('exports.portfolio')}")
    st.write(t("exports.portfolio_help"))
    st.download_button(t("exports.download_pdf"), partial(exports.portfolio, ctx, identity, person.id),
                       file_name=exports.file_name("portefeuille", person.id, "pdf"), mime="application/pdf",
                       key="x_portfolio", type="primary")

with st.container(border=True):
    st.subheader(f"🗂️ {t('exports.dossier')}")
    st.write(t("exports.dossier_help"))
    st.download_button(t("exports.download_pdf"), partial(exports.evidence_dossier, ctx, identity, person.id),
                       file_name=exports.file_name("dossier-de-preuves", person.id, "pdf"),
                       mime="application/pdf", key="x_dossier")

with st.container(border=True):
    st.subheader(f"📅 {t('exports.followup')}")
    st.write(t("exports.followup_help"))
    period = period_picker("x", today)
    if period is not None:
        sheet = partial(exports.followup_sheet, ctx, identity, person.id, *period)
        st.download_button(t("exports.download_pdf"), sheet,
                           file_name=exports.file_name("fiche-de-suivi", person.id, "pdf"),
                           mime="application/pdf", key="x_followup")

with st.container(border=True):
    st.subheader(f"🏅 {t('exports.badge')}")
    st.write(t("exports.badge_help"))
    choices = exports.badge_choices(ctx, identity, person.id)
    if not choices:
        st.info(t("exports.no_badge"))
    else:
        names = {c.item_id: (t("exports.badge_level", label=c.label, level=c.level) if c.level else c.label)
                 for c in choices}
        item_id = st.selectbox(t("exports.badge_item"), list(names), format_func=names.__getitem__,
                               key=f"x_badge_item-{person.id}")
        st.download_button(t("exports.download_badge"), partial(exports.badge, ctx, identity, person.id, item_id),
                           file_name=exports.file_name("open-badge", person.id, "json"),
                           mime="application/ld+json", key="x_badge")
        st.download_button(t("exports.download_badge_png"),
                           partial(exports.badge_png, ctx, identity, person.id, item_id),
                           file_name=exports.file_name("open-badge", person.id, "png"),
                           mime="image/png", key="x_badge_png")

with st.container(border=True):
    st.subheader(f"🕸️ {t('exports.rdf')}")
    st.write(t("exports.rdf_help"))
    fmt = st.radio(t("exports.rdf_format"), list(exports.RDF_FORMATS), horizontal=True, key="x_rdf_format",
                   format_func={"turtle": "Turtle", "json-ld": "JSON-LD"}.__getitem__)
    comments = st.checkbox(t("exports.rdf_comments"), value=False, key="x_rdf_comments")
    extension, mime = exports.RDF_FORMATS[fmt]
    graph = partial(exports.person_graph, ctx, identity, person.id, fmt=fmt, include_comments=comments)
    st.download_button(t("exports.download_rdf"), graph,
                       file_name=exports.file_name("positionnements", person.id, extension), mime=mime,
                       key="x_rdf")
