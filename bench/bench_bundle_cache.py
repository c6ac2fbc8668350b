"""The checked-bundle cache (``services.bootstrap.load_referentials``) with ROME 4.0 imported, against a cold
load of the same referentials, measured in the same run.

Each load runs in a fresh process (``--worker``) that reports its wall and CPU time and its peak RSS
(``ru_maxrss``: interpreter, libraries and bundle), cold and cached loads interleaved so that both see the
same load:

- ``bundle_cache_rome_cold_s`` / ``_cpu_s`` / ``bundle_cache_rome_cold_peak_mb`` — ``load_referentials``
  without the disk cache: YAML and JSON parsed, models validated, the bundle built and checked;
- ``bundle_cache_rome_cached_s`` / ``_cpu_s`` / ``bundle_cache_rome_peak_mb`` — the same call reading the
  cache file an earlier process wrote (``bundle_cache_rome_file_mb``);
- ``bundle_cache_rome_speedup`` — cold CPU time / cached CPU time (CPU: the machine is shared;
  ``bundle_cache_rome_wall_speedup`` is the same on wall times).

The ROME bundle is imported once (``bench_rdf.rome_referentials``).

    python bench/bench_bundle_cache.py [--quick]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from common import ROOT


def _worker(mode: str) -> None:
    from competency_graph.services.bootstrap import bundle_cache_dir, load_referentials

    start, cpu = time.perf_counter(), time.process_time()
    bundle = load_referentials(use_disk_cache=mode != "cold")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    files = list(bundle_cache_dir().glob("bundle-*.pickle"))
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "items": len(bundle.items),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "file_mb": files[0].stat().st_size / 1e6 if files else None}))


def _load(mode: str, env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", mode], capture_output=True, text=True, env=env,
                          check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"bundle load ({mode}) failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> dict:
    from bench_rdf import rome_referentials

    rome = rome_referentials()
    if rome is None:
        return {"bundle_cache_rome_speedup": None, "bundle_cache_rome_skipped": "no ROME data"}
    repeat = 2 if quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-bundle-cache-") as data:
        env = dict(os.environ, COMPETENCY_GRAPH_DATA_DIR=data,
                   COMPETENCY_GRAPH_REFERENTIALS=os.pathsep.join(map(str, [ROOT / "referentials", rome])))
        written = _load("write", env)  # the first cached load finds no file: it loads cold and writes it
        cold, cached = [], []
        for _ in range(repeat):
            cold.append(_load("cold", env))
            cached.append(_load("cached", env))
    med = {name: {key: statistics.median(r[key] for r in runs) for key in ("seconds", "cpu_seconds", "peak_mb")}
           for name, runs in (("cold", cold), ("cached", cached))}
    return {
        "bundle_cache_rome_items": cached[-1]["items"],
        "bundle_cache_rome_cold_s": round(med["cold"]["seconds"], 2),
        "bundle_cache_rome_cold_cpu_s": round(med["cold"]["cpu_seconds"], 2),
        "bundle_cache_rome_cold_peak_mb": round(med["cold"]["peak_mb"], 1),
        "bundle_cache_rome_write_s": round(written["seconds"], 2),
        "bundle_cache_rome_cached_s": round(med["cached"]["seconds"], 2),
        "bundle_cache_rome_cached_cpu_s": round(med["cached"]["cpu_seconds"], 2),
        "bundle_cache_rome_peak_mb": round(med["cached"]["peak_mb"], 1),
        "bundle_cache_rome_file_mb": round(cached[-1]["file_mb"] or 0, 1),
        "bundle_cache_rome_speedup": round(med["cold"]["cpu_seconds"] / med["cached"]["cpu_seconds"], 2),
        "bundle_cache_rome_wall_speedup": round(med["cold"]["seconds"] / med["cached"]["seconds"], 2),
        "bundle_cache_rome_repetitions": repeat,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        _worker(sys.argv[2])
    else:
        print(json.dumps(run("--quick" in sys.argv), indent=2))
