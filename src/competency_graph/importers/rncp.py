"""Import of France compétences' RNCP export (XML v4.1, or the CSV tables) as a ``certification-register``.

XML v4.1 (``export_fiches_RNCP_V4_1_<date>.xml``, ≈570 MB, ≈25,600 fiches) is read **streaming**, in chunks
of 256 KiB, by defusedxml's parser (DTDs refused, hence no entity declaration: no billion laughs, no external
entity; external references refused) whose expat handlers are wired straight to the C ``TreeBuilder`` (no
Python code per element; ≈2× the throughput of ``defusedxml.ElementTree.iterparse``). After each chunk the
complete ``<FICHE>`` children of the root are turned into :class:`Certification` objects, cleared and
deleted from the root, so memory stays flat whatever the file size. A ``.zip`` holding the XML is read
without unzipping it.

==================================================  ======================================================
XML                                                 model
==================================================  ======================================================
``NUMERO_FICHE`` (``RNCP34762``)                    ``id`` ``rncp:RNCP34762`` (required)
``INTITULE``                                        ``label`` (required)
``ABREGE/CODE`` (CAP, BTS, TP…)                     ``abbrev``
``NOMENCLATURE_EUROPE/NIVEAU`` (``NIV3``)           ``level`` 3
``CODES_ROME/ROME/CODE``                            ``rome`` ``rome:M1202``
``CODES_NSF/NSF/CODE``                              ``nsf``
``CERTIFICATEURS/CERTIFICATEUR/NOM_CERTIFICATEUR``  ``certifiers``
``SI_JURY_VAE/ACTIF`` (Oui/Non)                     ``vae_open``
``VALIDATION_PARTIELLE``                            ``partial_validation``; when absent (the v4.1 sample
                                                    has none): true when the fiche has blocs, which are
                                                    validable separately (Code du travail L6113-1)
``ACTIF`` (direct child of ``FICHE``)               ``active``
``PREREQUIS_ENTREE_FORMATION``                      ``entry_requirements``
``DATE_FIN_ENREGISTREMENT`` (dd/mm/yyyy)            ``end_date``
``ANCIENNES_/NOUVELLES_CERTIFICATIONS``             ``replaces`` / ``replaced_by``
``BLOCS_COMPETENCES/BLOC_COMPETENCES``              ``blocs``: ``CODE`` → ``rncp:RNCP34762BC01``,
                                                    ``LIBELLE`` → label, ``MODALITES_EVALUATION`` →
                                                    ``evaluation``, ``LISTE_COMPETENCES`` split by
                                                    :func:`split_competences` → competencies
                                                    ``rncp:RNCP34762BC01/C1``, ``/C2``…
==================================================  ======================================================

Formacodes are not imported: the model has no field for them yet.

The CSV export (``export_fiches_CSV_<Table>_<date>.csv``, ``;``-separated, joined on ``Numero_Fiche``) has
no competence lists: tables ``Standard`` (required), ``Blocs_De_Compétences``, ``Rome``, ``Nsf``,
``Certificateurs``, ``Ancienne_Nouvelle_Certification`` and ``VoixdAccès`` (``Si_Jury`` = ``Par expérience``
→ VAE) are read; RS fiches are skipped. Re-importing the CSV over an XML import keeps the competence lists,
evaluation and prerequisites the CSV does not carry.

:func:`import_rncp` writes ``rncp.json`` (a :class:`ReferentialFile`) one certification per line, merging
with the previous file by id (a new version of a fiche replaces the old one), through a temporary file
renamed at the end: any error raises :class:`RncpImportError` (French message naming the file and line) and
leaves the previous file untouched.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from pydantic import ValidationError

from ..model import Certification, Header, ReferentialFile, Source

__all__ = [
    "RncpImportError",
    "split_competences",
    "iter_rncp_xml",
    "iter_rncp_csv",
    "import_rncp",
    "OUTPUT_NAME",
]

Progress = Callable[[int, int], None]

OUTPUT_NAME = "rncp.json"
HEADER_ID = "rncp-import"
FICHE_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"
DATASET_URL = (
    "https://www.data.gouv.fr/fr/datasets/"
    "repertoire-national-des-certifications-professionnelles-et-repertoire-specifique/"
)
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab) — données France compétences"
_PROGRESS_EVERY = 1 << 20  # report progress at most once per MiB read
_CSV_PROGRESS_EVERY = 2000  # CSV: report progress every 2,000 lines of the Standard table
_MAX_SOURCES = 10  # header sources kept across re-imports


class RncpImportError(Exception):
    """The RNCP export cannot be imported. ``str()`` is a French message naming the file (and line)."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        where = ""
        if path is not None:
            where = f"{Path(path).name}"
            if line is not None:
                where += f", ligne {line}"
            where += " : "
        super().__init__(f"{where}{message}")


# ---------------------------------------------------------------------------------------------------------
# Splitting the free-text competence lists
# ---------------------------------------------------------------------------------------------------------

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
_BULLETS = "•▪◦‣►▸➢➤➔→✓✔■□●○·❖♦◆"  # a bullet wherever it stands
_BULLET_ANY = f"[{_BULLETS}\uf000-\uf0ff]"  # + Word's symbol-font bullets (private use area)
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


