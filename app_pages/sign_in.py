"""Sign-in: in this version, pick a demo account (the security issue adds passwords and OIDC)."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import accounts, cache
from competency_graph.ui import session
from competency_graph.ui.i18n import label, t

ROLE_PICTOS = {"candidate": "🙂", "accompanist": "🤝", "trainer": "🧩", "admin": "🛠️"}

ctx = cache.context()
st.title(t("sign_in.title"))
st.write(t("app.tagline"))
st.info(t("sign_in.intro"))
choices = accounts.demo_accounts(ctx)
if not choices:
    st.warning(t("sign_in.none"))
    st.stop()
by_key = {f"{a.user_id}|{a.role}": a for a in choices}
with st.form("sign_in"):
    key = st.radio(t("sign_in.account"), list(by_key), key="account", format_func=lambda k: t(
        "sign_in.option", picto=ROLE_PICTOS.get(by_key[k].role, ""), name=by_key[k].display_name,
        role=label("role", by_key[k].role)))
    submitted = st.form_submit_button(t("sign_in.button"), type="primary")
if submitted and key:
    chosen = by_key[key]
    session.sign_in(accounts.demo_sign_in(ctx, chosen.user_id, chosen.role))
    st.rerun()
