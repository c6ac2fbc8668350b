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