def _strong_positions(text: str) -> list[int]:
    """0, and the end of every line break or run of 2+ spaces (str.find: a regex scan is 3× slower)."""
    out = [0]
    find = text.find
    size = len(text)
    i = find("  ")
    while i >= 0:
        j = i + 2
        while j < size and text[j] == " ":
            j += 1
        out.append(j)
        i = find("  ", j)
    if "\n" in text:
        i = find("\n")
        while i >= 0:
            out.append(i + 1)
            i = find("\n", i + 1)
        out = sorted(set(out))
    return out


def _code_marks(text: str) -> list[re.Match[str]]:
    marks = []
    for pos in _strong_positions(text):
        match = _CODE_AT.match(text, pos)
        if match is not None:
            marks.append(match)
    return marks


def _bullet_marks(text: str) -> list[re.Match[str]]:
    if "  " not in text and "\n" not in text:  # fast path: one line, no run of spaces
        first = _BULLET_AT.match(text)
        found = {0: first} if first is not None else {}
        if _BULLET_ANYWHERE.search(text) is None:
            return list(found.values())
        positions: list[int] = []
    else:
        found = {}
        positions = _strong_positions(text)
    for pos in positions:
        match = _BULLET_AT.match(text, pos)
        if match is not None:
            found[pos] = match
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


def _clean_item(text: str) -> str:
    text = " ".join(text.lstrip(_LEADING_JUNK).split())
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
    if not text:
        return []
    text = _plain_spaces(text)
    if "\n" in text:
        text = "\n".join(line for line in (raw.strip(" ") for raw in text.split("\n")) if line)
    text = text.strip()
    if not text:
        return []

    items: list[str]
    codes = _code_marks(text)
    starts_with_code = bool(codes) and codes[0].start() == 0
    if len(codes) >= 2 or starts_with_code:
        if starts_with_code:  # "A1C1. x A1C2. y" with single spaces: accept siblings of the same shape
            shapes = {_shape(m.group("code")) for m in codes}
            codes += [m for m in _CODE_WEAK.finditer(text)
                      if text[m.start() - 1] not in " \n" and _shape(m.group("code")) in shapes]
            codes.sort(key=lambda m: m.start())
        if len(codes) >= 2:
            items = []
            for marker, piece in _pieces(text, codes):
                if marker is None and piece.rstrip().endswith(":"):
                    continue  # lead-in
                piece = _drop_trailing_heading(piece)
                subs = [_clean_item(p) for _, p in _pieces(piece, _bullet_marks(piece))]
                subs = [s for s in subs if s]
                if subs:
                    joined = subs[0]
                    for sub in subs[1:]:
                        joined += (" " if joined.endswith(":") else " ; ") + sub
                    items.append(joined)
            return _finish(items, clean=False)

    bullets = _bullet_marks(text)
    if len(bullets) == 1 and bullets[0].start() == 0 and text.startswith(("- ", "– ")):
        # a dashed list flattened with single spaces
        bullets += [m for m in _DASH_WEAK.finditer(text) if not text[m.start() - 1].isspace()]
    if bullets:
        pieces = [(m, _drop_trailing_heading(p)) for m, p in _pieces(text, bullets)]
        pieces = [(m, p.strip()) for m, p in pieces if _HAS_WORD.search(p)]
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


def _finish(items: Iterable[str], clean: bool = True) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if clean:
            item = _clean_item(item)
        if item and item not in seen and _HAS_WORD.search(item):
            seen.add(item)
            out.append(item)
    return out


# ---------------------------------------------------------------------------------------------------------
# Field helpers shared by the XML and CSV readers
# ---------------------------------------------------------------------------------------------------------

_FICHE_RE = re.compile(r"RNCP\d+\Z")
_ROME_RE = re.compile(r"[A-Z]\d{4}\Z")
_BLOC_RE = re.compile(r"RNCP\d+BC\d+\Z")
_DATE_IN_NAME = re.compile(r"(20\d\d)[-_](\d\d)[-_](\d\d)")
_YES = {"oui", "o", "yes", "y", "true", "vrai", "1", "active", "actif", "x"}
_NO = {"non", "n", "no", "false", "faux", "0", "inactive", "inactif"}


def _norm_fiche(value: str | None) -> str | None:
    """``RNCP 1234`` / ``rncp1234`` / ``1234`` → ``RNCP1234``; anything else → None."""
    if not value:
        return None
    value = _WS.sub("", value).upper()
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
    match = re.search(r"\d+", value)
    if match is None:
        return None
    level = int(match.group())
    return level if 1 <= level <= 8 else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    return None


def _paragraphs(value: str | None) -> str | None:
    """Free text: runs of 3+ spaces (flattened line breaks) become line breaks, other runs one space."""
    if not value:
        return None
    value = _plain_spaces(value)
    lines = []
    for line in value.split("\n"):
        for part in line.split("   ") if "   " in line else (line,):
            part = " ".join(part.split())
            if part:
                lines.append(part)
    return "\n".join(lines) or None


