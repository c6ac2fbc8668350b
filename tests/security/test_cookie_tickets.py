"""The one-time tickets behind the HttpOnly session cookie (``ui.cookie_route``): usable once, for a minute,
never more than a bounded number kept. The route itself is driven through a real browser in
``tests/app/test_browser.py``."""

from __future__ import annotations

from competency_graph.ui import cookie_route as route


def test_a_ticket_stands_for_its_value_once() -> None:
    ticket = route.issue("tok.candidate.sig", now=1000.0)
    assert route.state(ticket, now=1000.0) == "pending"
    assert route.redeem(ticket, now=1001.0) == "tok.candidate.sig"
    assert route.state(ticket, now=1001.0) == "used"
    assert route.redeem(ticket, now=1001.0) is None  # once only


def test_a_ticket_is_void_the_second_after_its_minute() -> None:
    ticket = route.issue("value", now=2000.0)
    last = 2000.0 + route.TICKET_SECONDS
    assert route.state(ticket, now=last - 0.001) == "pending"
    assert route.state(ticket, now=last) == "void"
    assert route.redeem(ticket, now=last) is None
    kept = route.issue("value", now=3000.0)
    assert route.redeem(kept, now=3000.0 + route.TICKET_SECONDS - 1) == "value"


def test_a_sign_out_ticket_clears_and_unknown_tickets_are_void() -> None:
    ticket = route.issue("", now=4000.0)
    assert route.redeem(ticket, now=4000.0) == ""
    assert route.state("forged", now=4000.0) == "void" and route.redeem("forged", now=4000.0) is None
    assert route.redeem("é" * 50, now=4000.0) is None  # not ASCII: no error


def test_the_ticket_table_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(route, "_MAX_TICKETS", 3)
    monkeypatch.setattr(route, "_tickets", {})
    first = route.issue("a", now=5000.0)
    others = [route.issue(v, now=5000.0) for v in "bcd"]
    assert len(route._tickets) == 3
    assert route.state(first, now=5000.0) == "void"  # the oldest went first
    assert [route.redeem(t, now=5000.0) for t in others] == ["b", "c", "d"]


def test_only_the_apps_own_origin_is_answered() -> None:
    assert route._same_origin({"origin": "http://127.0.0.1:8501", "host": "127.0.0.1:8501"})
    assert route._same_origin({"origin": "https://CG.example.org", "host": "cg.example.org"})
    assert not route._same_origin({"origin": "https://evil.example", "host": "cg.example.org"})
    assert not route._same_origin({"origin": "null", "host": "cg.example.org"})
    assert not route._same_origin({"host": "cg.example.org"})
    assert route.route_path("") == "/_cg/session" and route.route_path("/cg/") == "/cg/_cg/session"


def test_over_https_only_an_https_origin_is_answered() -> None:
    """review4: a page served over plain HTTP under the app's name (someone on the network) could post the
    ticket of their own sign-in to the HTTPS app: login CSRF. Over HTTPS the Origin must be https too."""
    headers = {"origin": "http://cg.example.org", "host": "cg.example.org"}
    assert not route._same_origin(headers, https=True)
    assert route._same_origin({"origin": "https://cg.example.org", "host": "cg.example.org"}, https=True)
    assert route._same_origin(headers, https=False)  # plain HTTP serving (dev) still works


def test_a_revoked_ticket_is_void() -> None:
    ticket = route.issue("a", now=6000.0)
    route.revoke(ticket)
    assert route.state(ticket, now=6000.0) == "void" and route.redeem(ticket, now=6000.0) is None
    route.revoke("never-issued")  # no error


class _FakeSt:
    def __init__(self) -> None:
        self.session_state: dict = {}

    @staticmethod
    def get_option(_name: str) -> str:
        return ""


