"""Co-assessment at the pace of a workshop: a whole grid of items for one person, or people × items for a
group, saved at once; and the validation that turns a co-positioning into a recognised competency.

Item sets: the 12 RECTEC competencies with the activities of the person's trade, or the competencies of the
blocs of a certification (answered YES / PARTIAL / NO as on France VAE, stored as the states acquired /
in_progress / not_yet, which feed bloc coverage directly). Every read and write goes through the access guard
(:func:`.accounts.guard_for`): checked and logged; one grid is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..messages import t
from ..security import audit
from ..store import PositioningInput, PositionView, StoreError, bulk
from ..store import validations as store_validations
from ..store.validations import Validation, Withdrawal
from ..vocab import State, values
from . import batch as batch_reads
from .accounts import Identity, guard_for
from .context import Context
from .people import candidate_trades, rectec_competencies

__all__ = ["ItemSet", "GridRow", "Change", "item_sets", "set_items", "grid_rows", "save_grid", "GroupCell", "group_grid",
           "save_group", "ValidationRow", "validation_rows", "validate", "withdraw_validation", "withdraw_proof",
           "replace_proof", "withdrawn_proofs", "RECTEC_AND_TRADE", "ANSWERS"]

RECTEC_AND_TRADE = "rectec+trade"
#: the three answers on a certification's competencies, as stored states (France VAE: oui / partiellement / non)
ANSWERS = values(State)


@dataclass(frozen=True)
class ItemSet:
    """A set of items assessed on one screen: ``rectec+trade`` or a certification id."""

    id: str
    label: str
    kind: str  # "rectec" or "certification"


@dataclass(frozen=True)
class GridRow:
    item_id: str
    number: str
    """Shown before the label: the RECTEC number, A1…, or the bloc competency's code."""
    label: str
    section: str
    """The group the row belongs to: RECTEC, a trade, a bloc."""
    levels: tuple[tuple[int, str], ...]
    """(rank, title) of graded items; empty for ungraded ones (states)."""
    self_value: int | str | None
    co_value: int | str | None
    co_note: str | None

    @property
    def graded(self) -> bool:
        return bool(self.levels)

    @property
    def divergent(self) -> bool:
        return self.self_value is not None and self.co_value is not None and self.self_value != self.co_value


@dataclass(frozen=True)
class Change:
    """One answer of a grid: a level (graded item) or a state (ungraded item), with an optional note."""

    item_id: str
    value: int | str
    note: str = ""


def item_sets(ctx: Context, person) -> list[ItemSet]:
    """RECTEC + the person's trade first, then the certifications of the person's target, then all others."""
    trades = candidate_trades(ctx.bundle, person)
    trade = f" + {ctx.bundle.label(trades[0])}" if trades else ""
    sets = [ItemSet(RECTEC_AND_TRADE, t("coassess.set.rectec", trade=trade), "rectec")]
    certifications = sorted(ctx.bundle.of_kind("certification"), key=lambda i: i.label.casefold())
    own: list[str] = []
    target = ctx.bundle.items.get(person.target or "")
    if target is not None:
        if target.kind == "certification":
            own.append(target.id)
        for edge in [*ctx.bundle.edges_from(target.id), *ctx.bundle.edges_to(target.id)]:
            for end in (edge.target, edge.source):
                item = ctx.bundle.items.get(end)
                if item is not None and item.kind == "certification" and end not in own:
                    own.append(end)
    ordered = own + [c.id for c in certifications if c.id not in own and any(
        b.kind == "bloc" for b in ctx.bundle.children(c.id))]
    return sets + [ItemSet(c, ctx.bundle.label(c), "certification") for c in ordered]


