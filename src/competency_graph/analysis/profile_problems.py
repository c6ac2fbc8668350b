"""French, located problems for a profile file: pydantic's errors and the YAML reader's, one line each.

Every message starts with the field path (``positions[0].self``) and is French; the code is the loader's
(``missing-field``, ``unknown-field``, ``wrong-type``, ``invalid-value``…), so the command line prints them
like referential errors (``file:line:col: error [code] path : message``).

>>> field_path(("positions", 0, "self"))
'positions[0].self'
>>> field_path(())
'racine'
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from ..messages import t
from ..problems import Problem
from ..yamlsource import Positions, locate

__all__ = ["field_path", "french_problems", "yaml_problems", "problem"]

_WRONG_TYPE = {
    "string_type": "profile.text_expected", "int_type": "profile.integer_expected",
    "int_parsing": "profile.integer_expected", "int_from_float": "profile.integer_expected",
    "bool_type": "profile.bool_expected", "bool_parsing": "profile.bool_expected",
    "list_type": "profile.list_expected", "tuple_type": "profile.list_expected",
    "dict_type": "profile.mapping_expected", "model_type": "profile.mapping_expected",
    "model_attributes_type": "profile.mapping_expected", "float_type": "profile.number_expected",
}

#: the names pydantic gives the branches of a union it tried (``target.str``): not part of the file's path
_UNION_BRANCHES = frozenset({"str", "int", "TargetProfile"})


def field_path(loc: tuple[Any, ...]) -> str:
    """``("positions", 0, "self")`` → ``positions[0].self``; the empty path is the document (``racine``)."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or t("profile.root")


def problem(code: str, loc: tuple[Any, ...], message: str, positions: Positions, path: str, *,
            key: bool = False) -> Problem:
    """One located problem whose message is ``path : message``."""
    return Problem(code, f"{field_path(loc)} : {message}", locate(positions, path, loc, key=key))


def _message(err: Any) -> tuple[str, str, bool]:
    """(code, French message, located on the key) of one pydantic error."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "missing-field", t("profile.missing"), False
    if kind == "extra_forbidden":
        return "unknown-field", t("profile.unknown_key"), True
    if kind in _WRONG_TYPE:
        return "wrong-type", t(_WRONG_TYPE[kind]), False
    if kind == "enum":
        return "invalid-value", t("profile.unknown_value", value=value, allowed=str(ctx.get("expected", "")).replace(" or ", ", ")), False
    if kind == "string_pattern_mismatch":
        return "invalid-value", t("profile.bad_id", value=value), False
    if kind == "string_too_short":
        return "invalid-value", t("profile.empty_text"), False
    if kind == "string_too_long":
        return "invalid-value", t("profile.text_too_long", high=ctx.get("max_length")), False
    if kind in ("greater_than_equal", "greater_than"):
        return "invalid-value", t("profile.too_small", value=value, low=ctx.get("ge", ctx.get("gt"))), False
    if kind in ("less_than_equal", "less_than"):
        return "invalid-value", t("profile.too_large", value=value, high=ctx.get("le", ctx.get("lt"))), False
    if kind == "value_error":
        return "invalid-value", str(ctx.get("error", err["msg"])), False
    return "invalid-value", t("profile.invalid", detail=err["msg"]), False


def french_problems(exc: ValidationError, positions: Positions, path: str) -> list[Problem]:
    """One French, located problem per pydantic error of a profile."""
    found = []
    for err in exc.errors(include_url=False):
        loc = tuple(part for part in err["loc"] if part not in _UNION_BRANCHES)
        code, message, on_key = _message(err)
        found.append(problem(code, loc, message, positions, path, key=on_key))
    return list(dict.fromkeys(found))  # two branches of a union may say the same thing


def yaml_problems(problems: list[Problem]) -> list[Problem]:
    """The YAML reader's problems with a French message (the reader's own detail kept after it)."""
    out = []
    for p in problems:
        if p.code == "duplicate-key":
            found = re.match(r"duplicate key '(.*)'(?: \(first at line (\d+)\))?$", p.message)
            key, first = (found.group(1), found.group(2)) if found else (p.message, None)
            message = t("profile.duplicate_key", name=key) + (t("profile.first_at", line=first) if first else "")
        elif p.code == "wrong-type":
            message = t("profile.plain_key")
        else:
            message = t("profile.unreadable_yaml", detail=p.message)
        out.append(Problem(p.code, message, p.location, p.severity, p.hint))
    return out