def _rome(codes: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for code in codes:
        code = _WS.sub("", code or "").upper()
        if _ROME_RE.match(code) and f"rome:{code}" not in out:
            out.append(f"rome:{code}")
    return out


def _unique(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = _WS.sub(" ", value or "").strip()
        if value and value not in out:
            out.append(value)
    return out


def _clean(value: str | None) -> str | None:
    return _WS.sub(" ", value or "").strip() or None


def _certifier(name: str | None, siret: str | None, status: str | None) -> dict[str, Any] | None:
    name = _clean(name)
    if not name:
        return None
    digits = re.sub(r"\D", "", siret or "")
    return {"name": name, "siret": digits if len(digits) == 14 else None, "status": _clean(status)}


def _formacodes(values: Iterable[str | None]) -> list[str]:
    return _unique(v for v in values if v and re.fullmatch(r"\s*\d{5}\s*", v))


def _fiche_ids(values: Iterable[str | None], own: str) -> list[str]:
    out: list[str] = []
    for value in values:
        number = _norm_fiche(value)
        if number and number != own and f"rncp:{number}" not in out:
            out.append(f"rncp:{number}")
    return out


def _bloc_id(number: str, code: str | None, index: int, taken: set[str]) -> str:
    """``rncp:<code>`` when the code is this fiche's ``RNCP<n>BCnn``, else one minted from its position."""
    code = _WS.sub("", code or "").upper()
    local = code if _BLOC_RE.match(code) and code.startswith(number + "BC") else None
    if local is None:
        match = re.search(r"BC(\d+)\Z", code)
        local = f"{number}BC{int(match.group(1)):02d}" if match else f"{number}BC{index:02d}"
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}-{n}"
    taken.add(candidate)
    return f"rncp:{candidate}"


def _bloc(number: str, index: int, code: str | None, label: str | None, competences: str | None,
          evaluation: str | None, taken: set[str], split: bool = True) -> dict[str, Any]:
    bloc_id = _bloc_id(number, code, index, taken)
    label = _WS.sub(" ", label or "").strip() or f"Bloc de compétences {bloc_id.split(':', 1)[1]}"
    bloc: dict[str, Any] = {"id": bloc_id, "label": label, "provenance": "imported"}
    if split:
        bloc["competencies"] = [
            {"id": f"{bloc_id}/C{i}", "label": item, "provenance": "imported"}
            for i, item in enumerate(split_competences(competences), 1)
        ]
    evaluation = _paragraphs(evaluation)
    if evaluation:
        bloc["evaluation"] = evaluation
    return bloc


def _source(number: str, title: str, date: dt.date | None) -> dict[str, Any]:
    return {"title": title, "url": FICHE_URL.format(number=number[4:]), "date": date}


def _export_date(path: Path) -> dt.date:
    """The export's date, from its name (``…_2025_09_01.xml``), else the file's modification date."""
    match = _DATE_IN_NAME.search(path.name)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    return dt.date.fromtimestamp(path.stat().st_mtime)


# ---------------------------------------------------------------------------------------------------------
# XML v4.1
# ---------------------------------------------------------------------------------------------------------

_EXPAT_FR = {
    "no element found": "fin de fichier inattendue (fichier tronqué ?)",
    "unclosed token": "élément non refermé (fichier tronqué ?)",
    "mismatched tag": "balise fermante qui ne correspond pas à la balise ouverte",
    "not well-formed (invalid token)": "XML mal formé (caractère ou balise invalide)",
    "junk after document element": "contenu après la fin de l'élément racine",
    "syntax error": "erreur de syntaxe XML",
    "undefined entity": "entité non définie",
    "unknown encoding": "encodage inconnu",
    "duplicate attribute": "attribut en double",
    "unbound prefix": "préfixe d'espace de noms non déclaré",
    "XML or text declaration not at start of entity": "déclaration XML ailleurs qu'au début du fichier",
    "incomplete markup in parameter entity": "balisage incomplet",
    "encoding specified in XML declaration is incorrect": "encodage déclaré incorrect",
}


class _Parser(DET.DefusedXMLParser):  # type: ignore[misc]
    """defusedxml's parser — DTDs refused (so no entity declaration: no billion laughs, no external entity),
    external references refused — with expat wired straight to the C ``TreeBuilder``.

    The pure-Python ``XMLParser`` that defusedxml needs (to reach expat's handlers) runs three Python calls
    per element; here expat calls the C tree builder directly (start, end, text), so no Python code runs
    per element: complete fiches are picked from the root between two chunks (every child of the root but
    the last is complete, since a sibling starts only once the previous one has ended).
    """

    def __init__(self) -> None:
        target = TreeBuilder()
        super().__init__(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.root: Element | None = None
        self.root_line = 1
        expat = self.parser
        expat.ordered_attributes = False  # attributes as a dict, as TreeBuilder.start wants them
        expat.EndElementHandler = target.end

        def first_start(tag: str, attrs: dict[str, str]) -> Element:
            self.root = target.start(tag, attrs)
            self.root_line = expat.CurrentLineNumber
            expat.StartElementHandler = target.start  # from now on, no Python code per element
            return self.root

        expat.StartElementHandler = first_start

    @property
    def line(self) -> int:
        try:
            return int(self.parser.CurrentLineNumber)
        except Exception:  # pragma: no cover - parser already closed
            return 0


_CHUNK = 256 * 1024
_FICHE_TAG = re.compile(rb"<FICHE[\s/>]")


def _open_xml(path: Path) -> tuple[IO[bytes], int, Any]:
    """Open the XML (or the single ``.xml`` member of a ``.zip``): ``(stream, size, closer)``."""
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".xml")]
            if len(members) != 1:
                archive.close()
                raise RncpImportError(
                    f"l'archive doit contenir exactement un fichier .xml (trouvé : {len(members)})", path)
            stream = archive.open(members[0])
            return stream, members[0].file_size, archive
        stream = open(path, "rb")
        return stream, os.fstat(stream.fileno()).st_size, None
    except RncpImportError:
        raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise RncpImportError(f"lecture impossible ({exc.strerror or exc})", path) from exc


