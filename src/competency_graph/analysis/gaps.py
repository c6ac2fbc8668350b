"""Gaps between where a person stands and what a target expects — for one person or a whole cohort.

The retained level of an item is the accompanist's when there is one, else the person's own (then marked
"not confirmed"). Self and accompanist are kept side by side, never averaged.

>>> from competency_graph.analysis.profile import Position
>>> from competency_graph.analysis.targets import resolve_target
>>> from competency_graph.examples import tiny_bundle
>>> bundle = tiny_bundle()
>>> target = resolve_target(bundle, "ext:jardinier")
>>> [(r.item, r.level, r.graded) for r in target.requirements]
[('ex:C01', 2, True), ('ex:C02', 3, True), ('ext:jardinier/A1', 2, False), ('ext:jardinier/A2', 2, False)]

The accompanist put circle 2 on C01 where the person said 3: 2 is retained (confirmed), the divergence is kept.
C02 only has the person's own 3 (retained, not confirmed). No activity is positioned yet:

>>> report = compute_gaps(bundle, {"ex:C01": Position(item="ex:C01", self=3, co=2),
...                                "ex:C02": Position(item="ex:C02", self=3)}, target)
>>> [(r.item, r.retained, r.confirmed, r.gap, r.divergence) for r in report.rows]
[('ex:C01', 2, True, 0, -1), ('ex:C02', 3, False, 0, None), ('ext:jardinier/A1', 0, False, 2, None), ('ext:jardinier/A2', 0, False, 2, None)]
>>> report.met, report.total, report.total_gap, report.by_pole["ex:P1"]["met"]
(2, 4, 4, 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..bundle import Bundle
from .profile import Position
from .targets import Requirement, Target

__all__ = ["GapRow", "GapReport", "compute_gaps", "gap_provenance", "cohort_gaps", "cohort_gaps_naive", "pole_of"]


@dataclass(frozen=True)
class GapRow:
    item: str
    label: str
    pole: str | None
    graded: bool
    self_level: int | None
    co_level: int | None
    retained: int
    confirmed: bool
    required: int
    gap: int
    divergence: int | None  # co − self when both exist


@dataclass(frozen=True)
class GapReport:
    target: str
    target_label: str
    rows: tuple[GapRow, ...]
    by_pole: dict[str, dict[str, float]]
    met: int
    total: int
    total_gap: int
    divergences: int

    @property
    def met_share(self) -> float:
        return self.met / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "target_label": self.target_label, "met": self.met, "total": self.total,
                "met_share": round(self.met_share, 3), "total_gap": self.total_gap, "divergences": self.divergences,
                "by_pole": self.by_pole, "rows": [asdict(r) for r in self.rows]}


def pole_of(bundle: Bundle, item_id: str) -> str | None:
    """The pole of a graded competency (its parent when that parent is a pole)."""
    item = bundle.items.get(item_id)
    if item is not None and item.parent and bundle.items.get(item.parent) and bundle.items[item.parent].kind == "pole":
        return item.parent
    return None


def _row(bundle: Bundle, req: Requirement, position: Position | None) -> GapRow:
    self_level = Position.as_level(position.self) if position else None
    co_level = Position.as_level(position.co) if position else None
    retained = co_level if co_level is not None else (self_level if self_level is not None else 0)
    return GapRow(
        item=req.item, label=bundle.label(req.item), pole=pole_of(bundle, req.item), graded=req.graded,
        self_level=self_level, co_level=co_level, retained=retained, confirmed=co_level is not None,
        required=req.level, gap=max(0, req.level - retained),
        divergence=(co_level - self_level) if (co_level is not None and self_level is not None) else None,
    )


def compute_gaps(bundle: Bundle, positions: Mapping[str, Position], target: Target) -> GapReport:
    """Per-item, per-pole and overall gaps of one person to ``target``."""
    rows = tuple(_row(bundle, req, positions.get(req.item)) for req in target.requirements)
    by_pole: dict[str, dict[str, float]] = {}
    for row in rows:
        if row.pole is None:
            continue
        stats = by_pole.setdefault(row.pole, {"items": 0, "met": 0, "gap": 0, "label": 0})
        stats["items"] += 1
        stats["met"] += row.gap == 0
        stats["gap"] += row.gap
    for pole, stats in by_pole.items():
        stats["label"] = bundle.label(pole)  # type: ignore[assignment]
    return GapReport(
        target=target.id, target_label=target.label, rows=rows, by_pole=by_pole,
        met=sum(r.gap == 0 for r in rows), total=len(rows), total_gap=sum(r.gap for r in rows),
        divergences=sum(1 for r in rows if r.divergence),
    )


def _arrow_strings(column: pd.Series) -> Any:
    """The column's pyarrow string data (one chunk) when it is Arrow-backed and holds no null, else ``None``."""
    array = column.array
    if not isinstance(array, pd.arrays.ArrowExtensionArray):
        return None
    import pyarrow as pa  # present whenever a column is Arrow-backed

    data = array.__arrow_array__()  # the ChunkedArray behind the column, no copy
    if not (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)) or data.null_count:
        return None
    return data.combine_chunks() if data.num_chunks != 1 else data.chunk(0)


