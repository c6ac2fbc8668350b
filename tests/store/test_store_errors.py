"""Error codes are stable and listed: every code raised in the store source is in ``errors.CODES``."""

from __future__ import annotations

import ast
from pathlib import Path

import competency_graph.store as store
from competency_graph.services import profiles
from competency_graph.store.errors import CODES, StoreError

# Function name -> index of the positional argument holding the code.
_CODE_ARG = {"StoreError": 0, "_not_found": 0, "_choice": 2, "_text": 2, "not_found": 0, "check_choice": 2, "check_text": 2, "_fact_count": 1, "_fact_id": 1,
             "_fact_date": 1}
_FIXED = {"_bad": "profile_invalid", "_malformed": "csv_malformed", "_too_large": "file_too_large"}


def _raised_codes() -> set[str]:
    codes: set[str] = set()
    # the profile file's codes are raised by its reader, services/profiles.py (the store only persists)
    for path in [*Path(store.__file__).parent.glob("*.py"), Path(profiles.__file__)]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and \
                    any(isinstance(t, ast.Name) and t.id == "_CODES" for t in node.targets):
                codes.update(v.value for v in node.value.values if isinstance(v, ast.Constant))  # kind -> code
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in _FIXED:
                codes.add(_FIXED[name])
            index = _CODE_ARG.get(name)
            if index is not None and len(node.args) > index:
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    codes.add(arg.value)
    return codes


def test_every_raised_code_is_listed() -> None:
    raised = _raised_codes()
    assert len(raised) > 40
    assert raised - CODES == set()
    assert CODES - raised == set()


def test_messages_exist_in_both_languages() -> None:
    error = StoreError("unknown_item", "Élément inconnu.", "Unknown item.", ["détail"])
    assert error.message("fr") == "Élément inconnu.\ndétail" and error.message("en").startswith("Unknown item.")
    assert "unknown_item" in str(error)
