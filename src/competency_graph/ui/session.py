"""The signed-in identity, its session token, the easy-read settings and the selected person, kept in
``st.session_state``; a signed cookie brings the session back after a reload (F5) or in a new tab.

The token is checked against the database at every run (:func:`current_identity`): an expired, ended or
unknown session sends the user back to the sign-in page with a message. The checked identity becomes the
actor of the run's :class:`~competency_graph.services.context.Context` (``ui.cache.begin_run``), which every
page and widget of the run gets from ``cache.context()``. Widget callbacks run before the page's check and get a
context acting for nobody, so a callback that opens a person's record calls :func:`current_identity` itself
first (the candidate's level buttons do) or passes the identity explicitly (the sign-out callback only ends
the session); within one script run the check is made once and its result reused (``_RUN_CHECK``), so the
callback, ``app.py`` and the page's :func:`require_role` read the account once between them.

Reloads: Streamlit forgets ``st.session_state`` on F5. At sign-in the cookie ``cg_session`` (token, role and
an HMAC signature, see ``security.sessions``) is set; on the next connection the browser sends it and
:func:`current_identity` re-opens the session when the signature holds, the session is live in the database
and not idle. The cookie is ``HttpOnly`` and ``SameSite=Strict`` (``Secure`` over HTTPS): the server sets it
when the page posts a one-time ticket (``ui.cookie_route``, served by ``serve.py``). Run without ``serve.py``,
the page writes it from a script instead, without ``HttpOnly``.
The display preferences are saved on the account and come back with the session.
"""

from __future__ import annotations

import json

import streamlit as st

from ..security import accounts as security_accounts
from ..security import sessions as signed_sessions
from ..services import accounts, preferences
from ..services.accounts import Identity
from . import cookie_route
from .formats import md_escape
from .i18n import label, t, t_easy
from .runs import run_marker

__all__ = ["current_identity", "end_run", "sign_in", "sign_out", "require_role", "easy_read", "read_aloud_on",
           "sidebar", "selected_person", "select_person", "pop_notice", "IDENTITY", "TOKEN", "EASY_READ",
           "READ_ALOUD", "PERSON", "NOTICE", "TEXT_SIZE", "text_size", "cookie_script"]

IDENTITY = "identity"
TOKEN = "session_token"
EASY_READ = "easy_read"
READ_ALOUD = "read_aloud"
PERSON = "person_id"
NOTICE = "sign_in_notice"
TEXT_SIZE = "text_size"
_COOKIE_DEAD = "_cookie_refused"  # a cookie value already refused in this tab: not looked up again
_COOKIE_SENT = "_cookie_written"  # the cookie value this tab has written
_COOKIE_TICKET = "_cookie_ticket"  # (cookie value, one-time ticket) posted by the page, not yet used


def _cache():
    from . import cache  # imported late: the cache builds the database on first use

    return cache


def _context():
    return _cache().context()


def _act_as(identity: Identity | None, base=None) -> None:
    """This run's context acts as ``identity`` (None: nobody); ``base``: the base context already at hand."""
    if identity is None:
        _cache().end_run()  # the base context acts for nobody
    else:
        _cache().begin_run(identity, base)


def end_run() -> None:
    """The run is over: its context (and its actor) is forgotten (called by the app at the end of each run)."""
    _cache().end_run()


def _void_pending_ticket() -> None:
    """The ticket this tab's page has not posted yet stands for a cookie no longer wanted (the tab signs in as
    someone else or signs out): voided, so a late post cannot set the previous session's cookie after the
    new one."""
    pending = st.session_state.get(_COOKIE_TICKET)
    if isinstance(pending, tuple) and len(pending) == 2:
        cookie_route.revoke(pending[1])


