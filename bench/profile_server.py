"""``streamlit run`` with every script run profiled by pyinstrument (used by ``bench/profile_app.py``).

Usage: ``python bench/profile_server.py OUT_DIR [streamlit run arguments...]``. Each script run (they happen
in Streamlit's script-runner threads, which a profiler started elsewhere does not see) writes
``OUT_DIR/run-NNN.txt``: its duration, then pyinstrument's text tree. The main thread (Tornado: HTTP,
websocket, session creation) is profiled too and written to ``OUT_DIR/main.txt`` when the server stops.
"""

from __future__ import annotations

import itertools
import signal
import sys
import threading
from pathlib import Path

from pyinstrument import Profiler


def _install(out: Path) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script
    counter = itertools.count()
    lock = threading.Lock()

    def profiled(self, rerun_data):  # type: ignore[no-untyped-def]
        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            return original(self, rerun_data)
        finally:
            session = profiler.stop()
            with lock:
                number = next(counter)
            text = profiler.output_text(unicode=False, color=False, show_all=False)
            (out / f"run-{number:03d}.txt").write_text(f"duration_s {session.duration:.4f}\n{text}")

    script_runner.ScriptRunner._run_script = profiled


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    _install(out)
    main_profiler = Profiler(interval=0.001, async_mode="disabled")
    main_profiler.start()

    def stop(*_args: object) -> None:
        main_profiler.stop()
        (out / "main.txt").write_text(main_profiler.output_text(unicode=False, color=False))
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *sys.argv[2:]]
    try:
        cli.main()
    finally:
        if main_profiler.is_running:
            stop()


if __name__ == "__main__":
    main()