def _children(elem: Element) -> dict[str, Element]:
    kids: dict[str, Element] = {}
    for child in elem:
        kids.setdefault(child.tag, child)
    return kids


def _text(elem: Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    text = elem.text.strip()
    return text or None


def _sub_texts(elem: Element | None, item: str, field: str) -> list[str | None]:
    if elem is None:
        return []
    return [_text(child.find(field)) for child in elem.iter(item)]


def _yes_no_elem(elem: Element | None) -> bool | None:
    """``<SI_JURY_VAE><ACTIF>Oui</ACTIF>…`` (v4.1) or ``<SI_JURY_VAE>Oui</SI_JURY_VAE>`` (older exports)."""
    if elem is None:
        return None
    flag = elem.find("ACTIF")
    return _yes_no(_text(flag) if flag is not None else _text(elem))


def _fiche_to_dict(fiche: Element, source_title: str, date: dt.date) -> dict[str, Any]:
    kids = _children(fiche)
    raw_number = _text(kids.get("NUMERO_FICHE"))
    if raw_number is None:
        raise ValueError("fiche sans NUMERO_FICHE")
    number = _norm_fiche(raw_number)
    if number is None:
        raise ValueError(f"numéro de fiche invalide « {raw_number[:40]} » (attendu RNCP suivi de chiffres)")
    label = _WS.sub(" ", _text(kids.get("INTITULE")) or "").strip()
    if not label:
        raise ValueError(f"fiche {number} sans INTITULE")
    taken: set[str] = set()
    blocs = [
        _bloc(number, i, _text(b.find("CODE")), _text(b.find("LIBELLE")), b.findtext("LISTE_COMPETENCES"),
              b.findtext("MODALITES_EVALUATION"), taken)
        for i, b in enumerate(kids["BLOCS_COMPETENCES"].iter("BLOC_COMPETENCES") if "BLOCS_COMPETENCES" in kids
                              else (), 1)
    ]
    abrege = kids.get("ABREGE")
    europe = kids.get("NOMENCLATURE_EUROPE")
    partial = _yes_no_elem(kids.get("VALIDATION_PARTIELLE"))
    cert: dict[str, Any] = {
        "id": f"rncp:{number}",
        "label": label,
        "provenance": "imported",
        "sources": [_source(number, source_title, date)],
        "abbrev": _text(abrege.find("CODE")) if abrege is not None else None,
        "level": _level(_text(europe.find("NIVEAU"))) if europe is not None else None,
        "vae_open": _yes_no_elem(kids.get("SI_JURY_VAE")),
        "partial_validation": partial if partial is not None else bool(blocs),
        "active": _yes_no(_text(kids.get("ACTIF"))),
        "rome": _rome(_sub_texts(kids.get("CODES_ROME"), "ROME", "CODE")),
        "nsf": _unique(_sub_texts(kids.get("CODES_NSF"), "NSF", "CODE")),
        "certifiers": _unique(_sub_texts(kids.get("CERTIFICATEURS"), "CERTIFICATEUR", "NOM_CERTIFICATEUR")),
        "entry_requirements": _paragraphs(kids["PREREQUIS_ENTREE_FORMATION"].text)
        if "PREREQUIS_ENTREE_FORMATION" in kids else None,
        "blocs": blocs,
        "replaces": _fiche_ids(_sub_texts(kids.get("ANCIENNES_CERTIFICATIONS"), "ANCIENNE_CERTIFICATION",
                                          "ID_FICHE_ANCIENNE_CERTIFICATION"), number),
        "replaced_by": _fiche_ids(_sub_texts(kids.get("NOUVELLES_CERTIFICATIONS"), "NOUVELLE_CERTIFICATION",
                                             "ID_FICHE_NOUVELLE_CERTIFICATION"), number),
        "end_date": _date(_text(kids.get("DATE_FIN_ENREGISTREMENT"))),
        "registration_type": _clean(_text(kids.get("TYPE_ENREGISTREMENT"))),
        "state": _clean(_text(kids.get("ETAT_FICHE"))),
        "decision_date": _date(_text(kids.get("DATE_DECISION"))),
        "effect_date": _date(_text(kids.get("DATE_EFFET"))),
        "publication_date": _date(_text(kids.get("DATE_DE_PUBLICATION")) or _text(kids.get("DATE_PUBLICATION"))),
        "delivery_limit_date": _date(_text(kids.get("DATE_LIMITE_DELIVRANCE"))),
        "certifier_details": _certifiers_xml(kids.get("CERTIFICATEURS")),
        "formacodes": _formacodes(_sub_texts(kids.get("FORMACODES"), "FORMACODE", "CODE")),
    }
    return cert


def _certifiers_xml(elem: Element | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in elem.iter("CERTIFICATEUR") if elem is not None else ():
        entry = _certifier(c.findtext("NOM_CERTIFICATEUR"), c.findtext("SIRET_CERTIFICATEUR"),
                           c.findtext("ETAT_CERTIFICATEUR"))
        if entry and entry not in out:
            out.append(entry)
    return out


def _source_title(path: Path, kind: str) -> str:
    return f"France compétences — export RNCP {kind} ({path.name})"


def iter_rncp_xml(path: Path | str, progress: Progress | None = None) -> Iterator[Certification]:
    """Stream the certifications of an RNCP XML v4.1 export (``.xml``, or a ``.zip`` holding it).

    ``progress(bytes_read, total_bytes)`` is called about once per MiB. Raises :class:`RncpImportError` on a
    file that cannot be read, is not well-formed, declares a DTD, has another root than ``<FICHES>``, or
    holds a fiche without a valid ``NUMERO_FICHE`` or ``INTITULE``. Certifications already yielded stay
    valid; :func:`import_rncp` writes nothing in that case.
    """
    path = Path(path)
    stream, total, closer = _open_xml(path)
    title = _source_title(path, "XML v4.1")
    date = _export_date(path)
    parser = _Parser()
    done = reported = 0
    ordinal = 0  # fiches read so far, to locate a bad one

    def fiches(keep_last: bool) -> Iterator[Certification]:
        nonlocal ordinal
        root = parser.root
        if root is None:
            return
        if root.tag != "FICHES":
            raise RncpImportError(f"élément racine <{root.tag}> inattendu : un export RNCP XML commence par "
                                  "<FICHES>", path, parser.root_line)
        complete = root[:-1] if keep_last else root[:]
        if not complete:
            return
        del root[: len(complete)]  # memory stays flat: what was read is dropped from the tree
        for elem in complete:
            if elem.tag != "FICHE":
                continue
            ordinal += 1
            try:
                cert = Certification.model_validate(_fiche_to_dict(elem, title, date))
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                detail = _validation_fr(exc) if isinstance(exc, ValidationError) else str(exc)
                raise RncpImportError(f"fiche invalide : {detail}", path, _fiche_line(path, ordinal)) from None
            elem.clear()
            yield cert

    try:
        try:
            while True:
                data = stream.read(_CHUNK)
                if not data:
                    break
                parser.feed(data)
                done += len(data)
                if progress is not None and done - reported >= _PROGRESS_EVERY:
                    reported = done
                    progress(done, max(total, done))
                yield from fiches(keep_last=True)
            parser.close()
            yield from fiches(keep_last=False)
            if ordinal == 0:
                raise RncpImportError("aucune fiche : l'élément <FICHES> ne contient aucun <FICHE>", path)
            if progress is not None:
                progress(done, max(total, done))
        except ParseError as exc:
            line, column = getattr(exc, "position", (None, None))
            message = str(exc).split(":", 1)[0].strip()
            french = _EXPAT_FR.get(message, message)
            raise RncpImportError(f"{french} (colonne {column})", path, line) from None
        except DefusedXmlException as exc:
            raise RncpImportError(
                "le fichier déclare une DTD, des entités ou des références externes (<!DOCTYPE …>, <!ENTITY …>) : "
                f"refusé par sécurité ({type(exc).__name__})", path, parser.line) from None
        except (LookupError, UnicodeError) as exc:
            raise RncpImportError(f"encodage illisible ({exc})", path, parser.line) from None
        except ValueError as exc:  # expat: "multi-byte encodings are not supported" (UTF-7, Shift_JIS, UTF-32…)
            raise RncpImportError(f"encodage non pris en charge ({exc}) : enregistrez l'export en UTF-8",
                                  path, parser.line) from None
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            raise RncpImportError(f"lecture impossible ({exc})", path) from None
    finally:
        stream.close()
        if closer is not None:
            closer.close()


def _fiche_line(path: Path, ordinal: int) -> int | None:
    """Line of the ``ordinal``-th ``<FICHE>`` tag (1-based), found by a second pass over the file: the
    streaming pass does not track lines, and this is only needed to report an error."""
    try:
        stream, _total, closer = _open_xml(path)
    except RncpImportError:
        return None
    try:
        seen = 0
        base = 1  # line number at the start of buf
        tail = b""  # the last 6 bytes of the previous buffer: a tag cut in two is found whole once
        while True:
            data = stream.read(_CHUNK)
            if not data:
                return None
            buf = tail + data
            for match in _FICHE_TAG.finditer(buf):
                seen += 1
                if seen == ordinal:
                    return base + buf.count(b"\n", 0, match.start())
            cut = max(len(buf) - 6, 0)
            base += buf.count(b"\n", 0, cut)
            tail = buf[cut:]
    except (OSError, EOFError, zipfile.BadZipFile):
        return None
    finally:
        stream.close()
        if closer is not None:
            closer.close()


def _validation_fr(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where} : valeur refusée ({error.get('type')})")
    return " ; ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# CSV export
# ---------------------------------------------------------------------------------------------------------

#: table key → (file-name stem once normalised, columns required)
CSV_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "standard": ("standard", ("Numero_Fiche", "Intitule")),
    "blocs": ("blocs_de_competences", ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")),
    "rome": ("rome", ("Numero_Fiche", "Codes_Rome_Code")),
    "nsf": ("nsf", ("Numero_Fiche", "Nsf_Code")),
    "certificateurs": ("certificateurs", ("Numero_Fiche", "Nom_Certificateur")),
    "succession": ("ancienne_nouvelle_certification", ("Numero_Fiche",)),
    "voies": ("voixdacces", ("Numero_Fiche", "Si_Jury")),
}
_CSV_NAME = re.compile(r"^(?:export_fiches_csv_)?(?P<table>.+?)(?:_\d{4}_\d{2}_\d{2})?\.csv$")


def _table_key(name: str) -> str | None:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    match = _CSV_NAME.match(Path(plain).name)
    if not match:
        return None
    stem = match.group("table")
    for key, (wanted, _cols) in CSV_TABLES.items():
        if stem == wanted:
            return key
    return None


class _CsvSource:
    """The CSV tables of an export: a directory, a ``.zip`` or a list of files."""

    def __init__(self, source: Path | str | Iterable[Path | str]) -> None:
        self.archive: zipfile.ZipFile | None = None
        self.files: dict[str, Any] = {}
        if isinstance(source, (str, Path)):
            root = Path(source)
            self.origin = root
            if root.is_dir():
                candidates: list[Any] = sorted(root.iterdir())
            elif zipfile.is_zipfile(root):
                self.archive = zipfile.ZipFile(root)
                candidates = list(self.archive.infolist())
            elif root.is_file():
                candidates = [root]
            else:
                raise RncpImportError("fichier ou dossier introuvable", root)
        else:
            candidates = [Path(p) for p in source]
            self.origin = candidates[0].parent if candidates else Path(".")
        for candidate in candidates:
            name = candidate.filename if isinstance(candidate, zipfile.ZipInfo) else candidate.name
            key = _table_key(name)
            if key is not None:
                self.files[key] = candidate
        if "standard" not in self.files:
            raise RncpImportError("table CSV « Standard » introuvable (export_fiches_CSV_Standard_*.csv)",
                                  self.origin)

    def date(self) -> dt.date:
        """The export's date, from the name of the Standard table (or of the zip / directory), else today."""
        for name in (Path(self.name("standard")).name, Path(str(self.origin)).name):
            match = _DATE_IN_NAME.search(name)
            if match:
                try:
                    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                except ValueError:
                    continue
        return dt.date.today()

    def name(self, key: str) -> str:
        item = self.files[key]
        return item.filename if isinstance(item, zipfile.ZipInfo) else str(item)

    def rows(self, key: str, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, row)`` of a table; ``progress(line, lines)`` about every 2,000 rows and at the end."""
        item = self.files.get(key)
        if item is None:
            return
        raw = self.archive.read(item) if self.archive is not None else Path(item).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        del raw
        if progress is not None:
            yield from self._reported(key, text, progress)
            return
        yield from self._parse(key, text)

    def _parse(self, key: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
        missing = [c for c in CSV_TABLES[key][1] if c not in (reader.fieldnames or [])]
        if missing:
            raise RncpImportError(f"colonne(s) manquante(s) : {', '.join(missing)}", self.name(key), 1)
        try:
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        except csv.Error as exc:
            raise RncpImportError(f"CSV mal formé ({exc})", self.name(key), reader.line_num) from None

    def _reported(self, key: str, text: str, progress: Progress) -> Iterator[tuple[int, dict[str, str]]]:
        total = max(text.count("\n"), 1)
        next_report = _CSV_PROGRESS_EVERY
        for line, row in self._parse(key, text):
            yield line, row
            if line >= next_report:  # a quoted field may span lines: compare, do not test a modulo
                next_report = line + _CSV_PROGRESS_EVERY
                progress(min(line, total), total)
        progress(total, total)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def iter_rncp_csv(dir_or_files: Path | str | Iterable[Path | str],
                  progress: Progress | None = None) -> Iterator[Certification]:
    """The certifications of an RNCP CSV export: a directory, the ``.zip`` or a list of ``.csv`` files.

    The side tables are loaded first (keyed by ``Numero_Fiche``), then ``Standard`` is streamed. The CSV
    carries no competence lists: blocs have a label only. RS fiches are skipped. ``progress(line, lines)``
    follows the reading of the Standard table.
    """
    src = _CsvSource(dir_or_files)
    try:
        origin = src.origin
        date = src.date()
        title = _source_title(Path(str(origin)), "CSV")
        side: dict[str, dict[str, list[dict[str, str]]]] = {}
        for key in ("blocs", "rome", "nsf", "certificateurs", "succession", "voies"):
            table: dict[str, list[dict[str, str]]] = {}
            for _line, row in src.rows(key):
                number = _norm_fiche(row.get("Numero_Fiche"))
                if number:
                    table.setdefault(number, []).append(row)
            side[key] = table
        seen_voies = side["voies"]
        for line, row in src.rows("standard", progress):
            raw_number = row.get("Numero_Fiche", "")
            if raw_number.upper().startswith("RS"):
                continue
            number = _norm_fiche(raw_number)
            if number is None:
                raise RncpImportError(f"numéro de fiche invalide « {raw_number[:40]} »", src.name("standard"), line)
            label = _WS.sub(" ", row.get("Intitule", "")).strip()
            if not label:
                raise RncpImportError(f"fiche {number} sans Intitule", src.name("standard"), line)
            taken: set[str] = set()
            bloc_rows = sorted(side["blocs"].get(number, []), key=lambda r: r.get("Bloc_Competences_Code", ""))
            blocs = [_bloc(number, i, r.get("Bloc_Competences_Code"), r.get("Bloc_Competences_Libelle"), None, None,
                           taken, split=False) for i, r in enumerate(bloc_rows, 1)]
            succession = side["succession"].get(number, [])
            voies = seen_voies.get(number)
            partial = _yes_no(row.get("Validation_Partielle"))
            data = {
                "id": f"rncp:{number}",
                "label": label,
                "provenance": "imported",
                "sources": [_source(number, title, date)],
                "abbrev": row.get("Abrege_Libelle") or None,
                "level": _level(row.get("Nomenclature_Europe_Niveau")),
                "vae_open": None if voies is None else any(
                    "experience" in unicodedata.normalize("NFKD", v.get("Si_Jury", "")).encode("ascii", "ignore")
                    .decode().lower() for v in voies),
                "partial_validation": partial if partial is not None else bool(blocs),
                "active": _yes_no(row.get("Actif")),
                "rome": _rome(r.get("Codes_Rome_Code") for r in side["rome"].get(number, [])),
                "nsf": _unique(r.get("Nsf_Code") for r in side["nsf"].get(number, [])),
                "certifiers": _unique(r.get("Nom_Certificateur") for r in side["certificateurs"].get(number, [])),
                "blocs": blocs,
                "replaces": _fiche_ids((r.get("Ancienne_Certification") for r in succession), number),
                "replaced_by": _fiche_ids((r.get("Nouvelle_Certification") for r in succession), number),
                "end_date": _date(row.get("Date_Fin_Enregistrement")),
                "registration_type": _clean(row.get("Type_Enregistrement")),
                "state": _clean(row.get("Etat_Fiche")),
                "decision_date": _date(row.get("Date_Decision")),
                "effect_date": _date(row.get("Date_Effet")),
                "publication_date": _date(row.get("Date_Publication") or row.get("Date_De_Publication")),
                "delivery_limit_date": _date(row.get("Date_Limite_Delivrance")),
                "certifier_details": [c for c in (_certifier(r.get("Nom_Certificateur"), r.get("Siret_Certificateur"),
                                                              r.get("Etat_Certificateur"))
                                                  for r in side["certificateurs"].get(number, [])) if c],
                "formacodes": _formacodes(r.get("Formacode_Code") for r in side.get("formacode", {}).get(number, [])),
            }
            try:
                yield Certification.model_validate(data)
            except ValidationError as exc:
                raise RncpImportError(f"fiche invalide : {_validation_fr(exc)}", src.name("standard"), line) from None
    finally:
        src.close()


# ---------------------------------------------------------------------------------------------------------
# Writing rncp.json, merged by id
# ---------------------------------------------------------------------------------------------------------

_ID_AT_START = re.compile(r'\{"id":"([^"\\]+)"')


def _is_csv(path: Path) -> bool:
    if path.is_dir() or path.suffix.lower() == ".csv":
        return True
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return not any(m.filename.lower().endswith(".xml") for m in archive.infolist())
    return False


class _Existing:
    """The previous ``rncp.json``: its header, and its certifications streamed line by line (the layout
    :func:`import_rncp` writes); any other layout is read whole through the model."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: Header | None = None
        self._whole: ReferentialFile | None = None
        if not path.exists():
            return
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                first = fh.readline()
                second = fh.readline()
            if first.startswith('{"referential":') and second.strip() == '"certifications":[':
                self.header = Header.model_validate_json(first[len('{"referential":'):].rstrip().rstrip(","))
            else:
                self._whole = ReferentialFile.model_validate_json(path.read_bytes())
                self.header = self._whole.referential
        except (OSError, ValueError) as exc:
            raise RncpImportError(
                f"le fichier existant ne peut pas être relu ({type(exc).__name__}) ; "
                "déplacez-le ou supprimez-le puis relancez l'import", path) from None

    def lines(self) -> Iterator[tuple[str, str]]:
        """``(id, json line without trailing comma)`` for each certification of the previous file."""
        if self.header is None:
            return
        if self._whole is not None:
            for cert in self._whole.certifications:
                yield cert.id, _dump(cert)
            return
        with open(self.path, encoding="utf-8", newline="") as fh:
            fh.readline()
            fh.readline()
            for n, line in enumerate(fh, 3):
                line = line.rstrip("\r\n").rstrip(",")
                if not line or line in ("]}", "]", "}"):
                    continue
                match = _ID_AT_START.match(line)
                if match is None:
                    raise RncpImportError("le fichier existant est corrompu ; supprimez-le puis relancez l'import",
                                          self.path, n)
                yield match.group(1), line

    def load(self) -> dict[str, Certification]:
        out: dict[str, Certification] = {}
        for cert_id, line in self.lines():
            try:
                out[cert_id] = Certification.model_validate_json(line)
            except ValidationError:
                raise RncpImportError("le fichier existant est corrompu ; supprimez-le puis relancez l'import",
                                      self.path) from None
        return out


def _dump(model: Any) -> str:
    return model.model_dump_json(by_alias=True, exclude_defaults=True)


def _complete_from(new: Certification, old: Certification | None) -> Certification:
    """A CSV fiche carries no competence list, evaluation nor prerequisites: keep the previous ones."""
    if old is None:
        return new
    old_blocs = {b.id: b for b in old.blocs}
    blocs = []
    for bloc in new.blocs:
        previous = old_blocs.get(bloc.id)
        if previous is not None and not bloc.competencies:
            bloc = bloc.model_copy(update={"competencies": previous.competencies,
                                           "evaluation": bloc.evaluation or previous.evaluation})
        blocs.append(bloc)
    update: dict[str, Any] = {"blocs": blocs}
    if new.entry_requirements is None and old.entry_requirements is not None:
        update["entry_requirements"] = old.entry_requirements
    return new.model_copy(update=update)


def _header(date: dt.date, source: Source, previous: Header | None) -> Header:
    sources = [source]
    if previous is not None:
        sources += [s for s in previous.sources if (s.title, s.date) != (source.title, source.date)]
    return Header(
        id=HEADER_ID,
        version=date.isoformat(),
        kind="certification-register",
        title="RNCP — Répertoire national des certifications professionnelles (import France compétences)",
        publisher="France compétences",
        licence=LICENCE,
        provenance="imported",
        sources=sources[:_MAX_SOURCES],
        prefixes=["rncp"],
        description="Certifications, blocs de compétences et compétences importés de l'export open data "
                    "de France compétences (competency-graph import-rncp). Réimporter met à jour par id.",
    )


def import_rncp(path: Path | str, out_dir: Path | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Import an RNCP export (XML v4.1 file or zip; CSV directory, zip or file) into ``out_dir/rncp.json``.

    The file is merged with the previous ``rncp.json`` by id: a fiche of this export replaces its previous
    version, fiches absent from this export are kept. Returns the counts of this export
    ``{"certifications", "blocs", "competencies", "active", "vae_open", "updated", "created", "total"}``
    (``total``: certifications in the written file). Raises :class:`RncpImportError` and writes nothing on
    any error.
    """
    from .. import settings

    path = Path(path)
    if not path.exists():
        raise RncpImportError("fichier introuvable", path)
    out_dir = Path(out_dir) if out_dir is not None else settings.imported_referentials_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAME
    existing = _Existing(target)
    csv_mode = _is_csv(path)
    if csv_mode:
        certs: Iterator[Certification] = iter_rncp_csv(path, progress)
        probe = _CsvSource(path)
        date = probe.date()
        probe.close()
        kind = "CSV"
        old_full = existing.load() if existing.header is not None else {}
    else:
        certs = iter_rncp_xml(path, progress)
        date = _export_date(path)
        kind = "XML v4.1"
        old_full = {}
    source = Source(title=_source_title(path, kind), url=DATASET_URL, date=date)
    header = _header(date, source, existing.header)

    stats: dict[str, tuple[int, int, bool, bool]] = {}
    occurrences: dict[str, int] = {}
    fd, tmp_name = tempfile.mkstemp(prefix=".rncp-", suffix=".json.tmp", dir=out_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write('{"referential":' + _dump(header) + ",\n")
            out.write('"certifications":[\n')
            first = True
            for cert in certs:
                if csv_mode:
                    cert = _complete_from(cert, old_full.get(cert.id))
                n_blocs = len(cert.blocs)
                n_comps = sum(len(b.competencies) for b in cert.blocs)
                stats[cert.id] = (n_blocs, n_comps, bool(cert.active), bool(cert.vae_open))
                occurrences[cert.id] = occurrences.get(cert.id, 0) + 1
                out.write(("" if first else ",\n") + _dump(cert))
                first = False
            del old_full
        if any(count > 1 for count in occurrences.values()):
            _keep_last_occurrences(tmp, occurrences)
        old_ids: set[str] = set()
        with open(tmp, "a", encoding="utf-8", newline="\n") as out:
            for cert_id, line in existing.lines():
                old_ids.add(cert_id)
                if cert_id in stats:
                    continue
                out.write(("" if first else ",\n") + line)
                first = False
                occurrences[cert_id] = 1
            out.write("\n]}\n")
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    values = stats.values()
    return {
        "certifications": len(stats),
        "blocs": sum(v[0] for v in values),
        "competencies": sum(v[1] for v in values),
        "active": sum(1 for v in values if v[2]),
        "vae_open": sum(1 for v in values if v[3]),
        "updated": sum(1 for cert_id in stats if cert_id in old_ids),
        "created": sum(1 for cert_id in stats if cert_id not in old_ids),
        "total": len(occurrences),
    }


def _keep_last_occurrences(tmp: Path, occurrences: dict[str, int]) -> None:
    """The export held the same fiche twice: keep its last version only (rare; one more pass)."""
    remaining = dict(occurrences)
    fd, other_name = tempfile.mkstemp(prefix=".rncp-", suffix=".json.tmp", dir=tmp.parent)
    other = Path(other_name)
    try:
        with open(tmp, encoding="utf-8", newline="") as src, os.fdopen(fd, "w", encoding="utf-8", newline="\n") as dst:
            dst.write(src.readline())
            dst.write(src.readline())
            first = True
            for line in src:
                line = line.rstrip("\r\n").rstrip(",")
                match = _ID_AT_START.match(line)
                if match is None:
                    continue
                cert_id = match.group(1)
                remaining[cert_id] -= 1
                if remaining[cert_id] == 0:
                    dst.write(("" if first else ",\n") + line)
                    first = False
        os.replace(other, tmp)
    except BaseException:
        other.unlink(missing_ok=True)
        raise
