"""A throwaway PostgreSQL cluster for tests: initdb in a temporary directory, start, stop, restart, drop.

Uses Debian's server binaries (``/usr/lib/postgresql/*/bin``); when the tests run as root the server runs as
the ``postgres`` user. :func:`skip_reason` says why no cluster can be made here (None when one can).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

__all__ = ["PgCluster", "pg_bindir", "skip_reason", "create_database", "drop_database"]

# Fast settings for throwaway data; synchronous_commit stays on when asked so acknowledged commits are in the WAL.
FAST = "-c fsync=off -c full_page_writes=off -c max_connections=60"


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _runner_prefix() -> list[str] | None:
    """Command prefix to run the server as ``postgres`` when we are root ([] when not root, None: impossible)."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else ["su", "postgres", "-s", "/bin/sh",
                                                                                "-c"]


def skip_reason() -> str | None:
    bindir = pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        return ("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql) and "
                "COMPETENCY_GRAPH_TEST_PG_URL is not set")
    if _runner_prefix() is None:
        return "running as root and there is no 'postgres' user to run the server"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One initialised cluster on a free loopback port; ``url`` is its maintenance database."""

    def __init__(self, *, synchronous_commit: bool = False) -> None:
        reason = skip_reason()
        if reason is not None:
            raise RuntimeError(reason)
        self.bindir = pg_bindir()
        assert self.bindir is not None
        self.prefix = _runner_prefix() or []
        self.base = Path(tempfile.mkdtemp(prefix="cg-pg-"))
        if self.prefix:
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)
        self.data, self.log = self.base / "data", self.base / "server.log"
        self.port = _free_port()
        self.options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 {FAST} "
                        f"-c synchronous_commit={'on' if synchronous_commit else 'off'}")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        try:
            self._run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E",
                       "UTF8", "--locale=C", "--no-sync"])
        except BaseException:
            shutil.rmtree(self.base, ignore_errors=True)
            raise

    def _run(self, args: list[str]) -> None:
        command = self.prefix + ([" ".join(args)] if self.prefix[:1] == ["su"] else args)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log_text = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stdout}\n{result.stderr}\n{log_text}")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"'{self.options}'" if self.prefix[:1] == ["su"] else self.options
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                   "-o", options, *extra, action])

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart``: every client connection is cut (``immediate`` is a crash and recovery)."""
        self._ctl("restart", "-m", mode)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:
            pass  # already stopped
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def create_database(server_url: str) -> str:
    """A fresh, empty database on the server at ``server_url``; returns its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conninfo = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
