"""Accompanist: the candidate's proof dossier per competency, with the RAE modality (MONTRER / EXPLIQUER /
COMPARER), endorsements, and forms to add a proof or a testimony."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from competency_graph.services import coassess, evidence, people, positioning
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.easyread import competency_picto
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date, fr_number, md_escape
from competency_graph.ui.i18n import label, t
from competency_graph.ui.pickers import person_picker
from competency_graph.ui.proofs import show_file
from competency_graph.vocab import EndorserRelation, RaeModality, values

ENDORSER_RELATIONS, RAE_MODALITIES = values(EndorserRelation), values(RaeModality)

FLASH = "dossier_flash"



def correct_proof(record) -> None:
    """Withdraw a proof, or replace it by a new one: append-only (the old one stays for the audit)."""
    with st.popover(t("proof.correct")):
        with st.form(f"fix-{record.id}", clear_on_submit=True):
            reason = st.text_input(t("proof.reason"), max_chars=2000, key=f"fix-reason-{record.id}")
            new_title = st.text_input(t("proof.replace_title"), max_chars=300, key=f"fix-title-{record.id}")
            new_text = st.text_area(t("proof.replace_text"), max_chars=5000, key=f"fix-text-{record.id}")
            new_file = st.file_uploader(t("proof.replace_file"), key=f"fix-file-{record.id}")
            withdraw = st.form_submit_button(t("proof.withdraw"))
            replace = st.form_submit_button(t("proof.replace"), type="primary")
    if not (withdraw or replace):
        return
    try:
        if replace:
            if not new_title.strip():
                st.warning(t("evidence.title_missing"))
                return
            # a new file keeps the proof's kind (a photo stays a photo); words alone make an observation
            if new_file is not None:
                kind = record.kind if record.kind in ("photo", "document", "attestation") else "document"
            else:
                kind = "observation"
            new = evidence.add_proof(ctx, identity, person.id, kind, new_title.strip(), item_id=record.item_id,
                                     description=new_text or None, content=new_file,
                                     filename=new_file.name if new_file is not None else None,
                                     rae_modality=record.rae_modality, evidence_date=record.evidence_date)
            coassess.replace_proof(ctx, identity, person.id, record.id, new.id, reason=reason)
            st.session_state[FLASH] = t("proof.replaced")
        else:
            coassess.withdraw_proof(ctx, identity, person.id, record.id, reason=reason)
            st.session_state[FLASH] = t("proof.withdrawn")
    except StoreError as error:
        show_refusal(error)
    else:
        st.rerun()


ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("dossier.title"))
person = person_picker(ctx, identity)
st.caption(t("dossier.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

grouped = evidence.dossier(ctx, person.id)
all_records = [r for records in grouped.values() for r in records]
st.subheader(t("dossier.by_modality"))
columns = st.columns(len(RAE_MODALITIES) + 1)
for column, modality in zip(columns, [*RAE_MODALITIES, None], strict=True):
    count = sum(1 for r in all_records if r.rae_modality == modality)
    column.metric(label("rae_modality", modality or "none"), fr_number(count))

withdrawn = coassess.withdrawn_proofs(ctx, identity, person.id)
if withdrawn:
    st.caption(t("proof.withdrawn_count", count=len(withdrawn)))

items = positioning.rectec_ids(ctx)
trades = people.candidate_trades(ctx.bundle, person)
if trades:
    items += positioning.trade_activities(ctx, trades[0])
items += [i for i in grouped if i and i not in items]
shown_items = [i for i in items if i in grouped] + ([None] if None in grouped else [])
if not shown_items:
    st.info(t("dossier.none"))
for item_id in shown_items:
    records = grouped[item_id]
    name = ctx.bundle.label(item_id) if item_id else t("dossier.no_item")
    with st.expander(f"{competency_picto(item_id or '')} {name} — {t('dossier.count', count=len(records))}",
                     expanded=True):
        for record in records:
            st.markdown(f"**{md_escape(record.title)}** · {t('evidence_picto.' + record.kind)} "
                        f"{label('evidence_kind', record.kind)} · {fr_date(record.evidence_date, long=True)}")
            st.caption(label("rae_modality", record.rae_modality or "none"))
            if record.description:
                st.text(record.description)
            if record.url:
                st.text(record.url)
            show_file(ctx, record, width=200, download_key=f"dl-{record.id}")
            for e in record.endorsements:
                st.caption(t("evidence.endorsed_by", name=md_escape(e.endorser_name),
                             relation=label("relation", e.relation), statement=md_escape(e.statement or "")))
            correct_proof(record)

left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader(t("dossier.add"))
    kind = st.selectbox(t("evidence.kind"), list(evidence.ACCOMPANIST_KINDS), key="d_kind",
                        format_func=lambda k: f"{t('evidence_picto.' + k)} {label('evidence_kind', k)}")
    with st.form("dossier_add", clear_on_submit=True):
        item_id = st.selectbox(t("evidence.item"), items, key="d_item",
                               format_func=lambda i: f"{competency_picto(i)} {ctx.bundle.label(i)}")
        title = st.text_input(t("evidence.title_field"), max_chars=300, key="d_title")
        modality = st.selectbox(t("evidence.modality"), [*RAE_MODALITIES, "none"], key="d_modality",
                                format_func=lambda m: label("rae_modality", m))
        day = st.date_input(t("evidence.date"), value=dt.date.today(), max_value=dt.date.today(),
                            format="DD/MM/YYYY", key="d_date")
        text = st.text_area(t("evidence.text"), max_chars=5000, key="d_text")
        url = st.text_input(t("evidence.url"), key="d_url") if kind == "video_link" else None
        upload = st.file_uploader(t("evidence.file"), key="d_file") if kind in ("photo", "document",
                                                                                  "attestation") else None
        submitted = st.form_submit_button(t("evidence.submit"), type="primary")
    if submitted:
        if not title.strip():
            st.warning(t("evidence.title_missing"))
        else:
            try:
                evidence.add_proof(ctx, identity, person.id, kind, title.strip(), item_id=item_id, description=text,
                                   content=upload,
                                   filename=upload.name if upload is not None else None, url=url,
                                   rae_modality=None if modality == "none" else modality, evidence_date=day)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("evidence.added", title=md_escape(title.strip()))
                st.rerun()

with right, st.container(border=True):
    st.subheader(t("dossier.endorse"))
    if not all_records:
        st.info(t("dossier.none"))
    else:
        titles = {r.id: f"{r.title} ({fr_date(r.evidence_date)})" for r in all_records}
        with st.form("endorse", clear_on_submit=True):
            evidence_id = st.selectbox(t("dossier.endorse_evidence"), list(titles), format_func=titles.__getitem__,
                                       key="e_evidence")
            name = st.text_input(t("dossier.endorser"), max_chars=200, key="e_name")
            relation = st.selectbox(t("dossier.relation"), list(ENDORSER_RELATIONS), key="e_relation",
                                    format_func=lambda r: label("relation", r))
            statement = st.text_area(t("dossier.statement"), max_chars=5000, key="e_statement")
            endorsed = st.form_submit_button(t("dossier.endorse_submit"))
        if endorsed:
            try:
                evidence.endorse(ctx, person.id, evidence_id, name, relation, statement)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("dossier.endorsed")
                st.rerun()