def _end(notice_key: str | None) -> None:
    _void_pending_ticket()
    cookie = _cookie()
    held = st.session_state.get(_COOKIE_SENT)  # what this tab had the browser store (cleared next run)
    st.session_state.clear()
    if cookie:  # the browser still sends it on this connection: never look it up again
        st.session_state[_COOKIE_DEAD] = cookie
    if held:
        st.session_state[_COOKIE_SENT] = held
    if notice_key:
        st.session_state[NOTICE] = notice_key
    _act_as(None)


def _cookie() -> str | None:
    """The session cookie the browser sent when this tab connected (None in app tests)."""
    try:
        return st.context.cookies.get(signed_sessions.COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare script run)
        return None


def _restore() -> Identity | None:
    """The identity of the session named by the cookie, when its signature holds and it is live and not
    idle; its display preferences come back with it."""
    value = _cookie()
    if not value or st.session_state.get(_COOKIE_DEAD) == value:
        return None
    restored = preferences.restore_session(_context(), value)
    if restored is None:
        st.session_state[_COOKIE_DEAD] = value
        return None
    identity, token = restored
    sign_in(identity, token)
    st.session_state[_COOKIE_SENT] = value  # the browser holds it already
    return identity


_RUN_CHECK = "_identity_checked_this_run"  # (this run's marker, identity, token) of the last check


def current_identity() -> Identity | None:
    """The signed-in identity after checking its session, or None (signed out, expired, idle, revoked);
    checked once per script run (a second call in the same run, with the same identity and token, reuses it)."""
    value = st.session_state.get(IDENTITY)
    marker = run_marker()
    memo = st.session_state.get(_RUN_CHECK)
    if marker is not None and isinstance(memo, tuple) and memo[0] is marker and memo[1] == value \
            and memo[2] == st.session_state.get(TOKEN):
        _act_as(value)  # the run's context acts as the identity checked earlier in this run
        return value
    checked = _check(value)
    if checked is not None and marker is not None:
        st.session_state[_RUN_CHECK] = (marker, checked, st.session_state.get(TOKEN))
    return checked


def _check(value: object) -> Identity | None:
    if not isinstance(value, Identity):
        value = _restore()
    if not isinstance(value, Identity):
        _act_as(None)
        return None
    token = st.session_state.get(TOKEN)
    base = _cache().base_context()
    checked = accounts.check_session(base, value, token)
    if checked is not None and token and not signed_sessions.touch(base.repo, token):
        checked = None
    if checked is None:
        _end("sign_in.expired")
        return None
    if checked != value:  # roles or structures changed since sign-in
        st.session_state[IDENTITY] = checked
    _act_as(checked, base)
    return checked


def sign_in(identity: Identity, token: str | None = None) -> None:
    """Start a fresh session state for ``identity`` (its token when it signed in through a session), with the
    display preferences saved on the account."""
    refused = st.session_state.get(_COOKIE_DEAD)
    _void_pending_ticket()
    st.session_state.clear()
    if refused:
        st.session_state[_COOKIE_DEAD] = refused
    st.session_state[IDENTITY] = identity
    if token:
        st.session_state[TOKEN] = token
    base = _cache().base_context()
    prefs = preferences.load(base, identity.user_id)
    st.session_state[EASY_READ] = prefs.easy_read
    st.session_state[READ_ALOUD] = prefs.read_aloud
    st.session_state[TEXT_SIZE] = prefs.text_size
    _act_as(identity, base)


def sign_out() -> None:
    """End the session in the database, then forget everything of this browser tab."""
    token = st.session_state.get(TOKEN)
    if token:
        accounts.sign_out(_context(), token)
    _end("sign_in.signed_out")
    _end_sso()


def _end_sso() -> None:
    """Security round 2: also end the single sign-on identity, or the next person at this browser could
    continue as the previous one."""
    try:
        signed_with_sso = bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - no OpenID Connect configured
        return
    if signed_with_sso:
        st.logout()


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


def text_size() -> str:
    return str(st.session_state.get(TEXT_SIZE) or "normal")


