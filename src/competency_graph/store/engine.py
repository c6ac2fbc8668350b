"""Engines for the record database (SQLite by default, PostgreSQL by URL) and migrations run from code.

SQLite connections get WAL, foreign keys, ``secure_delete`` and a busy timeout; the file and its side
files are owner-only (:mod:`.filemodes`); write transactions start with
``BEGIN IMMEDIATE`` (see :func:`make_engine`) so that concurrent writers queue on the lock instead of
failing when a read transaction tries to upgrade. The schema is created only by Alembic migrations:
:func:`upgrade` runs ``alembic upgrade head`` without any ``alembic.ini``. PostgreSQL engines test pooled
connections before use (``pool_pre_ping``) so that the app carries on after a server restart.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from .. import settings

__all__ = ["make_engine", "upgrade", "current_revision", "head_revision", "alembic_config", "MIGRATIONS_DIR",
           "IMMEDIATE", "BUSY_TIMEOUT_MS",
           "CONNECT_TIMEOUT_S", "database_location", "redacted_url", "checkpoint_wal"]

log = logging.getLogger("competency_graph.store")

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 5
# Execution option asking SQLite connections to open their transaction with BEGIN IMMEDIATE.
IMMEDIATE = "competency_graph_immediate"
_PG_MIGRATION_LOCK = 0x636F6D70  # any constant: serialises concurrent `upgrade` calls on PostgreSQL


def _normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` (as given by hosting platforms) for psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: :func:`settings.database_url`), configured for safe concurrent use."""
    url = _normalise_url(url or settings.database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            from .filemodes import secure_sqlite_file

            secure_sqlite_file(database)  # 0600 before SQLite creates it (and its -wal/-shm with its mode)
        connect_args = {"timeout": BUSY_TIMEOUT_MS / 1000, **kwargs.pop("connect_args", {})}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine)
        return engine
    # After a server restart every pooled connection is dead: test each one when it is checked out (and
    # reconnect) rather than fail the first request; do not wait long for a server that is down.
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S, **kwargs.get("connect_args", {})}
    return create_engine(url, **kwargs)


def database_location(url: str | Engine) -> tuple[str, str | None]:
    """``(backend, database)`` of a URL or an engine: ``("sqlite", "/srv/record.sqlite")``,
    ``("postgresql", "competency")``; the database is None or empty for an in-memory SQLite."""
    parsed = url.url if isinstance(url, Engine) else make_url(url)
    return parsed.get_backend_name(), parsed.database


def redacted_url(engine: Engine) -> str:
    """The engine's URL with the password hidden (stable: it names the database in file names)."""
    return engine.url.render_as_string(hide_password=True)


def checkpoint_wal(engine: Engine) -> bool:
    """SQLite: copy the write-ahead log into the database and truncate it; False when a reader kept it busy."""
    with engine.connect() as connection:
        busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's implicit BEGIN is deferred only).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Deleted rows (an erasure) are overwritten with zeros, not left in free pages.
            cursor.execute("PRAGMA secure_delete = ON")
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode = WAL")
                # In WAL mode NORMAL keeps the database consistent after a crash; only the last commits
                # before a power loss may be lost.
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(url: str | None = None) -> Any:
    """An Alembic ``Config`` built in code, pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["url"] = _normalise_url(url or settings.database_url())
    return cfg


def upgrade(url: str | Engine | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (or the given engine) to ``revision``; safe to call at every start."""
    from alembic import command

    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.connect() as connection:
            connection = connection.execution_options(**{IMMEDIATE: True})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Two app instances starting together must not both create the tables.
                    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, revision)
        log.info("database schema at %s", revision)
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None when not migrated)."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest migration shipped with this version of the package."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head
