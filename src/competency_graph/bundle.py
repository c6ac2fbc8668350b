"""The loaded referentials: items indexed by id, and the typed edges between them.

A :class:`Bundle` is immutable once built; the RDF graph (``rdf.py``) and the networkx projection
(``network.py``) are both built from it. It also answers the store's ``ItemCatalog`` questions.

>>> from competency_graph.examples import tiny_bundle
>>> bundle = tiny_bundle()
>>> [item.id for item in bundle.children("ext:jardinier")]
['ext:jardinier/A1', 'ext:jardinier/A2']
>>> [(edge.target, edge.level) for edge in bundle.edges_from("ext:jardinier/A1", "requires-level")]
[('ex:C01', 2)]
>>> [edge.source for edge in bundle.edges_to("exc:CAP1/B1/C1", "close-match")]
['ext:jardinier/A1']
>>> [item.id for item in bundle.descendants("exc:CAP1")]
['exc:CAP1/B1', 'exc:CAP1/B1/C1', 'exc:CAP1/B1/C2', 'exc:CAP1/B2', 'exc:CAP1/B2/C1']

The store asks it whether an item exists and how it is positioned (a scale of circles, or states):

>>> bundle.has_item("ex:C01"), bundle.level_range("ex:C01"), bundle.level_range("ext:jardinier/A1")
(True, (1, 4), None)
>>> bundle.label("ex:C02"), bundle.label("ex:C99"), bundle.referential_version("ex:C02")
('Travailler en équipe', 'ex:C99', 'ex@1')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .model import Level, Link, ReferentialFile
from .problems import Location

__all__ = ["Item", "Edge", "LoadedReferential", "Bundle"]


@dataclass(frozen=True)
class Item:
    """One item of a referential (pole, competency, trade, job, activity, certification, bloc, modality)."""

    id: str
    kind: str
    label: str
    referential: str
    parent: str | None
    model: Any
    location: Location
    provenance: str
    verified: bool
    levels: tuple[Level, ...] = ()
    scale: tuple[int, int] | None = None

    @property
    def level_range(self) -> tuple[int, int] | None:
        if not self.levels:
            return None
        ranks = [lv.rank for lv in self.levels]
        return min(ranks), max(ranks)

    def level(self, rank: int) -> Level | None:
        return next((lv for lv in self.levels if lv.rank == rank), None)


@dataclass(frozen=True)
class Edge:
    """A typed edge; ``implicit`` when it comes from a structured field rather than a ``links`` entry."""

    source: str
    type: str
    target: str
    level: int | None = None
    location: Location = field(default_factory=lambda: Location(""))
    implicit: bool = False
    external_ok: bool = False
    link: Link | None = None
    referential: str = ""  # key of the referential file that declared the edge


@dataclass(frozen=True)
class LoadedReferential:
    key: str  # "<id>@<version>"
    path: str
    file: ReferentialFile
    location: Location

    @property
    def header(self) -> Any:
        return self.file.referential


class Bundle:
    """All loaded referentials. Also implements the store's ``ItemCatalog`` protocol."""

    def __init__(self, referentials: list[LoadedReferential], items: dict[str, Item], edges: list[Edge],
                 content_hash: str):
        self.referentials = referentials
        self.items = items
        self.edges = edges
        self.content_hash = content_hash

    def __repr__(self) -> str:
        return f"<Bundle {len(self.referentials)} referentials, {len(self.items)} items, {len(self.edges)} edges>"

    # -- lookups ------------------------------------------------------------------------------------------
    def referential(self, key_or_id: str) -> LoadedReferential | None:
        for ref in self.referentials:
            if ref.key == key_or_id or ref.header.id == key_or_id:
                return ref
        return None

    def of_kind(self, kind: str, referential: str | None = None) -> list[Item]:
        return [it for it in self.items.values()
                if it.kind == kind and (referential is None or it.referential.split("@")[0] == referential)]

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = defaultdict(list)
        for item in self.items.values():
            if item.parent:
                index[item.parent].append(item.id)
        return index

    def children(self, item_id: str) -> list[Item]:
        return [self.items[i] for i in self._children.get(item_id, [])]

    def descendants(self, item_id: str) -> Iterator[Item]:
        for child in self.children(item_id):
            yield child
            yield from self.descendants(child.id)

    @cached_property
    def _out(self) -> dict[str, list[Edge]]:
        index: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            index[edge.source].append(edge)
        return index

    @cached_property
    def _in(self) -> dict[str, list[Edge]]:
        index: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            index[edge.target].append(edge)
        return index

    def edges_from(self, item_id: str, type: str | None = None) -> list[Edge]:
        return [e for e in self._out.get(item_id, []) if type is None or e.type == type]

    def edges_to(self, item_id: str, type: str | None = None) -> list[Edge]:
        return [e for e in self._in.get(item_id, []) if type is None or e.type == type]

    def label(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return item.label if item else item_id

    # -- ItemCatalog protocol (used by the store) -----------------------------------------------------------
    def has_item(self, item_id: str) -> bool:
        return item_id in self.items

    def level_range(self, item_id: str) -> tuple[int, int] | None:
        item = self.items.get(item_id)
        return item.level_range if item else None

    def referential_version(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return item.referential if item else ""