def _person_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(column, sort=False)``, faster on a long frame whose rows come grouped by person: the
    strings are hashed once per run of equal values (not once per row), then the run codes are repeated;
    when the runs are in strictly increasing order (rows sorted by person), they are distinct and nothing is
    hashed. A shuffled frame, or a column that is not Arrow-backed, is factorised row by row as before."""
    data = _arrow_strings(column)
    if data is None or len(data) < 1024:
        codes: np.ndarray
        codes, uniques = pd.factorize(column, sort=False)
        if data is None:  # a row without a person lands on the last person's row, as ``matrix[-1, item]`` did
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, uniques
    import pyarrow.compute as pc

    sample = pc.equal(data.slice(1, 256), data.slice(0, 256)).to_numpy(zero_copy_only=False)
    if sample.mean() < 0.5:  # not grouped: one hash per row is cheaper than finding the runs first
        codes, uniques = pd.factorize(column, sort=False)  # no null here (``_arrow_strings``): no code is −1
        return codes, uniques
    changed = pc.not_equal(data.slice(1), data.slice(0, len(data) - 1)).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.concatenate(([True], changed)))
    heads = column.array.take(starts)  # the first value of each run
    first = heads.__arrow_array__()
    if pc.all(pc.less(first.slice(0, len(first) - 1), first.slice(1))).as_py() is not False:
        # rows sorted by person (the usual layout of an export): each run is a new person, in order
        run_codes, uniques = np.arange(len(starts)), heads
    else:
        run_codes, uniques = pd.factorize(heads, sort=False)
    return np.repeat(run_codes, np.diff(starts, append=len(data))), pd.Index(uniques)


def _item_codes(column: pd.Series, items: list[str]) -> np.ndarray:
    """For each row, the position of its item in ``items`` (−1 for an item that is not required)."""
    data = _arrow_strings(column)
    if data is not None and all(isinstance(i, str) for i in items):
        import pyarrow as pa
        import pyarrow.compute as pc

        found = pc.index_in(data, value_set=pa.array(items, type=data.type))
        codes: np.ndarray = (found.fill_null(-1) if found.null_count else found).to_numpy(zero_copy_only=False)
        return codes
    raw_codes, item_values = pd.factorize(column, sort=False)
    codes = pd.Index(items).get_indexer(item_values)[raw_codes]  # map the few distinct values, then expand
    return codes


def _retained_levels(co: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The accompanist's level, else the person's own, else 0, as int16 (what
    ``np.nan_to_num(np.where(np.isnan(co), own, co), nan=0).astype(np.int16)`` gives), without a masked
    select: with ~40 % of the rows missing one level, branch-free int16 arithmetic is several times faster."""
    missing = np.isnan(co)
    with np.errstate(invalid="ignore"):  # a NaN casts to an arbitrary integer, multiplied away just below
        level = co.astype(np.int16)
        own16 = own.astype(np.int16)
    own16 -= level
    own16 *= missing
    level += own16  # own where co is missing (exact: int16 arithmetic wraps both ways)
    missing &= np.isnan(own)
    level *= ~missing  # neither level: 0
    return level


