"""Hostile input: random text into the profile and referential loaders (only our error type may escape),
and XML bombs / external entities refused by the RNCP importer."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_graph.analysis.profile import parse_profile
from competency_graph.importers.rncp import RncpImportError, iter_rncp_xml
from competency_graph.loader import check_paths
from competency_graph.problems import ReferentialError

# Random text, plus YAML-looking fragments so that the parser gets past the first character.
_YAML_BITS = st.sampled_from(["person:", "  id: x", "- ", "!!python/object:os.system", "{", "}",
                              "? ", ": ", "items:", "  level: 3", "\t", "'", '"', "%YAML 1.1", "---", "...",
                              "<<: *a", "id: id", "id: id", "\n", "  "])
YAMLISH = st.one_of(st.text(max_size=300), st.lists(_YAML_BITS, max_size=30).map("".join))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(YAMLISH)
def test_profile_loader_raises_only_referential_error(text: str) -> None:
    try:
        parse_profile(text, "fuzz.yaml")
    except ReferentialError as exc:
        assert exc.problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_referential_loader_returns_problems_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            bundle, problems = check_paths([path])
        except ReferentialError as exc:
            assert exc.problems
            return
        assert (bundle is None) == bool(problems)


def test_recursive_yaml_alias_is_reported_not_a_recursion_error() -> None:
    """Regression: found by the fuzz test — a self-referencing alias used to recurse forever."""
    with pytest.raises(ReferentialError) as info:
        parse_profile("&a [*a]", "fuzz.yaml")
    assert "recursive alias" in str(info.value)


def test_yaml_alias_bomb_is_refused() -> None:
    """Regression: aliases expanding exponentially ("billion laughs" in YAML) are refused, not expanded."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
              for i in range(1, 9)]
    with pytest.raises(ReferentialError) as info:
        parse_profile("\n".join(lines) + "\n", "bomb.yaml")
    assert "too large" in str(info.value)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>&lol9;</INTITULE></FICHE></FICHES>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE FICHES [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>&xxe;</INTITULE></FICHE></FICHES>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE FICHES SYSTEM "http://example.invalid/evil.dtd">
<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>x</INTITULE></FICHE></FICHES>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_rncp_xml_refuses_entities_and_dtds(tmp_path: Path, document: str) -> None:
    path = tmp_path / "export.xml"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(RncpImportError):
        list(iter_rncp_xml(path))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=300).map(lambda t: ("<FICHES>" + t).encode("utf-8", "replace")))
def test_rncp_xml_random_bytes_raise_only_our_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xml"
        path.write_bytes(data)
        try:
            list(iter_rncp_xml(path))
        except RncpImportError:
            pass
