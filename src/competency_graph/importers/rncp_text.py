"""Splitting the free-text competence lists of RNCP blocs (``LISTE_COMPETENCES``) into items.

Two readers: :func:`split_outline` for lists numbered as an outline (``1.`` / ``1.1`` / ``3.1.2``), whose
numbering is kept as a hierarchy (notation + parent), and :func:`split_competences` for everything else
(codes ``A1C1.``, bullets, line breaks, runs of spaces). Pure functions: no I/O, never raise.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from itertools import repeat

from .rncp_text_scan import (  # noqa: F401 (_OTHER_SPACES: rncp_fields and the tests read it here)
    _BULLET_ANY,
    _BULLETS,
    _CODE_AFTER_RUN,
    _CODE_HEAD,
    _ODD_RUN_END,
    _OTHER_SPACES,
    _SHORT,
    _WEAK_LETTER_CODE,
    _cut,
    _has_bullet_anywhere,
    _has_other_spaces,
    _may_hold_code,
    _may_hold_weak_letter_code,
    _strong_positions,
    _two_dotted_numbers,
    _upper_letters,
    _utf8,
)

__all__ = ["split_competences", "split_list", "split_outline", "OutlineItem"]

_ODD_SPACES = "\t\u00a0\u2007\u202f\u3000\ufeff\x0b\x0c"


def _plain_spaces(text: str) -> str:
    """CRLF/CR → LF, tabs and non-breaking spaces → space (str.replace: much faster than translate)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for char in _ODD_SPACES:
        if char in text:
            text = text.replace(char, " ")
    return text


_WS = re.compile(r"\s+")
# A code that numbers an item: A1C1, A5.C1, C1, C1.2, BC01.C2, CP3, 1., 1.2, a)
_CODE = (
    r"(?:[A-Z]{1,4}\.?\d{1,3}(?:[.\-]?[A-Z]{1,4}\.?\d{1,3}|\.\d{1,3})*"  # A1C1  A5.C1  C1.2  BC01-C2
    r"(?:\s*[.):–-](?!\d)\s*|\s+(?=[A-ZÀ-ÖØ-Þ]))"  # followed by . ) : - or by a capitalised word
    r"|\d{1,2}(?:\.\d{1,2})*\s*[.)/–-](?!\d)\s*"  # 1.  1.2.  3)  4 -  5/
    r"|[a-z]\)\s*)"  # a)
)
_BULLET_LINE = r"[-–—o>*]"  # a bullet only at a line start or after a run of spaces
# Markers are looked for only at "strong" positions (start of the text, of a line, end of a run of 2+
# spaces), with anchored matches: a scan of every position of long texts with lookbehinds is slow.
_STRONG_SEP = re.compile(r"\n| {2,}")  # (splitting only: see _strong_positions)
_CODE_AT = re.compile(rf"(?:(?:{_BULLET_ANY}|{_BULLET_LINE})\s*)?(?P<code>{_CODE})")
_CODE_WEAK = re.compile(rf" (?P<code>{_CODE})")  # after a single space (checked by the caller)
_BULLET_AT = re.compile(rf"{_BULLET_ANY}\s*|[-–—>]\s*(?=\S)|[o*]\s+")
_BULLET_ANYWHERE = re.compile(rf"{_BULLET_ANY}\s*")
_DASH_WEAK = re.compile(r" [-–—] (?=[A-ZÀ-ÖØ-Þ])")
_LEADING_JUNK = _BULLETS + "".join(map(chr, range(0xF000, 0xF100))) + "-–—>* \n"
_SEMICOLON = re.compile(r" ?; +(?=[A-ZÀ-ÖØ-Þ])")
_HAS_WORD = re.compile(r"\w")


def _code_marks(text: str, positions: list[int] | None = None) -> list[re.Match[str]]:
    if positions is None:
        positions = _strong_positions(text)
    return [match for match in map(_CODE_AT.match, repeat(text), positions) if match is not None]


