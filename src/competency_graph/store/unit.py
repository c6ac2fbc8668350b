"""The unit of work of the store: one transaction per call, retried while the database is busy or restarting.

Every aggregate module (``people``, ``accounts``, ``memberships``, ``positionings``, ``evidence``, ``followup``,
``audit``…) is a set of free functions ``f(uow, ...)`` that validate their input, then hand a ``fn(session)``
to :meth:`UnitOfWork.run`. Calls made inside :meth:`UnitOfWork.transaction` (or inside another ``run`` on the
same thread) join the open transaction, so several aggregates commit together or not at all.

Errors: :class:`StoreError` ``constraint_violated`` (a database rule refused the write), ``bad_value``,
``database_busy`` (still locked after ``retry_seconds``), ``database_unavailable`` (unreachable for
``unavailable_seconds``) and ``database_commit_unknown`` (the connection dropped during COMMIT itself: a retry
could write twice). Log lines carry codes and exception class names only.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .. import settings
from .catalog import ItemCatalog
from .engine import IMMEDIATE, make_engine, upgrade
from .errors import StoreError
from .files import FileStore

__all__ = ["UnitOfWork", "is_unavailable", "is_retryable", "unavailable_error"]

log = logging.getLogger("competency_graph.store")
T = TypeVar("T")
U = TypeVar("U", bound="UnitOfWork")

# PostgreSQL SQLSTATEs meaning "the server went away or is not accepting connections yet": class 08
# (connection exception), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up).
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03")


def is_unavailable(exc: DBAPIError) -> bool:
    """True when the database server cannot be reached (restart, crash, network) rather than refusing the query."""
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return bool(sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_STATES)
    # psycopg raises OperationalError without a SQLSTATE when it cannot connect at all (refused, timeout).
    return type(exc.orig).__module__.split(".")[0] == "psycopg"


def unavailable_error(*, commit_unknown: bool) -> StoreError:
    """The refusal raised when the database cannot be reached (``commit_unknown``: it dropped during COMMIT)."""
    if commit_unknown:
        return StoreError(code="database_commit_unknown")
    return StoreError(code="database_unavailable")


def is_retryable(exc: DBAPIError) -> bool:
    """True for a lock or serialisation failure that the same transaction may overcome when run again."""
    message = str(exc.orig).lower()
    if "database is locked" in message or "database is busy" in message or "database table is locked" in message:
        return True
    return getattr(exc.orig, "sqlstate", None) in ("40001", "40P01")  # serialization failure, deadlock


class UnitOfWork:
    """One database (engine), the referential item catalog and the file store, and the transaction runner.

    >>> uow = UnitOfWork.open("sqlite://")
    >>> from sqlalchemy import text
    >>> uow.read(lambda s: s.scalar(text("select 1 + 1")))
    2
    """

    def __init__(self, engine: Engine, *, catalog: ItemCatalog | None = None, files: FileStore | None = None,
                 retry_seconds: float = 60.0, unavailable_seconds: float = 5.0) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{IMMEDIATE: True})
        self.catalog = catalog
        self.files = files or FileStore(settings.data_dir() / "files")
        self.retry_seconds = retry_seconds
        # How long a call keeps trying while the server is unreachable (a PostgreSQL restart takes a second or
        # two) before raising ``database_unavailable``.
        self.unavailable_seconds = unavailable_seconds
        self._local = threading.local()

    @classmethod
    def open(cls: type[U], url: str | None = None, *, catalog: ItemCatalog | None = None,
             files_dir: Path | str | None = None, migrate: bool = True, **kwargs: Any) -> U:
        """A store on ``url`` (default ``settings.database_url()``), migrated to the latest schema.

        An in-memory SQLite URL (``sqlite://``) keeps one shared connection so the data survives between calls.
        """
        url = url or settings.database_url()
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            engine = make_engine(url, poolclass=StaticPool)
        else:
            engine = make_engine(url)
        if migrate:
            try:
                upgrade(engine)
            except DBAPIError as exc:
                if not is_unavailable(exc):
                    raise
                engine.dispose()
                log.error("database unreachable at start (%s)", type(exc.orig).__name__)
                raise unavailable_error(commit_unknown=False) from exc
        files = FileStore(files_dir) if files_dir is not None else None
        return cls(engine, catalog=catalog, files=files, **kwargs)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def in_transaction(self) -> bool:
        """True inside :meth:`run` on this thread (calls then join the open transaction)."""
        return getattr(self._local, "session", None) is not None

    def run(self, fn: Callable[[Session], T], *, write: bool) -> T:
        """Run ``fn(session)`` in one transaction and return its result; joins the transaction already open on
        this thread. ``fn`` may run again after a lock or an outage, so it must only touch the database."""
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            return fn(current)
        engine = self._write_engine if write else self.engine
        started = time.monotonic()
        unreachable_since: float | None = None  # the outage is timed from its first error, not from the call
        attempt = 0
        while True:
            session = Session(engine, expire_on_commit=False)
            self._local.session = session
            committing = False
            try:
                with session.begin():
                    result = fn(session)
                    session.flush()
                    # Past this point only COMMIT is sent: if the connection drops now, the outcome is unknown.
                    committing = True
                return result
            except IntegrityError as exc:
                log.warning("write refused by a database constraint (%s)", type(exc.orig).__name__)
                raise StoreError(code="constraint_violated") from exc
            except DBAPIError as exc:
                if is_unavailable(exc):
                    attempt += 1
                    if write and committing:
                        # Retrying could write twice; PostgreSQL commits all or nothing, so nothing is half written.
                        log.error("database connection lost while committing (%s)", type(exc.orig).__name__)
                        raise unavailable_error(commit_unknown=True) from exc
                    if unreachable_since is None:
                        unreachable_since = time.monotonic()
                    if time.monotonic() - unreachable_since > self.unavailable_seconds:
                        log.error("database unreachable after %d attempts (%s)", attempt, type(exc.orig).__name__)
                        raise unavailable_error(commit_unknown=False) from exc
                    log.warning("database unreachable, retrying (%s)", type(exc.orig).__name__)
                    time.sleep(min(0.5, 0.05 * 2 ** min(attempt, 4)))
                    continue
                if isinstance(exc, DataError):  # e.g. a NUL byte PostgreSQL cannot store: a refusal, not a crash
                    raise StoreError(code="bad_value") from exc
                if getattr(exc.orig, "sqlstate", None) == "42501":  # row-level security of a multi-site database
                    raise StoreError(code="database_refused") from exc
                if not is_retryable(exc):
                    raise
                attempt += 1
                if time.monotonic() - started > self.retry_seconds:
                    log.error("database still busy after %d attempts", attempt)
                    raise StoreError(code="database_busy") from exc
                time.sleep(min(0.25, 0.002 * 2 ** min(attempt, 8)) * random.uniform(0.5, 1.5))
            finally:
                self._local.session = None
                session.close()

    # The name callers used before the store was split; kept so late branches keep working.
    _run = run

    def read(self, fn: Callable[[Session], T]) -> T:
        """``run(fn, write=False)``: a read transaction."""
        return self.run(fn, write=False)

    def write(self, fn: Callable[[Session], T]) -> T:
        """``run(fn, write=True)``: a write transaction (SQLite: ``BEGIN IMMEDIATE``)."""
        return self.run(fn, write=True)

    def transaction(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(self)`` in one write transaction: every store call inside it commits together or
        not at all. ``fn`` may be run again when the database was busy, so it must only touch the database."""
        return self.run(lambda _session: fn(self), write=True)
