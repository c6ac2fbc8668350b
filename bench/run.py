"""Single entry point of the benchmarks: ``python bench/run.py [--json] [--quick] [--serial] [--only NAME,NAME]``.

``--only bench_caseload,bench_app`` runs those benchmarks alone (the goals of their keys are still checked).

Every ratio is baseline time / our time measured in the same run (median of several repetitions), because
absolute times drift on shared machines. A benchmark that cannot run here (no ROME bundle, no Chromium)
reports why instead of a number.

The sections whose figures are CPU times and peak RSS of their own child processes, each compared with a
baseline measured in the same conditions (``bench_rncp``, ``bench_bundle_cache``: ``CPU_LANE``), run in a
second process while the wall-clock sections run here, so that the run takes the time of the longest lane;
``bench_app`` (clicks idle vs. during a validation) starts only once that lane has finished. ``--serial``
runs every section in turn. Each section's wall time is reported as ``<section>_wall_s``.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHES = ["bench_caseload", "bench_rdf", "bench_cohort", "bench_rncp", "bench_bundle_cache", "bench_app", "bench_load",
           "bench_rome"]
#: sections measured on CPU time and peak RSS of their own child processes: run alongside the others
CPU_LANE = ["bench_rncp", "bench_bundle_cache"]
#: sections that must not overlap the CPU lane (they compare clicks idle and busy)
AFTER_CPU_LANE = {"bench_app"}
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


def run_section(name: str, quick: bool, results: dict[str, object], verbose: bool) -> None:
    start = time.perf_counter()
    try:
        module = importlib.import_module(name)
        results.update(module.run(quick))
    except ModuleNotFoundError as exc:
        results[f"{name}_error"] = f"not available: {exc}"
    except Exception as exc:  # noqa: BLE001 - a failing benchmark is reported, the others still run
        results[f"{name}_error"] = f"{type(exc).__name__}: {exc}"
    results[f"{name}_wall_s"] = round(time.perf_counter() - start, 1)
    if verbose:
        print(f"{name}: done in {results[f'{name}_wall_s']} s", file=sys.stderr)


def _lane(names: list[str], quick: bool) -> int:
    """``--lane a,b``: run these sections here and print their results as one JSON line."""
    results: dict[str, object] = {}
    for name in names:
        run_section(name, quick, results, verbose=False)
    print(json.dumps(results, ensure_ascii=False))
    return 0


def _join(lane: subprocess.Popen[str], names: list[str], results: dict[str, object]) -> None:
    out, err = lane.communicate()
    try:
        results.update(json.loads(out.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        results["cpu_lane_error"] = f"{names}: exit {lane.returncode}: {err[-2000:]}"


def main() -> int:
    quick = "--quick" in sys.argv
    if "--lane" in sys.argv:
        return _lane(sys.argv[sys.argv.index("--lane") + 1].split(","), quick)
    as_json = "--json" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    began = time.perf_counter()
    results: dict[str, object] = {}
    results["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    results["cpu_count"] = os.cpu_count()
    names = [name for name in BENCHES if not (quick and name in FULL_ONLY) and (only is None or name in only)]
    lane_names = [] if "--serial" in sys.argv else [name for name in CPU_LANE if name in names]
    lane = None
    if lane_names:
        try:  # both lanes use the imported ROME bundle: import it once, before they start
            from bench_rdf import rome_referentials

            rome_referentials()
        except Exception as exc:  # noqa: BLE001 - the sections report it themselves
            results["rome_import_error"] = f"{type(exc).__name__}: {exc}"
        command = [sys.executable, __file__, "--lane", ",".join(lane_names)] + (["--quick"] if quick else [])
        lane = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        results["cpu_lane"] = lane_names
    for name in names:
        if name in lane_names:
            continue
        if lane is not None and name in AFTER_CPU_LANE:
            _join(lane, lane_names, results)
            lane = None
        run_section(name, quick, results, verbose=not as_json)
    if lane is not None:
        _join(lane, lane_names, results)
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
