"""Streamlit entry point: page frame and navigation per role. Run with ``streamlit run app.py``.

Everything else lives in ``app_pages/`` (one file per page), ``competency_graph.ui`` (widgets) and
``competency_graph.services`` (what pages call). On the first start the database is migrated and, when
empty, filled with a fictional demo structure (``COMPETENCY_GRAPH_DEMO=0`` turns that off).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from competency_graph.ui import cache, errors, session
from competency_graph.ui.easyread import apply_style
from competency_graph.ui.i18n import t

st.set_page_config(page_title=t("app.title"), page_icon="🧭", layout="wide")
# Users never see a traceback (errors.guard shows a French message) nor the developer menu.
st.set_option("client.showErrorDetails", "none")
st.set_option("client.toolbarMode", "minimal")


def page(path: str, key: str, icon: str, url: str) -> st.Page:
    return st.Page(f"app_pages/{path}", title=t(key), icon=icon, url_path=url)


SIGN_IN = page("sign_in.py", "page.sign_in", "🔑", "connexion")
REFERENTIALS = page("referentials.py", "page.referentials", "📚", "referentiels")
PEOPLE = page("people.py", "page.people", "👤", "personnes")
STRUCTURE = page("structure.py", "page.structure", "🏢", "ma-structure")
NAVIGATION = {
    "candidate": {"nav.section.candidate": [
        page("candidate_position.py", "page.position", "✋", "me-positionner"),
        page("candidate_map.py", "page.map", "🎯", "ma-carte"),
        page("candidate_evidence.py", "page.evidence", "📷", "mes-preuves"),
        page("candidate_next.py", "page.next", "➡️", "ma-prochaine-etape"),
    ]},
    "accompanist": {
        "nav.section.accompanist": [
            page("accompanist_candidates.py", "page.candidates", "👥", "mes-candidats"),
            PEOPLE,
            STRUCTURE,
            page("accompanist_copositioning.py", "page.copositioning", "⚖️", "co-positionnement"),
            page("accompanist_grid.py", "page.grid", "🧮", "co-evaluation-grille"),
            page("accompanist_workshop.py", "page.workshop", "👫", "atelier-grille-groupe"),
            page("accompanist_validation.py", "page.validation", "✅", "validation"),
            page("accompanist_dossier.py", "page.dossier", "🗂️", "dossier-de-preuves"),
            page("accompanist_followup.py", "page.followup", "📅", "suivi"),
            page("accompanist_interviews.py", "page.interviews", "🗓️", "entretiens"),
            page("accompanist_guidance.py", "page.guidance", "🧭", "objectif-et-parcours"),
            page("accompanist_exports.py", "page.exports", "📤", "exports"),
        ],
        "nav.section.referentials": [REFERENTIALS],
    },
    "trainer": {
        "nav.section.trainer": [page("trainer_course_links.py", "page.course_links", "🧩", "maillons-de-parcours")],
        "nav.section.referentials": [REFERENTIALS],
    },
    "admin": {
        "nav.section.admin": [page("admin.py", "page.admin", "🛠️", "administration"),
                              page("admin_users.py", "page.admin_users", "🔐", "utilisateurs"),
                              PEOPLE, STRUCTURE,
                              page("caseload_dashboard.py", "page.dashboard", "📊", "tableau-de-suivi")],
        "nav.section.referentials": [REFERENTIALS],
    },
}
# Security round 2: every role has a page to change its own password.
ACCOUNT = page("account_password.py", "page.password", "🔒", "mon-mot-de-passe")
for _sections in NAVIGATION.values():
    _sections["nav.section.account"] = [ACCOUNT]
#: every address the app answers, whatever the role (a bookmark, a link in a mail, a page of another role)
KNOWN_URLS = sorted({p.url_path for sections in NAVIGATION.values() for entries in sections.values()
                     for p in entries} | {SIGN_IN.url_path})


def not_for_this_role(first: st.Page, url: str) -> Callable[[], None]:
    """The page shown at a known address that is not among the signed-in role's pages: a French notice and a
    link to the role's first page (Streamlit would show its English "Page not found" dialog); the sign-in
    address, once signed in, opens the first page."""
    show = notice(first, "nav.not_for_role")

    def at_address() -> None:
        if url == SIGN_IN.url_path:
            st.switch_page(first)
        show()
    return at_address


def notice(target: st.Page, keys: str) -> Callable[[], None]:
    """A page that only says something in French (``<keys>.title``, ``<keys>.body``) and links to ``target``."""
    def show() -> None:
        st.title(t(f"{keys}.title"))
        st.info(t(f"{keys}.body"))
        st.page_link(target, label=t("nav.not_for_role.link", page=target.title), icon=target.icon)
    return show



#: what an address of ours can look like (Streamlit's url_path: one segment)
_ADDRESS = re.compile(r"[A-Za-z0-9_-]{1,80}")


def unknown_address(first: st.Page | None, reachable: set[str]) -> list[st.Page]:
    """A hidden page at the address asked for when it is no page of the app (a typo, an old bookmark): a
    French notice and a link to the visitor's first page, or to the sign-in form, where Streamlit would
    show its English "Page not found" dialog. Nothing when the address is ours or cannot be one."""
    try:
        path = urlsplit(st.context.url or "").path.strip("/").rsplit("/", 1)[-1]
    except Exception:  # noqa: BLE001 - no browser address in this run (tests, bare mode): nothing to add
        return []
    if not _ADDRESS.fullmatch(path) or path in reachable or path in KNOWN_URLS:
        return []
    return [st.Page(notice(first or SIGN_IN, "nav.not_found"), title=t("nav.not_found.title"), url_path=path,
                    visibility="hidden")]


def elsewhere(url: str, first: st.Page | None) -> st.Page:
    """A hidden page at a known address the current visitor has no page for: the sign-in form when nobody
    is signed in (the address stays, so the page opens after signing in), else a French notice."""
    if first is not None:
        return st.Page(not_for_this_role(first, url), title=t("nav.not_for_role.title"), url_path=url,
                       visibility="hidden")
    return st.Page("app_pages/sign_in.py", title=t("page.sign_in"), url_path=url, visibility="hidden")


def _run_app() -> None:
    """The frame of every run: settings and database first, the session check, navigation, the page."""
    with errors.guard("startup"):
        cache.context()  # first start: load referentials, migrate, create the demo
        identity = session.current_identity()  # checks the session token (or the reload cookie) at every run
        apply_style(session.easy_read(), session.text_size())
        sections = NAVIGATION.get(identity.role, {}) if identity else {}
        pages = {t(name): entries for name, entries in sections.items()} if sections else {"": [SIGN_IN]}
        first = next(iter(next(iter(sections.values())))) if sections else None
        reachable = {p.url_path for entries in pages.values() for p in entries}
        hidden = [elsewhere(url, first) for url in KNOWN_URLS if url not in reachable]
        hidden += unknown_address(first, reachable)
        last = next(reversed(pages))
        pages[last] = pages[last] + hidden
        current = st.navigation(pages, expanded=True)  # every page listed: no "view more" fold hiding some
        session.sidebar(identity)
        script = session.cookie_script(identity)  # keeps the browser's session cookie in step (F5, links)
        if script:
            with st.sidebar:
                st.html(script, unsafe_allow_javascript=True)
        with errors.guard(current.url_path or "home"):
            current.run()


# One Context per run: current_identity() checks the session and makes the checked identity the actor of the
# run's context (what cache.context() gives every page); it is forgotten when the run ends.
try:
    _run_app()
finally:
    session.end_run()
