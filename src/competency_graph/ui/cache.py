"""Process-wide caches of immutable things (Streamlit ``cache_resource``): the UI layer's, not a service's.

The bundle is cached under its content hash (editing a referential file gives a new bundle at the next
rerun); the repository (engine and connection pool) under the database URL and that hash; the RDF graph
under the hash (rdflib is imported only when a page asks for the graph, not by the sign-in page).

:func:`context` is the :class:`~competency_graph.services.context.Context` of the current script run: the app
checks the signed-in identity at the start of each run and builds that run's context with it as ``actor``
(:func:`begin_run`, called by ``ui.session``); the context is kept in the tab's session state until the run
ends (:func:`end_run`), so a widget callback of the next run, which runs before the check, acts for nobody.

Once the bundle and the repository of a hash are built, :func:`context` freezes what is alive
(``gc.freeze``): those ~2x10^5 long-lived objects leave the cyclic collector's scans, and the full collection
Streamlit runs after every script run (``runner.postScriptGC``, which holds the GIL and so delays the last
messages of the page) drops from ~100 ms to ~1 ms. Frozen objects are still freed by reference counting;
only cyclic garbage alive at that moment is kept (a collection first would cost the first visitor ~0.1-0.4 s).
"""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .. import settings
from ..bundle import Bundle
from ..services.bootstrap import demo_enabled, load_referentials, open_repository, referential_content_hash
from ..services.context import Context, Identity
from ..store import Repository
from .runs import run_marker

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["bundle", "repository", "context", "base_context", "begin_run", "end_run", "rdf_graph",
           "published_store"]

#: where the context of the current run is kept (the tab's session state, never a module variable)
RUN_CONTEXT = "_run_context"

_frozen: set[str] = set()
_freeze_lock = threading.Lock()


@st.cache_resource(show_spinner=False, max_entries=2)
def _bundle_for(content_hash: str) -> Bundle:
    return load_referentials()


@st.cache_resource(show_spinner=False, max_entries=4)
def _repository_for(url: str, content_hash: str, demo: bool, _bundle: Bundle) -> Repository:
    return open_repository(_bundle, url, demo=demo)


@st.cache_resource(show_spinner=False, max_entries=2)
def _graph_for(content_hash: str, _bundle: Bundle) -> Graph:
    from ..rdf import publish

    return publish(_bundle)


@st.cache_resource(show_spinner=False, max_entries=2)
def _store_for(content_hash: str, _bundle: Bundle) -> object:
    from ..rdf_store import build_store

    return build_store(_bundle)


def _freeze_long_lived(key: str) -> None:
    """First time for ``key``: move every live object out of the cyclic collector's reach."""
    if key in _frozen:
        return
    with _freeze_lock:
        if key not in _frozen:
            gc.freeze()
            _frozen.add(key)


def bundle() -> Bundle:
    return _bundle_for(referential_content_hash())


def repository() -> Repository:
    return context().repo


_run = threading.local()  # (run marker, base Context) of the script run on this thread


def base_context() -> Context:
    """The bundle, the repository and the settings, acting for nobody; looked up once per script run (a run
    asked 3-4 times, each listing and stating every referential file)."""
    marker = run_marker()
    memo = getattr(_run, "memo", None)
    if marker is not None and memo is not None and memo[0] is marker:
        return memo[1]  # type: ignore[no-any-return]
    b = bundle()
    url, demo = settings.database_url(), demo_enabled()
    repo = _repository_for(url, b.content_hash, demo, b)
    _freeze_long_lived(f"{url}|{b.content_hash}|{demo}")
    found = Context(b, repo)
    _run.memo = (marker, found) if marker is not None else None
    return found


def context() -> Context:
    """The context of this run, with the identity checked at its start as ``actor`` (:func:`begin_run`);
    before the check, in a widget callback or outside a script run: the base context (no actor)."""
    base = base_context()
    held = st.session_state.get(RUN_CONTEXT) if get_script_run_ctx() is not None else None
    if isinstance(held, Context) and held.repo is base.repo and held.bundle is base.bundle:
        return held
    return base


def begin_run(actor: Identity | None, base: Context | None = None) -> Context:
    """The context of this run acting as ``actor`` (the identity the app has just checked), kept until
    :func:`end_run`: every page and widget of the run shares it, and so the actor's guard (a page checks the
    identity again: the context of the run is kept when the identity is the same). ``base``: the
    :func:`base_context` the caller already holds."""
    base = base or base_context()
    held = st.session_state.get(RUN_CONTEXT)
    if isinstance(held, Context) and held.actor == actor and held.repo is base.repo and held.bundle is base.bundle:
        return held
    ctx = base.as_actor(actor)
    st.session_state[RUN_CONTEXT] = ctx
    return ctx


def end_run() -> None:
    """Forget the run's context (the app calls it when the run ends)."""
    if get_script_run_ctx() is not None:
        st.session_state.pop(RUN_CONTEXT, None)


def rdf_graph() -> Graph:
    b = bundle()
    return _graph_for(b.content_hash, b)


def published_store() -> object:
    """The published graph in Oxigraph (``rdf_store``): what the SPARQL console queries (ROME scale)."""
    b = bundle()
    return _store_for(b.content_hash, b)
