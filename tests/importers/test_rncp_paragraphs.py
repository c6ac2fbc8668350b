"""``_paragraphs`` (bloc evaluations, entry requirements) against the definition its docstring gives, written
the simplest way: every whitespace run becomes one line break when it holds a line break or three spaces in a
row, else one space; the text is stripped. CR/CRLF count as line breaks, tabs, NBSP and the other
:func:`_plain_spaces` characters as spaces."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from competency_graph.importers import rncp_fields, rncp_text

_RUN = re.compile(r"\s+")


def reference(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for char in rncp_text._ODD_SPACES:
        value = value.replace(char, " ")
    value = _RUN.sub(lambda m: "\n" if "\n" in m.group() or "   " in m.group() else " ", value)
    return value.strip() or None


_SPACES = [" ", "  ", "   ", "    ", "     ", "      ", "\n", "\r", "\r\n", "\n\n", " \n ", "\t", "\u00a0", "\u202f"]
_OTHERS = list(rncp_text._OTHER_SPACES + rncp_text._ODD_SPACES)
_WORDS = ["a", "é", "Lire", "x\u2019y", "A1C1.", "1.", "-", "•", "\U0001f600"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_SPACES + _WORDS), max_size=40).map("".join))
def test_paragraphs_plain_spaces(text):
    assert rncp_fields._paragraphs(text) == reference(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_SPACES + _OTHERS + _WORDS), max_size=40).map("".join))
def test_paragraphs_other_spaces(text):
    assert rncp_fields._paragraphs(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
def test_paragraphs_any_text(text):
    assert rncp_fields._paragraphs(text) == reference(text)


def test_paragraphs_cases():
    assert rncp_fields._paragraphs(None) is None
    assert rncp_fields._paragraphs(" \n\t\r ") is None
    assert rncp_fields._paragraphs("  Écrit   Oral  ") == "Écrit\nOral"
    assert rncp_fields._paragraphs("a  b\u00a0 c") == "a b c"  # NBSP + space: two spaces, not a break
    assert rncp_fields._paragraphs("a \u00a0 b") == "a\nb"  # three spaces once the NBSP is one
    assert rncp_fields._paragraphs("a\u2003  b") == "a b"  # an em space breaks a run of plain spaces
    assert rncp_fields._paragraphs("a\r\n\r\nb    c") == "a\nb\nc"
