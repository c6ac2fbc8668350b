"""Choosers shared by pages: the person being followed, a target, a period."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ..analysis.targets import is_entry_profile
from ..bundle import Bundle
from ..services import accounts
from ..services.accounts import Identity
from ..services.context import Context
from ..services.guidance import TargetOption
from ..store import PersonRecord
from . import session
from .i18n import label, t

__all__ = ["person_picker", "target_picker", "entry_profile_details", "period_picker"]

_PICKER_KEY = "_person_picker"


def _remember() -> None:
    session.select_person(st.session_state[_PICKER_KEY])


def person_picker(ctx: Context, identity: Identity, *, where=st) -> PersonRecord:
    """A select box of the people the identity follows; the choice is kept across pages. Stops the page
    with a message when there is nobody."""
    people = accounts.visible_people(ctx, identity)
    if not people:
        st.info(t("picker.none"))
        st.stop()
    ids = [p.id for p in people]
    chosen = session.selected_person()
    if chosen not in ids:
        chosen = ids[0]
        session.select_person(chosen)
    st.session_state[_PICKER_KEY] = chosen
    names = {p.id: f"{p.display_name} · {label('status', p.status)}" for p in people}
    where.selectbox(t("picker.person"), ids, key=_PICKER_KEY, format_func=names.__getitem__, on_change=_remember)
    return next(p for p in people if p.id == chosen)


def target_picker(options: list[TargetOption], default: str | None, *, key: str,
                  label_key: str = "guidance.target") -> str | None:
    """A select box of targets (trades, jobs, certifications), ``default`` first when given."""
    ids = [o.id for o in options]
    names = {o.id: t("guidance.target_option", label=o.label, kind=label("kind", o.kind)) for o in options}
    index = ids.index(default) if default in ids else None
    return st.selectbox(t(label_key), ids, index=index, key=key, format_func=names.__getitem__,
                        placeholder=t("guidance.no_target"))


def entry_profile_details(bundle: Bundle, target_id: str | None) -> None:
    """For a training's entry profile: what the training expects, in words, and how sure the circles are."""
    item = bundle.items.get(target_id or "")
    if not is_entry_profile(item):
        return
    with st.expander(t("entry.expects", label=item.label)):
        if item.model.elements:
            st.markdown("\n".join(f"- {e}" for e in item.model.elements))
        if item.model.note:
            st.caption(item.model.note)
        st.caption(t("entry.reconstructed"))


def period_picker(key: str, today: dt.date, *, days: int = 90) -> tuple[dt.date, dt.date] | None:
    """Two dates side by side (``{key}_from``, ``{key}_to``; by default the last ``days`` days), or None with a
    warning when the first is not before the second."""
    col_from, col_to = st.columns(2)
    start = col_from.date_input(t("period.from"), value=today - dt.timedelta(days=days), max_value=today,
                                format="DD/MM/YYYY", key=f"{key}_from")
    end = col_to.date_input(t("period.to"), value=today, max_value=today, format="DD/MM/YYYY", key=f"{key}_to")
    if start >= end:
        st.warning(t("period.bad"))
        return None
    return start, end
