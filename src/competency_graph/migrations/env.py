"""Alembic environment for the record database; configured in code by ``store.engine.upgrade``.

No ``alembic.ini``: the caller passes an open connection (``config.attributes["connection"]``) or a URL
(``config.attributes["url"]``, default ``settings.database_url()``).
"""

from __future__ import annotations

from alembic import context

from competency_graph.store import (
    caseload_models,  # noqa: F401 - registers the caseload tables (0004)
    facts_models,  # noqa: F401 - registers the facts tables on Base.metadata
    read_models,  # noqa: F401 - registers audit_subjects (0008)
    security_models,  # noqa: F401 - registers the security tables on Base.metadata
    validation_models,  # noqa: F401 - registers the recognition tables (0005)
)
from competency_graph.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(**kwargs: object) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, compare_server_default=True, **kwargs)


def run_migrations_offline() -> None:
    from competency_graph import settings

    url = config.attributes.get("url") or settings.database_url()
    _configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"},
               render_as_batch=str(url).startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return

    from competency_graph.store.engine import make_engine

    engine = make_engine(config.attributes.get("url"))
    try:
        with engine.begin() as connection:
            _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
