"""Every registered thing is documented, by a test (datasette's ``test_docs.py`` pattern)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from competency_graph.messages import FR
from competency_graph.store.errors import CODES

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = set(re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_store_error_code_has_a_documentation_line(code: str) -> None:
    assert code in DOCUMENTED


def test_the_documentation_lists_no_code_the_store_does_not_raise() -> None:
    assert DOCUMENTED - CODES == set()


def test_the_catalogue_is_a_data_file_with_text_values() -> None:
    assert (ROOT / "src" / "competency_graph" / "messages" / "fr.yaml").is_file()
    assert len(FR) > 500 and all(isinstance(v, str) and v for v in FR.values())
