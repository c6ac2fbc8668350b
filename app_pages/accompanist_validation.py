"""Accompanist: the state of each competency of a person (self-positioned → co-positioned → validated) and the
validation itself — by whom, when, on which proofs, in which RAE modality. Only validated items are recognised."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from competency_graph.services import coassess, evidence
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date
from competency_graph.ui.i18n import label, t
from competency_graph.ui.pickers import person_picker
from competency_graph.vocab import RaeModality, ValidatorRole, values

RAE_MODALITIES, VALIDATOR_ROLES = values(RaeModality), values(ValidatorRole)

FLASH = "validation_flash"


def shown(value: int | str | None) -> str:
    if value is None:
        return "–"
    return t("grid.level", n=value) if isinstance(value, int) else t(f"state_short.{value}")


ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("validation.title"))
person = person_picker(ctx, identity)
st.caption(t("validation.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

rows = coassess.validation_rows(ctx, identity, person.id)
table = pd.DataFrame([{
    t("validation.col.item"): r.label,
    t("validation.col.status"): t(f"validation.status.{r.status}") if r.status else "–",
    t("validation.col.self"): shown(r.self_value),
    t("validation.col.co"): shown(r.co_value),
    t("validation.col.validated"): t("validation.validated_on", value=shown(r.validation.value),
                                     date=fr_date(r.validation.validated_on),
                                     modality=label("rae_modality", r.validation.modality))
    if r.validation else "",
} for r in rows])
if not table.empty:
    st.dataframe(table, hide_index=True, width="stretch")

ready = [r for r in rows if r.status == "co_positioned" and (isinstance(r.co_value, int) or r.co_value == "acquired")]
left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader(t("validation.form"))
    if not ready:
        st.info(t("validation.none_ready"))
    else:
        by_id = {r.item_id: r for r in ready}
        item_id = st.selectbox(t("validation.item"), list(by_id), key="v_item",
                               format_func=lambda i: f"{by_id[i].label} ({shown(by_id[i].co_value)})")
        row = by_id[item_id]
        proofs = {r.id: f"{r.title} ({fr_date(r.evidence_date)})"
                  for r in evidence.dossier(ctx, person.id).get(item_id, [])}
        if not proofs:
            st.warning(t("validation.no_proof"))
        with st.form("validate", clear_on_submit=True):
            level = None
            if isinstance(row.co_value, int):
                levels = list(range(1, row.co_value + 1))
                level = st.radio(t("validation.level"), levels, index=len(levels) - 1, horizontal=True,
                                 format_func=lambda n: t("grid.level", n=n), key="v_level")
            modality = st.radio(t("validation.modality"), list(RAE_MODALITIES), key="v_modality",
                                format_func=lambda m: label("rae_modality", m))
            chosen = st.multiselect(t("validation.proofs"), list(proofs), default=list(proofs)[:1],
                                    format_func=proofs.__getitem__, key="v_proofs",
                                    placeholder=t("grid.choose")) if proofs else []
            role = st.radio(t("validation.role"), list(VALIDATOR_ROLES), horizontal=True, key="v_role",
                            format_func=lambda r: t(f"validation.role.{r}"))
            who = st.text_input(t("validation.who"), max_chars=300, key="v_who")
            day = st.date_input(t("validation.date"), value=dt.date.today(), max_value=dt.date.today(),
                                format="DD/MM/YYYY", key="v_date")
            comment = st.text_area(t("validation.comment"), max_chars=2000, key="v_comment")
            submitted = st.form_submit_button(t("validation.submit"), type="primary")
        if submitted:
            try:
                coassess.validate(ctx, identity, person.id, item_id, modality=modality, evidence_ids=chosen,
                                  validator_role=role, validator_name=who, level=level, validated_on=day,
                                  comment=comment)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("validation.done", label=row.label)
                st.rerun()

with right, st.container(border=True):
    st.subheader(t("validation.withdraw"))
    validated = {r.validation.id: r for r in rows if r.validation is not None}
    if not validated:
        st.info(t("validation.none_validated"))
    else:
        with st.form("withdraw_validation", clear_on_submit=True):
            target = st.selectbox(t("validation.withdraw_item"), list(validated), key="v_withdraw",
                                  format_func=lambda v: f"{validated[v].label} ({shown(validated[v].validation.value)})")
            reason = st.text_input(t("validation.reason"), max_chars=2000, key="v_reason")
            withdrawn = st.form_submit_button(t("validation.withdraw_submit"))
        if withdrawn:
            try:
                coassess.withdraw_validation(ctx, identity, person.id, target, reason=reason)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("validation.withdrawn")
                st.rerun()
