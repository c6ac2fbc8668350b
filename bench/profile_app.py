"""Profile the app's first page: server script runs (pyinstrument) and the browser timeline (Chromium).

``python bench/profile_app.py [VISITS] [OUT_DIR] [DATA_DIR]`` starts ``bench/profile_server.py`` on a fresh
data directory (or ``DATA_DIR``, to profile a restart), opens the sign-in page ``VISITS`` times in fresh browser contexts (the first visit finds cold
process caches), prints for each visit when the page's milestones happened (DOMContentLoaded, websocket open,
first message, first element, sign-in button) and then the pyinstrument trees of the first script run (cold)
and of the last one (warm). The text written to ``OUT_DIR`` is what ``docs/performance.md`` quotes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_app import ARGS, CHROMIUM, MAIN_BUTTON, TIMELINE_SCRIPT, free_port, wait_until_up
from common import ROOT


def main() -> int:
    visits = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="cg-profile-"))
    from playwright.sync_api import sync_playwright

    port = free_port()
    data = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="cg-profile-data-")
    env = {**os.environ, "COMPETENCY_GRAPH_DATA_DIR": data}
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("profile_server.py")), str(out), str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for visit in range(visits):
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(TIMELINE_SCRIPT)
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
                page.locator(MAIN_BUTTON).first.wait_for(state="visible", timeout=60_000)
                elapsed = time.perf_counter() - start
                marks = page.evaluate("window.__cgMarks")
                order = " ".join(f"{k}={v}" for k, v in sorted(marks.items(), key=lambda kv: kv[1]))
                print(f"visit {visit} ({'cold' if visit == 0 else 'warm'}): {elapsed:.3f} s | ms: {order}")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    runs = sorted(out.glob("run-*.txt"))
    print(f"\n{len(runs)} script runs profiled in {out}")
    for label, path in (("first script run (cold process)", runs[0]), ("last script run (warm)", runs[-1])):
        print(f"\n===== {label}: {path.name}")
        print(path.read_text())
    print(json.dumps({"profile_dir": str(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
