"""The only service module that imports streamlit: process-wide caches of immutable things.

The bundle is cached under its content hash (editing a referential file gives a new bundle at the next
rerun); the repository (engine and connection pool) under the database URL and that hash; the RDF graph
under the hash.
"""

from __future__ import annotations

import streamlit as st
from rdflib import Graph

from .. import settings
from ..bundle import Bundle
from ..rdf import publish
from ..store import Repository
from .bootstrap import demo_enabled, load_referentials, open_repository, referential_content_hash
from .context import Context

__all__ = ["bundle", "repository", "context", "rdf_graph"]


@st.cache_resource(show_spinner=False, max_entries=2)
def _bundle_for(content_hash: str) -> Bundle:
    return load_referentials()


@st.cache_resource(show_spinner=False, max_entries=4)
def _repository_for(url: str, content_hash: str, demo: bool, _bundle: Bundle) -> Repository:
    return open_repository(_bundle, url, demo=demo)


@st.cache_resource(show_spinner=False, max_entries=2)
def _graph_for(content_hash: str, _bundle: Bundle) -> Graph:
    return publish(_bundle)


def bundle() -> Bundle:
    return _bundle_for(referential_content_hash())


def repository() -> Repository:
    b = bundle()
    return _repository_for(settings.database_url(), b.content_hash, demo_enabled(), b)


def context() -> Context:
    b = bundle()
    return Context(b, _repository_for(settings.database_url(), b.content_hash, demo_enabled(), b))


def rdf_graph() -> Graph:
    b = bundle()
    return _graph_for(b.content_hash, b)
