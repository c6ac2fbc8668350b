"""Several app instances on one PostgreSQL database (issue #19, docs/deployment): two ``streamlit run serve.py``
processes started together on a throwaway cluster both migrate and answer, the demo is created once, and two
sites writing through the guarded services see each other's writes and audit entries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres

SITE = r"""
import json, sys
from competency_graph.loader import load_bundle
from competency_graph.services import accounts, positioning
from competency_graph.services.bootstrap import open_repository
from competency_graph.services.context import Context
bundle = load_bundle([sys.argv[2]])
repo = open_repository(bundle, sys.argv[1], demo=True)
ctx = Context(bundle, repo)
identity = accounts.identity_for(ctx, "demo-moniteur", "accompanist")
person = accounts.visible_people(ctx, identity)[0].id
ctx = ctx.as_actor(identity)
for n in range(int(sys.argv[3])):
    positioning.record_co(ctx, identity, person, f"rectec:C{n % 12 + 1:02d}", level=n % 4 + 1)
print(json.dumps({"person": person}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_two_app_processes_share_one_postgresql_database(pg_url: str, tmp_path: Path) -> None:
    servers, ports = [], []
    for n in range(2):
        port = _free_port()
        env = {**os.environ, "COMPETENCY_GRAPH_DATABASE_URL": pg_url, "COMPETENCY_GRAPH_DEMO": "1",
               "COMPETENCY_GRAPH_DATA_DIR": str(tmp_path / f"site{n}")}
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.scriptHealthCheckEnabled", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ports.append(port)
    try:
        deadline = time.monotonic() + 240
        for port in ports:
            assert _get(f"http://127.0.0.1:{port}/_stcore/health", deadline) == "ok"
        # each instance runs app.py once (migrations, demo data) — at the same time
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda p: _get(f"http://127.0.0.1:{p}/_stcore/script-health-check", deadline),
                                    ports))
        assert answers == ["ok", "ok"], answers
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    from sqlalchemy import text

    from competency_graph.store.engine import current_revision, head_revision, make_engine

    engine = make_engine(pg_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM structures WHERE id LIKE 'demo-%'")).scalar() >= 1
            assert connection.execute(text("SELECT count(*) FROM users WHERE login = 'demo.moniteur'")).scalar() == 1
    finally:
        engine.dispose()

    # two sites writing at the same time through the guarded services
    sites = [subprocess.Popen([sys.executable, "-c", SITE, pg_url, str(ROOT / "referentials"), "20"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "COMPETENCY_GRAPH_DATA_DIR": str(tmp_path / f"w{n}")})
             for n in range(2)]
    outputs = [site.communicate(timeout=240) for site in sites]
    assert [site.returncode for site in sites] == [0, 0], [o[1][-2000:] for o in outputs]
    person = json.loads(outputs[0][0].strip().splitlines()[-1])["person"]
    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            written = connection.execute(text(
                "SELECT count(*) FROM positioning_events WHERE person_id = :p AND author_id = 'demo-moniteur'"
                " AND source = 'app'"), {"p": person}).scalar()
            logged = connection.execute(text(
                "SELECT count(*) FROM audit_log WHERE actor_id = 'demo-moniteur' AND action = 'create'"
                " AND record_kind = 'positioning'")).scalar()
    finally:
        engine.dispose()
    assert written >= 40 and logged >= 40
