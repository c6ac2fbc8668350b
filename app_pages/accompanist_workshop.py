"""Accompanist: a workshop's grid — people × items, one cell per answer, one save for the whole group; the
people's own answers shown below, disagreements highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from competency_graph.services import accounts, coassess
from competency_graph.services.coassess import Change
from competency_graph.ui import cache, session
from competency_graph.ui.formats import md_escape
from competency_graph.ui.i18n import t

FLASH = "workshop_flash"
DIVERGENT_STYLE = "background-color: #FFE0B2; font-weight: 600"
NOTE = "__note__"
NONE = "–"  # an empty cell (no answer yet); the grid would otherwise say "None"


def words(graded: bool, certification: bool) -> dict[int | str, str]:
    """Stored value → what the cell shows."""
    if graded:
        return {n: t("grid.level", n=n) for n in range(1, 9)}
    return {v: t(f"grid.answer.{v}") if certification else t(f"state_short.{v}") for v in coassess.ANSWERS}


ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("workshop.title"))
st.caption(t("workshop.intro"))
for message in st.session_state.pop(FLASH, []):
    (st.error if message.startswith("!") else st.success)(message.lstrip("!"))

people = accounts.visible_people(ctx, identity)
if not people:
    st.info(t("picker.none"))
    st.stop()
names = {p.id: p.display_name for p in people}
chosen = st.multiselect(t("workshop.people"), list(names), default=list(names), format_func=names.__getitem__,
                        key="ws_people", placeholder=t("grid.choose"))
sets = {s.id: s for s in coassess.item_sets(ctx, people[0])}
set_id = st.selectbox(t("grid.set"), list(sets), format_func=lambda i: sets[i].label, key="ws_set")
certification = sets[set_id].kind == "certification"
items = coassess.set_items(ctx, people[0], set_id)
labels = {i: f"{number}. {ctx.bundle.label(i)}" for i, number, _ in items}
picked = st.multiselect(t("workshop.items"), list(labels), default=list(labels), format_func=labels.__getitem__,
                        key=f"ws_items-{set_id}", placeholder=t("grid.choose"))
if not chosen or not picked:
    st.info(t("workshop.none"))
    st.stop()

graded = {i: bool(ctx.bundle.level_range(i)) for i in picked}
shown = {i: words(graded[i], certification) for i in picked}
back = {i: {v: k for k, v in shown[i].items()} for i in picked}
cells = coassess.group_grid(ctx, identity, chosen, picked)
person_col = t("workshop.person")
columns = {i: labels[i] for i in picked}
co = pd.DataFrame([{person_col: names[p], **{columns[i]: shown[i].get(cells[(p, i)].co_value, NONE) for i in picked},
                    NOTE: ""} for p in chosen], index=chosen)
own = pd.DataFrame([{person_col: names[p], **{columns[i]: shown[i].get(cells[(p, i)].self_value, NONE)
                                              for i in picked}} for p in chosen], index=chosen)
config = {person_col: st.column_config.TextColumn(disabled=True, pinned=True),
          NOTE: st.column_config.TextColumn(t("workshop.note"), max_chars=2000, width="medium")}
for i in picked:
    if graded[i]:
        low, high = ctx.bundle.level_range(i)
        options = [NONE, *(shown[i][n] for n in range(low, high + 1))]
    else:
        options = [NONE, *shown[i].values()]
    config[columns[i]] = st.column_config.SelectboxColumn(columns[i], options=options, width="small",
                                                          help=ctx.bundle.label(i))
with st.form("workshop", border=False):
    edited = st.data_editor(co, column_config=config, hide_index=True, key=f"ws_grid-{set_id}",
                            num_rows="fixed", width="stretch")
    submitted = st.form_submit_button(t("workshop.save"), type="primary")

st.subheader(t("workshop.self_table"))
flags = [[cells[(p, i)].self_value is not None and cells[(p, i)].co_value is not None
          and cells[(p, i)].self_value != cells[(p, i)].co_value for i in picked] for p in chosen]
styled = own.style.apply(lambda _: pd.DataFrame(
    [[""] + [DIVERGENT_STYLE if f else "" for f in row] for row in flags], index=own.index, columns=own.columns),
    axis=None)
st.dataframe(styled, hide_index=True, width="stretch")

if submitted:
    answers: dict[str, list[Change]] = {}
    for p in chosen:
        note = str(edited.loc[p, NOTE] or "")
        for i in picked:
            value = edited.loc[p, columns[i]]
            if value is None or value == NONE or (isinstance(value, float) and pd.isna(value)):
                continue
            stored = back[i].get(value)
            if stored is not None and (stored != cells[(p, i)].co_value or note.strip()):
                answers.setdefault(p, []).append(Change(i, stored, note))
    messages = []
    for p, outcome in coassess.save_group(ctx, identity, answers).items():
        if isinstance(outcome, int):
            messages.append(t("workshop.saved", person=md_escape(names[p]), count=outcome))
        else:
            details = "; ".join(outcome.details)
            messages.append("!" + t("workshop.refused", person=md_escape(names[p]), message=outcome.message_fr
                                    + (f" ({details})" if details else "")))
    st.session_state[FLASH] = messages or [t("grid.nothing")]
    st.rerun()
