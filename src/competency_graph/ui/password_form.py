"""The change-password form: the forced change after sign-in (a password chosen by an admin) and the
"my password" page both use it."""

from __future__ import annotations

import streamlit as st

from ..security.accounts import MIN_PASSWORD_LENGTH
from ..security.errors import SecurityError
from ..services import accounts
from ..services.context import Context
from .i18n import t

__all__ = ["change_password_form"]


def change_password_form(ctx: Context, user_id: str, *, key: str, old_token: str | None = None
                         ) -> accounts.SignedIn | None:
    """The form; the new sign-in (fresh session) once the password is changed, else None (a refusal is
    shown in French)."""
    st.caption(t("password.rules", n=MIN_PASSWORD_LENGTH))
    with st.form(key, clear_on_submit=True):
        current = st.text_input(t("password.current"), type="password", max_chars=1024, key=f"{key}_current",
                                autocomplete="current-password")
        new = st.text_input(t("password.new"), type="password", max_chars=1024, key=f"{key}_new",
                            autocomplete="new-password")
        again = st.text_input(t("password.again"), type="password", max_chars=1024, key=f"{key}_again",
                              autocomplete="new-password")
        sent = st.form_submit_button(t("password.button"), type="primary")
    if not sent:
        return None
    if not current or not new:
        st.warning(t("password.missing"))
        return None
    if new != again:
        st.error(t("password.mismatch"))
        return None
    try:
        return accounts.change_password(ctx, user_id, current, new, old_token=old_token)
    except SecurityError as error:
        st.error(t("password.refused", message=error.message_fr))
        return None
