"""Characters refused in stored text: NUL and other control characters (PostgreSQL cannot store NUL;
the others hide text), and the bidirectional controls that make a name display as something else (an
RTL override turns "Martin\u202eexe.jpg" into "Martingpj.exe"). Line breaks and tabs stay allowed in long
free text; names, titles and logins are one line.
"""

from __future__ import annotations

import unicodedata

from .errors import StoreError

__all__ = ["BIDI_CONTROLS", "check_characters"]

#: embeddings, overrides and isolates (and the marks that can be abused the same way)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_characters(value: str, *, code: str, field: str, single_line: bool) -> None:
    """Raise :class:`StoreError` (``code``) when ``value`` holds a refused character; ``field`` names the
    label ``errors.field.<field>`` of the message."""
    allowed = "" if single_line else "\t\n\r"
    for char in value:
        if char in allowed:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            raise StoreError(code=code, params={"field": field, "char": f"U+{ord(char):04X}"},
                             message="text.character")
