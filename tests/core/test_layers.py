"""The layers hold: pages never touch the store, no module-level import cycle, no module over 450 lines.

The import-linter contracts of pyproject.toml (run by ``.ci/run``) check the layer order; these tests pin what
a newcomer would break first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "competency_graph"
PAGES = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_pages_never_import_the_store_nor_reach_the_repository() -> None:
    offenders = {}
    for page in PAGES:
        touched = {m for m in _imports(page) if m.startswith("competency_graph.store")}
        text = page.read_text(encoding="utf-8")
        if ".repo." in text or ".repo)" in text:
            touched.add("ctx.repo")
        if touched:
            offenders[page.name] = sorted(touched)
    assert offenders == {}


def test_no_module_level_import_cycle() -> None:
    graph = grimp.build_graph("competency_graph")
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []


def test_no_module_in_src_over_450_lines() -> None:
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def test_security_code_never_calls_the_private_transaction_runner() -> None:
    users = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
             if "store" not in p.parts and "._run(" in p.read_text(encoding="utf-8")]
    assert users == []
