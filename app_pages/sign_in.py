"""Sign-in: login and password (throttled); outside production mode, also a demo account picker."""

from __future__ import annotations

import streamlit as st

from competency_graph.security import accounts as security_accounts
from competency_graph.security.errors import AuthError
from competency_graph.services import accounts
from competency_graph.ui import cache, session
from competency_graph.ui.formats import md_escape
from competency_graph.ui.i18n import label, t
from competency_graph.ui.password_form import change_password_form

ROLE_PICTOS = {"candidate": "🙂", "accompanist": "🤝", "trainer": "🧩", "admin": "🛠️"}
# After a password sign-in of a user with several roles: the session and the roles to pick from. (A comment,
# not an attribute docstring: Streamlit's "magic" would print a bare string on the page.)
PENDING = "pending_sign_in"
# A sign-in whose password was chosen by someone else: it must be changed before any role opens.
MUST_CHANGE = "must_change_password"


def option(account: accounts.Account) -> str:
    return t("sign_in.option", picto=ROLE_PICTOS.get(account.role, ""), name=md_escape(account.display_name),
             role=label("role", account.role))


def oidc_configured() -> bool:
    """Whether an OpenID Connect provider is configured (``[auth]`` in the Streamlit secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def finish(signed: accounts.SignedIn) -> None:
    """Ask for a new password first when an admin chose it; then open the only role, or let the user pick
    one of several."""
    if signed.must_change:
        st.session_state[MUST_CHANGE] = signed
    elif len(signed.accounts) == 1:
        only = signed.accounts[0]
        session.sign_in(accounts.identity_for(ctx, only.user_id, only.role), signed.token)
    else:
        st.session_state[PENDING] = signed
    st.rerun()


def client_address() -> str | None:
    """Where the attempt comes from, for throttling (behind trusted proxies: from ``X-Forwarded-For``)."""
    from competency_graph.security.throttle import client_from

    try:
        address, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - no request context (tests)
        return None
    address = address if isinstance(address, str) and address else None
    return client_from(address, forwarded if isinstance(forwarded, str) else None, cache.context().settings.proxy_hops)


def refusal(error: AuthError) -> str:
    """A French message that never says whether the login or the password was wrong, nor whether the
    account is locked (one message for every refusal)."""
    if error.code == "not_authorised":
        return t("sign_in.not_authorised")
    if error.code == "no_role":
        return t("sign_in.no_role")
    return t("sign_in.bad_credentials")


ctx = cache.context()
st.title(t("sign_in.title"))
st.write(t("app.tagline"))
notice = session.pop_notice()
if notice:
    st.warning(t(notice))

forced: accounts.SignedIn | None = st.session_state.get(MUST_CHANGE)
if forced is not None:
    st.warning(t("password.forced"))
    changed = change_password_form(ctx, forced.accounts[0].user_id, key="forced_password", old_token=forced.token)
    if changed is not None:
        st.session_state.pop(MUST_CHANGE, None)
        finish(changed)
    st.stop()

pending: accounts.SignedIn | None = st.session_state.get(PENDING)
if pending is not None:
    # Password checked; the user holds several roles and picks the one to act in.
    by_role = {a.role: a for a in pending.accounts}
    with st.form("pick_role"):
        role = st.radio(t("sign_in.pick_role"), list(by_role), key="pending_role",
                        format_func=lambda r: option(by_role[r]))
        chosen = st.form_submit_button(t("sign_in.continue"), type="primary")
    if chosen and role:
        account = by_role[role]
        st.session_state.pop(PENDING, None)
        session.sign_in(accounts.identity_for(ctx, account.user_id, role), pending.token)
        st.rerun()
    st.stop()

demo = accounts.demo_accounts(ctx)  # always empty in production mode
if demo:
    st.info(t("sign_in.intro"))
    by_key = {f"{a.user_id}|{a.role}": a for a in demo}
    with st.form("sign_in"):
        key = st.radio(t("sign_in.account"), list(by_key), key="account", format_func=lambda k: option(by_key[k]))
        submitted = st.form_submit_button(t("sign_in.button"), type="primary")
    if submitted and key:
        chosen_account = by_key[key]
        identity, token = accounts.demo_session(ctx, chosen_account.user_id, chosen_account.role)
        session.sign_in(identity, token)
        st.rerun()
    st.subheader(t("sign_in.password_title"))
elif security_accounts.demo_sign_in_allowed():
    st.caption(t("sign_in.none"))

with st.form("password_sign_in", clear_on_submit=True):
    login = st.text_input(t("sign_in.login"), key="login", max_chars=200, autocomplete="username")
    password = st.text_input(t("sign_in.password"), key="password", type="password", max_chars=1024,
                             autocomplete="current-password")
    sent = st.form_submit_button(t("sign_in.password_button"), type="primary" if not demo else "secondary")
if sent:
    if not login.strip() or not password:
        st.warning(t("sign_in.missing"))
    else:
        try:
            signed = accounts.password_sign_in(ctx, login, password, client=client_address())
        except AuthError as error:
            st.error(refusal(error))
        else:
            finish(signed)

if oidc_configured():
    # Single sign-on: the provider proves who the user is; roles still come from our database.
    st.subheader(t("sign_in.oidc_title"))
    if st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        st.caption(t("sign_in.oidc_as", email=md_escape(email)))
        go, other = st.columns(2)
        if go.button(t("sign_in.oidc_continue"), key="oidc_continue", type="primary"):
            try:
                finish(accounts.external_sign_in(ctx, email, email_verified=st.user.get("email_verified") is True))
            except AuthError as error:
                st.error(refusal(error))
        if other.button(t("sign_in.oidc_other"), key="oidc_logout"):
            st.logout()
    elif st.button(t("sign_in.oidc_button"), key="oidc_login"):
        st.login()
