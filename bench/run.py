"""Single entry point of the benchmarks: ``python bench/run.py [--json] [--quick]``.

Every ratio is baseline time / our time measured in the same run (median of several repetitions), because
absolute times drift on shared machines. A benchmark that cannot run here (no ROME bundle, no Chromium)
reports why instead of a number.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHES = ["bench_load", "bench_cohort", "bench_rome", "bench_rncp", "bench_app"]
GOALS = {
    "graph_load_s": ("<=", 1.0), "rome_import_s": ("<=", 5.0), "rome_import_peak_mb": ("<=", 600),
    "cohort_gaps_ratio": (">=", 50), "cohort_gaps_s": ("<=", 0.1), "rncp_import_mb_per_s": (">=", 20),
    "app_first_page_s": ("<=", 1.5), "app_click_server_ms": ("<=", 300),
}


def main() -> int:
    quick = "--quick" in sys.argv
    as_json = "--json" in sys.argv
    results: dict[str, object] = {}
    for name in BENCHES:
        start = time.perf_counter()
        try:
            module = importlib.import_module(name)
            results.update(module.run(quick))
        except ModuleNotFoundError as exc:
            results[f"{name}_error"] = f"not available: {exc}"
        except Exception as exc:  # noqa: BLE001 - a failing benchmark is reported, the others still run
            results[f"{name}_error"] = f"{type(exc).__name__}: {exc}"
        results[f"{name}_wall_s"] = round(time.perf_counter() - start, 1)
        if not as_json:
            print(f"{name}: done in {results[f'{name}_wall_s']} s", file=sys.stderr)
    goals = {}
    for key, (op, bound) in GOALS.items():
        value = results.get(key)
        if isinstance(value, (int, float)):
            goals[key] = bool(value <= bound if op == "<=" else value >= bound)
    results["goals_met"] = goals
    if as_json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for key, value in results.items():
            if key != "goals_met":
                print(f"{key:32} {value}")
        for key, ok in goals.items():
            print(f"goal {key:27} {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
