"""What the store needs to know about referential items, as a protocol (the store never loads referentials)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

__all__ = ["ItemCatalog", "StaticCatalog", "demo_catalog"]


@runtime_checkable
class ItemCatalog(Protocol):
    """Answers the three questions asked before a positioning is stored."""

    def has_item(self, item_id: str) -> bool:
        """True when ``item_id`` exists in a loaded referential."""
        ...

    def level_range(self, item_id: str) -> tuple[int, int] | None:
        """``(min, max)`` of the item's graded levels, or None when the item is not graded
        (then a positioning uses a state: acquired / in_progress / not_yet)."""
        ...

    def referential_version(self, item_id: str) -> str:
        """Version of the referential the item belongs to (stored with each event)."""
        ...


class StaticCatalog:
    """An :class:`ItemCatalog` from a mapping ``item_id -> (level_range | None, version)``; for tests and demos."""

    def __init__(self, items: Mapping[str, tuple[tuple[int, int] | None, str]]) -> None:
        self._items = dict(items)

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def level_range(self, item_id: str) -> tuple[int, int] | None:
        return self._items[item_id][0]

    def referential_version(self, item_id: str) -> str:
        return self._items[item_id][1]


def demo_catalog() -> StaticCatalog:
    """The items the demo positions on: the 12 RECTEC competencies (circles 1–4) and a few ungraded
    activities of a fictional RAE trade; used only when no referential bundle is given."""
    items: dict[str, tuple[tuple[int, int] | None, str]] = {
        f"rectec:C{n:02d}": ((1, 4), "2019") for n in range(1, 13)
    }
    for activity in ("A1", "A2", "A3"):
        items[f"rae:operateur-logistique/{activity}"] = (None, "demo")
    return StaticCatalog(items)