def cohort_gaps(positions: pd.DataFrame, requirements: Mapping[str, int]) -> pd.DataFrame:
    """Vectorised gaps for a whole cohort.

    ``positions`` is long-format with columns ``person``, ``item``, ``self``, ``co`` (levels, NaN when absent);
    returns one row per person and one column per required item holding the capped gap, plus ``total_gap``
    and ``met`` (number of requirements met).

    Profiled on 1,000,000 rows (83,334 people × 12 items): hashing the person and item strings took half the
    time, so persons are coded per run of equal values and items looked up in the requirements' set by pyarrow
    (``index_in``); the levels are combined in int16 without masked selects; the matrix is item-major, so
    totals add contiguous rows and the result is built once from one int64 array, without a copy.
    """
    items = list(requirements)
    width = len(items)
    required = np.array([requirements[i] for i in items], dtype=np.int16)
    person_codes, people = _person_codes(positions["person"])
    item_codes = _item_codes(positions["item"], items)
    count = len(people)
    # the matrix is laid out item by item (one contiguous row of people per item): the totals then add whole
    # rows, and the result's columns are contiguous.
    flat = item_codes.astype(np.int64)
    flat *= count
    flat += person_codes
    level = _retained_levels(positions["co"].to_numpy(dtype=float), positions["self"].to_numpy(dtype=float))
    keep = item_codes >= 0
    if not keep.all():
        flat, level = flat[keep], level[keep]
    matrix = np.zeros(width * count, dtype=np.int16)
    matrix[flat] = level
    gaps = required[:, None] - matrix.reshape(width, count)
    np.maximum(gaps, 0, out=gaps)
    table = np.empty((width + 2, count), dtype=np.int64)
    table[:width] = gaps
    gaps.sum(axis=0, dtype=np.int64, out=table[width])
    table[width + 1] = (gaps == 0).sum(axis=0)
    return pd.DataFrame(table.T, index=pd.Index(people, name="person"), columns=[*items, "total_gap", "met"],
                        copy=False)


def cohort_gaps_naive(positions: pd.DataFrame, requirements: Mapping[str, int]) -> pd.DataFrame:
    """The same result computed person by person in plain Python (baseline for the benchmark and tests)."""
    records: dict[str, dict[str, tuple[float, float]]] = {}
    for person, item, self_level, co_level in positions[["person", "item", "self", "co"]].itertuples(index=False):
        records.setdefault(person, {})[item] = (self_level, co_level)
    rows = {}
    for person, by_item in records.items():
        row = {}
        for item, level in requirements.items():
            self_level, co_level = by_item.get(item, (float("nan"), float("nan")))
            retained = co_level if co_level == co_level else (self_level if self_level == self_level else 0)
            row[item] = max(0, level - int(retained))
        row["total_gap"] = sum(row[i] for i in requirements)
        row["met"] = sum(1 for i in requirements if row[i] == 0)
        rows[person] = row
    result = pd.DataFrame.from_dict(rows, orient="index")
    result.index.name = "person"
    return result


def gap_provenance(bundle: Bundle, target: Target) -> list[str]:
    """What a gap table toward ``target`` rests on that is not verified: reconstructed requirements (trade
    referentials, entry profiles, RECTEC levels expected by a certification) or unverified RNCP data."""
    notes: list[str] = []
    sources = {target.id, *target.certifications, *(r.why for r in target.requirements)}
    items = [bundle.items[i] for i in sources if i in bundle.items]
    if any(i.provenance in ("reconstructed", "provisional") for i in items if i.kind != "certification"):
        notes.append("Attendus reconstitués : le référentiel du métier ou de la formation visée n'est pas public ; "
                     "les niveaux attendus sont notre reconstitution.")
    certs = [bundle.items[c] for c in target.certifications if c in bundle.items]
    if any(not c.model.verified or c.provenance == "reconstructed" for c in certs):
        notes.append("Données RNCP non vérifiées (numéro, blocs ou niveaux attendus reconstitués) : à contrôler sur "
                     "la fiche officielle.")
    return notes
