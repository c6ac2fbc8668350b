"""AppTest fixtures: one data directory (database, files, demo) shared by the app tests of a session, so the
cached bundle and repository are built once; tests only add events, they never depend on a count."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("app-data")


@pytest.fixture(autouse=True)
def _isolated_data_dir(app_data_dir, monkeypatch):
    """Overrides the suite-wide fixture: the app tests share one data directory (and so one demo database)."""
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(app_data_dir))
    monkeypatch.delenv("COMPETENCY_GRAPH_DATABASE_URL", raising=False)
    monkeypatch.setenv("COMPETENCY_GRAPH_DEMO", "1")


@pytest.fixture
def ctx():
    """The bundle and repository the app uses: the same process-wide cache entries as the AppTests."""
    from competency_graph.ui import cache

    return cache.context()
