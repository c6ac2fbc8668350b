"""Self- and co-positioning: record events (append-only) and compare both views item by item.

Every read and write goes through the access guard (:func:`.accounts.guard_for`): checked and logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..store import PersonRecord, Positioning, PositioningInput, PositionView
from ..vocab import State, values
from . import batch
from .accounts import Identity, guard_for
from .context import Context
from .people import rectec_competencies

__all__ = ["ComparisonRow", "record_self", "record_self_many", "record_co", "comparison", "comparison_rows",
           "own_positions", "trade_activities", "STATES"]

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
    return comparison_rows(ctx, guard_for(ctx, identity).current_view(person_id), item_ids)


def comparison_rows(ctx: Context, view: PositionView, item_ids: list[str]) -> list[ComparisonRow]:
    """:func:`comparison` from a view already read (e.g. by :func:`own_positions`)."""
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


def own_positions(ctx: Context, identity: Identity) -> tuple[PersonRecord, PositionView]:
    """The signed-in candidate's record and current positions, read once for a page: one guarded read
    transaction and ONE audit entry (``read``/``positioning``), where the record and the view were two guarded
    reads, two audit entries and five transactions (issue #19). ``AccessDenied`` as for any other record."""
    person_id = identity.person_id or ""
    read = batch.read_people(ctx, identity, [person_id], "positioning", allowed=("self",))
    return read.records[person_id], read.views[person_id]


def record_self_many(ctx: Context, identity: Identity, person_id: str,
                     answers: dict[str, tuple[int | None, str | None]]) -> int:
    """The person's own word on several items (``item -> (level, state)``) in ONE guarded transaction with ONE
    audit entry: all are written or none (a bad answer refuses the whole set, its message naming it). Returns
    how many events were written."""
    if not answers:
        return 0
    entries = [PositioningInput(person_id, item_id, "self", level, state, identity.user_id, None, None)
               for item_id, (level, state) in answers.items()]

    def write(_role: str) -> int:
        return ctx.repo.record_positionings(entries).inserted
    return guard_for(ctx, identity).writing(person_id, "positioning", write, roles=("self",))


def rectec_ids(ctx: Context) -> list[str]:
    return [item.id for item in rectec_competencies(ctx.bundle)]


def trade_activities(ctx: Context, trade_id: str) -> list[str]:
    """The activities of a trade or job, in referential order."""
    return [a.id for a in ctx.bundle.children(trade_id) if a.kind == "activity"]
