"""RNCP / RS fiches → the certification model: errors, field helpers and the mapping shared by the XML
(:mod:`.rncp_xml`, :mod:`.rncp_map`) and CSV (:mod:`.rncp_csv`) readers. Compiled with mypyc when the install
could (``setup.py``): no model class here, the validation is in :mod:`.rncp_valid`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..messages import t
from .rncp_text import _plain_spaces, split_list
from .rncp_text_scan import _OTHER_SPACES, _has_other_spaces  # noqa: F401 (checked by tests)

Progress = Callable[[int, int], None]

OUTPUT_NAME = "rncp.json"
HEADER_ID = "rncp-import"
FICHE_URL = "https://www.francecompetences.fr/recherche/{register}/{number}/"
DATASET_URL = (
    "https://www.data.gouv.fr/fr/datasets/"
    "repertoire-national-des-certifications-professionnelles-et-repertoire-specifique/"
)
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab) — données France compétences"
_PROGRESS_EVERY = 1 << 20  # report progress at most once per MiB read
_CSV_PROGRESS_EVERY = 2000  # CSV: report progress every 2,000 lines of the Standard table


class RncpImportError(Exception):
    """The RNCP export cannot be imported. ``str()`` is a French message naming the file (and line)."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        if path is None:
            super().__init__(message)
            return
        where = Path(path).name if line is None else t("import.error.at_line", file=Path(path).name, line=line)
        super().__init__(t("import.error.where", where=where, message=message))


_FICHE_RE = re.compile(r"(?:RNCP|RS)\d+\Z")  # RS: Répertoire spécifique (CléA = an RS fiche)
_ROME_RE = re.compile(r"[A-Z]\d{4}\Z")
_BLOC_RE = re.compile(r"(?:RNCP|RS)\d+BC\d+\Z")
_DIGITS = re.compile(r"\d+")
_NOT_DIGIT = re.compile(r"\D")
_FORMACODE = re.compile(r"\s*\d{5}\s*")
_BC_NUMBER = re.compile(r"BC(\d+)\Z")
_DATE_IN_NAME = re.compile(r"(20\d\d)[-_](\d\d)[-_](\d\d)")
_YES = {"oui", "o", "yes", "y", "true", "vrai", "1", "active", "actif", "x"}
_NO = {"non", "n", "no", "false", "faux", "0", "inactive", "inactif"}


def _norm_fiche(value: str | None) -> str | None:
    """``RNCP 1234`` / ``rncp1234`` / ``1234`` → ``RNCP1234``, ``RS 6232`` → ``RS6232``; else None."""
    if not value:
        return None
    value = "".join(value.split()).upper()  # = _WS.sub("", …): str.split() and \s agree
    if value.isdigit():
        value = "RNCP" + value
    return value if _FICHE_RE.match(value) else None


def _yes_no(value: str | None) -> bool | None:
    if value is None:
        return None
    value = value.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def _level(value: str | None) -> int | None:
    if not value:
        return None
    match = _DIGITS.search(value)
    if match is None:
        return None
    level = int(match.group())
    return level if 1 <= level <= 8 else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    value = value.strip()
    day = value[:10]
    if len(day) == 10 and day[2] == day[5] == "/" and day.isascii():  # dd/mm/yyyy, the export's: no strptime
        d, m, y = day[:2], day[3:5], day[6:]
        if d.isdigit() and m.isdigit() and y.isdigit():
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                pass  # what strptime says below
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    return None


def _paragraphs(value: str | None) -> str | None:
    """Free text: runs of 3+ spaces (flattened line breaks) or holding a line break become one line break,
    other whitespace runs one space; lines stripped, empty ones dropped (tabs, NBSP… count as spaces, CR as
    a line break: :func:`_plain_spaces`).

    The frozen reference cut each line (``split("\\n")``) at ``"   "`` and kept ``" ".join(part.split())``
    of each non-empty part, in a Python loop. Here the same parts come from C-level passes only:

    - ``"\\n"`` → ``"   "`` first: a whitespace run then holds ``"   "`` exactly when it held a line break or
      three spaces, so ``split("   ")`` cuts between the same words (the extra spaces only land in parts
      that are stripped or dropped);
    - without any space but " " (:func:`_has_other_spaces`), one ``split("  ")`` cuts at every run of two
      spaces or more; the piece after a cut is empty (a run of 4+) or starts with a space (a run of 3 or
      5+) exactly when that run held three spaces in a row: a line break there, one space at the other cuts
      (the pieces hold single spaces only, one at most at their start); with other spaces, ``map`` runs the
      reference's very expression. One pass over the text where ``split("   ")``, a join and a
      ``"  "`` → ``" "`` replace made four (11,160 bench calls: 8.3 µs for the reference's loop).
    """
    if not value:
        return None
    value = _plain_spaces(value)
    if "\n" in value:
        value = value.replace("\n", "   ")
    if _has_other_spaces(value):
        return "\n".join(filter(None, map(" ".join, map(str.split, value.split("   "))))) or None
    lines: list[str] = []
    words: list[str] = []
    parts = value.split("  ")
    for i, part in enumerate(parts):
        if i and (not part or part[0] == " ") and words:  # a run of 3+ spaces ends here: a line break
            lines.append(" ".join(words))
            words = []
        part = part.strip()
        if part:
            words.append(part)
    if words:
        lines.append(" ".join(words))
    return "\n".join(lines) or None