def _items_of(ctx: Context, person, set_id: str) -> list[tuple[str, str, str]]:
    """``(item id, number, section)`` of a set, in reading order."""
    if set_id == RECTEC_AND_TRADE:
        rows = [(i.id, str(i.model.order or n), "RECTEC") for n, i in enumerate(rectec_competencies(ctx.bundle), 1)]
        trades = candidate_trades(ctx.bundle, person)
        if trades:
            rows += [(a.id, a.id.rsplit("/", 1)[-1], ctx.bundle.label(trades[0]))
                     for a in ctx.bundle.children(trades[0]) if a.kind == "activity"]
        return rows
    if ctx.bundle.items.get(set_id) is None or ctx.bundle.items[set_id].kind != "certification":
        raise StoreError(code="unknown_item", params={"item": set_id})
    rows = []
    for bloc in ctx.bundle.children(set_id):
        if bloc.kind != "bloc":
            continue
        code = bloc.id.split(":", 1)[-1][-4:]
        for c in ctx.bundle.children(bloc.id):
            if c.kind == "competency":
                rows.append((c.id, f"{code}.{c.id.rsplit('/', 1)[-1]}", f"{code} — {bloc.label}"))
    return rows


def set_items(ctx: Context, person, set_id: str) -> list[tuple[str, str, str]]:
    """``(item id, number, section)`` of the items of a set for ``person`` (their trade), in reading order."""
    return _items_of(ctx, person, set_id)


def grid_rows(ctx: Context, identity: Identity, person_id: str, set_id: str) -> list[GridRow]:
    """Every item of the set with the person's own answer and the accompanist's latest (read, logged: the
    record and the positions in one guarded read, one audit entry)."""
    read = batch_reads.read_people(ctx, identity, [person_id], "positioning")
    person, view = read.records[person_id], read.views[person_id]
    rows = []
    for item_id, number, section in _items_of(ctx, person, set_id):
        item = ctx.bundle.items[item_id]
        entry = view.items.get(item_id)
        own, co = (entry.self_, entry.accompanist) if entry else (None, None)
        rows.append(GridRow(item_id, number, item.label, section,
                            tuple((lv.rank, str(lv.title)) for lv in item.levels),
                            own.value if own else None, co.value if co else None, co.comment if co else None))
    return rows


def _entries(ctx: Context, person_id: str, rows: dict[str, GridRow], changes: list[Change], author_id: str,
             at: dt.datetime) -> list[PositioningInput]:
    """Only what changed; a new answer that differs from the person's own needs a note (nothing is saved
    otherwise: one :class:`StoreError` lists every row missing one)."""
    missing, entries = [], []
    for change in changes:
        row = rows.get(change.item_id)
        if row is None:
            raise StoreError(code="unknown_item", params={"item": change.item_id}, message="unknown_item.grid")
        if change.value == row.co_value and not change.note.strip():
            continue
        if row.self_value is not None and change.value != row.self_value and not change.note.strip():
            missing.append(f"{row.number}. {row.label}")
            continue
        level = change.value if isinstance(change.value, int) else None
        state = change.value if isinstance(change.value, str) else None
        entries.append(PositioningInput(person_id, change.item_id, "accompanist", level, state, author_id,
                                        change.note.strip() or None, at, source="grid"))
    if missing:
        raise StoreError(code="note_required", details=missing)
    return entries


def save_grid(ctx: Context, identity: Identity, person_id: str, set_id: str, changes: list[Change]) -> int:
    """Record the changed answers of one person's grid in one transaction (only their accompanist); returns how
    many co-positionings were written."""
    guard = guard_for(ctx, identity)
    rows = {r.item_id: r for r in grid_rows(ctx, identity, person_id, set_id)}  # read access checked, logged
    entries = _entries(ctx, person_id, rows, changes, identity.user_id, dt.datetime.now(dt.UTC))

    def write(_role: str) -> int:
        if entries:
            ctx.repo.record_positionings(entries)
        return len(entries)
    return guard.writing(person_id, "positioning", write, roles=("accompanist",))