def _bullet_marks(text: str, positions: list[int] | None = None, anywhere: bool | None = None,
                  ) -> list[re.Match[str]]:
    """The bullets that start items: at the strong positions, and bullets of ``_BULLET_ANY`` after a space;
    ``anywhere``: ``_has_bullet_anywhere(text)`` when the caller knows it."""
    if positions is None and "  " not in text and "\n" not in text:  # fast path: one line, no run of spaces
        first = _BULLET_AT.match(text)
        found = {0: first} if first is not None else {}
        if not _has_bullet_anywhere(text):
            return list(found.values())
        positions = []
    else:
        if positions is None:
            positions = _strong_positions(text)
        at = [match for match in map(_BULLET_AT.match, repeat(text), positions) if match is not None]
        if not (_has_bullet_anywhere(text) if anywhere is None else anywhere):  # the common case
            return at
        found = {match.start(): match for match in at}
    for match in _BULLET_ANYWHERE.finditer(text):
        start = match.start()
        if start not in found and (start == 0 or text[start - 1].isspace()):
            found[start] = match
    return [found[k] for k in sorted(found)]


@functools.lru_cache(maxsize=4096)
def _shape(code: str) -> str:
    """``A1C2.`` → ``A9A9``: the pattern of a code, to recognise its siblings."""
    code = re.sub(r"[\s.):–-]+$", "", code)
    return re.sub(r"\d+", "9", re.sub(r"[A-Z]+", "A", code))


def _clean_item(text: str, plain: bool = False) -> str:
    """``plain``: ``text`` comes from a list holding no space character but " " and "\n" (``_OTHER_SPACES``
    absent, the others replaced by :func:`_plain_spaces`): then a piece without "\n" is what
    ``" ".join(text.split())`` gives once its runs of spaces are cut out (fewer pieces to make), or, without
    "  ", its trailing spaces."""
    if not text[:1].isalnum():  # else nothing to strip (an alphanumeric is no junk)
        text = text.lstrip(_LEADING_JUNK)
    if plain and "\n" not in text:
        text = " ".join(filter(None, map(str.strip, text.split("  ")))) if "  " in text else text.rstrip(" ")
    else:
        text = " ".join(text.split())
    if text[-1:] not in " ;,.":  # nothing to trim (the common case); "" goes through the loop
        return text
    while True:
        text = text.rstrip(" ;,")
        if text.endswith(".") and not text.endswith(("..", "etc.", " .")):
            text = text[:-1]
            continue
        return text.rstrip(" ;,")


def _drop_trailing_heading(text: str) -> str:
    """``Y  Compétences transversales :`` → ``Y``: a heading glued to the end of the previous item."""
    text = text.rstrip()
    if not text.endswith(":"):
        return text
    parts = _STRONG_SEP.split(text)
    if len(parts) > 1 and len(parts[-1].split()) <= 12:
        return text[: len(text) - len(parts[-1])]
    return text


