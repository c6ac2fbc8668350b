"""Input checks shared by the aggregate modules: choices, bounded texts, aware datetimes, "not found"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .errors import StoreError
from .textcheck import check_characters

__all__ = ["check_choice", "check_text", "require_aware", "not_found", "MAX_COMMENT_CHARS", "MAX_NOTES_CHARS"]

MAX_COMMENT_CHARS = 5000
MAX_NOTES_CHARS = 20000


def check_choice(value: Any, allowed: Sequence[str], *, code: str) -> str:
    """``value`` when it is one of ``allowed``, else a :class:`StoreError` ``code`` listing the options
    (the catalogue's ``errors.<code>`` names what was refused)."""
    if value not in allowed:
        raise StoreError(code=code, params={"value": value, "options": ", ".join(allowed)})
    return str(value)


def check_text(value: str | None, limit: int, *, code: str, field: str, required: bool = False) -> str | None:
    """A text of at most ``limit`` characters without control or bidi characters; blank means None.
    ``field`` names the label ``errors.field.<field>`` of the messages."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise StoreError(code=code, params={"field": field}, message="text.required")
        return None
    if not isinstance(value, str):
        raise StoreError(code=code, params={"field": field}, message="text.not_text")
    if len(value) > limit:
        raise StoreError(code=code, params={"field": field, "limit": limit}, message="text.too_long")
    check_characters(value, code=code, field=field, single_line=limit <= 300)  # NUL, controls, bidi overrides
    return value


def require_aware(value: dt.datetime, field: str = "date") -> dt.datetime:
    """``value`` when it carries a time zone, else ``naive_datetime``."""
    if value.tzinfo is None:
        raise StoreError(code="naive_datetime", params={"field": field})
    return value


def not_found(ident: str, *, code: str) -> StoreError:
    """The error for a missing record (``unknown_person``…): ``errors.<code>`` names the record."""
    return StoreError(code=code, params={"id": ident})
