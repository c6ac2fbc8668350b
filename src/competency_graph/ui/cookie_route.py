"""The session cookie, set by the server with ``HttpOnly``, so that no script in the page can read it.

A Streamlit script cannot set response headers; it can only run JavaScript in the page. So the run that
wants the cookie written (signed in, signed out) hands the page a **one-time ticket** (:func:`issue`): a random
value, kept in this process for :data:`TICKET_SECONDS` seconds and usable once, that stands for the cookie
value. The page's script posts the ticket to :func:`route_path` (``/_cg/session``), served next to Streamlit by
``serve.py`` (:func:`routes`); the answer carries ``Set-Cookie: cg_session=…; HttpOnly; SameSite=Strict; Path=/``
(``Secure`` over HTTPS), or clears the cookie when the ticket stands for a sign-out.

The route answers only a request whose ``Origin`` is the server's own host (a page of another site cannot
push its own session into this browser), and only once per ticket; tickets live in this process's memory,
which is where the same browser's next request goes (several instances need sticky sessions anyway, see
``docs/deployment.md``). When the app is run without ``serve.py`` (``streamlit run app.py``), there is no
route: :func:`served` is False and the page falls back to writing the cookie from the script, without
``HttpOnly`` (``ui.session.cookie_script``).

Two bounded tables, so that a flood cannot push out a real user's sign-in. A ticket for a cookie value (a
*sign-in ticket*) is only issued after a real sign-in, which checked a password (argon2, throttled) or a
single sign-on identity (or, outside production mode, picked a demo account); reopening a session from its
cookie issues none (the browser holds that value already). A ticket that clears the cookie (a *clear
ticket*) needs no password: any connection that sends a ``cg_session`` cookie the app does not accept
(forged, expired, signed out) gets one, as does a sign-out; a connection without the cookie gets none. A tab
holds at most one pending ticket (``ui.session`` voids the previous one before it asks for another, reruns
reuse it), but a script can open thousands of Streamlit sessions with a junk cookie. So sign-in tickets and
clear tickets are kept apart, each table capped at :data:`_MAX_TICKETS` with the oldest dropped first: clear
tickets only ever push out clear tickets; and one account holds at most :data:`_PER_OWNER` pending sign-in
tickets (its oldest go first), so pushing out other people's sign-ins would take thousands of accounts
signing in within a minute. Losing a clear ticket is harmless: the session it clears is already
ended (or never existed), so the cookie left behind is refused, and the tab asks for another ticket at its
next run.

``Secure`` and the https-only ``Origin`` rule follow the scheme the browser used: the request's own, or behind
``COMPETENCY_GRAPH_PROXY_HOPS`` trusted reverse proxies the ``X-Forwarded-Proto`` the outermost trusted proxy
wrote, read like ``X-Forwarded-For`` (``security.throttle.forwarded_value``); without a trusted proxy the
header is the client's own word and is ignored.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlsplit

__all__ = ["TICKET_SECONDS", "issue", "redeem", "revoke", "routes", "route_path", "served", "state"]

#: a ticket unused for this long is void (the page posts it as soon as it renders)
TICKET_SECONDS = 60
_MAX_TICKETS = 10_000  # per table: a flood cannot grow a table without bound, the oldest go first
_MAX_BODY = 200
_PATH = "_cg/session"

_Pending = dict[str, tuple[str, float]]  # sha256(ticket) -> (cookie value, "" to clear; expiry)
_Used = dict[str, float]  # sha256(ticket) -> when it stops being remembered as used

_lock = threading.Lock()
_tickets: _Pending = {}  # sign-in tickets (a cookie value to set)
_used: _Used = {}
_clear_tickets: _Pending = {}  # clear tickets (sign-out, a cookie the app refused): apart, see the docstring
_clear_used: _Used = {}
_by_owner: dict[str, list[str]] = {}  # account -> its sign-in tickets' digests, oldest first
_PER_OWNER = 4  # pending sign-in tickets one account can hold (several tabs signing in at once)
_served = False


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("ascii", "replace")).hexdigest()


def _tables() -> tuple[tuple[_Pending, _Used], tuple[_Pending, _Used]]:
    """(sign-in tables, clear tables), read at call time."""
    return (_tickets, _used), (_clear_tickets, _clear_used)


def issue(value: str, *, owner: str | None = None, now: float | None = None) -> str:
    """A one-time ticket standing for the cookie ``value`` ("": clear the cookie). ``owner``: the account a
    sign-in ticket is for; it holds at most :data:`_PER_OWNER` pending ones, its oldest going first, so one
    account signing in again and again cannot push out other people's tickets."""
    now = time.monotonic() if now is None else now
    ticket = secrets.token_urlsafe(32)
    tickets, used = _tables()[0 if value else 1]
    with _lock:
        if value and owner is not None:
            mine = [key for key in _by_owner.get(owner, []) if key in tickets]
            while len(mine) >= _PER_OWNER:
                tickets.pop(mine.pop(0), None)
            mine.append(_digest(ticket))
            _by_owner[owner] = mine
            if len(_by_owner) > _MAX_TICKETS:  # accounts whose tickets are all gone
                for stale in [who for who, keys in _by_owner.items() if not any(k in tickets for k in keys)]:
                    del _by_owner[stale]
        # entries are kept in issue order, which is expiry order: drop expired ones from the front only
        # (no scan of the whole table under the lock at every sign-in)
        while tickets and next(iter(tickets.values()))[1] <= now:
            del tickets[next(iter(tickets))]
        while used and next(iter(used.values())) <= now:
            del used[next(iter(used))]
        while len(tickets) >= _MAX_TICKETS:
            del tickets[next(iter(tickets))]
        while len(used) >= _MAX_TICKETS:
            del used[next(iter(used))]
        tickets[_digest(ticket)] = (value, now + TICKET_SECONDS)
    return ticket


