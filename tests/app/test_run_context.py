"""One Context per run: the identity checked at the start of a run is the ``actor`` of the context every page
and widget of that run gets; it is forgotten when the run ends (a widget callback of the next run, which runs
before the check, acts for nobody); nothing keeps the acting user in a module or thread variable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from apphelpers import IDENTITIES, ROOT, open_page
from streamlit.testing.v1 import AppTest

from competency_graph.security.errors import AccessDenied
from competency_graph.services import accounts, people
from competency_graph.services.context import Context


def _script() -> None:
    import streamlit as st

    from competency_graph.ui import cache, session

    def clicked() -> None:
        st.session_state["actor_in_callback"] = repr(cache.context().actor)

    try:
        session.current_identity()
        ctx = cache.context()
        st.markdown(f"actor={ctx.actor.user_id if ctx.actor else None}")
        again = session.require_role("accompanist")  # a page checks again: the same context is kept
        st.markdown(f"same={cache.context() is ctx and again == ctx.actor}")
        st.button("go", on_click=clicked)
    finally:
        session.end_run()
    st.markdown(f"after={cache.context().actor}")


def test_each_run_acts_as_the_identity_checked_at_its_start_and_forgets_it_at_its_end() -> None:
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["identity"] = IDENTITIES["accompanist"]
    at.run()
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown] == ["actor=demo-moniteur", "same=True", "after=None"]
    at.button[0].click().run()
    assert at.session_state["actor_in_callback"] == "None"  # the callback ran before this run's check
    assert [m.value for m in at.markdown] == ["actor=demo-moniteur", "same=True", "after=None"]


def test_a_signed_out_run_acts_for_nobody() -> None:
    at = AppTest.from_function(_script, default_timeout=60).run()
    assert [m.value for m in at.markdown] == ["actor=None"]  # require_role stopped the page
    assert "_run_context" not in at.session_state


def test_the_app_forgets_the_run_context_when_the_run_ends() -> None:
    at = open_page("accompanist", "accompanist_guidance", person_id="demo-lea")
    assert "_run_context" not in at.session_state and at.session_state["identity"] == IDENTITIES["accompanist"]


def test_a_context_copy_acts_as_another_identity_and_keeps_everything_else(ctx: Context) -> None:
    run = ctx.as_actor(IDENTITIES["candidate"])
    assert (run.bundle, run.repo, run.settings, run.actor) == (ctx.bundle, ctx.repo, ctx.settings,
                                                                 IDENTITIES["candidate"])
    assert run.guards is not ctx.guards and ctx.actor is None
    assert people.person_profile(run, "demo-lea") == \
        people.person_profile(ctx, "demo-lea", identity=IDENTITIES["candidate"])  # acts as ctx.actor
    with pytest.raises(AccessDenied) as refused:
        people.person_profile(ctx, "demo-lea")
    assert refused.value.code == "not_signed_in"
    assert accounts.guard_for(run) is accounts.guard_for(run, IDENTITIES["candidate"])


def test_no_module_keeps_the_acting_user_in_a_context_variable() -> None:
    users = []
    for path in [*(ROOT / "src" / "competency_graph").rglob("*.py"), ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if "contextvars" in names or module == "contextvars" or isinstance(node, ast.Name) and node.id == "ContextVar":
                users.append(str(Path(path).relative_to(ROOT)))
    assert users == []
