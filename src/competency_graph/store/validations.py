"""Recognition store: validating a competency (append-only events) and withdrawing or replacing a proof.

A competency of a person goes through three states — *self-positioned* (only the person's word),
*co-positioned* (the accompanist's word) and *validated* (an accompanist or a jury decided, on proofs, in an
RAE modality: MONTRER, EXPLIQUER or COMPARER). Only validated items are recognised in portfolios, attestations
and badges. A validation is recorded at most at the level the accompanist co-positioned, on at least one
proof of the dossier that was not withdrawn. Nothing is updated or deleted: a validation is withdrawn by a new
event, a proof by a withdrawal row (the proof stays, hidden from the dossier).

Functions take the :class:`~competency_graph.store.repository.Repository` and use its unit of work, so they
join a surrounding :meth:`Repository.transaction`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from .errors import StoreError
from .models import RAE_MODALITIES, Evidence, Person, PositioningEvent, new_id, utcnow
from .records import EvidenceRecord
from .validation_models import VALIDATOR_ROLES, EvidenceWithdrawal, ValidationEvent

__all__ = ["Validation", "Withdrawal", "STATUSES", "record_validation", "withdraw_validation", "validations",
           "validation_history", "withdraw_evidence", "withdrawals", "active_evidence", "status_of"]

#: the states of a competency, lowest first
STATUSES = ("self_positioned", "co_positioned", "validated")


@dataclass(frozen=True)
class Validation:
    """A validation event (``action`` validate) or the withdrawal of one (``action`` withdraw)."""

    id: int
    person_id: str
    item_id: str
    action: str
    level: int | None
    state: str | None
    modality: str | None
    validator_role: str
    validator_name: str | None
    author_id: str | None
    positioning_id: int | None
    evidence_ids: tuple[str, ...]
    comment: str | None
    validated_on: dt.date
    recorded_at: dt.datetime
    withdraws_id: int | None = None

    @property
    def value(self) -> int | str:
        return self.level if self.level is not None else str(self.state)


@dataclass(frozen=True)
class Withdrawal:
    evidence_id: str
    replaced_by_id: str | None
    reason: str | None
    author_id: str | None
    withdrawn_at: dt.datetime = field(default_factory=utcnow)


def _validation(row: ValidationEvent) -> Validation:
    return Validation(row.id, row.person_id, row.item_id, row.action, row.level, row.state, row.modality,
                      row.validator_role, row.validator_name, row.author_id, row.positioning_id,
                      tuple(row.evidence_ids or ()), row.comment, row.validated_on, row.recorded_at,
                      row.withdraws_id)


def _latest_co(s: Session, person_id: str, item_id: str) -> PositioningEvent | None:
    return s.scalars(select(PositioningEvent).where(
        PositioningEvent.person_id == person_id, PositioningEvent.item_id == item_id,
        PositioningEvent.author_role == "accompanist").order_by(
        PositioningEvent.positioned_at.desc(), PositioningEvent.id.desc()).limit(1)).first()


def _withdrawn_ids(s: Session, evidence_ids: list[str] | None = None) -> set[str]:
    query = select(EvidenceWithdrawal.evidence_id)
    if evidence_ids is not None:
        query = query.where(EvidenceWithdrawal.evidence_id.in_(evidence_ids))
    return set(s.scalars(query))


def record_validation(repo, person_id: str, item_id: str, *, modality: str, evidence_ids: list[str],
                      author_id: str | None, validator_role: str = "accompanist", validator_name: str | None = None,
                      level: int | None = None, validated_on: dt.date | None = None,
                      comment: str | None = None) -> Validation:
    """Validate ``item_id`` for the person. Graded items: at ``level`` (default: the co-positioned level),
    never above the accompanist's latest co-positioning; ungraded items: the co-positioning must say
    *acquired*. ``evidence_ids``: at least one proof of the person, not withdrawn. Raises
    :class:`StoreError` (French message) and writes nothing when a rule is not met."""
    if modality not in RAE_MODALITIES:
        raise StoreError(code="bad_rae_modality", message="bad_rae_modality.validation")
    if validator_role not in VALIDATOR_ROLES:
        raise StoreError(code="bad_validator_role")
    day = validated_on or dt.date.today()
    if day > dt.date.today() + dt.timedelta(days=1):
        raise StoreError(code="future_date", message="future_date.validation")
    proofs = list(dict.fromkeys(evidence_ids))
    if not proofs:
        raise StoreError(code="evidence_required")
    if validator_name is not None and len(validator_name) > 300:
        raise StoreError(code="bad_name")

    def write(s: Session) -> Validation:
        if s.get(Person, person_id) is None:
            raise StoreError(code="unknown_person", message="unknown_person.short")
        co = _latest_co(s, person_id, item_id)
        if co is None:
            raise StoreError(code="not_co_positioned")
        chosen_level, state = None, None
        if co.level is not None:
            chosen_level = co.level if level is None else level
            if isinstance(chosen_level, bool) or not isinstance(chosen_level, int) or chosen_level < 1:
                raise StoreError(code="level_required")
            if chosen_level > co.level:
                raise StoreError(code="above_co_positioning", params={"level": co.level})
        else:
            if co.state != "acquired":
                raise StoreError(code="not_acquired")
            state = "acquired"
        rows = {e.id: e for e in s.scalars(select(Evidence).where(Evidence.id.in_(proofs)))}
        if set(rows) != set(proofs) or any(r.person_id != person_id for r in rows.values()):
            raise StoreError(code="unknown_evidence", message="unknown_evidence.not_in_record")
        if _withdrawn_ids(s, proofs):
            raise StoreError(code="withdrawn_evidence")
        row = ValidationEvent(uid=new_id(), person_id=person_id, item_id=item_id, action="validate",
                              level=chosen_level, state=state, modality=modality, validator_role=validator_role,
                              validator_name=(validator_name or "").strip() or None, author_id=author_id,
                              positioning_id=co.id, evidence_ids=proofs, comment=(comment or "").strip() or None,
                              validated_on=day, recorded_at=utcnow())
        s.add(row)
        s.flush()
        return _validation(row)

    return repo.run(write, write=True)


def withdraw_validation(repo, person_id: str, validation_id: int, *, author_id: str | None,
                        reason: str | None = None) -> Validation:
    """Withdraw a validation (recorded by mistake, decision reversed) with a new event; the old one stays."""
    def write(s: Session) -> Validation:
        target = s.get(ValidationEvent, validation_id)
        if target is None or target.person_id != person_id or target.action != "validate":
            raise StoreError(code="unknown_validation")
        done = s.scalar(select(func.count()).select_from(ValidationEvent).where(
            ValidationEvent.withdraws_id == validation_id))
        if done:
            raise StoreError(code="already_withdrawn")
        row = ValidationEvent(uid=new_id(), person_id=person_id, item_id=target.item_id, action="withdraw",
                              validator_role=target.validator_role, author_id=author_id, evidence_ids=[],
                              comment=(reason or "").strip() or None, validated_on=dt.date.today(),
                              recorded_at=utcnow(), withdraws_id=validation_id)
        s.add(row)
        s.flush()
        return _validation(row)

    return repo.run(write, write=True)


def validation_history(repo, person_id: str) -> list[Validation]:
    """Every validation event of the person, oldest first (for the audit and the RGPD export)."""
    def read(s: Session) -> list[Validation]:
        rows = s.scalars(select(ValidationEvent).where(ValidationEvent.person_id == person_id)
                         .order_by(ValidationEvent.recorded_at, ValidationEvent.id))
        return [_validation(r) for r in rows]

    return repo.run(read, write=False)


def validations(repo, person_id: str, *, as_of: dt.date | dt.datetime | None = None) -> dict[str, Validation]:
    """The standing validation of each item (latest validation not withdrawn), decided on or before ``as_of``."""
    day = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    events = validation_history(repo, person_id)
    withdrawn = {e.withdraws_id for e in events if e.action == "withdraw"}
    standing: dict[str, Validation] = {}
    for event in sorted(events, key=lambda e: (e.validated_on, e.recorded_at, e.id)):
        if event.action != "validate" or event.id in withdrawn or (day is not None and event.validated_on > day):
            continue
        standing[event.item_id] = event
    return standing


def withdraw_evidence(repo, person_id: str, evidence_id: str, *, author_id: str | None, reason: str | None = None,
                      replaced_by_id: str | None = None) -> Withdrawal:
    """Take a proof out of the dossier (optionally replaced by ``replaced_by_id``, a proof of the same person);
    the proof row and its file stay for the audit."""
    def write(s: Session) -> Withdrawal:
        row = s.get(Evidence, evidence_id)
        if row is None or row.person_id != person_id:
            raise StoreError(code="unknown_evidence", message="unknown_evidence.not_in_record")
        if replaced_by_id is not None:
            new = s.get(Evidence, replaced_by_id)
            if new is None or new.person_id != person_id or replaced_by_id == evidence_id:
                raise StoreError(code="bad_replacement")
        if _withdrawn_ids(s, [evidence_id]):
            raise StoreError(code="already_withdrawn", message="already_withdrawn.evidence")
        at = utcnow()
        s.execute(insert(EvidenceWithdrawal).values(evidence_id=evidence_id, replaced_by_id=replaced_by_id,
                                                    reason=(reason or "").strip() or None, author_id=author_id,
                                                    withdrawn_at=at))
        return Withdrawal(evidence_id, replaced_by_id, (reason or "").strip() or None, author_id, at)

    return repo.run(write, write=True)


def withdrawals(repo, person_id: str) -> dict[str, Withdrawal]:
    """The person's withdrawn proofs, by proof id."""
    def read(s: Session) -> dict[str, Withdrawal]:
        rows = s.execute(select(EvidenceWithdrawal).join(Evidence, Evidence.id == EvidenceWithdrawal.evidence_id)
                         .where(Evidence.person_id == person_id)).scalars()
        return {r.evidence_id: Withdrawal(r.evidence_id, r.replaced_by_id, r.reason, r.author_id, r.withdrawn_at)
                for r in rows}

    return repo.run(read, write=False)


def active_evidence(repo, person_id: str, *, item_id: str | None = None) -> list[EvidenceRecord]:
    """The proofs of the dossier: every proof of the person except the withdrawn ones."""
    gone = withdrawals(repo, person_id)
    return [e for e in repo.list_evidence(person_id, item_id=item_id) if e.id not in gone]


def status_of(item_view, validation: Validation | None) -> str | None:
    """``validated``, ``co_positioned``, ``self_positioned`` or None for one item (an
    :class:`~competency_graph.store.positions.ItemView` or None)."""
    if validation is not None:
        return "validated"
    if item_view is not None and item_view.accompanist is not None:
        return "co_positioned"
    if item_view is not None and item_view.self_ is not None:
        return "self_positioned"
    return None
