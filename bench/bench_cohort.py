"""Cohort gaps: ``analysis.gaps.cohort_gaps`` against what a competent user writes (a pandas ``pivot``) and the
physical floor (the numpy kernel on pre-coded arrays), measured in the same run.

- ``cohort_gaps_1m_s`` — 1,000,000 positions (83,334 people × 12 competencies, 40 % without an accompanist's
  level); ``cohort_pandas_pivot_1m_s`` — ``pivot`` of the retained level, ``reindex``, ``clip``, totals; both
  medians of ``cohort_1m_repeats`` calls (9, 15 without ``--quick``) interleaved after a warm-up, wall and
  ``…_cpu_s``; ``cohort_over_pandas_pivot`` = pivot / ours on CPU time, the median of the ratios of the
  back-to-back pairs (a slow pair does not move it; CPU time, because on a shared machine the wall time of a
  25 ms call also counts the time spent waiting for a core: ``…_wall`` is the same on wall time);
  ``cohort_gaps_numpy_floor_1m_s`` — the kernel alone on an int16 people × items matrix;
  ``cohort_same_as_pivot`` — both give the same gaps;
- ``cohort_gaps_s`` / ``cohort_gaps_ratio`` — 10,000 people, against the per-person Python loop (kept for
  comparison with earlier runs: that loop is not what anybody would write).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from common import median_time


def synthetic_cohort(people: int = 10_000, seed: int = 7) -> tuple[pd.DataFrame, dict[str, int]]:
    rng = np.random.default_rng(seed)
    items = [f"rectec:C{i:02d}" for i in range(1, 13)]
    requirements = {item: int(rng.integers(1, 5)) for item in items}
    n = people * len(items)
    co = rng.integers(1, 5, n).astype(float)
    co[rng.random(n) < 0.4] = np.nan
    frame = pd.DataFrame({
        "person": np.repeat([f"p{i:05d}" for i in range(people)], len(items)),
        "item": np.tile(items, people),
        "self": rng.integers(1, 5, n).astype(float),
        "co": co,
    })
    return frame, requirements


def pivot_gaps(frame: pd.DataFrame, requirements: dict[str, int]) -> pd.DataFrame:
    """The pandas a competent user writes: retained level, pivot, capped gaps, totals."""
    items = list(requirements)
    retained = frame.assign(level=frame["co"].fillna(frame["self"]).fillna(0))
    table = retained.pivot(index="person", columns="item", values="level").reindex(columns=items).fillna(0)
    gaps = (pd.Series(requirements, dtype=float) - table).clip(lower=0)
    gaps["total_gap"] = gaps[items].sum(axis=1)
    gaps["met"] = (gaps[items] == 0).sum(axis=1)
    return gaps


def numpy_floor(people: int, requirements: dict[str, int], repeat: int) -> float:
    levels = np.random.default_rng(3).integers(0, 5, (people, len(requirements))).astype(np.int16)
    required = np.array(list(requirements.values()), dtype=np.int16)

    def kernel() -> None:
        gaps = np.clip(required[None, :] - levels, 0, None)
        np.column_stack([gaps, gaps.sum(axis=1), (gaps == 0).sum(axis=1)])

    return median_time(kernel, repeat)


def interleaved(first: Callable[[], object], second: Callable[[], object], repeat: int
                ) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(wall, CPU) seconds of ``repeat`` calls of each, after one warm-up call of each, in pairs whose order
    alternates: both sides see the same load and the same drift, and neither always runs right after the other."""
    first()
    second()
    times: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
    for turn in range(repeat):
        for side in ((0, 1) if turn % 2 == 0 else (1, 0)):
            fn = (first, second)[side]
            start, cpu = time.perf_counter(), time.process_time()
            fn()
            times[side].append((time.perf_counter() - start, time.process_time() - cpu))
    return times


def one_million(quick: bool) -> dict:
    from competency_graph.analysis.gaps import cohort_gaps

    big, req_big = synthetic_cohort(83_334)
    repeat = 9 if quick else 15
    ours, pivot = interleaved(lambda: cohort_gaps(big, req_big), lambda: pivot_gaps(big, req_big), repeat)
    ours_1m, ours_cpu = (statistics.median(t[k] for t in ours) for k in (0, 1))
    pivot_1m, pivot_cpu = (statistics.median(t[k] for t in pivot) for k in (0, 1))
    # the ratio of each pair (measured back to back), then the median of those ratios
    ratio = statistics.median(p[0] / o[0] for o, p in zip(ours, pivot, strict=True))
    ratio_cpu = statistics.median(p[1] / o[1] for o, p in zip(ours, pivot, strict=True))
    floor_1m = numpy_floor(83_334, req_big, repeat)
    got = cohort_gaps(big, req_big)
    expected = pivot_gaps(big, req_big).reindex(index=got.index, columns=got.columns)
    big_result = {"cohort_gaps_1m_s": round(ours_1m, 4), "cohort_gaps_1m_cpu_s": round(ours_cpu, 4),
                  "cohort_pandas_pivot_1m_s": round(pivot_1m, 4), "cohort_pandas_pivot_1m_cpu_s": round(pivot_cpu, 4),
                  "cohort_over_pandas_pivot": round(ratio_cpu, 2), "cohort_over_pandas_pivot_wall": round(ratio, 2),
                  "cohort_1m_repeats": repeat, "cohort_gaps_numpy_floor_1m_s": round(floor_1m, 4),
                  "cohort_gaps_over_numpy_floor": round(ours_1m / floor_1m, 1), "cohort_rows_1m": len(big),
                  "cohort_same_as_pivot": bool((got.to_numpy() == expected.to_numpy()).all())}
    return big_result


def run(quick: bool = False) -> dict:
    from competency_graph.analysis.gaps import cohort_gaps, cohort_gaps_naive

    big_result = one_million(quick)  # its frames are freed before the 10,000-person measure

    frame, req = synthetic_cohort()
    fast = median_time(lambda: cohort_gaps(frame, req), 3 if quick else 7)
    slow = median_time(lambda: cohort_gaps_naive(frame, req), 1 if quick else 3)
    got = cohort_gaps(frame, req)
    expected = cohort_gaps_naive(frame, req).reindex(index=got.index, columns=got.columns)
    same = bool((got.to_numpy() == expected.to_numpy()).all())
    return {**big_result, "cohort_gaps_s": round(fast, 4), "cohort_gaps_naive_s": round(slow, 3),
            "cohort_gaps_ratio": round(slow / fast, 1), "cohort_people": 10_000, "cohort_same_result": same}


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
