"""The signed-in identity, the easy-read settings and the selected person, kept in ``st.session_state``."""

from __future__ import annotations

import streamlit as st

from ..services.accounts import Identity
from .i18n import label, t

__all__ = ["current_identity", "sign_in", "sign_out", "require_role", "easy_read", "read_aloud_on",
           "sidebar", "selected_person", "select_person", "IDENTITY", "EASY_READ", "READ_ALOUD", "PERSON"]

IDENTITY = "identity"
EASY_READ = "easy_read"
READ_ALOUD = "read_aloud"
PERSON = "person_id"


def current_identity() -> Identity | None:
    value = st.session_state.get(IDENTITY)
    return value if isinstance(value, Identity) else None


def sign_in(identity: Identity) -> None:
    st.session_state.clear()
    st.session_state[IDENTITY] = identity


def sign_out() -> None:
    st.session_state.clear()


def require_role(*roles: str) -> Identity:
    """The identity when it holds one of ``roles``; otherwise a message and the page stops."""
    identity = current_identity()
    if identity is None:
        st.info(t("error.not_signed_in"))
        st.stop()
    if roles and identity.role not in roles:
        st.warning(t("error.wrong_role"))
        st.stop()
    return identity


def easy_read() -> bool:
    return bool(st.session_state.get(EASY_READ, False))


def read_aloud_on() -> bool:
    return bool(st.session_state.get(READ_ALOUD, False))


def selected_person() -> str | None:
    return st.session_state.get(PERSON)


def select_person(person_id: str) -> None:
    st.session_state[PERSON] = person_id


def _sign_out_clicked() -> None:
    sign_out()


def sidebar(identity: Identity | None) -> None:
    """Who is signed in, the easy-read switches (candidates) and the sign-out button."""
    if identity is None:
        return
    with st.sidebar:
        st.markdown(t("sidebar.signed_in_as", name=identity.display_name.replace("*", ""),
                      role=label("role", identity.role)))
        if identity.role == "candidate":
            # The switches keep their value across pages because their keys live in session_state.
            st.toggle(t("sidebar.easy_read"), key=EASY_READ, help=t("sidebar.easy_read_help"))
            st.toggle(t("sidebar.read_aloud"), key=READ_ALOUD, help=t("sidebar.read_aloud_help"))
        st.button(t("sidebar.sign_out"), key="sign_out", on_click=_sign_out_clicked)
