"""Accompanist: the follow-up timeline (PEC schedule, interviews, positioning sessions), progress between two
dates, and recording interviews."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from competency_graph.services import followup, positioning
from competency_graph.services.errors import StoreError
from competency_graph.services.followup import TimelineEntry
from competency_graph.ui import cache, session
from competency_graph.ui.charts import timeline_chart
from competency_graph.ui.easyread import competency_picto
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date
from competency_graph.ui.i18n import label, t
from competency_graph.ui.pickers import period_picker, person_picker

FLASH = "followup_flash"


def what(entry: TimelineEntry) -> str:
    if entry.category in ("contract_start", "contract_end"):
        return t(f"timeline.{entry.category}")
    return label("followup_kind", entry.kind)


def details(entry: TimelineEntry) -> str:
    parts = []
    f = entry.followup
    if f is not None and f.status == "planned" and f.due_from and f.due_until:
        parts.append(t("followup.window", start=fr_date(f.due_from), end=fr_date(f.due_until)))
    if entry.category == "interview" and entry.counts:
        parts.append(t("followup.snapshot", items=entry.counts.get("items", 0),
                       divergent=entry.counts.get("divergent", 0)))
    if entry.category == "positioning":
        parts.append(t("followup.positioning_counts", self=entry.counts.get("self", 0),
                       co=entry.counts.get("accompanist", 0)))
    if f is not None and f.notes:
        parts.append(f.notes)
    return " · ".join(parts)


def lane(entry: TimelineEntry) -> str:
    if entry.category == "positioning":
        return t("followup.lane.positioning")
    if entry.category.startswith("contract"):
        return t("followup.lane.contract")
    return t("followup.lane.interviews")


ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("followup.title"))
person = person_picker(ctx, identity)
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
today = dt.date.today()

st.subheader(t("followup.timeline"))
entries = followup.timeline(ctx, person.id, today=today)
if entries:
    st.plotly_chart(timeline_chart([(e.day, lane(e), e.status, f"{fr_date(e.day)} — {what(e)}") for e in entries],
                                   today), config={"displayModeBar": False}, key="timeline")
    st.dataframe(pd.DataFrame([{
        t("followup.col.date"): fr_date(e.day),
        t("followup.col.what"): what(e),
        t("followup.col.status"): label("timeline_status", e.status),
        t("followup.col.details"): details(e),
    } for e in entries]), hide_index=True, width="stretch")

st.subheader(t("followup.progress"))
period = period_picker("p", today)
if period is not None:
    rows = followup.progress(ctx, person.id, *period)
    rectec = set(positioning.rectec_ids(ctx))
    rows = sorted(rows, key=lambda r: (r.item_id not in rectec, r.item_id))

    def shown(value: int | str | None) -> str:
        if value is None:
            return "–"
        return f"cercle {value}" if isinstance(value, int) else t(f"state_short.{value}")

    up = sum(1 for r in rows if (r.change or 0) > 0)
    down = sum(1 for r in rows if (r.change or 0) < 0)
    st.write(t("followup.progress_summary", up=up, down=down, same=len(rows) - up - down))
    st.dataframe(pd.DataFrame([{
        t("followup.col.item"): f"{competency_picto(r.item_id)} {r.label}",
        t("followup.col.before"): shown(r.before),
        t("followup.col.after"): shown(r.after),
        t("followup.col.change"): ("↗ " if (r.change or 0) > 0 else "↘ " if (r.change or 0) < 0 else "")
        + (f"{r.change:+d}" if r.change else "="),
    } for r in rows]), hide_index=True, width="stretch")

left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader(t("followup.record"))
    with st.form("record_interview", clear_on_submit=True):
        kind = st.selectbox(t("followup.kind"), list(followup.INTERVIEW_KINDS), key="f_kind",
                            format_func=lambda k: label("followup_kind", k))
        held_on = st.date_input(t("followup.held_on"), value=today, max_value=today, format="DD/MM/YYYY",
                                key="f_day")
        notes = st.text_area(t("followup.notes"), max_chars=20000, key="f_notes")
        submitted = st.form_submit_button(t("followup.submit"), type="primary")
    if submitted:
        try:
            followup.record_interview(ctx, identity, person.id, kind, held_on, notes)
        except StoreError as error:
            show_refusal(error)
        else:
            st.session_state[FLASH] = t("followup.recorded")
            st.rerun()

with right, st.container(border=True):
    st.subheader(t("followup.hold"))
    planned = [e.followup for e in entries if e.followup is not None and e.followup.status == "planned"]
    if not planned:
        st.info(t("followup.none_planned"))
    else:
        names = {f.id: f"{fr_date(f.scheduled_on)} — {label('followup_kind', f.milestone or f.kind)}" for f in planned}
        with st.form("hold_interview", clear_on_submit=True):
            followup_id = st.selectbox(t("followup.planned"), list(names), format_func=names.__getitem__, key="h_id")
            held = st.date_input(t("followup.held_on"), value=today, max_value=today, format="DD/MM/YYYY",
                                 key="h_day")
            hold_notes = st.text_area(t("followup.notes"), max_chars=20000, key="h_notes")
            held_clicked = st.form_submit_button(t("followup.hold_submit"))
        if held_clicked:
            try:
                followup.hold_interview(ctx, identity, followup_id, held, hold_notes)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("followup.recorded")
                st.rerun()
