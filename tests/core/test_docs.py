"""Every registered thing is documented, by a test (datasette's ``test_docs.py`` pattern).

Store errors: each raise in ``src/`` (found by reading the source, helpers followed: ``error_sites.py``) names a
code listed in ``store/errors.py`` and documented in ``docs/errors.md``; its message is a key of the catalogue
whose ``{placeholders}`` the raise provides; and every ``errors.*`` key of the catalogue is used by some raise.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from error_sites import Site, sites

from competency_graph.messages import FR
from competency_graph.store.errors import CODES

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = set(re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8"), re.M))
SITES = sites()


def _placeholders(text: str) -> set[str]:
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_store_error_code_has_a_documentation_line(code: str) -> None:
    assert code in DOCUMENTED


def test_the_documentation_lists_no_code_the_store_does_not_raise() -> None:
    assert DOCUMENTED - CODES == set()


def test_the_catalogue_is_a_data_file_with_text_values() -> None:
    assert (ROOT / "src" / "competency_graph" / "messages" / "fr.yaml").is_file()
    assert len(FR) > 500 and all(isinstance(v, str) and v for v in FR.values())


def test_the_scan_finds_the_raises_through_their_helpers() -> None:
    assert len(SITES) > 250
    where = {(s.code, s.key) for s in SITES}
    # a direct raise, one through check_text -> check_characters, one through the facts' _fact_count helper
    assert ("unknown_item", "unknown_item") in where
    assert ("bad_comment", "text.character") in where
    assert ("bad_trained_staff", "fact.count") in where
    assert ("profile_invalid", "profile_invalid.problems") in where  # the profile reader (services/profiles.py)
    assert ("access_denied", "access_denied.admins_only") in where  # through the guard's _deny


def test_every_code_raised_in_src_is_listed_and_every_listed_code_is_raised() -> None:
    raised = {s.code for s in SITES}
    assert raised - CODES == set()
    assert CODES - raised == set()


@pytest.mark.parametrize("site", SITES, ids=lambda s: f"{s.where}-{s.key}")
def test_each_raise_has_a_catalogue_message_with_the_parameters_it_needs(site: Site) -> None:
    key = f"errors.{site.key}"
    assert key in FR, f"{site.where}: {key} is not in messages/fr.yaml"
    missing = _placeholders(FR[key]) - site.params
    assert missing == set(), f"{site.where}: {key} needs {sorted(missing)}, the raise gives {sorted(site.params)}"
    for field in site.fields:
        assert f"errors.field.{field}" in FR, f"{site.where}: no label errors.field.{field}"


def test_every_errors_key_of_the_catalogue_is_used() -> None:
    used = {f"errors.{s.key}" for s in SITES} | {f"errors.field.{f}" for s in SITES for f in s.fields}
    unused = sorted(k for k in FR if k.startswith("errors.") and k not in used)
    assert unused == []


def test_field_labels_are_only_used_where_a_message_says_field() -> None:
    for site in SITES:
        if site.fields:
            assert "field" in _placeholders(FR[f"errors.{site.key}"]), site.where
