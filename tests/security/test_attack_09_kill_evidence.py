"""Finding 9 (security round 2): a proof and its audit entry were two transactions, so a crash between them
left a proof nobody was recorded as adding. 30 rounds: a writer process adds proofs with image uploads
through the access guard and is killed with SIGKILL at a random moment; afterwards every proof row has
exactly one audit entry, and the database is intact."""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

from _store_workers import fake_catalog  # tests/store is on sys.path (conftest)
from PIL import Image
from sqlalchemy import func, select

from competency_graph.security.access import Guard
from competency_graph.store import Repository
from competency_graph.store.models import Evidence
from competency_graph.store.security_models import AuditEntry

ROUNDS = 30


def _png(n: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (n % 256, (n * 7) % 256, (n * 13) % 256)).save(out, format="PNG")
    return out.getvalue()


def _writer(url: str, files: Path, seed: int) -> None:
    """In the forked child: add proofs (a photo every other time) until killed."""
    try:
        repo = Repository.open(url, catalog=fake_catalog(), files_dir=files, migrate=False)
        guard = Guard(repo, "u-cand", "candidate")
        n = seed * 1000
        while True:
            n += 1
            if n % 2:
                guard.add_evidence("own", "photo", f"Photo {n}", item_id="rectec:C01", content=_png(n))
            else:
                guard.add_evidence("own", "observation", f"Note {n}", item_id="rectec:C02", description="fait")
    finally:
        os._exit(0)


def test_thirty_kill_rounds_leave_one_audit_entry_per_proof(repo: Repository, world, tmp_path: Path) -> None:
    url = repo.engine.url.render_as_string(hide_password=False)
    files = repo.files.root
    rng = random.Random(17)
    for round_ in range(ROUNDS):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            _writer(url, files, round_ + 1)
        time.sleep(rng.uniform(0.15, 0.6))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

    def counts(s):
        proofs = s.scalar(select(func.count()).select_from(Evidence))
        entries = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "create", AuditEntry.record_kind == "evidence", AuditEntry.outcome == "allowed"))
        shas = list(s.scalars(select(Evidence.file_sha256).where(Evidence.file_sha256.is_not(None))))
        return proofs, entries, shas
    proofs, entries, shas = repo.run(counts, write=False)
    assert proofs > ROUNDS  # the writers did write
    assert proofs == entries
    assert all(repo.files.exists(sha) for sha in shas)  # a row never points to a missing file
    check = sqlite3.connect(repo.engine.url.database)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        check.close()
