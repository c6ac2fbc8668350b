"""The admin's "Valider les référentiels" as a background job (issue #19): a separate, lower-priority process
that writes its progress to ``<data dir>/jobs/validation.json``; the page only reads that file.

Validation ran on the server thread (118 s on the shipped set, unfinished after 580 s with ROME) and held
the interpreter lock meanwhile: other users' clicks took 9–27 s. In its own process (``nice`` 19) it shares
neither the lock nor the CPU priority of the app. One job at a time; the status survives a page reload.

    python -m competency_graph.services.validation_job STATUS_FILE   # what :func:`start` runs
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import settings
from ..security.errors import AccessDenied
from .accounts import Identity

__all__ = ["JobStatus", "status_path", "status", "start", "run_worker", "lower_priority"]


@dataclass(frozen=True)
class JobStatus:
    state: str
    """``running``, ``done`` or ``failed``."""
    stage: str = "starting"
    """``starting``, ``structure`` (files, references) or ``shapes`` (SHACL, subset by subset)."""
    done: int = 0
    total: int = 0
    problems: list[dict] = field(default_factory=list)
    """``{"text", "severity"}`` of each problem, located (``file:line:col: error [code] message``)."""
    validated: int = 0
    """Subsets validated this time (the others' findings came from the cache)."""
    pid: int | None = None
    started_at: str = ""
    finished_at: str = ""
    error: str = ""

    @property
    def share(self) -> float:
        if self.state != "running":
            return 1.0
        if self.stage != "shapes" or not self.total:
            return 0.02
        return min(0.05 + 0.95 * self.done / self.total, 1.0)

    @property
    def seconds(self) -> float | None:
        if not (self.started_at and self.finished_at):
            return None
        return (dt.datetime.fromisoformat(self.finished_at) - dt.datetime.fromisoformat(self.started_at)).total_seconds()


def status_path() -> Path:
    return settings.data_dir() / "jobs" / "validation.json"


def _write(path: Path, job: JobStatus) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".validation-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(job), handle, ensure_ascii=False)
    os.replace(tmp, path)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a finished child not yet reaped by us is a zombie: not running
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def status(path: Path | None = None) -> JobStatus | None:
    """The last job's status (None when there was none); a ``running`` job whose process is gone is ``failed``."""
    target = path or status_path()
    try:
        job = JobStatus(**json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if job.state == "running" and not _alive(job.pid):
        return JobStatus(**{**asdict(job), "state": "failed", "error": "process ended"})
    return job


def start(identity: Identity | None, path: Path | None = None) -> bool:
    """Start a validation for an admin (``AccessDenied`` otherwise); False when one is already running."""
    if identity is None or identity.role != "admin":
        raise AccessDenied(code="access_denied", message="access_denied.admins_only")
    target = path or status_path()
    current = status(target)
    if current is not None and current.state == "running":
        return False
    now = dt.datetime.now(dt.UTC).isoformat()
    _write(target, JobStatus("running", started_at=now))
    process = subprocess.Popen([sys.executable, "-m", "competency_graph.services.validation_job", str(target)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # the child inherits the environment (settings)
    _write(target, JobStatus("running", pid=process.pid, started_at=now))
    return True


def run_worker(path: Path) -> JobStatus:
    """The job itself (in the worker process): structure and references, then SHACL subset by subset, the
    status file rewritten at each step (at most every 0.2 s)."""
    from ..loader import check_paths
    from ..shacl_subsets import check_subsets
    from .bootstrap import bundle_cache_dir, referential_paths

    started = (status(path) or JobStatus("running")).started_at or dt.datetime.now(dt.UTC).isoformat()
    pid = os.getpid()
    last = [0.0]

    def report(stage: str, done: int = 0, total: int = 0, force: bool = False) -> None:
        if force or time.monotonic() - last[0] > 0.2:
            last[0] = time.monotonic()
            _write(path, JobStatus("running", stage, done, total, pid=pid, started_at=started))

    try:
        report("structure", force=True)
        bundle, problems = check_paths(referential_paths())
        validated = 0
        if bundle is not None:
            report("shapes", 0, 1, force=True)
            problems, validated = check_subsets(bundle, cache_dir=bundle_cache_dir() / "shacl",
                                                progress=lambda done, total: report("shapes", done, total))
        shown = [{"text": str(p), "severity": p.severity} for p in problems]
        job = JobStatus("done", "shapes", 1, 1, shown, validated, pid, started, dt.datetime.now(dt.UTC).isoformat())
    except Exception as exc:  # noqa: BLE001 - the page shows that the job failed; the log has the type only
        job = JobStatus("failed", pid=pid, started_at=started, finished_at=dt.datetime.now(dt.UTC).isoformat(),
                        error=type(exc).__name__)
    _write(path, job)
    return job


_IOPRIO_SET = {"x86_64": 251, "aarch64": 30}  # the ioprio_set system call's number (no wrapper in ``os``)
_IOPRIO_CLASS_IDLE, _IOPRIO_WHO_PROCESS = 3, 1


def lower_priority() -> list[str]:
    """Make this process (the job's worker) never slow the app's users down; returns what was applied:

    - ``nice 19`` and the ``SCHED_IDLE`` policy: the kernel runs the job only when no other task wants the
      CPU (a nice-19 task still gets ~1.5 % of a core against each nice-0 one; ``SCHED_IDLE`` less still);
    - one core only when there are several (``sched_setaffinity``): the app always has the others;
    - the idle I/O class (``ioprio_set``; honoured by the BFQ and mq-deadline disk schedulers).
    Each step is skipped where the system refuses it (another OS, a container's policy)."""
    applied = []
    try:
        os.nice(19)
        applied.append("nice 19")
    except OSError:
        pass
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            applied.append("SCHED_IDLE")
        except OSError:
            pass
    if hasattr(os, "sched_getaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) > 1:
            try:
                os.sched_setaffinity(0, {cores[-1]})
                applied.append(f"core {cores[-1]}")
            except OSError:
                pass
    number = _IOPRIO_SET.get(os.uname().machine) if sys.platform == "linux" else None
    if number is not None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syscall(number, _IOPRIO_WHO_PROCESS, 0, _IOPRIO_CLASS_IDLE << 13) == 0:
            applied.append("idle I/O")
    return applied


if __name__ == "__main__":
    lower_priority()
    run_worker(Path(sys.argv[1]))
