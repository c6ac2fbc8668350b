"""``rncp.json`` lines are written by orjson from the validated dicts (``rncp._data_json``): the same bytes as
``pydantic_core.to_json``, which wrote them before, on every value those dicts can hold."""

from __future__ import annotations

import datetime as dt

import pydantic_core
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_graph.importers import rncp

_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]))  # XML text: no lone surrogate
_LEAF = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT | st.dates()
_VALUE = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
                      max_leaves=30)


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(_TEXT, _VALUE, max_size=8))
def test_the_same_bytes_as_pydantic(data):
    assert rncp._data_json(data) == pydantic_core.to_json(data)


def test_the_awkward_characters():
    text = "".join(map(chr, range(0x20))) + "\"\\/\u007f\u0085\u00a0\u2028\u2029\ufeff\U0001f600’œ"
    data = {"id": "rncp:RNCP1", "label": text, "sources": [{"date": dt.date(2025, 9, 1)}], "level": 3,
            "active": True, "blocs": [{"competencies": [{"label": text, "notation": None}]}]}
    assert rncp._data_json(data) == pydantic_core.to_json(data)


def test_what_orjson_refuses_goes_to_pydantic_which_decides_as_before():
    data = {"label": "a\ud800b"}  # a lone surrogate (expat never gives one): both encoders refuse it
    with pytest.raises(pydantic_core.PydanticSerializationError):
        pydantic_core.to_json(data)
    with pytest.raises(pydantic_core.PydanticSerializationError):
        rncp._data_json(data)
