"""The person's file on "Mes candidats": objective and goal, experience lines, contracts with dates,
certifications and blocs held — read and saved through ``services.person_file`` and ``services.facts``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ..services import facts, guidance, person_file
from ..services.accounts import Identity
from ..services.context import Context
from ..store import ExperienceEntry, StoreError
from ..store.facts import CONTRACT_KINDS, HELD_OUTCOMES
from ..store.models import GOALS
from .errors import show_refusal
from .formats import fr_date, md_escape
from .i18n import label, t
from .pickers import target_picker

__all__ = ["render"]

FLASH = "file_flash"


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def _objective(ctx: Context, identity: Identity, file: person_file.PersonFile) -> None:
    person = file.person
    goals = list(GOALS)
    with st.form(f"objective_{person.id}"):
        goal = st.selectbox(t("file.goal"), goals, index=goals.index(person.goal) if person.goal in goals else None,
                            format_func=lambda g: label("goal", g), key=f"f_goal_{person.id}",
                            placeholder=t("people.choose"))
        target = target_picker(guidance.target_options(ctx.bundle), person.target, key=f"f_target_{person.id}",
                               label_key="file.target")
        saved = st.form_submit_button(t("file.save_objective"), type="primary")
    if saved:
        try:
            person_file.set_objective(ctx, identity, person.id, goal=goal, target=target)
        except StoreError as error:
            show_refusal(error)
        else:
            _done(t("file.objective_saved"))


def _experience(ctx: Context, identity: Identity, file: person_file.PersonFile) -> None:
    person = file.person
    cols = {"job": t("file.col.job"), "months": t("file.col.months"), "in_pec": t("file.col.in_pec"),
            "current": t("file.col.current")}
    frame = pd.DataFrame([{cols["job"]: e.job, cols["months"]: e.months, cols["in_pec"]: e.in_pec,
                           cols["current"]: e.current} for e in person.experience], columns=list(cols.values()))
    st.caption(t("file.experience_help"))
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch", key=f"f_exp_{person.id}",
                            column_config={
                                cols["job"]: st.column_config.TextColumn(required=True, max_chars=200),
                                cols["months"]: st.column_config.NumberColumn(min_value=0, max_value=600, step=1,
                                                                              required=True),
                                cols["in_pec"]: st.column_config.CheckboxColumn(default=False),
                                cols["current"]: st.column_config.CheckboxColumn(default=False)})
    if st.button(t("file.save_experience"), key=f"f_exp_save_{person.id}"):
        lines = []
        for row in edited.to_dict(orient="records"):
            job = str(row.get(cols["job"]) or "").strip()
            if not job:
                continue
            months = row.get(cols["months"])
            lines.append(ExperienceEntry(job, int(months) if months == months and months is not None else 0,
                                         bool(row.get(cols["in_pec"])), bool(row.get(cols["current"]))))
        try:
            person_file.set_experience(ctx, identity, person.id, lines)
        except StoreError as error:
            show_refusal(error)
        else:
            _done(t("file.experience_saved", count=len(lines)))


def _contracts(ctx: Context, identity: Identity, file: person_file.PersonFile) -> None:
    person = file.person
    contracts = file.facts.contracts
    structures = {s.id: s.name for s in ctx.repo.list_structures()}
    if contracts:
        st.dataframe(pd.DataFrame([{
            t("file.col.kind"): label("contract_kind", c.kind), t("file.col.start"): fr_date(c.start_date),
            t("file.col.end"): fr_date(c.end_date) if c.end_date else t("file.open_ended"),
            t("file.col.job"): ctx.bundle.label(c.job) if c.job and c.job in ctx.bundle.items else (c.job or "–"),
            t("file.col.employer"): structures.get(c.employer_id or "", "–"),
        } for c in contracts]), hide_index=True, width="stretch", key=f"f_contracts_{person.id}")
    else:
        st.caption(t("file.no_contract"))
    with st.form(f"contract_{person.id}"):
        kind_col, start_col, end_col = st.columns(3)
        kind = kind_col.selectbox(t("file.col.kind"), list(CONTRACT_KINDS), key=f"f_ckind_{person.id}",
                                  format_func=lambda k: label("contract_kind", k))
        start = start_col.date_input(t("file.col.start"), value=None, format="DD/MM/YYYY", key=f"f_cstart_{person.id}")
        end = end_col.date_input(t("file.col.end"), value=None, format="DD/MM/YYYY", key=f"f_cend_{person.id}",
                                 help=t("file.end_help"))
        job_col, employer_col = st.columns(2)
        job = job_col.text_input(t("file.col.job"), max_chars=200, key=f"f_cjob_{person.id}",
                                 help=t("file.job_help"))
        employer = employer_col.selectbox(t("file.col.employer"), list(structures), index=None,
                                          format_func=structures.__getitem__, key=f"f_cemp_{person.id}",
                                          placeholder=t("people.optional"))
        added = st.form_submit_button(t("file.add_contract"))
    if added:
        if start is None:
            st.warning(t("file.missing_start"))
        else:
            try:
                facts.add_contract(ctx, person.id, kind, start, end, identity=identity, job=job.strip() or None,
                                   employer_id=employer)
            except StoreError as error:
                show_refusal(error)
            else:
                _done(t("file.contract_added"))
    if contracts:
        names = {c.id: f"{label('contract_kind', c.kind)} — {fr_date(c.start_date)}" for c in contracts}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(t("file.remove_which"), list(names), format_func=names.__getitem__,
                                key=f"f_crm_{person.id}")
        if right.button(t("file.remove"), key=f"f_crm_btn_{person.id}", width="stretch"):
            facts.remove_contract(ctx, person.id, chosen, identity=identity)
            _done(t("file.removed"))


def _held(ctx: Context, identity: Identity, file: person_file.PersonFile) -> None:
    person = file.person
    held = file.facts.held
    if held:
        st.dataframe(pd.DataFrame([{
            t("file.col.certification"): ctx.bundle.label(h.certification) if h.certification in ctx.bundle.items
            else h.certification,
            t("file.col.outcome"): label("held_outcome", h.outcome),
            t("file.col.blocs"): ", ".join(h.blocs) or "–", t("file.col.awarded"): fr_date(h.awarded_on),
        } for h in held]), hide_index=True, width="stretch", key=f"f_held_{person.id}")
    else:
        st.caption(t("file.no_held"))
    with st.form(f"held_{person.id}"):
        left, mid, right = st.columns(3)
        certification = left.text_input(t("file.col.certification"), max_chars=200, key=f"f_hcert_{person.id}",
                                        help=t("file.certification_help"))
        outcome = mid.selectbox(t("file.col.outcome"), list(HELD_OUTCOMES), key=f"f_hout_{person.id}",
                                format_func=lambda o: label("held_outcome", o))
        awarded = right.date_input(t("file.col.awarded"), value=None, max_value=dt.date.today(), format="DD/MM/YYYY",
                                   key=f"f_hday_{person.id}")
        blocs = st.text_input(t("file.col.blocs"), max_chars=1000, key=f"f_hblocs_{person.id}", help=t("file.blocs_help"))
        added = st.form_submit_button(t("file.add_held"))
    if added:
        if not certification.strip() or awarded is None:
            st.warning(t("file.missing_held"))
        else:
            try:
                facts.add_held(ctx, person.id, certification.strip(), outcome, awarded, identity=identity,
                               blocs=[b.strip() for b in blocs.split(",") if b.strip()])
            except StoreError as error:
                show_refusal(error)
            else:
                _done(t("file.held_added"))


def render(ctx: Context, identity: Identity, person_id: str) -> None:
    """The file of ``person_id`` in four tabs, each saved on its own."""
    file = person_file.person_file(ctx, identity, person_id)
    st.subheader(t("file.title", name=md_escape(file.person.display_name)))
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    tabs = st.tabs([t("file.tab.objective"), t("file.tab.experience"), t("file.tab.contracts"), t("file.tab.held")])
    with tabs[0]:
        _objective(ctx, identity, file)
    with tabs[1]:
        _experience(ctx, identity, file)
    with tabs[2]:
        _contracts(ctx, identity, file)
    with tabs[3]:
        _held(ctx, identity, file)