@dataclass(frozen=True)
class GroupCell:
    person_id: str
    item_id: str
    self_value: int | str | None
    co_value: int | str | None


def group_grid(ctx: Context, identity: Identity, person_ids: list[str], item_ids: list[str]
               ) -> dict[tuple[str, str], GroupCell]:
    """Self and accompanist answers of each person of a workshop on each item: one guarded read of the set, one
    audit entry naming it (``AccessDenied`` when one of them may not be read)."""
    views = batch_reads.read_people(ctx, identity, person_ids, "positioning").views
    cells = {}
    for person_id in person_ids:
        view = views[person_id]
        for item_id in item_ids:
            entry = view.items.get(item_id)
            own, co = (entry.self_, entry.accompanist) if entry else (None, None)
            cells[(person_id, item_id)] = GroupCell(person_id, item_id, own.value if own else None,
                                                    co.value if co else None)
    return cells


def save_group(ctx: Context, identity: Identity, answers: dict[str, list[Change]]) -> dict[str, int | StoreError]:
    """The workshop's grid: per person, the changed answers, all of that person's or none; returns per person
    the count written or the refusal (a person not followed, a note missing).

    Everyone's answers are written in ONE guarded transaction (``Guard.writing_set``: one access query, the
    current positions read in the same transaction, one multi-row INSERT, one audit entry naming the people
    written and one naming those refused), where it took two guarded transactions and two audit entries per
    person. Should the database refuse the whole (a rule broken by one row), nothing is written and each
    person's answers are saved on their own, as before (:func:`_save_each`), so that one person's refusal
    never costs the others theirs."""
    guard = guard_for(ctx, identity)
    now = dt.datetime.now(dt.UTC)
    result: dict[str, int | StoreError] = {}
    prepared: dict[str, list[PositioningInput]] = {}

    def write(allowed: dict[str, str]) -> None:
        result.clear()
        prepared.clear()
        ids = list(allowed)
        views = ctx.repo.run(lambda s: bulk.position_views(s, ids), write=False)  # joins this transaction
        audit.record_set(ctx.repo, guard.user_id, "read", "positioning", ids)
        for person_id in ids:
            try:
                prepared[person_id] = _entries(ctx, person_id, _rows(ctx, views[person_id], answers[person_id]),
                                               answers[person_id], identity.user_id, now)
            except StoreError as error:
                result[person_id] = error
        batch = [entry for entries in prepared.values() for entry in entries]
        if batch:
            ctx.repo.record_positionings(batch)

    try:
        _, refused = guard.writing_set(list(answers), "positioning", write, roles=("accompanist",))
    except StoreError:
        return _save_each(ctx, identity, answers, now)
    for person_id, refusal in refused.items():
        result[person_id] = refusal
    for person_id, entries in prepared.items():
        result[person_id] = len(entries)
    return {person_id: result[person_id] for person_id in answers}


def _rows(ctx: Context, view: PositionView, changes: list[Change]) -> dict[str, GridRow]:
    rows = {}
    for change in changes:
        entry = view.items.get(change.item_id)
        own, co = (entry.self_, entry.accompanist) if entry else (None, None)
        item = ctx.bundle.items.get(change.item_id)
        if item is None:
            raise StoreError(code="unknown_item", params={"item": change.item_id}, message="unknown_item.short")
        rows[change.item_id] = GridRow(change.item_id, change.item_id, item.label, "",
                                       tuple((lv.rank, str(lv.title)) for lv in item.levels),
                                       own.value if own else None, co.value if co else None, None)
    return rows


def _save_each(ctx: Context, identity: Identity, answers: dict[str, list[Change]], now: dt.datetime
               ) -> dict[str, int | StoreError]:
    """One guarded read and one guarded transaction per person (the path taken when the batched one failed)."""
    guard = guard_for(ctx, identity)
    result: dict[str, int | StoreError] = {}
    for person_id, changes in answers.items():
        try:
            entries = _entries(ctx, person_id, _rows(ctx, guard.current_view(person_id), changes), changes,
                               identity.user_id, now)

            def write(_role: str, entries: list[PositioningInput] = entries) -> int:
                if entries:
                    ctx.repo.record_positionings(entries)
                return len(entries)
            result[person_id] = guard.writing(person_id, "positioning", write, roles=("accompanist",))
        except StoreError as error:
            result[person_id] = error
    return result


