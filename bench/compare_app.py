"""Before/after in one run: the app of this checkout against another checkout, and Streamlit's floor.

``python bench/compare_app.py OTHER_CHECKOUT [REPEAT]`` serves both ``app.py`` (each with its own ``src`` first
on ``sys.path`` and a fresh data directory) plus the one-button floor, and measures them interleaved so that
all three see the same machine load: the cold first visit, ``REPEAT`` fresh-context visits on the warm
servers, the first visit after a restart, and the server time of a click (AppTest, in a subprocess per
checkout, alternated). Prints one JSON object; ratios are other / this.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_app import ARGS, CHROMIUM, floor_script, free_port, restart_visit, start_server, visit, wait_until_up
from common import ROOT

_CLICK = """
import sys
sys.path[:0] = [{src!r}, {bench!r}]
import bench_app
from pathlib import Path
print(bench_app.click_server({repeat}, Path({root!r})))
"""


def _click_ms(root: Path, repeat: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(root / "src"),
           "COMPETENCY_GRAPH_DATA_DIR": tempfile.mkdtemp(prefix="cg-compare-at-")}
    code = _CLICK.format(src=str(root / "src"), bench=str(ROOT / "bench"), repeat=repeat, root=str(root))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1]) * 1000


def main() -> int:
    from playwright.sync_api import sync_playwright

    other = Path(sys.argv[1]).resolve()
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    roots = {"other": other, "this": ROOT}
    envs = {name: {"PYTHONPATH": str(root / "src")} for name, root in roots.items()}
    data = {name: tempfile.mkdtemp(prefix=f"cg-compare-{name}-") for name in roots}
    ports = {name: free_port() for name in [*roots, "floor"]}
    servers = {name: start_server(root / "app.py", ports[name], data[name], envs[name]) for name, root in roots.items()}
    servers["floor"] = start_server(floor_script(), ports["floor"])
    urls = {name: f"http://127.0.0.1:{port}/" for name, port in ports.items()}
    result: dict[str, object] = {"load_before": os.getloadavg()[0]}
    try:
        for url in urls.values():
            wait_until_up(url + "_stcore/health")
        times: dict[str, list[float]] = {name: [] for name in urls}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            visit(browser, urls["floor"])
            for name in roots:
                result[f"{name}_cold_s"] = round(visit(browser, urls[name])[0], 3)
            for _ in range(repeat):
                for name, url in urls.items():
                    times[name].append(visit(browser, url)[0])
            for name in roots:
                servers[name].terminate()
                servers[name].wait(timeout=20)
            restarts: dict[str, list[float]] = {name: [] for name in roots}
            for _ in range(max(1, repeat // 2)):
                for name, root in roots.items():
                    restarts[name].append(restart_visit(browser, root, data[name], envs[name]))
            for name, values in restarts.items():
                result[f"{name}_restart_s"] = round(statistics.median(values), 3)
            browser.close()
        for name, values in times.items():
            result[f"{name}_warm_s"] = round(statistics.median(values), 3)
        clicks: dict[str, list[float]] = {name: [] for name in roots}
        for _ in range(2):
            for name, root in roots.items():
                clicks[name].append(_click_ms(root, 3))
        for name, values in clicks.items():
            result[f"{name}_click_ms"] = round(statistics.median(values), 1)
        for key in ("cold_s", "warm_s", "restart_s", "click_ms"):
            result[f"ratio_{key}"] = round(result[f"other_{key}"] / result[f"this_{key}"], 2)
        result["load_after"] = os.getloadavg()[0]
    finally:
        for server in servers.values():
            if server.poll() is None:
                server.terminate()
        for server in servers.values():
            server.wait(timeout=20)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