def redeem(ticket: str, *, now: float | None = None) -> str | None:
    """The cookie value a ticket stands for, once; None when unknown, already used or expired."""
    now = time.monotonic() if now is None else now
    key = _digest(ticket)
    with _lock:
        for tickets, used in _tables():
            found = tickets.pop(key, None)
            if found is not None:
                if found[1] <= now:
                    return None
                used[key] = now + 10 * TICKET_SECONDS
                return found[0]
    return None


def revoke(ticket: str) -> None:
    """Void a ticket not used yet (the tab signed in as someone else or signed out before the page posted it:
    a late post of the old ticket must not put the previous session's cookie back)."""
    key = _digest(ticket)
    with _lock:
        for tickets, _used_tickets in _tables():
            tickets.pop(key, None)


def state(ticket: str, *, now: float | None = None) -> str:
    """``"pending"`` (issued, not used yet), ``"used"`` (the server set the cookie) or ``"void"`` (unknown or
    expired: issue another)."""
    now = time.monotonic() if now is None else now
    key = _digest(ticket)
    with _lock:
        for tickets, used in _tables():
            if key in used:
                return "used"
            found = tickets.get(key)
            if found is not None:
                return "pending" if found[1] > now else "void"
    return "void"


def served() -> bool:
    """True when this process serves the route (the app was started through ``serve.py``)."""
    return _served


def route_path(base_url_path: str = "") -> str:
    """The route's path under Streamlit's ``server.baseUrlPath``."""
    base = base_url_path.strip("/")
    return f"/{base}/{_PATH}" if base else f"/{_PATH}"


def _same_origin(headers: Any, https: bool = False) -> bool:
    """The ``Origin`` names this host; over HTTPS it must be an ``https:`` origin too (a page served over
    plain HTTP under the same name, e.g. by someone on the network, cannot push a session)."""
    origin = headers.get("origin")
    host = headers.get("host")
    if not (origin and host):
        return False
    parts = urlsplit(origin)
    return parts.netloc.lower() == str(host).lower() and (not https or parts.scheme.lower() == "https")


def _https(request: Any, hops: int | None = None) -> bool:
    """Whether the browser used HTTPS: the request's own scheme, or with ``hops`` trusted reverse proxies
    (default ``COMPETENCY_GRAPH_PROXY_HOPS``) the ``X-Forwarded-Proto`` the outermost trusted proxy wrote;
    with no trusted proxy that header is the client's own word and is ignored."""
    from .. import settings
    from ..security.throttle import forwarded_value

    hops = settings.proxy_hops() if hops is None else hops
    forwarded = forwarded_value(request.headers.get("x-forwarded-proto"), hops)
    scheme = forwarded if forwarded is not None else request.url.scheme
    return str(scheme).lower() == "https"


async def _session_cookie(request: Any) -> Any:
    from starlette.responses import Response

    from ..security import accounts as security_accounts
    from ..security.sessions import COOKIE_NAME

    refused = Response(status_code=403, headers={"Cache-Control": "no-store"})
    https = _https(request)
    if not _same_origin(request.headers, https):
        return refused
    body = await request.body()
    if not body or len(body) > _MAX_BODY:
        return refused
    value = redeem(body.decode("ascii", "replace").strip())
    if value is None:
        return refused
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE_NAME, value, max_age=int(security_accounts.SESSION_HOURS * 3600) if value else 0,
                        path="/", secure=https, httponly=True, samesite="strict")
    return response


def routes(base_url_path: str = "") -> list[Any]:
    """The Starlette routes ``serve.py`` mounts next to Streamlit; calling this marks the route as served."""
    from starlette.routing import Route

    global _served
    _served = True
    return [Route(route_path(base_url_path), _session_cookie, methods=["POST"])]
