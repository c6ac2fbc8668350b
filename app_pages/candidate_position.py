"""Candidate: self-positioning on RECTEC one competency at a time, then on the activities of their trade."""

from __future__ import annotations

import html

import streamlit as st

from competency_graph.services import people, positioning
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.easyread import competency_picto, focus_on, level_picto, read_aloud
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.i18n import t, t_easy

STATE_PICTOS = {"acquired": "✅", "in_progress": "🔄", "not_yet": "⏳"}
INDEX = "position_index"
FLASH = "position_flash"
MOVED = "position_moved"  # set when the question changed: the next question takes the keyboard focus
REFUSED = "position_refused"  # a refused write, shown once by the run that follows
QUESTION = '[data-testid="stMain"] h2.cg-question'


def choose(item_id: str, label: str, rank: int, index: int) -> None:
    """A level's ``on_click``: the write happens before the run that follows, which shows the next competency
    (one script run per click; with ``st.rerun()`` after the write it took two). The session is checked
    again here, as the page's run would."""
    who = session.current_identity()
    if who is None or who.role != "candidate" or not who.person_id:
        return  # the session ended: the run that follows says so
    try:
        positioning.record_self(cache.context(), who, who.person_id, item_id, level=rank)
    except StoreError as error:
        st.session_state[REFUSED] = error
        return
    st.session_state[FLASH] = t("position.saved", level=rank, label=label)
    st.session_state[INDEX] = index + 1
    st.session_state[MOVED] = True


ctx = cache.context()
identity = session.require_role("candidate")
person, view = positioning.own_positions(ctx, identity)  # record and positions: one guarded read
easy = session.easy_read()
st.title(t("position.title"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
if REFUSED in st.session_state:
    show_refusal(st.session_state.pop(REFUSED))

tab_rectec, tab_activities = st.tabs([t("position.tab.rectec"), t("position.tab.activities")])

with tab_rectec:
    competencies = people.rectec_competencies(ctx.bundle)
    index = min(max(int(st.session_state.get(INDEX, 0)), 0), len(competencies))
    if index >= len(competencies):
        st.success(t("position.done"))
        st.page_link("app_pages/candidate_map.py", label=t("position.see_map"), icon="🎯")
        if st.session_state.pop(MOVED, False):
            focus_on('[data-testid="stMain"] [data-testid="stPageLink"] a', "done")
        if st.button(t("position.previous"), key="restart"):
            st.session_state[INDEX] = len(competencies) - 1
            st.rerun()
    else:
        item = competencies[index]
        pole = ctx.bundle.items.get(item.parent or "")
        row = positioning.comparison_rows(ctx, view, [item.id])[0]
        st.progress(index / len(competencies), text=t("position.progress", n=index + 1, total=len(competencies)))
        color = (pole.model.color if pole else None) or "#777777"
        st.markdown(f'<h2 class="cg-question"><span class="cg-pole" style="background:{html.escape(color)}"></span>'
                    f'{competency_picto(item.id)} {html.escape(item.label)}</h2>', unsafe_allow_html=True)
        if not easy and pole is not None:
            st.caption(pole.label)
        st.markdown(f"**{t('position.question_easy' if easy else 'position.question')}**")
        if isinstance(row.self_value, int):
            st.write(t("position.current", picto=level_picto(row.self_value), level=row.self_value))
        if not easy and isinstance(row.co_value, int):
            st.caption(t("position.co_current", level=row.co_value))
        statements = []
        for level in item.levels:
            statement = level.easy_read or level.title
            statements.append(statement)
            text = (t("position.level_button", picto=level_picto(level.rank), statement=statement) if easy else
                    t("position.level_button_full", picto=level_picto(level.rank), n=level.rank, statement=statement))
            chosen = row.self_value == level.rank
            key = f"big-chosen-{item.id}-{level.rank}" if chosen else f"big-{item.id}-{level.rank}"
            st.button(text, key=key, width="stretch", help=None if easy else level.title, type="secondary",
                      on_click=choose, args=(item.id, item.label, level.rank, index))
        if session.read_aloud_on():
            read_aloud(". ".join([item.label, *statements]))
        back, skip = st.columns(2)
        if back.button(t("position.previous"), key="previous", disabled=index == 0, width="stretch"):
            st.session_state[INDEX] = index - 1
            st.session_state[MOVED] = True
            st.rerun()
        if skip.button(t("position.skip") if row.self_value is None else t("position.next"), key="skip",
                       width="stretch"):
            st.session_state[INDEX] = index + 1
            st.session_state[MOVED] = True
            st.rerun()
        if st.session_state.pop(MOVED, False):
            focus_on(QUESTION, f"{item.id}-{index}")

with tab_activities:
    trades = people.candidate_trades(ctx.bundle, person)
    if not trades:
        st.info(t("activities.none"))
    else:
        trade = trades[0] if len(trades) == 1 else st.selectbox(
            t("activities.trade"), trades, format_func=ctx.bundle.label, key="trade")
        if len(trades) == 1:
            st.markdown(f"**{t('activities.trade')} :** {html.escape(ctx.bundle.label(trade))}")
        st.write(t("activities.intro"))
        activity_ids = positioning.trade_activities(ctx, trade)
        current = {r.item_id: r.self_value for r in positioning.comparison_rows(ctx, view, activity_ids)}
        states = list(positioning.STATES)
        with st.form(f"activities-{trade}"):
            answers = {}
            for activity_id in activity_ids:
                activity = ctx.bundle.items[activity_id]
                value = current.get(activity_id)
                answers[activity_id] = st.radio(
                    activity.label, states, index=states.index(value) if value in states else None,
                    key=f"state-{activity_id}", horizontal=True,
                    format_func=lambda s: f"{STATE_PICTOS[s]} {t('state.' + s)}")
                if not easy and activity.model.situations:
                    st.caption(t("activities.situations", text=" ; ".join(activity.model.situations)))
            saved = st.form_submit_button(t("activities.save"), type="primary")
        if saved:
            changed = {a: (None, s) for a, s in answers.items() if s is not None and s != current.get(a)}
            try:  # every changed answer in one transaction, with one audit entry
                positioning.record_self_many(ctx, identity, person.id, changed)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = (t_easy("activities.saved", easy, count=len(changed)) if changed
                                           else t("activities.nothing"))
                st.rerun()
