"""Cheap scans for :mod:`rncp_text`: does a text hold a character of some set, where are its runs of spaces.

An sre scan costs 3-7 ns a character (more where a lookbehind is tried at every position), ``in`` (memchr)
and ``str.find`` a fraction of that. The ``_may_hold_*`` and ``_has_*`` helpers answer "may this text hold
X?" without a regex scan, and are never wrongly "no": a "yes" sends the caller to the exact (regex) path of
:mod:`rncp_text`, so no result can change. Pure functions.
"""

from __future__ import annotations

import re

_BULLETS = "•▪◦‣►▸➢➤➔→✓✔■□●○·❖♦◆"  # a bullet wherever it stands
_BULLET_ANY = f"[{_BULLETS}\uf000-\uf0ff]"  # + Word's symbol-font bullets (private use area)
_BULLET_CHAR = re.compile(_BULLET_ANY)
_PRIVATE_BULLET = re.compile("[\uf000-\uf0ff]")
#: below this length, one sre scan (2.5 ns a character) costs less than twenty calls of ``in`` (30-50 ns a
#: call) and an encoding
_SHORT = 400

#: the characters ``str.split()`` splits on that :func:`_plain_spaces` leaves, other than " " and "\n"
_OTHER_SPACES = "\x1c\x1d\x1e\x1f\x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u2028\u2029\u205f"


def _has_other_spaces(text: str) -> bool:
    """``any(char in text for char in _OTHER_SPACES)``, written out: twice as fast (no generator; a character
    above U+00FF is not even looked for in a Latin-1 text)."""
    return ("\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text or "\x85" in text
            or "\u1680" in text or "\u2000" in text or "\u2001" in text or "\u2002" in text or "\u2003" in text
            or "\u2004" in text or "\u2005" in text or "\u2006" in text or "\u2008" in text or "\u2009" in text
            or "\u200a" in text or "\u2028" in text or "\u2029" in text or "\u205f" in text)


# ``data``: the text in UTF-8 (b"" when ASCII), where a character beyond U+07FF shows its range in its first
# byte (encoded once, shared by the checks).

#: a ")" that may end a code ``a)``: after a letter a-z, itself after no letter or digit but a bullet "o" at
#: the start of the text or after a space
_PAREN_CODE = re.compile(r"\)(?<=[a-z]\))(?<![^\Wo][a-z]\))(?<!\So[a-z]\))")


def _utf8(text: str) -> bytes:
    return b"" if text.isascii() else text.encode("utf-8", "surrogatepass")


def _may_hold_digit(text: str, data: bytes | None = None) -> bool:
    """False only when ``text`` holds no ``\\d``: no ASCII digit, and ``data`` (``text``'s or a longer
    text's) holds none of D9 DB DF E0 E1 EA EF F0, the first UTF-8 bytes of the other decimal digits (tests
    check them all)."""
    return ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text or "6" in text
            or "7" in text or "8" in text or "9" in text or _may_hold_other_digit(_utf8(text) if data is None else data))


def _may_hold_other_digit(data: bytes) -> bool:
    return (0xD9 in data or 0xDB in data or 0xDF in data or 0xE0 in data or 0xE1 in data or 0xEA in data
            or 0xEF in data or 0xF0 in data)


def _may_hold_code(text: str, data: bytes | None = None) -> bool:
    """False only when no position of ``text`` starts a code: each code holds a digit but ``a)`` (see
    _PAREN_CODE: ``devis)`` and ``action)`` are none)."""
    return _may_hold_digit(text, data) or (")" in text and _PAREN_CODE.search(text) is not None)


def _has_bullet_anywhere(text: str, data: bytes | None = None) -> bool:
    """``rncp_text._BULLET_ANYWHERE.search(text) is not None``: a regex scan of a short text, else one ``in``
    test a bullet, the private-use bullets (first UTF-8 byte EF) looked for by regex only after an EF byte."""
    if text.isascii():
        return False
    if text[0] in _BULLETS or "\uf000" <= text[0] <= "\uf0ff":  # (a list of bullets: no need to look further)
        return True
    if len(text) < _SHORT:
        return _BULLET_CHAR.search(text) is not None
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
    starts: list[int] = [] if run_starts is None else run_starts
    size = len(text)
    i = text.find("  ")
    while i >= 0:
        j = i + 2
        while j < size and text[j] == " ":
            j += 1
        out.append(j)
        starts.append(i)
        i = text.find("  ", j)
    if "\n" in text:
        i = text.find("\n")
        while i >= 0:
            out.append(i + 1)
            i = text.find("\n", i + 1)
        out = sorted(set(out))
    return out


#: a dot between two decimal digits; the literal "." first lets sre jump from dot to dot (C-speed scan)
_DOT_IN_NUMBER = re.compile(r"\.(?<=\d\.)(?=\d)")


def _two_dotted_numbers(text: str) -> bool:
    """False when ``text`` cannot hold two ``\\d.\\d`` (so no outline): much cheaper than the outline
    pattern's scan (its lookbehind is tried at every position)."""
    first = _DOT_IN_NUMBER.search(text)
    return first is not None and _DOT_IN_NUMBER.search(text, first.end()) is not None


#: what every match of rncp_text._CODE_WEAK kept by rncp_text._split_flat starts with when its code begins
#: with a letter
_WEAK_LETTER_CODE = re.compile(r" (?<=[^ \n] )[A-Z]{1,4}\.?\d")


def _upper_letters(text: str) -> bool:
    return text.isascii() and text.isalpha() and text.isupper()  # all A-Z


def _cut(text: str, codes: list[re.Match[str]], run_starts: list[int]) -> list[str]:
    """``rncp_text._texts`` less the trailing spaces of each piece, for ``codes`` at each strong position of ``text``
    (but 0, where a lead-in is cut; one line): each piece ends where the run before the next mark starts."""
    lead_in = codes[0].start() > 0
    cut = [text[m.end(): start] for m, start in zip(codes, run_starts[lead_in:])]
    cut.append(text[codes[-1].end():])
    if lead_in:
        cut.insert(0, text[: run_starts[0]])
    return cut


def _may_hold_weak_letter_code(text: str, cut: list[str], data: bytes | None) -> bool:
    """``_WEAK_LETTER_CODE.search(text) is not None`` for a text cut into ``cut`` at code marks without bullet
    (the first at 0). Its match needs a digit; one inside such a mark cannot serve (the space before its
    letters would be the end of a run of spaces, or the letters would start after a line break), so when the
    text between the marks holds no digit, there is none."""
    if not _may_hold_digit("".join(cut), data):
        return False
    return _WEAK_LETTER_CODE.search(text) is not None
