"""The signed-in identity, its session token, the easy-read settings and the selected person, kept in
``st.session_state``.

The token is checked against the database at every run (:func:`current_identity`): an expired, ended or
unknown session sends the user back to the sign-in page with a message. The checked identity becomes the
actor the services act for (``services.accounts.set_actor``). Widget callbacks run before that check, so they
must not call services that open a person's record (the sign-out callback only ends the session).
"""

from __future__ import annotations

import streamlit as st

from ..services import accounts
from ..services.accounts import Identity
from .i18n import label, t, t_easy

__all__ = ["current_identity", "sign_in", "sign_out", "require_role", "easy_read", "read_aloud_on",
           "sidebar", "selected_person", "select_person", "pop_notice", "IDENTITY", "TOKEN", "EASY_READ",
           "READ_ALOUD", "PERSON", "NOTICE"]

IDENTITY = "identity"
TOKEN = "session_token"
EASY_READ = "easy_read"
READ_ALOUD = "read_aloud"
PERSON = "person_id"
NOTICE = "sign_in_notice"


def _context():
    from ..services import cache  # imported late: the cache builds the database on first use

    return cache.context()


def _end(notice_key: str | None) -> None:
    st.session_state.clear()
    if notice_key:
        st.session_state[NOTICE] = notice_key
    accounts.set_actor(None)


def current_identity() -> Identity | None:
    """The signed-in identity after checking its session, or None (signed out, expired, revoked)."""
    value = st.session_state.get(IDENTITY)
    if not isinstance(value, Identity):
        accounts.set_actor(None)
        return None
    checked = accounts.check_session(_context(), value, st.session_state.get(TOKEN))
    if checked is None:
        _end("sign_in.expired")
        return None
    if checked != value:  # roles or structures changed since sign-in
        st.session_state[IDENTITY] = checked
    accounts.set_actor(checked)
    return checked


def sign_in(identity: Identity, token: str | None = None) -> None:
    """Start a fresh session state for ``identity`` (its token when it signed in through a session)."""
    st.session_state.clear()
    st.session_state[IDENTITY] = identity
    if token:
        st.session_state[TOKEN] = token
    accounts.set_actor(identity)


def sign_out() -> None:
    """End the session in the database, then forget everything of this browser tab."""
    token = st.session_state.get(TOKEN)
    if token:
        accounts.sign_out(_context(), token)
    _end("sign_in.signed_out")


def pop_notice() -> str | None:
    """The key of the message to show once on the sign-in page (session expired, signed out)."""
    return st.session_state.pop(NOTICE, None)


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
        st.markdown(t_easy("sidebar.signed_in_as", easy_read() and identity.role == "candidate",
                           name=identity.display_name.replace("*", ""), role=label("role", identity.role)))
        if identity.role == "candidate":
            # The switches keep their value across pages because their keys live in session_state.
            st.toggle(t("sidebar.easy_read"), key=EASY_READ, help=t("sidebar.easy_read_help"))
            st.toggle(t("sidebar.read_aloud"), key=READ_ALOUD, help=t("sidebar.read_aloud_help"))
        st.button(t("sidebar.sign_out"), key="sign_out", on_click=_sign_out_clicked)
