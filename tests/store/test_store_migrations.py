"""The schema comes from the migrations only, and matches the ORM models, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from competency_graph.store.engine import current_revision, head_revision, make_engine, upgrade
from competency_graph.store.models import Base


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                   "compare_server_default": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_migrations_create_the_schema_from_empty_and_match_the_models(any_url: str) -> None:
    engine = make_engine(any_url)
    assert current_revision(engine) is None
    assert inspect(engine).get_table_names() == []
    upgrade(any_url)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    engine.dispose()
    assert _diff(any_url) == []


def test_upgrade_is_idempotent(any_url: str) -> None:
    upgrade(any_url)
    upgrade(any_url)
    engine = make_engine(any_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_base_then_up_again(any_url: str) -> None:
    from alembic import command

    from competency_graph.store.engine import alembic_config

    upgrade(any_url)
    command.downgrade(alembic_config(any_url), "base")
    engine = make_engine(any_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(any_url)
    assert _diff(any_url) == []


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_postgres_urls_are_normalised_for_psycopg() -> None:
    from competency_graph.store.engine import _normalise_url

    assert _normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
