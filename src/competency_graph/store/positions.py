"""Positioning events and the view built from them: per item, the latest word of each role, side by side.

Pure functions over event values (no database). Self and accompanist positions are never averaged; when
both exist and differ the item is flagged as divergent, with the signed difference for graded items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Positioning", "ItemView", "PositionView", "build_view", "as_of_instant", "STATE_RANK"]

# Order of the states of ungraded items, to say which side is higher.
STATE_RANK = {"not_yet": 0, "in_progress": 1, "acquired": 2}


@dataclass(frozen=True)
class Positioning:
    """One stored positioning event."""

    id: int
    uid: str
    person_id: str
    item_id: str
    level: int | None
    state: str | None
    author_role: str
    author_id: str | None
    referential_version: str
    comment: str | None
    positioned_at: dt.datetime
    recorded_at: dt.datetime
    corrects_id: int | None = None
    source: str = "app"

    @property
    def value(self) -> int | str:
        """The level (graded item) or the state (ungraded item)."""
        return self.level if self.level is not None else str(self.state)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (used in follow-up snapshots and exports)."""
        return {
            "id": self.id, "uid": self.uid, "item": self.item_id, "level": self.level, "state": self.state,
            "role": self.author_role, "author_id": self.author_id,
            "referential_version": self.referential_version,
            "positioned_at": self.positioned_at.isoformat(), "corrects_id": self.corrects_id,
        }


@dataclass(frozen=True)
class ItemView:
    """Where a person stands on one item: the latest positioning of each role, never merged."""

    item_id: str
    roles: dict[str, Positioning] = field(default_factory=dict)

    def get(self, role: str) -> Positioning | None:
        """The latest positioning by ``role`` (self, accompanist, jury, tutor), if any."""
        return self.roles.get(role)

    @property
    def self_(self) -> Positioning | None:
        return self.roles.get("self")

    @property
    def accompanist(self) -> Positioning | None:
        return self.roles.get("accompanist")

    @property
    def divergent(self) -> bool:
        """True when the person and the accompanist both positioned and disagree."""
        own, other = self.self_, self.accompanist
        return own is not None and other is not None and own.value != other.value

    @property
    def difference(self) -> int | None:
        """Accompanist minus self (levels, or state ranks); None unless both are present and comparable."""
        own, other = self.self_, self.accompanist
        if own is None or other is None:
            return None
        if own.level is not None and other.level is not None:
            return other.level - own.level
        if own.state is not None and other.state is not None:
            return STATE_RANK[other.state] - STATE_RANK[own.state]
        return None

    def to_dict(self) -> dict[str, Any]:
        def side(p: Positioning | None) -> dict[str, Any] | None:
            if p is None:
                return None
            return {"value": p.value, "event": p.id, "at": p.positioned_at.isoformat(),
                    "referential_version": p.referential_version}

        return {
            "item": self.item_id,
            **{role: side(self.roles.get(role)) for role in ("self", "accompanist", "jury", "tutor")},
            "divergent": self.divergent, "difference": self.difference,
        }


@dataclass(frozen=True)
class PositionView:
    """A person's positions on every item they were positioned on, as of an instant (None: now)."""

    person_id: str
    as_of: dt.datetime | None
    items: dict[str, ItemView] = field(default_factory=dict)

    def divergent_items(self) -> list[str]:
        return sorted(i for i, v in self.items.items() if v.divergent)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the snapshot stored with a follow-up interview)."""
        return {
            "person_id": self.person_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "items": [self.items[k].to_dict() for k in sorted(self.items)],
            "divergent": self.divergent_items(),
        }


def as_of_instant(as_of: dt.datetime | dt.date | None) -> dt.datetime | None:
    """An instant from a date (end of that day, UTC) or an aware datetime."""
    if as_of is None or isinstance(as_of, dt.datetime):
        if isinstance(as_of, dt.datetime) and as_of.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware datetime")
        return as_of
    return dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)


def build_view(person_id: str, events: Iterable[Positioning], as_of: dt.datetime | dt.date | None = None
               ) -> PositionView:
    """The view from ``events`` positioned at or before ``as_of`` (latest per item and role wins;
    ties on time are broken by insertion order)."""
    instant = as_of_instant(as_of)
    latest: dict[tuple[str, str], Positioning] = {}
    for event in sorted(events, key=lambda e: (e.positioned_at, e.id)):
        if event.person_id != person_id or (instant is not None and event.positioned_at > instant):
            continue
        latest[(event.item_id, event.author_role)] = event
    items: dict[str, dict[str, Positioning]] = {}
    for (item, role), event in latest.items():
        items.setdefault(item, {})[role] = event
    return PositionView(person_id, instant, {item: ItemView(item, roles) for item, roles in items.items()})
