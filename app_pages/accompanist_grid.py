"""Accompanist: co-assess one person on a whole grid — the 12 RECTEC competencies and the activities of their
trade, or the competencies of a certification's blocs (YES / PARTIAL / NO) — on one screen, with one save."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import coassess, guidance
from competency_graph.services.coassess import Change
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.easyread import competency_picto
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_percent
from competency_graph.ui.i18n import t
from competency_graph.ui.pickers import person_picker

FLASH = "grid_flash"


def shown(value: int | str | None, certification: bool) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return t("grid.level", n=value)
    return t(f"grid.answer.{value}") if certification else t(f"state_short.{value}")


ctx = cache.context()
identity = session.require_role("accompanist")
st.title(t("grid.title"))
person = person_picker(ctx, identity)
st.caption(t("grid.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

sets = {s.id: s for s in coassess.item_sets(ctx, person)}
set_id = st.selectbox(t("grid.set"), list(sets), format_func=lambda i: sets[i].label, key="grid_set")
certification = sets[set_id].kind == "certification"
rows = coassess.grid_rows(ctx, identity, person.id, set_id)
prefix = f"g-{person.id}-{set_id}"

with st.form("grid", border=False):
    section = None
    answers: list[tuple[coassess.GridRow, int | str | None, str]] = []
    for row in rows:
        if row.section != section:
            section = row.section
            st.subheader(section, anchor=False)  # no "link to heading" stop in the Tab path
        options: list[int | str] = [rank for rank, _ in row.levels] if row.graded else list(coassess.ANSWERS)
        current = row.co_value if row.co_value in options else None
        own = t("grid.self_says", value=shown(row.self_value, certification)) if row.self_value is not None \
            else t("grid.self_none")
        flag = f" — {t('grid.divergent')}" if row.divergent else ""
        title = f"{competency_picto(row.item_id) if not certification else ''} {row.number}. {row.label}".strip()
        choice, note = st.columns([3, 2], vertical_alignment="bottom")
        value = choice.radio(f"{title} ({own}){flag}", options, index=options.index(current) if current in options
                             else None, horizontal=True, key=f"{prefix}-{row.item_id}",
                             format_func=lambda v, c=certification: shown(v, c))
        text = note.text_input(t("grid.note", item=row.number), key=f"{prefix}-note-{row.item_id}",
                               placeholder=t("grid.note_placeholder"), max_chars=2000, label_visibility="collapsed")
        answers.append((row, value, text))
    submitted = st.form_submit_button(t("grid.save"), type="primary")

if submitted:
    changes = [Change(row.item_id, value, text) for row, value, text in answers if value is not None]
    try:
        count = coassess.save_grid(ctx, identity, person.id, set_id, changes)
    except StoreError as error:
        show_refusal(error)
    else:
        st.session_state[FLASH] = t("grid.saved", count=count) if count else t("grid.nothing")
        st.rerun()

if certification:
    st.subheader(t("grid.coverage"))
    for bloc in guidance.coverage(ctx, person.id, set_id):
        st.progress(bloc.share, text=t("grid.coverage_row", label=bloc.label, share=fr_percent(bloc.share)))
