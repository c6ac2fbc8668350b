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


def check_choice(value: Any, allowed: Sequence[str], code: str, what_fr: str, what_en: str) -> str:
    """``value`` when it is one of ``allowed``, else a :class:`StoreError` ``code`` listing the options."""
    if value not in allowed:
        options = ", ".join(allowed)
        raise StoreError(code, f"{what_fr} inconnu(e) : {value!r} (possibles : {options}).",
                         f"Unknown {what_en}: {value!r} (allowed: {options}).")
    return str(value)


def check_text(value: str | None, limit: int, code: str, what_fr: str, what_en: str, *, required: bool = False
               ) -> str | None:
    """A text of at most ``limit`` characters without control or bidi characters; blank means None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise StoreError(code, f"{what_fr} est obligatoire.", f"{what_en} is required.")
        return None
    if not isinstance(value, str):
        raise StoreError(code, f"{what_fr} doit être un texte.", f"{what_en} must be text.")
    if len(value) > limit:
        raise StoreError(code, f"{what_fr} est trop long ({limit} caractères au plus).",
                         f"{what_en} is too long (at most {limit} characters).")
    check_characters(value, code, what_fr, what_en, single_line=limit <= 300)  # NUL, controls, bidi overrides
    return value


def require_aware(value: dt.datetime, what: str = "date") -> dt.datetime:
    """``value`` when it carries a time zone, else ``naive_datetime``."""
    if value.tzinfo is None:
        raise StoreError("naive_datetime", f"La {what} doit porter un fuseau horaire.",
                         f"The {what} must carry a time zone.")
    return value


def not_found(code: str, what_fr: str, what_en: str, ident: str) -> StoreError:
    """The error for a missing record (``unknown_person``…)."""
    return StoreError(code, f"{what_fr} introuvable : {ident}.", f"{what_en} not found: {ident}.")
