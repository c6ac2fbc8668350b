"""Single entry point of the benchmarks: ``python bench/run.py [--json] [--quick] [--only NAME,NAME]``.

``--only bench_caseload,bench_app`` runs those benchmarks alone (the goals of their keys are still checked).

Every ratio is baseline time / our time measured in the same run (median of several repetitions), because
absolute times drift on shared machines. A benchmark that cannot run here (no ROME bundle, no Chromium)
reports why instead of a number.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHES = ["bench_caseload", "bench_rdf", "bench_cohort", "bench_rncp", "bench_app", "bench_load", "bench_rome"]
#: issue #19's keys and goals: each figure has its baseline from the same run next to it in the output
GOALS = {
    "caseload_10k_s": ("<=", 1.0), "caseload_over_sql": ("<=", 10), "gap_matrix_1k_s": ("<=", 0.2),
    "guidance_page_sql_statements": ("<=", 15), "graph_build_rome_s": ("<=", 5), "sparql_count_rome_s": ("<=", 0.5),
    "cohort_gaps_1m_s": ("<=", 1.0), "cohort_over_pandas_pivot": (">=", 3), "rncp_cpu_mb_per_s": (">=", 40),
    "rncp_over_iterparse": (">=", 0.4), "rncp_peak_mb_500mb": ("<=", 60), "guarded_writes_per_s": (">=", 1000),
    "app_first_page_over_floor_s": ("<=", 0.2), "position_click_server_ms": ("<=", 150),
    "click_during_validation_over_idle": ("<=", 2),
}
#: benchmarks left out of ``--quick`` (their keys are not among the goals; run them alone)
FULL_ONLY = {"bench_load", "bench_rome"}


def main() -> int:
    quick = "--quick" in sys.argv
    as_json = "--json" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    began = time.perf_counter()
    results: dict[str, object] = {}
    results["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    results["cpu_count"] = os.cpu_count()
    for name in BENCHES:
        if (quick and name in FULL_ONLY) or (only is not None and name not in only):
            continue
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
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            goals[key] = bool(value <= bound if op == "<=" else value >= bound)
    results["goals_met"] = goals
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["wall_s"] = round(time.perf_counter() - began, 1)
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
