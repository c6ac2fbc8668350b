"""Helpers of the app tests: run app.py as a role on a page, read the text of a page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from competency_graph.services.accounts import Identity

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

IDENTITIES = {
    "candidate": Identity("demo-user-lea", "Léa (démo)", "candidate", ("demo-esat-canal",), "demo-lea"),
    "accompanist": Identity("demo-moniteur", "Moniteur d'atelier (démo)", "accompanist", ("demo-esat-canal",)),
    "trainer": Identity("demo-formatrice", "Formatrice (démo)", "trainer", ("demo-asso-jardins", "demo-esat-canal")),
    "admin": Identity("demo-admin", "Administratrice (démo)", "admin", ("demo-esat-canal",)),
}


def open_page(role: str | None, page: str | None = None, **state) -> AppTest:
    """Run app.py signed in as ``role`` (None: signed out) and switch to ``app_pages/<page>.py``."""
    at = AppTest.from_file(APP, default_timeout=60)
    if role is not None:
        at.session_state["identity"] = IDENTITIES[role]
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything written on the page (markdown, captions, alerts), for assertions on French text."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in (at.success, at.info, at.warning, at.error):
        parts += [e.value for e in kind]
    parts += [h.value for h in at.title] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)
