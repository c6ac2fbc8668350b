"""Shared fixtures: paths to the fixture referentials and to the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Every test writes into its own data directory, never into the checkout's var/."""
    if "COMPETENCY_GRAPH_DATA_DIR" not in os.environ or os.environ.get("_CG_TEST_DATA_DIR_SET") != "1":
        monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def mini_dir() -> Path:
    return FIXTURES / "referentials" / "mini"


@pytest.fixture(scope="session")
def shipped_bundle():
    from competency_graph.loader import load_bundle

    return load_bundle([ROOT / "referentials"])
