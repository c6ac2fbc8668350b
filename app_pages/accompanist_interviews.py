"""Accompanist: the interview schedule of the whole caseload (overdue flagged, .ics export), and for one person
the interviews due from their contract dates, planning, moving and cancelling."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from competency_graph.services import accounts, followup, interviews
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date, md_escape
from competency_graph.ui.i18n import label, t
from competency_graph.ui.pickers import person_picker
from competency_graph.vocab import Prescriber, values

PRESCRIBERS = values(Prescriber)

FLASH = "interviews_flash"


def kind_label(kind: str) -> str:
    return label("followup_kind", kind)


def done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


ctx = cache.context()
identity = session.require_role("accompanist")
today = dt.date.today()
st.title(t("interviews.title"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

st.subheader(t("interviews.agenda"))
agenda = interviews.planned_schedule(ctx, identity, today=today)
if not agenda:
    st.info(t("interviews.agenda_empty"))
else:
    st.dataframe(pd.DataFrame([{
        t("interviews.col.date"): fr_date(p.followup.scheduled_on),
        t("interviews.col.person"): p.person_name,
        t("interviews.col.kind"): kind_label(p.followup.milestone or p.followup.kind),
        t("interviews.col.window"): (t("interviews.window", start=fr_date(p.followup.due_from),
                                      end=fr_date(p.followup.due_until))
                                     if p.followup.due_from and p.followup.due_until else "–"),
        t("interviews.col.state"): t("interviews.late") if p.overdue else t("interviews.on_time"),
    } for p in agenda]), hide_index=True, width="stretch", key="agenda")
    late = sum(1 for p in agenda if p.overdue)
    if late:
        st.warning(t("interviews.late_summary", count=late))
    st.download_button(t("interviews.ics"), interviews.schedule_ics(ctx, identity, kind_label, today=today),
                       "entretiens.ics", "text/calendar", key="ics", help=t("interviews.ics_help"))

st.divider()
person = person_picker(ctx, identity)
st.subheader(t("interviews.due", name=md_escape(person.display_name)))
proposed = interviews.proposals(ctx, identity, person.id, today=today)
if not proposed:
    st.caption(t("interviews.nothing_due"))
for index, p in enumerate(proposed):
    left, right = st.columns([3, 1], vertical_alignment="center")
    why = t("interviews.reason.esat_review") if p.reason == "esat_review" else t("interviews.reason.pec")
    late = " ⏰ " + t("interviews.late") if p.due_until < today else ""
    left.markdown(t("interviews.proposal", kind=kind_label(p.milestone or p.kind), day=fr_date(p.scheduled_on),
                    start=fr_date(p.due_from), end=fr_date(p.due_until), why=why) + late)
    if right.button(t("interviews.plan_this"), key=f"accept_{index}", width="stretch"):
        try:
            interviews.accept(ctx, identity, person.id, p)
        except StoreError as error:
            show_refusal(error)
        else:
            done(t("interviews.planned", kind=kind_label(p.milestone or p.kind), day=fr_date(p.scheduled_on)))
if any(p.reason == "esat_review" for p in proposed):
    st.caption(t("interviews.review_unsourced"))

plan_col, move_col = st.columns(2)
with plan_col, st.container(border=True):
    st.markdown(f"**{t('interviews.plan')}**")
    with st.form("plan_interview"):
        kind = st.selectbox(t("interviews.kind"), list(followup.INTERVIEW_KINDS), key="i_kind", format_func=kind_label)
        day = st.date_input(t("interviews.day"), value=None, min_value=today - dt.timedelta(days=365),
                            format="DD/MM/YYYY", key="i_day")
        planned_clicked = st.form_submit_button(t("interviews.plan_submit"), type="primary")
    if planned_clicked:
        if day is None:
            st.warning(t("interviews.missing_day"))
        else:
            try:
                interviews.schedule(ctx, identity, person.id, kind, day)
            except StoreError as error:
                show_refusal(error)
            else:
                done(t("interviews.planned", kind=kind_label(kind), day=fr_date(day)))

with move_col, st.container(border=True):
    st.markdown(f"**{t('interviews.move')}**")
    mine = [p.followup for p in agenda if p.person_id == person.id]
    if not mine:
        st.caption(t("interviews.none_planned"))
    else:
        names = {f.id: f"{fr_date(f.scheduled_on)} — {kind_label(f.milestone or f.kind)}" for f in mine}
        with st.form("move_interview", clear_on_submit=True):
            chosen = st.selectbox(t("interviews.which"), list(names), format_func=names.__getitem__, key="m_id")
            new_day = st.date_input(t("interviews.new_day"), value=None, format="DD/MM/YYYY", key="m_day")
            # one under the other: side by side, the second label is cut at 200 % zoom
            moved = st.form_submit_button(t("interviews.move_submit"), type="primary")
            cancelled = st.form_submit_button(t("interviews.cancel_submit"))
        if moved:
            if new_day is None:
                st.warning(t("interviews.missing_day"))
            else:
                try:
                    interviews.reschedule(ctx, identity, chosen, new_day)
                except StoreError as error:
                    show_refusal(error)
                else:
                    done(t("interviews.moved", day=fr_date(new_day)))
        if cancelled:
            try:
                interviews.cancel(ctx, identity, chosen)
            except StoreError as error:
                show_refusal(error)
            else:
                done(t("interviews.cancelled"))

with st.expander(t("interviews.pec_contract"), expanded=not any(p.reason == "pec" for p in proposed)):
    st.caption(t("interviews.pec_help"))
    employers = accounts.structure_names(ctx)
    with st.form("pec_contract"):
        employer = st.selectbox(t("interviews.employer"), list(employers), format_func=employers.__getitem__,
                                index=list(employers).index(person.structure_id) if person.structure_id in employers
                                else 0, key="c_employer")
        start_col, end_col, hours_col = st.columns(3)
        start = start_col.date_input(t("interviews.start"), value=None, format="DD/MM/YYYY", key="c_start")
        end = end_col.date_input(t("interviews.end"), value=None, format="DD/MM/YYYY", key="c_end")
        hours = hours_col.number_input(t("interviews.hours"), min_value=1, max_value=48, value=20, key="c_hours")
        prescriber = st.selectbox(t("interviews.prescriber"), list(PRESCRIBERS), index=None, key="c_prescriber",
                                  format_func=lambda v: label("prescriber", v), placeholder=t("people.optional"))
        added = st.form_submit_button(t("interviews.pec_submit"))
    if added:
        if start is None or end is None:
            st.warning(t("interviews.missing_dates"))
        else:
            try:
                interviews.add_pec_contract(ctx, identity, person.id, employer, start, end, weekly_hours=int(hours),
                                            prescriber=prescriber)
            except StoreError as error:
                show_refusal(error)
            else:
                done(t("interviews.pec_added"))