def _pieces(text: str, marks: list[re.Match[str]]) -> list[tuple[str | None, str]]:
    """Cut ``text`` at the markers: ``(marker text or None for the lead-in, piece)``."""
    out: list[tuple[str | None, str]] = []
    if not marks or marks[0].start() > 0:
        out.append((None, text[: marks[0].start()] if marks else text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.append((mark.group(0).strip()[:1], text[mark.end(): end]))
    return out


def _texts(text: str, marks: list[re.Match[str]]) -> list[str]:
    """The pieces of :func:`_pieces` without their markers (the lead-in first, when there is one)."""
    if not marks:
        return [text]
    starts = [m.start() for m in marks]
    starts.append(len(text))
    out = [text[m.end(): end] for m, end in zip(marks, starts[1:])]
    if starts[0] > 0:
        out.insert(0, text[: starts[0]])
    return out


def _split_lines(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split on line breaks (or runs of spaces); a piece that does not start like a sentence continues the
    previous one."""
    out: list[str] = []
    for piece in separator.split(text):
        piece = piece.strip()
        if not piece:
            continue
        first = piece[0]
        if out and (not (first.isupper() or first.isdigit() or first in "«\"(") or out[-1].rstrip().endswith(
                (",", "(", "'", "’", "-", "/", "&"))):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def split_competences(text: str | None) -> list[str]:
    """Split the free text of ``LISTE_COMPETENCES`` into competency labels.

    Items are numbered (``A1C1.``, ``A5.C1.``, ``C1.``, ``1.``, ``a)``), bulleted (``*``, ``-``, ``•``,
    ``o``, ``▪``…) or only separated by line breaks or runs of spaces (the export flattens line breaks into
    spaces). Numbering wins over bullets (bullets inside a numbered item are its details, joined with
    `` ; ``); a lead-in ending with ``:`` is dropped; an item ending with ``:`` followed by items of another
    bullet is joined with them; codes and bullets are removed, whitespace collapsed, exact duplicates
    dropped. Never raises.
    """
    outline, items = split_list(text)
    if outline is not None:
        return [label for _num, label, _parent in outline]
    return items


def split_list(text: str | None) -> tuple[list[OutlineItem] | None, list[str]]:
    """``(outline, [])`` when :func:`split_outline` finds an outline, else ``(None, split_competences(text))``:
    both readings from one pass over the text (the importer needs to know which one applied)."""
    if not text:
        return None, []
    text = _plain_spaces(text)
    outline = _outline(text)
    if outline is not None:
        return outline, []
    return None, _split_flat(text)


def _split_flat(text: str) -> list[str]:
    """:func:`split_competences` of a text already through :func:`_plain_spaces` that is no outline.

    Fast paths, each taken only where it gives what the general reading gives (the golden tests compare the
    two on the sample and on random texts): the pre-checks of :mod:`.rncp_text_scan` skip a regex pass that
    cannot match; a dashed list ``- a  - b`` is cut by ``str.split``; a one-line list with a mark at each
    strong position ("bare") has pieces without runs of spaces, which need no cleaning when they end with
    a letter or digit.
    """
    if "\n" in text:
        text = "\n".join(line for line in (raw.strip(" ") for raw in text.split("\n")) if line)
    text = text.strip()
    if not text:
        return []

    items: list[str]
    plain = not _has_other_spaces(text)
    data = _utf8(text) if len(text) >= _SHORT else None  # (else encoded by the checks that need it)
    anywhere = _has_bullet_anywhere(text, data) if data is not None else _BULLET_ANYWHERE.search(text) is not None
    may_code = None  # _may_hold_code(text), when asked
    if (not anywhere and plain and text.startswith("- ") and text[2] != " " and "\n" not in text
            and "  - " in text and _ODD_RUN_END.search(text) is None
            and (not (may_code := _may_hold_code(text, data))
                 or _CODE_AFTER_RUN.search(text) is None and _CODE_HEAD.match(text) is None)):
        # "- a  - b  - c": the marks are "- " at 0 and "-" and its spaces after each "  - " (see
        # _ODD_RUN_END), so the pieces are those of str.split but for spaces at their ends (which
        # _bullet_items strips: it reads piece.rstrip() and piece.lstrip() only)
        fast = _bullet_items(text[2:].split("  - "), plain)
        if fast is not None:
            return fast
    run_starts: list[int] = []
    positions = _strong_positions(text, run_starts)
    if len(positions) > 4 and not (_may_hold_code(text, data) if may_code is None else may_code):
        codes = []  # (a check that pays for itself from five positions on)
    else:
        codes = _code_marks(text, positions)
    # One line, no odd space, no bullet anywhere and a mark at every strong position (the end of each run of
    # spaces): then no piece between two marks holds a run of spaces (its end would be a mark in between)
    bare = plain and not anywhere and "\n" not in text
    starts_with_code = bool(codes) and codes[0].start() == 0
    if len(codes) >= 2 or starts_with_code:
        bare = bare and len(codes) == len(positions) - (codes[0].start() > 0)  # a mark at each position but 0
        cut, extended = None, False  # the pieces, once the marks are known
        if starts_with_code:  # "A1C1. x A1C2. y" with single spaces: accept siblings of the same shape
            shapes = None
            # Letter codes only (shapes A9A9…): a sibling needs " A1" after a non-space; most lists have none.
            # Marks whose first characters are all A-Z have no bullet: see _may_hold_weak_letter_code
            if len(codes) > 1 and len(text) >= _SHORT and _upper_letters("".join([text[m.start()] for m in codes])):
                cut = _cut(text, codes, run_starts) if bare else _texts(text, codes)
                if _may_hold_weak_letter_code(text, cut, data):
                    shapes = {_shape(m.group("code")) for m in codes}
            else:
                shapes = {_shape(m.group("code")) for m in codes}
                if all(shape[:1] == "A" for shape in shapes) and _WEAK_LETTER_CODE.search(text) is None:
                    shapes = None
            if shapes is not None:
                codes += [m for m in _CODE_WEAK.finditer(text)
                          if text[m.start() - 1] not in " \n" and _shape(m.group("code")) in shapes]
                codes.sort(key=lambda m: m.start())
                cut, extended = None, True
        trimmed = bare and not extended  # pieces of _cut
        if cut is None:
            cut = _cut(text, codes, run_starts) if trimmed else _texts(text, codes)
        if len(codes) >= 2:
            items = []
            checked = 0  # items known non-empty and starting with a letter or digit
            if codes[0].start() > 0 and cut[0].rstrip().endswith(":"):
                del cut[0]  # lead-in
            for piece in cut if trimmed else map(str.rstrip, cut):  # as _drop_trailing_heading begins
                if (bare and piece[-1:] not in " ;,.:" and piece[:1].isalnum()
                        and (piece[0] != "o" or not piece[1:2].isspace())):
                    items.append(piece)  # no heading, bullet ("o "), run of spaces nor end to trim: the item
                    checked += 1
                    continue
                if piece.endswith(":"):
                    piece = _drop_trailing_heading(piece)
                if anywhere or "  " in piece or "\n" in piece or piece[:1] in "-–—>o*":  # else _BULLET_AT
                    inner = _bullet_marks(piece)  # cannot match (no bullet anywhere): the fast path's answer
                else:
                    inner = []
                if not inner:  # no bullet inside the item (the common case): the item is the piece
                    sub = _clean_item(piece, plain)
                    if sub:
                        items.append(sub)
                    continue
                subs = [_clean_item(p) for p in _texts(piece, inner)]
                subs = [s for s in subs if s]
                if subs:
                    joined = subs[0]
                    for sub in subs[1:]:
                        joined += (" " if joined.endswith(":") else " ; ") + sub
                    items.append(joined)
            return list(dict.fromkeys(items)) if checked == len(items) else _finish(items, clean=False)

    bullets = _bullet_marks(text, positions, anywhere)
    if bare and bullets:  # a mark at each strong position but 0
        bare = len(bullets) == len(positions) - (bullets[0].start() > 0)
    if len(bullets) == 1 and bullets[0].start() == 0 and text.startswith(("- ", "– ")):
        # a dashed list flattened with single spaces
        bullets += [m for m in _DASH_WEAK.finditer(text) if not text[m.start() - 1].isspace()]
    if bullets:
        fast = _bullet_items(_texts(text, bullets), plain, bare)
        if fast is not None:
            return fast
        pieces = [(m, _drop_trailing_heading(p)) for m, p in _pieces(text, bullets)]
        pieces = [(m, p.strip()) for m, p in pieces if p[:1].isalnum() or _HAS_WORD.search(p)]
        items = []
        i = 0
        while i < len(pieces):
            marker, piece = pieces[i]
            if piece.endswith(":"):
                if marker is None:  # lead-in
                    i += 1
                    continue
                j = i + 1
                subs = []
                while j < len(pieces) and pieces[j][0] not in (marker, None):
                    subs.append(_clean_item(pieces[j][1]))
                    j += 1
                subs = [s for s in subs if s]
                if subs:
                    items.append(_clean_item(piece) + " " + " ; ".join(subs))
                i = j  # a heading followed by items of its own bullet: dropped
                continue
            items.append(piece)
            i += 1
        return _finish(items)

    if "\n" in text:
        return _finish(_split_lines(text, re.compile(r"\n+")))
    if "  " in text:
        return _finish(_split_lines(text, re.compile(r" {2,}")))
    if starts_with_code:  # one numbered item
        text = text[codes[0].end():]
    if _SEMICOLON.search(text):  # "Analyser le besoin ; Proposer une solution"
        return _finish(_SEMICOLON.split(text))
    return _finish([text])


def _bullet_items(cut: list[str], plain: bool = False, bare: bool = False) -> list[str] | None:
    """The bulleted branch of :func:`_split_flat` in one loop when no piece ends with ``:`` (no lead-in, no
    heading: then every piece is an item), else None (the general loop decides). ``bare``: no piece holds a
    run of spaces, a line break nor an odd space (see :func:`_split_flat`)."""
    out: list[str] = []
    for piece in cut:
        piece = piece.rstrip()  # what _drop_trailing_heading does to a piece not ending with ":"
        if (piece[-1:] not in " ;,.:" and piece[:1].isalnum()
                and (bare or plain and "  " not in piece and "\n" not in piece)):  # _clean_item has nothing to do
            out.append(piece)
            continue
        if piece.endswith(":"):
            return None
        if piece[:1].isalnum() or _HAS_WORD.search(piece):
            item = _clean_item(piece.lstrip(), plain)
            if item and (item[0].isalnum() or _HAS_WORD.search(item)):
                out.append(item)
    return list(dict.fromkeys(out))  # without duplicates, in order


def _finish(items: Iterable[str], clean: bool = True) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if clean:
            item = _clean_item(item)
        if item and item not in seen and (item[0].isalnum() or _HAS_WORD.search(item)):
            seen.add(item)
            out.append(item)
    return out



# ---------------------------------------------------------------------------------------------------------
# Outline numbering kept as a hierarchy
# ---------------------------------------------------------------------------------------------------------

#: ``1.``, ``1)``, ``1.1``, ``3.1.2``, ``3.1.2.``, followed by a capitalised word; not inside a number.
_OUTLINE = re.compile(
    r"(?<![\w.,/])(?P<num>\d{1,2}(?:\.\d{1,2}){1,3}|\d{1,2}(?=[.)]))[.)]?[ \t]+(?=[A-ZÀ-ÖØ-Þ«\"(])")

OutlineItem = tuple[str, str, "str | None"]  # (notation, label, parent notation)


def split_outline(text: str | None) -> list[OutlineItem] | None:
    """``[(notation, label, parent notation or None)]`` when ``text`` is an outline with at least two
    multi-level numbers (``1.1``, ``3.1.2``), else None. A parent is the nearest numbered ancestor present
    (``3`` for ``3.1.2`` when ``3.1`` is absent). A lead-in before the first number is dropped.

    >>> split_outline("1. Piloter 1.1 Définir les objectifs 1.2 Planifier")
    [('1', 'Piloter', None), ('1.1', 'Définir les objectifs', '1'), ('1.2', 'Planifier', '1')]
    """
    if not text:
        return None
    return _outline(_plain_spaces(text))


def _outline(text: str) -> list[OutlineItem] | None:
    """:func:`split_outline` of a text already through :func:`_plain_spaces`."""
    if not _two_dotted_numbers(text):
        return None
    marks = list(_OUTLINE.finditer(text))
    if sum(1 for m in marks if "." in m.group("num")) < 2:
        return None
    out: list[OutlineItem] = []
    seen: set[str] = set()
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        piece = _drop_trailing_heading(text[mark.end(): end])
        subs = [_clean_item(p) for p in _texts(piece, _bullet_marks(piece))]
        subs = [s for s in subs if s]
        num = mark.group("num")
        if not subs or num in seen:
            continue
        seen.add(num)
        parent = None
        parts = num.split(".")
        for depth in range(len(parts) - 1, 0, -1):
            candidate = ".".join(parts[:depth])
            if candidate in seen:
                parent = candidate
                break
        out.append((num, " ; ".join(subs), parent))
    return out if len(out) >= 2 else None

