"""Before/after in one run: guarded writes and the candidate's level click of this checkout against another.

``python bench/compare_writes.py OTHER_CHECKOUT [ROUNDS]`` runs, alternately in a subprocess per checkout (each
with its own ``src`` first on ``sys.path`` and a fresh data directory), 300 guarded writes
(``positioning.record_co`` on ``bench_caseload``'s 2,000-person database) and nine clicks on a level of
*Me positionner* (AppTest), so that both see the same machine load. Prints one JSON line per run (wall and
CPU of this process: AppTest runs the script in its own thread). ``OTHER_CHECKOUT``: e.g. a ``git archive``
of the commit before, extracted.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
HERE = BENCH.parent


def measure(root: Path) -> dict[str, object]:
    """(in the subprocess) the figures of the checkout at ``root``."""
    sys.path.insert(0, str(root / "src"))
    sys.path.insert(1, str(BENCH))
    os.environ["COMPETENCY_GRAPH_DATA_DIR"] = tempfile.mkdtemp(prefix="cg-compare-writes-")
    from bench_caseload import RECTEC, build_database
    from streamlit.testing.v1 import AppTest

    import competency_graph
    from competency_graph.loader import load_bundle
    from competency_graph.services import accounts, positioning
    from competency_graph.services.accounts import Identity
    from competency_graph.services.context import Context

    assert Path(competency_graph.__file__).resolve().is_relative_to(root), competency_graph.__file__
    bundle = load_bundle([root / "referentials"])
    built = build_database(Path(tempfile.mkdtemp()) / "record.sqlite", 2000, small=200)
    repo, ids = built["repo"], built["ids"]
    repo.catalog = bundle  # type: ignore[attr-defined]
    ctx = Context(bundle, repo)  # type: ignore[arg-type]
    acc = Identity("u-acc", "u-acc", "accompanist", ("S",))
    out: dict[str, object] = {"root": str(root), "load": round(os.getloadavg()[0], 2)}
    if hasattr(ctx, "as_actor"):  # this tree: the actor is a field of the run's context
        ctx, acting = ctx.as_actor(acc), contextlib.nullcontext()
    else:  # an older tree: the actor was a context variable
        acting = accounts.acting_as(acc)
    with acting:
        positioning.record_co(ctx, acc, ids[0], RECTEC[0], level=2)  # type: ignore[index]
        count = 300
        start, cpu = time.perf_counter(), time.process_time()
        for n in range(count):
            positioning.record_co(ctx, acc, ids[n % 50], RECTEC[n % 12], level=n % 4 + 1)  # type: ignore[index]
        out["guarded_writes_per_s"] = round(count / (time.perf_counter() - start))
        out["guarded_writes_cpu_per_s"] = round(count / (time.process_time() - cpu))
    lea = Identity("demo-user-lea", "Léa (démo)", "candidate", ("demo-esat-canal",), "demo-lea")

    def page() -> AppTest:
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.session_state["identity"] = lea
        at.run()
        at.switch_page("app_pages/candidate_position.py")
        at.run()
        return at

    walls, cpus = [], []
    at = page()
    for _ in range(9):
        button = next(b for b in at.button if str(b.key).startswith("big-"))
        start, cpu = time.perf_counter(), time.process_time()
        button.click().run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        assert not at.exception, at.exception
        if not any(str(b.key).startswith("big-") for b in at.button):
            at = page()
    out["position_click_ms"] = round(statistics.median(walls) * 1000, 1)
    out["position_click_cpu_ms"] = round(statistics.median(cpus) * 1000, 1)
    return out


def main() -> int:
    if sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]).resolve())))
        return 0
    other = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    for _ in range(rounds):
        for root in (other, HERE):
            done = subprocess.run([sys.executable, __file__, "--measure", str(root)], cwd=root, text=True,
                                  capture_output=True, check=True)
            print(done.stdout.strip().splitlines()[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
