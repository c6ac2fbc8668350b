"""Helpers shared by the store tests and the writer processes they start (run as a script).

``python _store_workers.py write URL PERSON COUNT GO_FILE`` records COUNT positionings and prints "ok N".
``python _store_workers.py hang URL PERSON READY_FILE`` opens a transaction, inserts events, signals and waits.
``python _store_workers.py serve URL`` answers line commands on stdin (PostgreSQL sharing test).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from competency_graph.store import StaticCatalog  # noqa: E402


def fake_catalog() -> StaticCatalog:
    """RECTEC-like graded items (1–4), an 8-level item, and ungraded activities."""
    items: dict[str, tuple[tuple[int, int] | None, str]] = {f"rectec:C{n:02d}": ((1, 4), "2019") for n in range(1, 13)}
    items["rectec-plus:C01"] = ((1, 8), "2021")
    items.update({f"rae:agent-de-proprete/A{n}": (None, "2024-test") for n in range(1, 4)})
    return StaticCatalog(items)


def _repo(url: str):
    from competency_graph.store import Repository

    return Repository.open(url, catalog=fake_catalog(), migrate=False)


def write(url: str, person: str, count: int, go_file: str) -> None:
    repo = _repo(url)
    deadline = time.monotonic() + 30
    while not os.path.exists(go_file) and time.monotonic() < deadline:
        time.sleep(0.005)
    done = 0
    for i in range(count):
        repo.record_positioning(person, f"rectec:C{i % 12 + 1:02d}", role="self" if i % 2 else "accompanist",
                                level=i % 4 + 1)
        done += 1
    print(f"ok {done}", flush=True)


def hang(url: str, person: str, ready_file: str) -> None:
    """Insert 500 events in one open transaction, say so, then wait to be killed."""
    from competency_graph.store import PositioningInput

    repo = _repo(url)

    def work(r) -> None:
        r.record_positionings([PositioningInput(person, "rectec:C01", "self", level=2) for _ in range(500)])
        Path(ready_file).write_text("ready")
        time.sleep(600)

    repo.transaction(work)


def serve(url: str) -> None:
    """Line protocol: ``write PERSON ITEM LEVEL`` → event id; ``view PERSON`` → JSON {item: self level}."""
    repo = _repo(url)
    print("ready", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "write":
            event = repo.record_positioning(parts[1], parts[2], role="self", level=int(parts[3]))
            print(event.id, flush=True)
        elif parts[0] == "view":
            view = repo.current_view(parts[1])
            print(json.dumps({k: v.self_.value for k, v in view.items.items() if v.self_}), flush=True)
        elif parts[0] == "quit":
            return


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "write":
        write(args[0], args[1], int(args[2]), args[3])
    elif command == "hang":
        hang(args[0], args[1], args[2])
    elif command == "serve":
        serve(args[0])
    else:
        raise SystemExit(f"unknown command {command}")
