"""Candidate: "Mes preuves" — add a photo, a document or a few words, and see the proofs already given."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import accounts, evidence, people, positioning
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.easyread import competency_picto
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date, fr_number, md_escape
from competency_graph.ui.i18n import label, t
from competency_graph.ui.proofs import IMAGES, show_file

FLASH = "evidence_flash"

ctx = cache.context()
identity = session.require_role("candidate")
person = accounts.require_person(ctx, identity, identity.person_id or "")
easy = session.easy_read()

st.title(t("evidence.title"))
st.write(t("evidence.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

items = [c.id for c in people.rectec_competencies(ctx.bundle)]
trades = people.candidate_trades(ctx.bundle, person)
if trades:
    items += positioning.trade_activities(ctx, trades[0])

with st.container(border=True):
    st.subheader(t("evidence.add"))
    kind = st.radio(t("evidence.kind"), list(evidence.CANDIDATE_KINDS), horizontal=True, key="kind",
                    format_func=lambda k: f"{t('evidence_picto.' + k)} {label('evidence_kind', k)}")
    with st.form("add_evidence", clear_on_submit=True):
        item_id = st.selectbox(t("evidence.item"), items, key="item",
                               format_func=lambda i: f"{competency_picto(i)} {ctx.bundle.label(i)}")
        title = st.text_input(t("evidence.title_field"), placeholder=t("evidence.title_placeholder"),
                              max_chars=300, key="title")
        upload = None
        text = None
        if kind in ("photo", "document"):
            upload = st.file_uploader(t("evidence.file"), key="file",
                                      type=["jpg", "jpeg", "png", "webp", "heic", "heif", "gif"] if kind == "photo"
                                      else ["pdf", "jpg", "jpeg", "png"])
        text = st.text_area(t("evidence.text"), max_chars=2000, key="text",
                            height=120 if kind == "observation" else 68)
        submitted = st.form_submit_button(t("evidence.submit"), type="primary")
    if submitted:
        if not title.strip():
            st.warning(t("evidence.title_missing"))
        elif kind in ("photo", "document") and upload is None:
            st.warning(t("evidence.file_missing"))
        else:
            try:
                record = evidence.add_proof(
                    ctx, identity, person.id, kind, title.strip(), item_id=item_id, description=text,
                    content=upload,
                    filename=upload.name if upload is not None else None)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("evidence.added", title=md_escape(record.title))
                st.rerun()

st.subheader(t("evidence.mine"))
grouped = evidence.dossier(ctx, person.id)
if not grouped:
    st.info(t("evidence.none"))
for item_id, records in grouped.items():
    name = ctx.bundle.label(item_id) if item_id else t("evidence.other_item")
    st.markdown(f"#### {competency_picto(item_id or '')} {md_escape(name)}")
    for record in records:
        with st.container(border=True):
            st.markdown(f"**{md_escape(record.title)}**")
            st.caption(t("evidence.meta", picto=t(f"evidence_picto.{record.kind}"),
                         kind=label("evidence_kind", record.kind), date=fr_date(record.evidence_date, long=True)))
            if record.media_type in IMAGES and record.file_sha256:
                show_file(ctx, record, width=220)
            elif record.file_sha256 and not easy:
                st.caption(t("evidence.file_info", type=record.media_type or "?",
                             size=fr_number((record.size or 0) / 1024, 1)))
            if record.description and not easy:
                st.text(record.description)
