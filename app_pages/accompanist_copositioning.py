"""Accompanist: co-positioning side by side with the candidate's self-positioning; differences highlighted and
resolved by a new event with a note (never an overwrite)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from competency_graph.services import people, positioning
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.charts import competency_map
from competency_graph.ui.easyread import competency_picto
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.i18n import t
from competency_graph.ui.pickers import person_picker

FLASH = "co_flash"
DIVERGENT_STYLE = "background-color: #FFE0B2; font-weight: 600"


def shown(value: int | str | None) -> str:
    if value is None:
        return "–"
    return f"cercle {value}" if isinstance(value, int) else t(f"state_short.{value}")


def comparison_table(rows: list[positioning.ComparisonRow]) -> None:
    frame = pd.DataFrame([{
        t("co.col.competency"): f"{competency_picto(r.item_id)} {r.label}",
        t("co.col.self"): shown(r.self_value),
        t("co.col.co"): shown(r.co_value),
        t("co.col.difference"): (f"{r.difference:+d}" if r.difference else ("⚠️" if r.divergent else "")),
        t("co.col.note"): r.co_note or "",
    } for r in rows])
    flags = [r.divergent for r in rows]
    styled = frame.style.apply(lambda col: [DIVERGENT_STYLE if f else "" for f in flags], axis=0)
    st.dataframe(styled, hide_index=True, width="stretch", height=min(600, 35 * len(rows) + 40), column_config={
        t("co.col.competency"): st.column_config.TextColumn(width="large"),
        t("co.col.self"): st.column_config.TextColumn(width="small"),
        t("co.col.co"): st.column_config.TextColumn(width="small"),
        t("co.col.difference"): st.column_config.TextColumn(width="small")})
    divergent = sum(flags)
    (st.warning if divergent else st.success)(
        t("co.divergent_count", count=divergent) if divergent else t("co.no_divergence"))


def co_form(rows: list[positioning.ComparisonRow], key: str) -> None:
    ids = [r.item_id for r in rows]
    first = next((r.item_id for r in rows if r.divergent), ids[0])
    item_id = st.selectbox(t("co.item"), ids, index=ids.index(first), key=f"{key}-item",
                           format_func=lambda i: f"{competency_picto(i)} {ctx.bundle.label(i)}")
    row = rows[ids.index(item_id)]
    item = ctx.bundle.items[item_id]
    st.caption(t("co.self_says", value=shown(row.self_value)))
    with st.form(f"{key}-form"):
        if row.graded:
            levels = [lv.rank for lv in item.levels]
            titles = {lv.rank: lv.title for lv in item.levels}
            default = row.co_value if row.co_value in levels else (row.self_value if row.self_value in levels else None)
            value = st.radio(t("co.level"), levels, index=levels.index(default) if default in levels else None,
                             key=f"{key}-level-{item_id}", format_func=lambda n: f"Cercle {n} — {titles[n]}")
        else:
            states = list(positioning.STATES)
            default = row.co_value if row.co_value in states else None
            value = st.radio(t("co.state"), states, index=states.index(default) if default in states else None,
                             key=f"{key}-state-{item_id}", horizontal=True,
                             format_func=lambda s: t(f"state_short.{s}"))
        note = st.text_area(t("co.note"), max_chars=2000, key=f"{key}-note-{item_id}")
        submitted = st.form_submit_button(t("co.save"), type="primary")
    if submitted and value is not None:
        if row.self_value is not None and value != row.self_value and not note.strip():
            st.warning(t("co.note_required"))
            return
        try:
            if row.graded:
                positioning.record_co(ctx, identity, person.id, item_id, level=value, note=note.strip())
            else:
                positioning.record_co(ctx, identity, person.id, item_id, state=value, note=note.strip())
        except StoreError as error:
            show_refusal(error)
        else:
            st.session_state[FLASH] = t("co.saved", label=item.label)
            st.rerun()


ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("co.title"))
person = person_picker(ctx, identity)
st.caption(t("co.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

tab_rectec, tab_activities = st.tabs([t("co.tab.rectec"), t("co.tab.activities")])
with tab_rectec:
    rows = positioning.comparison(ctx, person.id, positioning.rectec_ids(ctx))
    comparison_table(rows)
    chart, form = st.columns([1, 1])
    with chart:
        st.plotly_chart(competency_map(people.candidate_map(ctx, person.id), self_name=t("co.col.self"),
                                       co_name=t("co.col.co"), height=600, compact=True),
                        config={"displayModeBar": False}, key="co_map")
    with form:
        st.subheader(t("co.edit"))
        co_form(rows, "rectec")

with tab_activities:
    trades = people.candidate_trades(ctx.bundle, person)
    if not trades:
        st.info(t("activities.none"))
    else:
        trade = st.selectbox(t("co.trade"), trades, format_func=ctx.bundle.label, key="co_trade")
        rows = positioning.comparison(ctx, person.id, positioning.trade_activities(ctx, trade))
        comparison_table(rows)
        st.subheader(t("co.edit"))
        co_form(rows, "activities")
