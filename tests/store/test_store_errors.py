"""Error codes are stable and listed: every code raised in the source is in ``errors.CODES``."""

from __future__ import annotations

import ast
from pathlib import Path

import competency_graph
from competency_graph.store.errors import CODES, StoreError

_ERRORS = {"StoreError", "SecurityError", "AccessDenied", "AuthError", "WeakPassword"}
# the checking helpers that take the code of the error they raise
_HELPERS = {"check_choice", "check_text", "not_found", "_choice", "_text", "_fact_count", "_fact_id", "_fact_date"}


def _raised_codes() -> set[str]:
    """Every literal ``code="..."`` given to a store error or to a checking helper (check_text…) in src/."""
    codes: set[str] = set()
    for path in Path(competency_graph.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and \
                    any(isinstance(t, ast.Name) and t.id == "_CODES" for t in node.targets):
                codes.update(v.value for v in node.value.values if isinstance(v, ast.Constant))  # kind -> code
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in _ERRORS | _HELPERS:
                continue
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    codes.add(kw.value.value)
    return codes


def test_every_raised_code_is_listed() -> None:
    raised = _raised_codes()
    assert len(raised) > 40
    assert raised - CODES == set()
    assert CODES - raised == set()


def test_messages_exist_in_both_languages() -> None:
    error = StoreError(code="unknown_item", params={"item": "rectec:C77"}, details=["détail"])
    assert error.message("fr") == "Élément inconnu du référentiel : 'rectec:C77'.\ndétail"
    assert error.message("en").startswith("Unknown item (item='rectec:C77').")
    assert "unknown_item" in str(error)


def test_the_french_message_comes_from_the_catalogue_and_survives_pickling() -> None:
    import pickle

    from competency_graph.messages import t
    from competency_graph.security.errors import AccessDenied

    error = StoreError(code="bad_name", params={"field": "name", "limit": 200}, message="text.too_long")
    assert error.message_fr == "Le nom est trop long (200 caractères au plus)." == t(
        "errors.text.too_long", field=t("errors.field.name"), limit=200)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message_fr, type(copy)) == (error.code, error.message_fr, StoreError)
    denied = pickle.loads(pickle.dumps(AccessDenied(code="access_denied", message="access_denied.read")))
    assert isinstance(denied, AccessDenied) and denied.message_fr.startswith("Accès refusé")


def test_an_inline_message_is_refused_at_the_raise() -> None:
    import pytest

    with pytest.raises(TypeError, match="catalogue"):
        StoreError("unknown_item", "Élément inconnu.")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        StoreError("unknown_item", "Élément inconnu.", "Unknown item.")  # type: ignore[misc]