def test_a_tab_that_changes_session_voids_the_ticket_it_had_not_posted(monkeypatch) -> None:
    """review4: signed in as A, the page had A's ticket to post; the tab signs in as B (or signs out) before
    the post arrives. A late post of A's ticket must not set A's cookie after B's: A's ticket is voided."""
    from competency_graph.ui import session

    fake = _FakeSt()
    monkeypatch.setattr(session, "st", fake)
    script_a = session._ticket_script("token-a.candidate.sig")
    ticket_a = fake.session_state[session._COOKIE_TICKET][1]
    assert ticket_a in script_a and route.state(ticket_a) == "pending"
    session._ticket_script("token-b.adviser.sig")  # the next run wants B's cookie
    assert route.state(ticket_a) == "void" and route.redeem(ticket_a) is None
    ticket_b = fake.session_state[session._COOKIE_TICKET][1]
    session._void_pending_ticket()  # what sign_in and _end do before they clear the tab's state
    assert route.redeem(ticket_b) is None


def _empty_tables(monkeypatch, cap: int) -> None:
    monkeypatch.setattr(route, "_MAX_TICKETS", cap)
    for name in ("_tickets", "_used", "_clear_tickets", "_clear_used", "_by_owner"):
        monkeypatch.setattr(route, name, {}, raising=False)  # raising=False: the test also runs on the old code


def test_a_flood_of_clear_tickets_cannot_push_out_a_pending_sign_in(monkeypatch) -> None:
    """sec5: a clear ticket needs no password (any connection sending a junk ``cg_session`` cookie gets one,
    see the next test), so thousands of them must not push a real user's sign-in ticket out of the table,
    nor forget that a used one was used (the tab would post a fresh ticket at every run)."""
    _empty_tables(monkeypatch, 3)
    pending = route.issue("tok-a.candidate.sig", now=7000.0)
    used = route.issue("tok-b.trainer.sig", now=7000.0)
    assert route.redeem(used, now=7000.0) == "tok-b.trainer.sig"
    flood = [route.issue("", now=7000.0 + i / 100) for i in range(50)]
    for ticket in flood[-10:]:
        route.redeem(ticket, now=7001.0)  # the attacker posts some of its own tickets too
    assert len(route._clear_tickets) <= 3 and len(route._clear_used) <= 3  # the clear table stays bounded
    assert route.state(pending, now=7001.0) == "pending"
    assert route.state(used, now=7001.0) == "used"
    assert route.redeem(pending, now=7001.0) == "tok-a.candidate.sig"
    assert route.state(flood[0], now=7001.0) == "void"  # clear tickets push out clear tickets only
    # sign-ins still push out the oldest sign-in past the cap (a flood of real sign-ins needs passwords)
    signed = [route.issue(v, now=7002.0) for v in ("c", "d", "e", "f")]
    assert route.state(signed[0], now=7002.0) == "void" and route.redeem(signed[-1], now=7002.0) == "f"


class _FakeContext:
    def __init__(self, cookies: dict[str, str]) -> None:
        self.cookies = cookies


def test_only_a_tab_that_sent_a_cookie_gets_a_clear_ticket_and_only_one(monkeypatch) -> None:
    """sec5, where a clear ticket comes from without a password: an anonymous tab whose browser sent no cookie
    gets no ticket at all; one that sent a cookie the app refused (here junk) gets one clear ticket, reused by
    its reruns while it is pending; none of it touches the sign-in table."""
    from competency_graph.security.sessions import COOKIE_NAME
    from competency_graph.ui import session

    _empty_tables(monkeypatch, 100)
    monkeypatch.setattr(route, "_served", True)
    bare = _FakeSt()
    bare.context = _FakeContext({})
    monkeypatch.setattr(session, "st", bare)
    assert session.cookie_script(None) is None and session.cookie_script(None) is None
    assert not route._clear_tickets and not route._tickets
    junk = _FakeSt()
    junk.context = _FakeContext({COOKIE_NAME: "junk.admin.0000"})
    monkeypatch.setattr(session, "st", junk)
    first = session.cookie_script(None)
    assert first is not None and session.cookie_script(None) == first  # a rerun posts the same ticket
    assert len(route._clear_tickets) == 1 and not route._tickets
    ticket = junk.session_state[session._COOKIE_TICKET][1]
    assert route.redeem(ticket) == ""
    assert session.cookie_script(None) is None and len(route._clear_tickets) == 0  # cleared: nothing more


class _Url:
    def __init__(self, scheme: str) -> None:
        self.scheme = scheme


