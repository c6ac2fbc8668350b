"""Finding 8 (security round 2), kept fixed on every page: a name, login, title or address written by a user
and put into a French message is Markdown-escaped (``md_escape``) before Streamlit renders the message as
Markdown. An invariant checked on the source, so that a new page cannot forget it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: placeholders that carry text a user wrote (names of people and groups, logins, titles, addresses)
USER_TEXT = frozenset({"name", "names", "login", "title", "person", "email", "who"})
#: files whose messages are not Markdown (Plotly hover text)
NOT_MARKDOWN = {"charts.py"}
SOURCES = sorted([*ROOT.glob("app_pages/*.py"), *(ROOT / "src" / "competency_graph" / "ui").glob("*.py")])


def _unescaped(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"):
            continue
        for keyword in node.keywords:
            if keyword.arg not in USER_TEXT or isinstance(keyword.value, ast.Constant):
                continue
            if "md_escape(" not in (ast.get_source_segment(source, keyword.value) or ""):
                found.append(f"{path.name}:{node.lineno} {keyword.arg}=")
    return found


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name not in NOT_MARKDOWN], ids=lambda p: p.name)
def test_user_text_in_messages_is_markdown_escaped(path: Path) -> None:
    assert _unescaped(path) == []


def test_md_escape_makes_the_attack_inert() -> None:
    from competency_graph.ui.formats import md_escape

    shown = md_escape("![pixel](https://evil.example/p.png) [cliquez ici](https://evil.example) <b>")
    assert "](" not in shown and "![" not in shown and "<b>" not in shown
