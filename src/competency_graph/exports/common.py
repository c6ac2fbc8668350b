"""What the exports share: the retained value of an item (accompanist's word over the person's) and mastery."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..store.positions import ItemView, Positioning, PositionView
from ..vocab import retained as vocab_retained

__all__ = ["Retained", "retained", "mastered_items", "referential_of", "fr_date"]


@dataclass(frozen=True)
class Retained:
    item_id: str
    level: int | None
    state: str | None
    role: str
    at: dt.datetime
    referential_version: str


def retained(view: ItemView) -> Retained | None:
    """The accompanist's latest positioning when present, else the person's own (never averaged)."""
    p: Positioning | None = vocab_retained(view.self_, view.accompanist)
    if p is None:
        return None
    return Retained(view.item_id, p.level, p.state, p.author_role, p.positioned_at, p.referential_version)


def is_mastered(r: Retained | None, bundle: Any = None) -> bool:
    """Graded items: a level at or above the scale's minimum; ungraded items: state ``acquired``."""
    if r is None:
        return False
    if r.level is not None:
        low = 1
        item = bundle.items.get(r.item_id) if bundle is not None else None
        if item is not None and item.scale:
            low = item.scale[0]
        return r.level >= low
    return r.state == "acquired"


def mastered_items(view: PositionView, bundle: Any = None) -> list[Retained]:
    """Only what is mastered, sorted by item id."""
    out = []
    for item_id in sorted(view.items):
        r = retained(view.items[item_id])
        if is_mastered(r, bundle):
            out.append(r)  # type: ignore[arg-type]
    return out


def referential_of(bundle: Any, item_id: str) -> tuple[str, str]:
    """``(referential title, version)`` of an item, from the bundle; falls back to the id prefix."""
    item = bundle.items.get(item_id) if bundle is not None else None
    if item is None:
        return item_id.split(":", 1)[0], ""
    key = item.referential
    ref_id, _, version = key.partition("@")
    loaded = bundle.referential(key) if hasattr(bundle, "referential") else None
    title = ref_id
    if loaded is not None:
        try:
            title = str(loaded.header.title)
        except Exception:  # noqa: BLE001 - header shapes vary; the id is a fine fallback
            title = ref_id
    return title, version


def label_of(bundle: Any, item_id: str) -> str:
    item = bundle.items.get(item_id) if bundle is not None else None
    return item.label if item is not None else item_id


def fr_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y")
