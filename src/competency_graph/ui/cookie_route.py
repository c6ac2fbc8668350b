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
_MAX_TICKETS = 10_000  # a flood of sign-ins cannot grow the table without bound: the oldest go first
_MAX_BODY = 200
_PATH = "_cg/session"

_lock = threading.Lock()
_tickets: dict[str, tuple[str, float]] = {}  # sha256(ticket) -> (cookie value, "" to clear; expiry)
_used: dict[str, float] = {}  # sha256(ticket) -> when it stops being remembered as used
_served = False


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("ascii", "replace")).hexdigest()


def issue(value: str, *, now: float | None = None) -> str:
    """A one-time ticket standing for the cookie ``value`` ("": clear the cookie)."""
    now = time.monotonic() if now is None else now
    ticket = secrets.token_urlsafe(32)
    with _lock:
        # entries are kept in issue order, which is expiry order: drop expired ones from the front only
        # (no scan of the whole table under the lock at every sign-in)
        while _tickets and next(iter(_tickets.values()))[1] <= now:
            del _tickets[next(iter(_tickets))]
        while _used and next(iter(_used.values())) <= now:
            del _used[next(iter(_used))]
        while len(_tickets) >= _MAX_TICKETS:
            del _tickets[next(iter(_tickets))]
        while len(_used) >= _MAX_TICKETS:
            del _used[next(iter(_used))]
        _tickets[_digest(ticket)] = (value, now + TICKET_SECONDS)
    return ticket


def redeem(ticket: str, *, now: float | None = None) -> str | None:
    """The cookie value a ticket stands for, once; None when unknown, already used or expired."""
    now = time.monotonic() if now is None else now
    key = _digest(ticket)
    with _lock:
        found = _tickets.pop(key, None)
        if found is None or found[1] <= now:
            return None
        _used[key] = now + 10 * TICKET_SECONDS
    return found[0]


def revoke(ticket: str) -> None:
    """Void a ticket not used yet (the tab signed in as someone else or signed out before the page posted it:
    a late post of the old ticket must not put the previous session's cookie back)."""
    with _lock:
        _tickets.pop(_digest(ticket), None)


def state(ticket: str, *, now: float | None = None) -> str:
    """``"pending"`` (issued, not used yet), ``"used"`` (the server set the cookie) or ``"void"`` (unknown or
    expired: issue another)."""
    now = time.monotonic() if now is None else now
    key = _digest(ticket)
    with _lock:
        if key in _used:
            return "used"
        found = _tickets.get(key)
    return "pending" if found is not None and found[1] > now else "void"


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


def _https(request: Any) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return bool(request.url.scheme == "https" or forwarded.split(",")[0].strip().lower() == "https")


async def _session_cookie(request: Any) -> Any:
    from starlette.responses import Response

    from ..security import accounts as security_accounts
    from ..security.sessions import COOKIE_NAME

    refused = Response(status_code=403, headers={"Cache-Control": "no-store"})
    if not _same_origin(request.headers, _https(request)):
        return refused
    body = await request.body()
    if not body or len(body) > _MAX_BODY:
        return refused
    value = redeem(body.decode("ascii", "replace").strip())
    if value is None:
        return refused
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE_NAME, value, max_age=int(security_accounts.SESSION_HOURS * 3600) if value else 0,
                        path="/", secure=_https(request), httponly=True, samesite="strict")
    return response


def routes(base_url_path: str = "") -> list[Any]:
    """The Starlette routes ``serve.py`` mounts next to Streamlit; calling this marks the route as served."""
    from starlette.routing import Route

    global _served
    _served = True
    return [Route(route_path(base_url_path), _session_cookie, methods=["POST"])]
