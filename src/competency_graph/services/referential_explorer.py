"""The referentials explorer: browse and search items, an item's neighbours, validation and SPARQL."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rdflib import Graph

from .. import settings
from ..bundle import Bundle, Item
from ..loader import check_paths
from ..problems import Problem
from ..sparql import run_query
from .bootstrap import referential_paths

__all__ = ["ReferentialEntry", "Neighbour", "referential_entries", "search_items", "neighbours",
           "validate_referentials", "sparql_select", "fold"]


def fold(text: str) -> str:
    """Lower case without accents, for searching ("Équipe" matches "equipe")."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class ReferentialEntry:
    id: str
    """Header id (``rectec``, ``rae``…), the value the explorer filters on."""
    title: str
    kind: str
    version: str
    count: int


def referential_entries(bundle: Bundle) -> list[ReferentialEntry]:
    """The loaded referentials that hold items, crosswalks last."""
    counts: dict[str, int] = {}
    for item in bundle.items.values():
        key = item.referential.split("@")[0]
        counts[key] = counts.get(key, 0) + 1
    entries = [ReferentialEntry(r.header.id, r.header.title, r.header.kind, r.header.version,
                                counts.get(r.header.id, 0)) for r in bundle.referentials]
    return sorted((e for e in entries if e.count), key=lambda e: (e.kind == "crosswalk", e.title.casefold()))


def search_items(bundle: Bundle, referential: str | None, query: str = "", *, kind: str | None = None,
                 limit: int = 200) -> list[Item]:
    """Items of ``referential`` (None: all) whose id or label contains every word of ``query``."""
    words = fold(query).split()
    found = []
    for item in bundle.items.values():
        if referential is not None and item.referential.split("@")[0] != referential:
            continue
        if kind is not None and item.kind != kind:
            continue
        text = fold(f"{item.id} {item.label}")
        if all(w in text for w in words):
            found.append(item)
    found.sort(key=lambda i: (i.id.count("/"), getattr(i.model, "order", None) or 0, i.id))
    return found[:limit]


@dataclass(frozen=True)
class Neighbour:
    id: str
    label: str
    kind: str
    """Kind of the neighbour item, or ``external`` for an id outside the loaded referentials."""
    relation: str
    """parent, child, or an edge type."""
    outgoing: bool
    level: int | None = None


def neighbours(bundle: Bundle, item_id: str, limit: int = 40) -> list[Neighbour]:
    """The item's parent, children and linked items (at most ``limit``, parent and links first)."""
    item = bundle.items[item_id]
    found: list[Neighbour] = []

    def node(other: str, relation: str, outgoing: bool, level: int | None = None) -> Neighbour:
        target = bundle.items.get(other)
        return Neighbour(other, target.label if target else other, target.kind if target else "external",
                         relation, outgoing, level)

    if item.parent:
        found.append(node(item.parent, "parent", True))
    for edge in bundle.edges_from(item_id):
        if edge.type == "part-of" and edge.target == item.parent:
            continue
        found.append(node(edge.target, edge.type, True, edge.level))
    for edge in bundle.edges_to(item_id):
        if edge.type == "part-of" and bundle.items.get(edge.source) and bundle.items[edge.source].parent == item_id:
            continue
        found.append(node(edge.source, edge.type, False, edge.level))
    found += [node(child.id, "child", False) for child in bundle.children(item_id)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for n in found:
        if (n.id, n.relation) not in seen:
            seen.add((n.id, n.relation))
            unique.append(n)
    return unique[:limit]


def validate_referentials() -> list[Problem]:
    """Every problem of the referential files (structure and references, then SHACL shapes)."""
    bundle, problems = check_paths(referential_paths())
    if bundle is not None:
        from ..shacl_subsets import check_subsets

        problems = check_subsets(bundle)[0]  # the whole-graph check's findings, 10x faster
    return problems


def sparql_select(graph: Graph | object, text: str, max_rows: int = 1000) -> tuple[list[str], list[list[str]]]:
    """A read-only SELECT/ASK query (raises ``SparqlError``; update queries and SERVICE are refused) on
    ``graph`` (rdflib graph or Oxigraph store), or on the SPARQL server of ``settings.sparql_url()`` when one
    is configured (the same queries, sent over HTTP)."""
    url = settings.sparql_url()
    if url:
        from ..rdf_store import remote_select
        from ..sparql import SparqlError, check_read_only

        check_read_only(text)
        try:
            return remote_select(url, text, timeout_s=10.0, max_rows=max_rows)
        except OSError as error:  # urllib errors: unreachable server, HTTP 400 for a bad query
            raise SparqlError(f"SPARQL server: {error}") from error
    return run_query(graph, text, timeout_s=10.0, max_rows=max_rows)


# ---------------------------------------------------------------------------------------------------------
# Imports from the admin page (RNCP export, ROME 4.0 bundle)
# ---------------------------------------------------------------------------------------------------------
