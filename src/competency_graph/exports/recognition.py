"""Which items a document presents as recognised: only validated ones. Co-positionings not yet validated and
the person's own self-positionings are listed apart, never as recognised; the person's own answer is kept next
to the accompanist's and to the validated level wherever they differ.

:func:`recognition` is pure (positions view + standing validations); :func:`recognition_for` reads them from
the store. Portfolios, attestations and badges build on this selection only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..messages import t
from ..store.positions import PositionView
from ..store.validations import Validation, active_evidence, validations

__all__ = ["Recognised", "Positioned", "Recognition", "recognition", "recognition_for", "value_fr", "MODALITY_FR"]

#: the three RAE modalities, in the candidate's words (seed 003)
MODALITY_FR = {m: t(f"pdf.rae_modality.{m}") for m in ("montrer", "expliquer", "comparer")}


def value_fr(value: int | str | None) -> str:
    """A level or a state in French words (``—`` when absent)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return t("pdf.value.level", level=value)
    return t(f"pdf.value.{value}") if value in ("acquired", "in_progress", "not_yet") else str(value)


@dataclass(frozen=True)
class Recognised:
    """A validated item: the validated value, how and on what it was validated, and both positionings."""

    item_id: str
    level: int | None
    state: str | None
    validation: Validation
    self_value: int | str | None
    co_value: int | str | None
    proofs: tuple[str, ...] = ()
    """Titles of the proofs the validation rests on that are still in the dossier."""

    @property
    def value(self) -> int | str:
        return self.level if self.level is not None else str(self.state)

    @property
    def self_differs(self) -> bool:
        return self.self_value is not None and self.self_value != self.value


@dataclass(frozen=True)
class Positioned:
    """An item positioned but not validated: the person's word and the accompanist's, side by side."""

    item_id: str
    self_value: int | str | None
    self_at: dt.datetime | None
    co_value: int | str | None
    co_at: dt.datetime | None

    @property
    def divergent(self) -> bool:
        return self.self_value is not None and self.co_value is not None and self.self_value != self.co_value


@dataclass(frozen=True)
class Recognition:
    recognised: tuple[Recognised, ...]
    co_positioned: tuple[Positioned, ...]
    """Co-positioned by the accompanist, not (yet) validated."""
    self_only: tuple[Positioned, ...]
    """Only the person's own word: never recognised."""

    def recognised_ids(self) -> list[str]:
        return [r.item_id for r in self.recognised]


def recognition(view: PositionView, standing: dict[str, Validation], *,
                proof_titles: dict[str, str] | None = None) -> Recognition:
    """Split the person's items into recognised (validated), co-positioned and self-positioned only, by item id.

    >>> from competency_graph.store.positions import PositionView
    >>> recognition(PositionView("p", None), {}).recognised
    ()
    """
    titles = proof_titles or {}
    recognised, co, own_only = [], [], []
    for item_id in sorted(set(view.items) | set(standing)):
        entry = view.items.get(item_id)
        own = entry.self_ if entry else None
        acc = entry.accompanist if entry else None
        validation = standing.get(item_id)
        if validation is not None:
            recognised.append(Recognised(
                item_id, validation.level, validation.state, validation, own.value if own else None,
                acc.value if acc else None, tuple(titles[e] for e in validation.evidence_ids if e in titles)))
        elif acc is not None:
            co.append(Positioned(item_id, own.value if own else None, own.positioned_at if own else None,
                                 acc.value, acc.positioned_at))
        elif own is not None:
            own_only.append(Positioned(item_id, own.value, own.positioned_at, None, None))
    return Recognition(tuple(recognised), tuple(co), tuple(own_only))


def recognition_for(repo: Any, person_id: str, *, as_of: dt.date | dt.datetime | None = None) -> Recognition:
    """:func:`recognition` from the store: positions and validations as of ``as_of`` (None: now)."""
    view = repo.current_view(person_id, as_of=as_of)
    standing = validations(repo, person_id, as_of=as_of)
    titles = {e.id: e.title for e in active_evidence(repo, person_id)}
    return recognition(view, standing, proof_titles=titles)
