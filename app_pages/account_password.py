"""My password: every signed-in user with a local password changes it here (the current one is asked)."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import accounts
from competency_graph.ui import cache, session
from competency_graph.ui.i18n import t
from competency_graph.ui.password_form import change_password_form

ctx = cache.context()
identity = session.require_role()
st.title(t("password.title"))
if identity.user_id not in accounts.users_with_password(ctx):
    st.info(t("password.none"))
    st.stop()
if st.session_state.pop("password_changed", False):
    st.success(t("password.done"))
signed = change_password_form(ctx, identity.user_id, key="own_password",
                              old_token=st.session_state.get(session.TOKEN))
if signed is not None:
    # Every session of the user ended with the change; this tab keeps going on the fresh one.
    session.sign_in(identity, signed.token)
    st.session_state["password_changed"] = True
    st.rerun()