# -- validation ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ValidationRow:
    item_id: str
    label: str
    status: str | None
    self_value: int | str | None
    co_value: int | str | None
    validation: Validation | None


def validation_rows(ctx: Context, identity: Identity, person_id: str) -> list[ValidationRow]:
    """Every item the person was positioned on, with its state (self-positioned, co-positioned, validated)."""
    guard = guard_for(ctx, identity)
    view = guard.current_view(person_id)
    standing = guard.reading(person_id, "validation", lambda: store_validations.validations(ctx.repo, person_id))
    rows = []
    for item_id in sorted(set(view.items) | set(standing)):
        entry = view.items.get(item_id)
        own, co = (entry.self_, entry.accompanist) if entry else (None, None)
        rows.append(ValidationRow(item_id, ctx.bundle.label(item_id) if item_id in ctx.bundle.items else item_id,
                                  store_validations.status_of(entry, standing.get(item_id)),
                                  own.value if own else None, co.value if co else None, standing.get(item_id)))
    return rows


def validate(ctx: Context, identity: Identity, person_id: str, item_id: str, *, modality: str,
             evidence_ids: list[str], validator_role: str = "accompanist", validator_name: str | None = None,
             level: int | None = None, validated_on: dt.date | None = None, comment: str | None = None) -> Validation:
    """Validate a co-positioned competency on proofs, in an RAE modality (only the person's accompanist records
    it, for themselves or for a jury)."""
    return guard_for(ctx, identity).writing(person_id, "validation", lambda _role: store_validations.record_validation(
        ctx.repo, person_id, item_id, modality=modality, evidence_ids=evidence_ids, author_id=identity.user_id,
        validator_role=validator_role, validator_name=validator_name, level=level, validated_on=validated_on,
        comment=comment), roles=("accompanist",))


def withdraw_validation(ctx: Context, identity: Identity, person_id: str, validation_id: int,
                        reason: str | None = None) -> Validation:
    return guard_for(ctx, identity).writing(
        person_id, "validation", lambda _role: store_validations.withdraw_validation(
            ctx.repo, person_id, validation_id, author_id=identity.user_id, reason=reason),
        roles=("accompanist",), action="change")


# -- proofs you can correct -------------------------------------------------------------------------------

def withdrawn_proofs(ctx: Context, identity: Identity, person_id: str) -> dict[str, Withdrawal]:
    return guard_for(ctx, identity).reading(person_id, "evidence",
                                            lambda: store_validations.withdrawals(ctx.repo, person_id))


def withdraw_proof(ctx: Context, identity: Identity, person_id: str, evidence_id: str,
                   reason: str | None = None) -> Withdrawal:
    """Take a proof out of the dossier (the person or their accompanist); it stays stored for the audit."""
    return guard_for(ctx, identity).writing(person_id, "evidence", lambda _role: store_validations.withdraw_evidence(
        ctx.repo, person_id, evidence_id, author_id=identity.user_id, reason=reason), action="change")


def replace_proof(ctx: Context, identity: Identity, person_id: str, evidence_id: str, new_id: str,
                  reason: str | None = None) -> Withdrawal:
    """Withdraw a proof in favour of ``new_id`` (a proof just added to the same person's dossier)."""
    return guard_for(ctx, identity).writing(person_id, "evidence", lambda _role: store_validations.withdraw_evidence(
        ctx.repo, person_id, evidence_id, author_id=identity.user_id, reason=reason, replaced_by_id=new_id),
        action="change")