def _rome(codes: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for code in codes:
        code = "".join((code or "").split()).upper()
        if _ROME_RE.match(code) and f"rome:{code}" not in out:
            out.append(f"rome:{code}")
    return out


def _unique(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = " ".join((value or "").split())
        if value and value not in out:
            out.append(value)
    return out


def _clean(value: str | None) -> str | None:
    return " ".join((value or "").split()) or None


def _certifier(name: str | None, siret: str | None, status: str | None) -> dict[str, Any] | None:
    name = _clean(name)
    if not name:
        return None
    digits = _NOT_DIGIT.sub("", siret or "")
    entry: dict[str, Any] = {"name": name}  # fields at their default (None) left out, as in the output
    if len(digits) == 14:
        entry["siret"] = digits
    status = _clean(status)
    if status is not None:
        entry["status"] = status
    return entry


def _formacodes(values: Iterable[str | None]) -> list[str]:
    return _unique(v for v in values if v and _FORMACODE.fullmatch(v))


def _fiche_ids(values: Iterable[str | None], own: str) -> list[str]:
    out: list[str] = []
    for value in values:
        number = _norm_fiche(value)
        if number and number != own and f"rncp:{number}" not in out:
            out.append(f"rncp:{number}")
    return out


def _bloc_id(number: str, code: str | None, index: int, taken: set[str]) -> str:
    """``rncp:<code>`` when the code is this fiche's ``RNCP<n>BCnn``, else one minted from its position."""
    code = "".join((code or "").split()).upper()
    local = code if _BLOC_RE.match(code) and code.startswith(number + "BC") else None
    if local is None:
        match = _BC_NUMBER.search(code)
        local = f"{number}BC{int(match.group(1)):02d}" if match else f"{number}BC{index:02d}"
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}-{n}"
    taken.add(candidate)
    return f"rncp:{candidate}"


def _bloc(number: str, index: int, code: str | None, label: str | None, competences: str | None,
          evaluation: str | None, taken: set[str], split: bool = True,
          equivalences: Iterable[str | None] = ()) -> dict[str, Any]:
    bloc_id = _bloc_id(number, code, index, taken)
    label = " ".join((label or "").split()) or f"Bloc de compétences {bloc_id.split(':', 1)[1]}"
    bloc: dict[str, Any] = {"id": bloc_id, "label": label, "provenance": "imported"}
    if split:
        outline, items = split_list(competences)
        if outline is not None:  # "1.1 / 3.1.2": the numbering is kept as a hierarchy
            ids = {num: f"{bloc_id}/C{i}" for i, (num, _label, _parent) in enumerate(outline, 1)}
            bloc["competencies"] = [  # the model's field order (broader before notation): also the output's
                {"id": ids[num], "label": item, "provenance": "imported", "broader": ids[parent], "notation": num}
                if parent else {"id": ids[num], "label": item, "provenance": "imported", "notation": num}
                for num, item, parent in outline]
        elif items:  # an empty list is the model's default: left out
            bloc["competencies"] = [
                {"id": f"{bloc_id}/C{i}", "label": item, "provenance": "imported"}
                for i, item in enumerate(items, 1)
            ]
    evaluation = _paragraphs(evaluation)
    if evaluation:
        bloc["evaluation"] = evaluation
    same = _equivalences(equivalences, bloc_id)
    if same:
        bloc["equivalences"] = same
    return bloc


def repertoire(number: str) -> str:
    """``RS`` for a Répertoire spécifique fiche (``RS6232``), else ``RNCP``."""
    return "RS" if number.startswith("RS") else "RNCP"


def _source(number: str, title: str, date: dt.date | None) -> dict[str, Any]:
    register = repertoire(number)
    url = FICHE_URL.format(register=register.lower(), number=number[len(register):])
    return {"title": title, "url": url, "date": date} if date is not None else {"title": title, "url": url}


_BLOC_CODE_IN_TEXT = re.compile(r"(?:RNCP|RS)\d+BC\d+")


def _equivalences(texts: Iterable[str | None], own: str) -> list[str]:
    """Bloc codes named in a bloc's correspondence / equivalence fields, other than the bloc itself."""
    out: list[str] = []
    for text in texts:
        for code in _BLOC_CODE_IN_TEXT.findall("".join((text or "").split()).upper()):
            if f"rncp:{code}" != own and f"rncp:{code}" not in out:
                out.append(f"rncp:{code}")
    return out


def _export_date(path: Path) -> dt.date:
    """The export's date, from its name (``…_2025_09_01.xml``), else the file's modification date."""
    match = _DATE_IN_NAME.search(path.name)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    return dt.date.fromtimestamp(path.stat().st_mtime)


def _source_title(path: Path, kind: str) -> str:
    return f"France compétences — export RNCP/RS {kind} ({path.name})"
