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


# The store's ORM modules: table classes only the store's own functions may touch.
_ORM_MODULES = ("competency_graph.store.models", "competency_graph.store.security_models",
                "competency_graph.store.facts_models", "competency_graph.store.validation_models",
                "competency_graph.store.caseload_models")


def _absolute_imports(path: Path) -> set[str]:
    """Every module (and module.name) a file imports, relative imports resolved against its package."""
    package = ".".join(("competency_graph", *path.relative_to(SRC).parent.parts))
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _transaction_runs(path: Path) -> list[int]:
    """Lines calling the unit of work's runner directly (``repo.run(fn, write=…)``, ``repo.read(fn)``…)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in ("repo", "r", "uow") and node.func.attr in ("run", "_run", "read", "write"):
            lines.append(node.lineno)
    return lines


def test_security_code_uses_only_public_store_functions() -> None:
    """``security/`` holds rules, not SQL: no sqlalchemy, no ORM table class, no session of its own."""
    offenders = {}
    for path in sorted((SRC / "security").glob("*.py")):
        imported = _absolute_imports(path)
        bad = sorted(m for m in imported if m.split(".")[0] == "sqlalchemy" or m.startswith(_ORM_MODULES))
        bad += [f"runs a transaction itself, line {n}" for n in _transaction_runs(path)]
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_the_layer_check_sees_relative_imports() -> None:
    """The check above would see the imports security used to have (a relative import of an ORM module)."""
    sample = SRC / "security" / "audit.py"
    assert "competency_graph.store.audit" in _absolute_imports(sample)
    assert "competency_graph.vocab.AuditAction" in _absolute_imports(sample)
