"""Cheap scans for :mod:`rncp_text`: does a text hold a character of some set, where are its runs of spaces.

An sre scan costs 3-7 ns a character (more where a lookbehind is tried at every position), ``in`` (memchr)
and ``str.find`` a fraction of that. The ``_may_hold_*`` and ``_has_*`` helpers answer "may this text hold
X?" without a regex scan, and are never wrongly "no": a "yes" sends the caller to the exact (regex) path of
:mod:`rncp_text`, so no result can change. Pure functions.
"""

from __future__ import annotations

import re

_PRIVATE_BULLET = re.compile("[\uf000-\uf0ff]")  # Word's symbol-font bullets (rncp_text._BULLET_ANY)

# ``data``: the text in UTF-8 (b"" when ASCII), where a character beyond U+07FF shows its range in its first
# byte (encoded once, shared by the checks).

#: a ")" that may end a code ``a)``: after a letter a-z, itself after no letter or digit but a bullet "o" at
#: the start of the text or after a space
_PAREN_CODE = re.compile(r"\)(?<=[a-z]\))(?<![^\Wo][a-z]\))(?<!\So[a-z]\))")


def _utf8(text: str) -> bytes:
    return b"" if text.isascii() else text.encode("utf-8", "surrogatepass")


def _may_hold_digit(text: str, data: bytes) -> bool:
    """False only when ``text`` holds no ``\\d``: no ASCII digit, and ``data`` (``text``'s or a longer
    text's) holds none of D9 DB DF E0 E1 EA EF F0, the first UTF-8 bytes of the other decimal digits (tests
    check them all)."""
    return ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text or "6" in text
            or "7" in text or "8" in text or "9" in text or 0xD9 in data or 0xDB in data or 0xDF in data
            or 0xE0 in data or 0xE1 in data or 0xEA in data or 0xEF in data or 0xF0 in data)


def _may_hold_code(text: str, data: bytes) -> bool:
    """False only when no position of ``text`` starts a code: each code holds a digit but ``a)`` (see
    _PAREN_CODE: ``devis)`` and ``action)`` are none)."""
    return _may_hold_digit(text, data) or (")" in text and _PAREN_CODE.search(text) is not None)


def _has_bullet_anywhere(text: str, data: bytes | None = None) -> bool:
    """``_BULLET_ANYWHERE.search(text) is not None``: one ``in`` test a bullet; the private-use bullets
    (U+F000-U+F0FF, first UTF-8 byte EF) are looked for by regex only when an EF byte is there."""
    if text.isascii():
        return False
    if ("•" in text or "▪" in text or "◦" in text or "‣" in text or "►" in text or "▸" in text or "➢" in text
            or "➤" in text or "➔" in text or "→" in text or "✓" in text or "✔" in text or "■" in text
            or "□" in text or "●" in text or "○" in text or "·" in text or "❖" in text or "♦" in text
            or "◆" in text):
        return True
    return 0xEF in (_utf8(text) if data is None else data) and _PRIVATE_BULLET.search(text) is not None


#: the end of a run of spaces where _BULLET_AT could match other than as "- " before a non-space (a text
#: with neither code nor bullet of _BULLET_ANY; over-cautious: "*", ">" and dashes are enough)
_ODD_RUN_END = re.compile(r"  (?:[–—>*]|o |-(?! ))")
#: what a code mark at 0 or at the end of a run of spaces starts with (a text with no "\n" nor _BULLET_ANY)
_CODE_HEAD = re.compile(r"(?:[-–—o>*] *)?(?:[A-Z]{1,4}\.?\d|\d|[a-z]\))")
_CODE_AFTER_RUN = re.compile(rf"  {_CODE_HEAD.pattern}")


def _strong_positions(text: str, run_starts: list[int] | None = None) -> list[int]:
    """0, and the end of every line break or run of 2+ spaces (str.find: a regex scan is 3× slower); the
    starts of the runs go to ``run_starts``."""
    out = [0]
    find = text.find
    size = len(text)
    i = find("  ")
    while i >= 0:
        j = i + 2
        while j < size and text[j] == " ":
            j += 1
        out.append(j)
        if run_starts is not None:
            run_starts.append(i)
        i = find("  ", j)
    if "\n" in text:
        i = find("\n")
        while i >= 0:
            out.append(i + 1)
            i = find("\n", i + 1)
        out = sorted(set(out))
    return out


#: a dot between two decimal digits; the literal "." first lets sre jump from dot to dot (C-speed scan)
_DOT_IN_NUMBER = re.compile(r"\.(?<=\d\.)(?=\d)")


def _two_dotted_numbers(text: str) -> bool:
    """False when ``text`` cannot hold two ``\\d.\\d`` (so no outline): much cheaper than the outline
    pattern's scan (its lookbehind is tried at every position)."""
    first = _DOT_IN_NUMBER.search(text)
    return first is not None and _DOT_IN_NUMBER.search(text, first.end()) is not None
