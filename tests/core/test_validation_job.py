"""The referential validation as a background job (issue #19): a separate process reports its progress in a
status file and its findings at the end; only admins start it."""

from __future__ import annotations

import shutil
import time

import pytest

from competency_graph.security.errors import AccessDenied
from competency_graph.services import validation_job
from competency_graph.services.accounts import Identity

ADMIN = Identity("u-admin", "Admin", "admin", ("S",))


def _wait(path, seconds: float = 180) -> validation_job.JobStatus:
    deadline = time.monotonic() + seconds
    while True:
        job = validation_job.status(path)
        if job is not None and job.state != "running":
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


def test_a_background_validation_reports_the_problems_of_the_files(tmp_path, mini_dir, monkeypatch) -> None:
    refs = tmp_path / "refs"
    shutil.copytree(mini_dir, refs)
    path = refs / "transversal.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: tx:C03\n    label: Communiquer\n    levels:\n"
        "      - {rank: 1, title: Écoute}\n      - {rank: 3, title: Explique}\n"), encoding="utf-8")
    monkeypatch.setenv("COMPETENCY_GRAPH_REFERENTIALS", str(refs))
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path / "data"))
    status = tmp_path / "data" / "jobs" / "validation.json"
    assert validation_job.start(ADMIN, status) is True
    assert validation_job.status(status).state in ("running", "done")
    job = _wait(status)
    assert job.state == "done", job
    assert [p["severity"] for p in job.problems] == ["error"]
    assert "transversal.yaml" in job.problems[0]["text"] and "[shacl-sparql]" in job.problems[0]["text"]
    assert job.validated >= 1 and job.seconds is not None
    # a second run finds the subsets' findings in the cache
    assert validation_job.start(ADMIN, status) is True
    again = _wait(status)
    assert (again.problems, again.validated) == (job.problems, 0)


def test_only_admins_start_a_validation(tmp_path) -> None:
    for role in ("accompanist", "trainer", "candidate"):
        with pytest.raises(AccessDenied):
            validation_job.start(Identity("u", "U", role, ("S",)), tmp_path / "v.json")
    with pytest.raises(AccessDenied):
        validation_job.start(None, tmp_path / "v.json")
    assert validation_job.status(tmp_path / "v.json") is None


def test_a_job_whose_process_died_is_reported_failed(tmp_path) -> None:
    path = tmp_path / "v.json"
    validation_job._write(path, validation_job.JobStatus("running", "shapes", 3, 10, pid=2**22 + 12345))
    assert validation_job.status(path).state == "failed"


def test_the_worker_gives_way_to_every_other_process() -> None:
    """The job's worker lowers its own priority (nice 19, SCHED_IDLE, one core of several, idle I/O): what
    ``python -m competency_graph.services.validation_job`` does before validating."""
    import json
    import os
    import subprocess
    import sys

    code = ("import json, os\nfrom competency_graph.services.validation_job import lower_priority\n"
            "applied = lower_priority()\n"
            "print(json.dumps({'applied': applied, 'nice': os.nice(0),"
            " 'idle': os.sched_getscheduler(0) == getattr(os, 'SCHED_IDLE', -1),"
            " 'cores': len(os.sched_getaffinity(0))}))")
    result = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                       text=True).stdout)
    assert result["nice"] == 19 and "nice 19" in result["applied"]
    if sys.platform == "linux":
        assert result["idle"] and "SCHED_IDLE" in result["applied"]
        if len(os.sched_getaffinity(0)) > 1:
            assert result["cores"] == 1