class _Request:
    def __init__(self, scheme: str, headers: dict[str, str]) -> None:
        self.url = _Url(scheme)
        self.headers = headers


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(monkeypatch) -> None:
    """sec5: a client talking plain HTTP straight to the app could claim ``X-Forwarded-Proto: https``. Without
    a trusted proxy (``COMPETENCY_GRAPH_PROXY_HOPS`` 0) only the request's own scheme counts; behind N trusted
    proxies the value is read like ``X-Forwarded-For``: the one the outermost trusted proxy wrote."""
    monkeypatch.delenv("COMPETENCY_GRAPH_PROXY_HOPS", raising=False)
    claim = {"x-forwarded-proto": "https"}
    assert not route._https(_Request("http", claim))
    assert route._https(_Request("https", {})) and route._https(_Request("https", {"x-forwarded-proto": "http"}))
    monkeypatch.setenv("COMPETENCY_GRAPH_PROXY_HOPS", "1")
    assert route._https(_Request("http", claim))
    assert route._https(_Request("http", {"x-forwarded-proto": " HTTPS "}))
    assert not route._https(_Request("http", {"x-forwarded-proto": "https, http"}))  # the proxy appended http
    assert not route._https(_Request("http", {}))  # no header: the request's own scheme
    monkeypatch.setenv("COMPETENCY_GRAPH_PROXY_HOPS", "2")
    assert route._https(_Request("http", {"x-forwarded-proto": "https, http"}))
    assert not route._https(_Request("http", {"x-forwarded-proto": "https, http, http"}))


def _post(headers: dict[str, str], body: str) -> tuple[int, str]:
    """The route's answer (status, Set-Cookie) to a POST over plain HTTP, through Starlette."""
    import asyncio

    from starlette.requests import Request

    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    scope = {"type": "http", "method": "POST", "path": route.route_path(), "scheme": "http", "headers": raw,
             "query_string": b"", "server": ("cg.example.org", 80), "client": ("203.0.113.9", 5000)}
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body.encode("ascii"), "more_body": False}

    response = asyncio.run(route._session_cookie(Request(scope, receive)))
    return response.status_code, response.headers.get("set-cookie", "")


def test_the_route_over_plain_http_ignores_a_forged_https_claim(monkeypatch) -> None:
    """sec5, end to end: with no trusted proxy a forged ``X-Forwarded-Proto: https`` neither refuses the
    page's own http origin nor marks the cookie ``Secure``; behind a trusted proxy that says https, an http
    origin is refused and the cookie is ``Secure``."""
    monkeypatch.delenv("COMPETENCY_GRAPH_PROXY_HOPS", raising=False)
    plain = {"host": "cg.example.org", "origin": "http://cg.example.org", "x-forwarded-proto": "https"}
    status, cookie = _post(plain, route.issue("tok.candidate.sig"))
    assert status == 204 and "cg_session=tok.candidate.sig" in cookie and "secure" not in cookie.lower()
    monkeypatch.setenv("COMPETENCY_GRAPH_PROXY_HOPS", "1")
    assert _post(plain, route.issue("tok.candidate.sig"))[0] == 403  # https site: an http page may not post
    status, cookie = _post({**plain, "origin": "https://cg.example.org"}, route.issue("tok.candidate.sig"))
    assert status == 204 and "secure" in cookie.lower() and "httponly" in cookie.lower()


def test_one_account_signing_in_again_and_again_cannot_push_out_another(monkeypatch) -> None:
    """At most ``_PER_OWNER`` pending sign-in tickets per account: its oldest go, never someone else's."""
    _empty_tables(monkeypatch, 10)
    other = route.issue("tok.other.sig", owner="u-other", now=7000.0)
    mine = [route.issue(f"tok.me{n}.sig", owner="u-me", now=7000.0 + n) for n in range(50)]
    assert route.state(other, now=7010.0) == "pending"
    assert [route.state(t, now=7060.0) for t in mine[-route._PER_OWNER:]] == ["pending"] * route._PER_OWNER
    assert all(route.state(t, now=7060.0) == "void" for t in mine[:-route._PER_OWNER])
    assert len(route._tickets) == route._PER_OWNER + 1
    assert route.redeem(other, now=7011.0) == "tok.other.sig"
    assert route.redeem(mine[-1], now=7060.0) == "tok.me49.sig"
    assert route.issue("", owner="u-me", now=7061.0) and len(route._by_owner["u-me"]) <= route._PER_OWNER
