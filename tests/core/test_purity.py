"""The core (model, loader, analysis) imports neither streamlit, sqlalchemy nor plotly."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = ["competency_graph.model", "competency_graph.loader", "competency_graph.bundle", "competency_graph.ids",
        "competency_graph.problems", "competency_graph.analysis"]
FORBIDDEN = ("streamlit", "sqlalchemy", "plotly")


def test_core_imports_no_framework():
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
