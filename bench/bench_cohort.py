"""Cohort gaps for 10,000 synthetic people: vectorised (pandas/numpy) against a per-person Python loop."""

from __future__ import annotations

import json
import sys

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


def run(quick: bool = False) -> dict:
    from competency_graph.analysis.gaps import cohort_gaps, cohort_gaps_naive

    frame, req = synthetic_cohort()
    fast = median_time(lambda: cohort_gaps(frame, req), 3 if quick else 7)
    slow = median_time(lambda: cohort_gaps_naive(frame, req), 1 if quick else 3)
    got = cohort_gaps(frame, req)
    expected = cohort_gaps_naive(frame, req).reindex(index=got.index, columns=got.columns)
    same = bool((got.to_numpy() == expected.to_numpy()).all())
    return {"cohort_gaps_s": round(fast, 4), "cohort_gaps_naive_s": round(slow, 3),
            "cohort_gaps_ratio": round(slow / fast, 1), "cohort_people": 10_000, "cohort_same_result": same}


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
