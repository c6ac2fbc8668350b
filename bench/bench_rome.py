"""Benchmark: import of the full ROME 4.0 bundle (``../shared/data/rome-v460``), time and peak memory.

Each repetition runs in a fresh Python process (interpreter start, imports, CSV parsing, validation and the
JSON write included: what ``competency-graph import-rome`` costs). The peak RSS is read with
``resource.getrusage(RUSAGE_CHILDREN)`` in a small launcher process whose only child is the import, so no
other child of the harness can inflate it. Baseline, measured in the same run the same way: a fresh process
that only parses the same six CSV files with ``pandas.read_csv`` (no model, no validation, no output).

Keys: ``rome_import_s`` (median wall time, goal ≤ 5 s), ``rome_import_peak_mb`` (highest peak RSS over the
runs, goal ≤ 600 MB), ``rome_import_ratio`` (baseline time / our time), ``rome_import_inproc_s`` (median time
inside the process, imports included), ``rome_baseline_pandas_s``, ``rome_baseline_pandas_peak_mb``,
``rome_import_runs``.

    python bench/bench_rome.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
TABLES = (
    "referentiel_code_rome",
    "referentiel_competence",
    "referentiel_savoir",
    "liens_rome_referentiels",
    "coherence_item",
    "rubrique_mobilite",
)

LAUNCHER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall_s": wall, "peak_mb": peak_kb / 1024, "rc": proc.returncode,
                  "stdout": proc.stdout, "stderr": proc.stderr[-4000:]}))
"""

IMPORT_CHILD = r"""
import json, shutil, sys, tempfile, time
start = time.perf_counter()
from competency_graph.importers.rome import import_rome
out = tempfile.mkdtemp(prefix="bench-rome-")
try:
    counts = import_rome(sys.argv[1], out_dir=out)
finally:
    shutil.rmtree(out, ignore_errors=True)
counts.pop("path", None)
print(json.dumps({"inproc_s": time.perf_counter() - start, "counts": counts}))
"""

PANDAS_CHILD = r"""
import json, sys, time
start = time.perf_counter()
import pandas as pd
rows = 0
for path in sys.argv[1:]:
    rows += len(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))
print(json.dumps({"inproc_s": time.perf_counter() - start, "rows": rows}))
"""


def bundle_dir() -> Path:
    """The real bundle: ``$COMPETENCY_GRAPH_ROME_DIR`` or ``<repo>/../shared/data/rome-v460``."""
    env = os.environ.get("COMPETENCY_GRAPH_ROME_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "rome-v460"


def _measure(code: str, args: list[str]) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-c", LAUNCHER, sys.executable, "-c", code, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    result = json.loads(proc.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"benchmark child failed (rc {result['rc']}):\n{result['stderr']}")
    result["child"] = json.loads(result["stdout"].strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> dict:
    """Measure the ROME import; returns the named results (``None`` values and a reason when no bundle)."""
    directory = bundle_dir()
    if not directory.is_dir():
        return {
            "rome_import_s": None,
            "rome_import_peak_mb": None,
            "rome_import_ratio": None,
            "rome_import_skipped": f"bundle absent: {directory}",
        }
    sys.path.insert(0, str(SRC))
    from competency_graph.importers.rome import find_table

    files = [str(find_table(directory, table)) for table in TABLES]
    repeats = 3 if quick else 5
    ours, baseline = [], []
    for _ in range(repeats):  # interleaved, so drift of the machine hits both alike
        ours.append(_measure(IMPORT_CHILD, [str(directory)]))
        baseline.append(_measure(PANDAS_CHILD, files))
    ours_s = statistics.median(r["wall_s"] for r in ours)
    base_s = statistics.median(r["wall_s"] for r in baseline)
    counts = ours[-1]["child"]["counts"]
    return {
        "rome_import_s": round(ours_s, 3),
        "rome_import_peak_mb": round(max(r["peak_mb"] for r in ours), 1),
        "rome_import_ratio": round(base_s / ours_s, 3),
        "rome_import_inproc_s": round(statistics.median(r["child"]["inproc_s"] for r in ours), 3),
        "rome_baseline_pandas_s": round(base_s, 3),
        "rome_baseline_pandas_peak_mb": round(max(r["peak_mb"] for r in baseline), 1),
        "rome_import_runs": repeats,
        "rome_jobs": counts["jobs"],
        "rome_competencies": counts["competencies"],
        "rome_savoirs": counts["savoirs"],
        "rome_links": counts["links"],
        "rome_mobility": counts["mobility"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions instead of 5")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    results = run(quick=args.quick)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
