"""App timings: first page in headless Chromium, and the server time of a click (Streamlit AppTest rerun).

What "first page" means here (every figure is from the harness asking for the page — ``page.goto`` — to
Playwright seeing the sign-in page's own submit button visible — not the header's menu button, which Streamlit draws before our script runs):

- ``app_first_page_s`` — the headline: a user opening the app on a server that is already running (a new
  session, warm process caches), in a fresh browser profile (no HTTP cache, nothing compiled): median of
  several fresh browser contexts after the first visit;
- ``app_first_page_cold_s`` — the very first visit after the server started (cold process caches: imports,
  referential bundle, migrations, demo check);
- ``app_first_page_restart_s`` — the first visit after the server restarted on the same data directory
  (database already migrated and filled, checked bundle on disk);
- ``app_first_page_returning_s`` — a returning user (new tab in the same browser context: HTTP cache warm);
- ``app_floor_page_s`` — the same measure, same run, on a one-button Streamlit script: Streamlit's own floor
  on this machine, which no change to our code can go under; ``app_first_page_over_floor_s`` is what we add;
- ``app_first_page_in_browser_s`` / ``app_floor_page_in_browser_s`` — the same fresh visits timed by the page
  itself (``performance.now()`` when the button became visible): the headline minus the harness's latency;
- ``app_first_page_split_ms`` — medians of the browser milestones (DOMContentLoaded = JavaScript bundle
  loaded and run, websocket open, first message from the server, button);
- ``app_server_start_s`` — process start to the health endpoint answering.

``app_click_server_ms``: server-side time of one rerun triggered by a click (signing in as a demo account),
measured with ``streamlit.testing``.
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
#: the first button of the page itself (the header's menu button is Streamlit's, drawn before any script)
MAIN_BUTTON = "[data-testid=stMain] button"
#: records when the page reached each milestone (ms since navigation start) in ``window.__cgMarks``
TIMELINE_SCRIPT = r"""
window.__cgMarks = {};
(() => {
  const mark = (k) => { if (!(k in window.__cgMarks)) window.__cgMarks[k] = Math.round(performance.now()); };
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener("open", () => mark("ws_open"));
    ws.addEventListener("message", () => mark("ws_first_message"));
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  document.addEventListener("DOMContentLoaded", () => mark("dom_content_loaded"));
  new MutationObserver(() => {
    const button = document.querySelector('[data-testid=stMain] button');
    if (button && button.offsetParent) mark("button");
  }).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""
FLOOR_SCRIPT = 'import streamlit as st\n\nst.button("OK")\n'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer")


def start_server(script: Path, port: int, data: str | None = None,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """``streamlit run script`` on a loopback port, with its own data directory (fresh unless given)."""
    env = {**os.environ, **(env or {}), "COMPETENCY_GRAPH_DATA_DIR": data or tempfile.mkdtemp(prefix="cg-bench-")}
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=script.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def visit(browser, url: str, marks: bool = False) -> tuple[float, float, dict]:  # type: ignore[no-untyped-def]
    """(fresh-context time, returning-tab time, milestones of the fresh visit) for one visit of ``url``."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if marks:
            page.add_init_script(TIMELINE_SCRIPT)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(MAIN_BUTTON).first.wait_for(state="visible", timeout=60_000)
        fresh = time.perf_counter() - start
        timeline = page.evaluate("window.__cgMarks || {}") if marks else {}
        again = context.new_page()
        start = time.perf_counter()
        again.goto(url, wait_until="commit")
        again.locator(MAIN_BUTTON).first.wait_for(state="visible", timeout=60_000)
        return fresh, time.perf_counter() - start, timeline
    finally:
        context.close()


def restart_visit(browser, root: Path, data: str,  # type: ignore[no-untyped-def]
                  env: dict[str, str] | None = None) -> float:
    """First visit after a restart on an existing data directory (database migrated, bundle cached)."""
    port = free_port()
    server = start_server(root / "app.py", port, data, env)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health")
        return visit(browser, f"http://127.0.0.1:{port}/")[0]
    finally:
        server.terminate()
        server.wait(timeout=20)


def floor_script() -> Path:
    """A one-button Streamlit script with the app's ``.streamlit/config.toml`` (same server and client settings)."""
    floor_dir = Path(tempfile.mkdtemp(prefix="cg-bench-floor-"))
    (floor_dir / "floor.py").write_text(FLOOR_SCRIPT)
    if (ROOT / ".streamlit" / "config.toml").is_file():
        (floor_dir / ".streamlit").mkdir()
        (floor_dir / ".streamlit" / "config.toml").write_bytes((ROOT / ".streamlit" / "config.toml").read_bytes())
    return floor_dir / "floor.py"


def first_page(repeat: int, restart: bool = True) -> dict[str, object]:
    """Browser timings of the app and of the one-button floor, interleaved so that both see the same load.
    ``restart``: also time the first visit after a server restart (left out of ``--quick``: not a goal)."""
    from playwright.sync_api import sync_playwright

    app_port, floor_port = free_port(), free_port()
    data = tempfile.mkdtemp(prefix="cg-bench-")
    started = time.perf_counter()
    servers = [start_server(ROOT / "app.py", app_port, data), start_server(floor_script(), floor_port)]
    result: dict[str, object] = {}
    try:
        wait_until_up(f"http://127.0.0.1:{app_port}/_stcore/health")
        result["app_server_start_s"] = round(time.perf_counter() - started, 2)
        wait_until_up(f"http://127.0.0.1:{floor_port}/_stcore/health")
        app_url, floor_url = f"http://127.0.0.1:{app_port}/", f"http://127.0.0.1:{floor_port}/"
        fresh, returning, floor, timelines, floor_timelines = [], [], [], [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            visit(browser, floor_url)  # the floor's own cold visit, not counted
            cold, _, _ = visit(browser, app_url)  # first visit after the server started: cold caches
            result["app_first_page_cold_s"] = round(cold, 3)
            for _ in range(repeat):
                app_fresh, app_again, marks = visit(browser, app_url, marks=True)
                fresh.append(app_fresh)
                returning.append(app_again)
                timelines.append(marks)
                floor_fresh, _, floor_marks = visit(browser, floor_url, marks=True)
                floor.append(floor_fresh)
                floor_timelines.append(floor_marks)
            servers[0].terminate()
            servers[0].wait(timeout=20)
            if restart:
                result["app_first_page_restart_s"] = round(restart_visit(browser, ROOT, data), 3)
            browser.close()
        result["app_first_page_s"] = round(statistics.median(fresh), 3)
        result["app_first_page_returning_s"] = round(statistics.median(returning), 3)
        result["app_floor_page_s"] = round(statistics.median(floor), 3)
        result["app_first_page_over_floor_s"] = round(statistics.median(fresh) - statistics.median(floor), 3)
        keys = ["dom_content_loaded", "ws_open", "ws_first_message", "button"]
        result["app_first_page_split_ms"] = {
            k: round(statistics.median(t[k] for t in timelines if k in t)) for k in keys
            if any(k in t for t in timelines)}
        # The same two pages timed by the browser itself (navigation start → button, ``performance.now()``):
        # without the harness's own latency (Python → Playwright → CDP round trips and polling).
        for key, marks in (("app_first_page_in_browser_s", timelines), ("app_floor_page_in_browser_s",
                                                                       floor_timelines)):
            buttons = [t["button"] for t in marks if "button" in t]
            if buttons:
                result[key] = round(statistics.median(buttons) / 1000, 3)
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
        for server in servers:
            server.wait(timeout=20)
    return result


def click_server(repeat: int, root: Path = ROOT) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ.setdefault("COMPETENCY_GRAPH_DATA_DIR", tempfile.mkdtemp(prefix="cg-bench-at-"))
    times = []
    for _ in range(repeat):
        at = AppTest.from_file(str(root / "app.py"), default_timeout=60)
        at.run()
        start = time.perf_counter()
        at.button[0].click().run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _identity(role: str):  # type: ignore[no-untyped-def]
    from competency_graph.services.accounts import Identity

    return {"candidate": Identity("demo-user-lea", "Léa (démo)", "candidate", ("demo-esat-canal",), "demo-lea"),
            "accompanist": Identity("demo-moniteur", "Moniteur d'atelier (démo)", "accompanist",
                                    ("demo-esat-canal",))}[role]


def _page(role: str, page: str, root: Path = ROOT):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
    at.session_state["identity"] = _identity(role)
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    return at


def position_clicks(repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Server time (s) of a click on a level of the candidate's *Me positionner* page: the guarded write of
    the positioning, its audit entry and the rerun that shows the next competency (AppTest). ``cpu``: receives
    the CPU time of this process (all threads: AppTest runs the script in its own) for each click."""
    times = []
    at = _page("candidate", "candidate_position")
    for _ in range(repeat):
        button = next(b for b in at.button if str(b.key).startswith("big-"))
        start, used = time.perf_counter(), time.process_time()
        button.click().run()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - used)
        assert not at.exception, at.exception
        if not any(str(b.key).startswith("big-") for b in at.button):  # past the last competency: start over
            at = _page("candidate", "candidate_position")
    return times


def guidance_statements() -> dict[str, int]:
    """SQL statements and audit rows of one render of *Objectif et parcours* (accompanist, demo person)."""
    from competency_graph.security import audit
    from competency_graph.services import batch
    from competency_graph.ui import cache

    at = _page("accompanist", "accompanist_guidance")
    repo = cache.context().repo
    before = len(audit.list_audit(repo, "demo-admin", limit=100_000))
    with batch.count_statements() as count:
        at.run()
    after = len(audit.list_audit(repo, "demo-admin", limit=100_000))
    return {"guidance_page_sql_statements": count.queries, "guidance_page_sql_transactions": count.transactions,
            "guidance_page_sql_total": count.total, "guidance_page_audit_rows": after - before}


def clicks_during_validation(repeat: int, referentials: list[Path] | None, wait: bool = True) -> dict[str, object]:
    """Position clicks while the admin's validation runs in the background (its own process), against clicks
    with nothing else running, interleaved in the same run. ``referentials``: what the job validates (ROME
    included when available, so that it lasts)."""
    from competency_graph.services import validation_job
    from competency_graph.services.accounts import Identity

    def one_click_each(count: int, cpu: list[float]) -> list[float]:
        # the same measure in both conditions: a fresh page, then one click on it
        return [t for _ in range(count) for t in position_clicks(1, cpu)]

    idle_cpu: list[float] = []
    busy_cpu: list[float] = []
    idle = one_click_each(repeat, idle_cpu)
    status = Path(tempfile.mkdtemp(prefix="cg-bench-job-")) / "validation.json"
    saved = os.environ.get("COMPETENCY_GRAPH_REFERENTIALS")
    if referentials:
        os.environ["COMPETENCY_GRAPH_REFERENTIALS"] = os.pathsep.join(map(str, referentials))
    try:
        validation_job.start(Identity("demo-admin", "Admin", "admin", ("demo-esat-canal",)), status)
    finally:
        if saved is None:
            os.environ.pop("COMPETENCY_GRAPH_REFERENTIALS", None)
        else:
            os.environ["COMPETENCY_GRAPH_REFERENTIALS"] = saved
    time.sleep(2.0)  # past the job's start-up: it is validating
    busy: list[float] = []
    while len(busy) < repeat * 2:
        job = validation_job.status(status)
        if job is None or job.state != "running":
            break
        busy.extend(position_clicks(1, busy_cpu))
    job = validation_job.status(status)
    job_cpu_s = _process_cpu_s(job.pid) if job is not None and job.state == "running" and job.pid else None
    deadline = time.monotonic() + 900  # at SCHED_IDLE on a saturated machine the job may barely progress
    while wait and job is not None and job.state == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        job = validation_job.status(status)
    unfinished = job is not None and job.state == "running"
    if unfinished and job is not None and job.pid:  # --quick (or too long): stop it, its time is not the point
        import signal

        os.kill(job.pid, signal.SIGTERM)
        time.sleep(0.5)
    idle += one_click_each(repeat, idle_cpu)  # after the job too: both conditions see the same drift
    if not busy:
        return {"validation_job_clicks_measured": 0, "validation_job_state": job.state if job else None}
    return {"position_click_idle_ms": round(statistics.median(idle) * 1000, 1),
            "position_click_idle_cpu_ms": round(statistics.median(idle_cpu) * 1000, 1),
            "position_click_during_validation_ms": round(statistics.median(busy) * 1000, 1),
            "position_click_during_validation_cpu_ms": round(statistics.median(busy_cpu) * 1000, 1),
            "click_during_validation_over_idle": round(statistics.median(busy) / statistics.median(idle), 2),
            "validation_job_clicks_measured": len(busy),
            "validation_job_cpu_s_while_clicking": job_cpu_s,
            "validation_job_s": job.seconds if job and wait and not unfinished else None,
            "validation_job_problems": len(job.problems) if job and not unfinished else None}


def _process_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far (Linux ``/proc``), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, IndexError, ValueError):
        return None


def run(quick: bool = False, validation_referentials: list[Path] | None = None) -> dict:
    result: dict[str, object] = {}
    repeat = 3 if quick else 7
    result["app_click_server_ms"] = round(click_server(repeat) * 1000, 1)
    cpu: list[float] = []
    result["position_click_server_ms"] = round(statistics.median(position_clicks(repeat + 2, cpu)) * 1000, 1)
    result["position_click_server_cpu_ms"] = round(statistics.median(cpu) * 1000, 1)
    result.update(guidance_statements())
    if validation_referentials is None:
        from bench_rdf import rome_referentials

        rome = rome_referentials()  # with ROME the job lasts long enough to click during it
        validation_referentials = [ROOT / "referentials", rome] if rome is not None else None
    result.update(clicks_during_validation(repeat, validation_referentials, wait=not quick))
    if Path(CHROMIUM).exists():
        result.update(first_page(repeat, restart=not quick))
    else:
        result["app_first_page_s_skipped"] = "no /usr/bin/chromium"
    return result


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