def cookie_script(identity: Identity | None) -> str | None:
    """The script that writes (or clears) the session cookie when the browser does not hold the right value
    yet; None when nothing is to change. Called once per run by the app frame.

    Served by ``serve.py``, the script posts a one-time ticket and the server sets the cookie ``HttpOnly``
    (``ui.cookie_route``); the same script is given again at every run until the server has seen the ticket,
    since a run that follows at once (sign-in reruns) can remove an element before the browser ran it."""
    token = st.session_state.get(TOKEN)
    wanted = signed_sessions.sign_cookie(_context().repo, token, identity.role) if identity and token else ""
    held = st.session_state.get(_COOKIE_SENT)
    if held is None:  # nothing written by this tab since its state was reset: the browser holds what it sent
        held = _cookie() or ""
    if held == wanted:
        return None
    if cookie_route.served():
        return _ticket_script(wanted)
    st.session_state[_COOKIE_SENT] = wanted
    name = signed_sessions.COOKIE_NAME
    age = int(security_accounts.SESSION_HOURS * 3600) if wanted else 0
    # served without serve.py (no route): written by the script, so without HttpOnly (see module docstring)
    # json.dumps: the value is ours (url-safe token, role, hex), quoted anyway so nothing can break the script.
    return (f"<script>(function(){{var v={json.dumps(wanted)};var secure=location.protocol==='https:'?"
            f"'; Secure':'';document.cookie='{name}='+v+'; Path=/; Max-Age={age}; SameSite=Strict'+secure;}})();"
            "</script>")


def _ticket_script(wanted: str) -> str | None:
    """The script posting this tab's ticket for ``wanted`` (a new ticket when there is none or it expired);
    None, and ``wanted`` recorded as held, once the server has used it."""
    pending = st.session_state.get(_COOKIE_TICKET)
    state = cookie_route.state(pending[1]) if isinstance(pending, tuple) and pending[0] == wanted else "void"
    if state == "used":
        st.session_state[_COOKIE_SENT] = wanted
        st.session_state.pop(_COOKIE_TICKET, None)
        return None
    if state == "void":
        _void_pending_ticket()  # a ticket for another value (or an expired one): never posted late
        identity = st.session_state.get(IDENTITY)
        owner = identity.user_id if wanted and isinstance(identity, Identity) else None
        pending = (wanted, cookie_route.issue(wanted, owner=owner))
        st.session_state[_COOKIE_TICKET] = pending
    path = cookie_route.route_path(str(st.get_option("server.baseUrlPath") or ""))
    return (f"<script>fetch({json.dumps(path)},{{method:'POST',body:{json.dumps(pending[1])},"
            "credentials:'same-origin',cache:'no-store'});</script>")


def _save_preferences() -> None:
    """Widget callback: save the switches on the account (the user's own settings, not a person's record)."""
    identity = st.session_state.get(IDENTITY)
    if isinstance(identity, Identity):
        preferences.save(_context(), identity, easy_read=easy_read(), read_aloud=read_aloud_on(),
                         text_size=text_size())


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
        # The name is the user's own text: shown as text, never interpreted (no link, no remote image).
        st.markdown(t_easy("sidebar.signed_in_as", easy_read() and identity.role == "candidate",
                           name=md_escape(identity.display_name), role=label("role", identity.role)))
        if identity.role == "candidate":
            # The switches keep their value across pages because their keys live in session_state; they are
            # saved on the account, so a reload or the next sign-in finds them again.
            st.toggle(t("sidebar.easy_read"), key=EASY_READ, help=t("sidebar.easy_read_help"),
                      on_change=_save_preferences)
            st.toggle(t("sidebar.read_aloud"), key=READ_ALOUD, help=t("sidebar.read_aloud_help"),
                      on_change=_save_preferences)
        st.selectbox(t("sidebar.text_size"), ["normal", "large", "larger"], key=TEXT_SIZE,
                     format_func=lambda v: label("text_size", v), on_change=_save_preferences)
        st.button(t("sidebar.sign_out"), key="sign_out", on_click=_sign_out_clicked)
