"""App timings: first page in headless Chromium, and the server time of a click (Streamlit AppTest rerun).

``app_first_page_s``: from navigation start to the sign-in page's first button being visible, on a server
already started (median of several fresh browser contexts). ``app_click_server_ms``: server-side time of one
rerun triggered by a click (signing in as a demo account), measured with ``streamlit.testing``.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer")


def first_page(repeat: int) -> float:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    data = tempfile.mkdtemp(prefix="cg-bench-")
    env = {**os.environ, "COMPETENCY_GRAPH_DATA_DIR": data}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/_stcore/health")
        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i in range(repeat + 1):
                context = browser.new_context()
                page = context.new_page()
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("button").first.wait_for(state="visible", timeout=60_000)
                elapsed = time.perf_counter() - start
                if i:  # the first load also warms the server's caches (referentials, database)
                    times.append(elapsed)
                context.close()
            browser.close()
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=20)


def click_server(repeat: int) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ.setdefault("COMPETENCY_GRAPH_DATA_DIR", tempfile.mkdtemp(prefix="cg-bench-at-"))
    times = []
    for _ in range(repeat):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        start = time.perf_counter()
        at.button[0].click().run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool = False) -> dict:
    result: dict[str, object] = {}
    repeat = 3 if quick else 7
    result["app_click_server_ms"] = round(click_server(repeat) * 1000, 1)
    if Path(CHROMIUM).exists():
        result["app_first_page_s"] = round(first_page(repeat), 3)
    else:
        result["app_first_page_s_skipped"] = "no /usr/bin/chromium"
    return result


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
