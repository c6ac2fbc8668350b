"""Self- and co-positioning: record events (append-only) and compare both views item by item.

Every read and write goes through the access guard (:func:`.accounts.guard_for`): checked and logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..store import Positioning
from ..vocab import State, values
from .accounts import Identity, guard_for
from .context import Context
from .people import rectec_competencies

__all__ = ["ComparisonRow", "record_self", "record_co", "comparison", "trade_activities", "STATES"]

STATES = values(State)


def record_self(ctx: Context, identity: Identity, person_id: str, item_id: str, *, level: int | None = None,
                state: str | None = None, comment: str | None = None) -> Positioning:
    """The person's own word on one item (a new event; earlier ones stay in the history). Only the person
    themselves, signed in as a candidate, may write it."""
    return guard_for(ctx, identity).record_positioning(person_id, item_id, as_role="self", level=level,
                                                       state=state, comment=comment)


def record_co(ctx: Context, identity: Identity, person_id: str, item_id: str, *, level: int | None = None,
              state: str | None = None, note: str | None = None) -> Positioning:
    """The accompanist's word on one item; ``note`` says how a divergence was discussed or resolved. Only an
    accompanist the person is assigned to may write it."""
    return guard_for(ctx, identity).record_positioning(person_id, item_id, as_role="accompanist", level=level,
                                                       state=state, comment=note or None)


@dataclass(frozen=True)
class ComparisonRow:
    item_id: str
    label: str
    graded: bool
    self_value: int | str | None
    co_value: int | str | None
    self_at: dt.datetime | None
    co_at: dt.datetime | None
    co_note: str | None
    divergent: bool
    difference: int | None


def comparison(ctx: Context, person_id: str, item_ids: list[str], *, identity: Identity | None = None
               ) -> list[ComparisonRow]:
    """Self and accompanist side by side for ``item_ids`` (in that order), with the signed difference
    (read as ``identity``, default ``ctx.actor``: the signed-in user of the run)."""
    view = guard_for(ctx, identity).current_view(person_id)
    rows = []
    for item_id in item_ids:
        entry = view.items.get(item_id)
        own = entry.self_ if entry else None
        co = entry.accompanist if entry else None
        rows.append(ComparisonRow(
            item_id, ctx.bundle.label(item_id), bool(ctx.bundle.level_range(item_id)),
            own.value if own else None, co.value if co else None,
            own.positioned_at if own else None, co.positioned_at if co else None, co.comment if co else None,
            bool(entry and entry.divergent), entry.difference if entry else None,
        ))
    return rows


def rectec_ids(ctx: Context) -> list[str]:
    return [item.id for item in rectec_competencies(ctx.bundle)]


def trade_activities(ctx: Context, trade_id: str) -> list[str]:
    """The activities of a trade or job, in referential order."""
    return [a.id for a in ctx.bundle.children(trade_id) if a.kind == "activity"]
