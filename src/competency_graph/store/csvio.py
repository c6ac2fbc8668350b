"""Positionings as CSV that opens cleanly in Excel: UTF-8 with BOM, ``;`` separator, CRLF line ends.

Cells starting with ``= + - @`` (or a tab / carriage return) are prefixed with ``'`` so that a spreadsheet never
runs them as formulas; the importer removes that prefix again, so export → import is lossless.
The importer checks the whole file before anything is written and reports every bad line at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from .errors import StoreError
from .models import AUTHOR_ROLES, STATES
from .positions import Positioning
from .records import PositioningInput

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "neutralise", "unneutralise", "format_positionings",
           "parse_positionings", "MAX_CSV_BYTES", "MAX_CSV_ROWS"]

COLUMNS = ("uid", "person_id", "item", "role", "level", "state", "positioned_at", "referential_version",
           "author_id", "comment")
REQUIRED_COLUMNS = ("person_id", "item", "role")
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_CSV_ROWS = 200_000
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_FRENCH_STATES = {"acquis": "acquired", "en cours": "in_progress", "pas encore": "not_yet"}
_FRENCH_ROLES = {"soi": "self", "auto": "self", "accompagnateur": "accompanist", "tuteur": "tutor"}


def neutralise(cell: str) -> str:
    """``'``-prefix a cell a spreadsheet would run as a formula (also when already quoted, to stay reversible).

    >>> neutralise("=HYPERLINK(1)"), neutralise("'=x"), neutralise("ok")
    ("'=HYPERLINK(1)", "''=x", 'ok')
    """
    return "'" + cell if cell.lstrip("'").startswith(_DANGEROUS) else cell


def unneutralise(cell: str) -> str:
    """Inverse of :func:`neutralise`."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_DANGEROUS) else cell


def format_positionings(events: Iterable[Positioning]) -> bytes:
    """The CSV bytes (with BOM) of positioning events, one line per event."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for e in events:
        row = [e.uid, e.person_id, e.item_id, e.author_role, "" if e.level is None else str(e.level),
               e.state or "", e.positioned_at.isoformat(), e.referential_version, e.author_id or "", e.comment or ""]
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _malformed(fr: str, en: str, details: list[str] | None = None) -> StoreError:
    return StoreError("csv_malformed", f"CSV illisible : {fr} Rien n'a été importé.",
                      f"Unreadable CSV: {en} Nothing was imported.", details)


def _paris() -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Paris")
    except Exception:  # pragma: no cover - no tz database on the system
        return dt.UTC


def _parse_time(text: str) -> dt.datetime:
    """ISO 8601 (an offset-less time is French local time) or ``dd/mm/yyyy[ hh:mm[:ss]]`` as re-saved by Excel."""
    text = text.strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                value = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text) from None
    return value if value.tzinfo else value.replace(tzinfo=_paris())


def parse_positionings(data: bytes, *, source: str = "csv") -> tuple[list[PositioningInput], list[str]]:
    """Read positionings from CSV bytes; returns the entries and a label per entry (``ligne N``).

    Raises :class:`StoreError` ``csv_malformed`` (encoding, quoting, header, column count) or ``csv_invalid``
    (bad values; every bad line listed in ``details``)."""
    if len(data) > MAX_CSV_BYTES:
        raise _malformed(f"fichier trop gros ({MAX_CSV_BYTES // (1024 * 1024)} Mo au plus).",
                         f"file too large (at most {MAX_CSV_BYTES // (1024 * 1024)} MiB).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _malformed("le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »).",
                         "the file is not UTF-8 (save it as 'CSV UTF-8').") from exc
    if "\x00" in text:
        raise _malformed("caractère nul dans le fichier.", "NUL character in the file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise _malformed(f"ligne {reader.line_num} : guillemets ou séparateurs mal formés.",
                         f"line {reader.line_num}: badly formed quotes or separators.") from exc
    if not rows:
        raise _malformed("le fichier est vide.", "the file is empty.")
    if len(rows) > MAX_CSV_ROWS + 1:
        raise _malformed(f"trop de lignes ({MAX_CSV_ROWS} au plus).", f"too many lines (at most {MAX_CSV_ROWS}).")
    header = [h.strip().lower() for h in rows[0][1]]
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        raise _malformed("le séparateur attendu est le point-virgule (;).", "the separator must be a semicolon (;).")
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing or len(set(header)) != len(header) or not ({"level", "state"} & set(header)):
        details = []
        if missing:
            details.append(f"colonnes manquantes : {', '.join(missing)}")
        if unknown:
            details.append(f"colonnes inconnues : {', '.join(unknown)}")
        if not ({"level", "state"} & set(header)):
            details.append("il faut une colonne level ou state")
        if len(set(header)) != len(header):
            details.append("colonne en double")
        raise _malformed(f"en-tête incorrect (colonnes possibles : {';'.join(COLUMNS)}).",
                         f"wrong header (possible columns: {';'.join(COLUMNS)}).", details)

    entries: list[PositioningInput] = []
    labels: list[str] = []
    problems: list[str] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"ligne {line} : {len(row)} colonnes au lieu de {len(header)}")
            continue
        cells = {name: unneutralise(value).strip() for name, value in zip(header, row, strict=True)}
        comment_raw = dict(zip(header, row, strict=True)).get("comment")
        errors: list[str] = []
        for name in REQUIRED_COLUMNS:
            if not cells.get(name):
                errors.append(f"{name} vide")
        role = _FRENCH_ROLES.get(cells.get("role", "").lower(), cells.get("role", ""))
        if role and role not in AUTHOR_ROLES:
            errors.append(f"rôle inconnu « {role} » ({', '.join(AUTHOR_ROLES)})")
        level: int | None = None
        if cells.get("level"):
            try:
                level = int(cells["level"])
            except ValueError:
                errors.append(f"niveau non entier « {cells['level']} »")
        state = cells.get("state") or None
        if state is not None:
            state = _FRENCH_STATES.get(state.lower(), state)
            if state not in STATES:
                errors.append(f"état inconnu « {state} » ({', '.join(STATES)})")
        if level is None and state is None and not any("niveau" in e for e in errors):
            errors.append("ni niveau ni état")
        if level is not None and state is not None:
            errors.append("niveau et état à la fois")
        at: dt.datetime | None = None
        if cells.get("positioned_at"):
            try:
                at = _parse_time(cells["positioned_at"])
            except ValueError:
                errors.append(f"date illisible « {cells['positioned_at']} » (AAAA-MM-JJ ou JJ/MM/AAAA)")
        if errors:
            problems.append(f"ligne {line} : " + " ; ".join(errors))
            continue
        entries.append(PositioningInput(
            person_id=cells["person_id"], item_id=cells["item"], role=role, level=level, state=state,
            author_id=cells.get("author_id") or None,
            comment=unneutralise(comment_raw) if comment_raw else None,
            at=at, referential_version=cells.get("referential_version") or None, uid=cells.get("uid") or None,
            source=source,
        ))
        labels.append(f"ligne {line}")
    if problems:
        raise StoreError("csv_invalid",
                         f"{len(problems)} ligne(s) invalide(s) dans le CSV : rien n'a été importé.",
                         f"{len(problems)} invalid line(s) in the CSV: nothing was imported.", problems)
    return entries, labels
