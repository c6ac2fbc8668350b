"""Streamlit "magic" writes every bare expression of a page script on the page: a stray string (an attribute
docstring, a forgotten literal) then shows up as text for the user. Only the module docstring is exempt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]


def bare_strings(tree: ast.Module) -> list[int]:
    """Line numbers of string expressions run by the script (not in functions or classes), docstring aside."""
    found = []
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.append(node.lineno)
        for field in ("body", "orelse", "finalbody", "handlers"):
            todo.extend(getattr(node, field, []) or [])
    return sorted(found)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_page_script_prints_no_stray_string(script: Path) -> None:
    lines = bare_strings(ast.parse(script.read_text(encoding="utf-8")))
    assert not lines, f"{script.name}: bare string(s) at line(s) {lines} would be shown on the page"


def test_the_check_finds_an_attribute_docstring() -> None:
    tree = ast.parse('"""Module."""\nX = 1\n"""About X."""\nif X:\n    "shown too"\ndef f():\n    "docstring"\n')
    assert bare_strings(tree) == [3, 5]
