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

from ..messages import t
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


def _malformed(message: str, details: list[str] | None = None, **params: object) -> StoreError:
    """``csv_malformed``; ``message`` is the catalogue key saying what is wrong with the file."""
    return StoreError(code="csv_malformed", params={**params}, message=message, details=details)


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
        raise _malformed("csv_malformed.too_large", mib=MAX_CSV_BYTES // (1024 * 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _malformed("csv_malformed.encoding") from exc
    if "\x00" in text:
        raise _malformed("csv_malformed.nul")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise _malformed("csv_malformed.quoting", line=reader.line_num) from exc
    if not rows:
        raise _malformed("csv_malformed.empty")
    if len(rows) > MAX_CSV_ROWS + 1:
        raise _malformed("csv_malformed.too_many_rows", rows=MAX_CSV_ROWS)
    header = [h.strip().lower() for h in rows[0][1]]
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        raise _malformed("csv_malformed.separator")
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing or len(set(header)) != len(header) or not ({"level", "state"} & set(header)):
        details = []
        if missing:
            details.append(t("csv.detail.missing_columns", columns=", ".join(missing)))
        if unknown:
            details.append(t("csv.detail.unknown_columns", columns=", ".join(unknown)))
        if not ({"level", "state"} & set(header)):
            details.append(t("csv.detail.level_or_state_column"))
        if len(set(header)) != len(header):
            details.append(t("csv.detail.duplicate_column"))
        raise _malformed("csv_malformed.header", details, columns=";".join(COLUMNS))

    entries: list[PositioningInput] = []
    labels: list[str] = []
    problems: list[str] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(t("csv.detail.line", line=line, problems=t("csv.detail.column_count", found=len(row),
                                                                          expected=len(header))))
            continue
        cells = {name: unneutralise(value).strip() for name, value in zip(header, row, strict=True)}
        comment_raw = dict(zip(header, row, strict=True)).get("comment")
        errors: list[str] = []
        for name in REQUIRED_COLUMNS:
            if not cells.get(name):
                errors.append(t("csv.detail.empty", column=name))
        role = _FRENCH_ROLES.get(cells.get("role", "").lower(), cells.get("role", ""))
        if role and role not in AUTHOR_ROLES:
            errors.append(t("csv.detail.unknown_role", value=role, options=", ".join(AUTHOR_ROLES)))
        level: int | None = None
        if cells.get("level"):
            try:
                level = int(cells["level"])
            except ValueError:
                errors.append(t("csv.detail.level_not_integer", value=cells["level"]))
        state = cells.get("state") or None
        if state is not None:
            state = _FRENCH_STATES.get(state.lower(), state)
            if state not in STATES:
                errors.append(t("csv.detail.unknown_state", value=state, options=", ".join(STATES)))
        if level is None and state is None and not cells.get("level"):
            errors.append(t("csv.detail.no_level_nor_state"))
        if level is not None and state is not None:
            errors.append(t("csv.detail.level_and_state"))
        at: dt.datetime | None = None
        if cells.get("positioned_at"):
            try:
                at = _parse_time(cells["positioned_at"])
            except ValueError:
                errors.append(t("csv.detail.unreadable_date", value=cells["positioned_at"]))
        if errors:
            problems.append(t("csv.detail.line", line=line, problems=" ; ".join(errors)))
            continue
        entries.append(PositioningInput(
            person_id=cells["person_id"], item_id=cells["item"], role=role, level=level, state=state,
            author_id=cells.get("author_id") or None,
            comment=unneutralise(comment_raw) if comment_raw else None,
            at=at, referential_version=cells.get("referential_version") or None, uid=cells.get("uid") or None,
            source=source,
        ))
        labels.append(t("csv.detail.label", line=line))
    if problems:
        raise StoreError(code="csv_invalid", params={"count": len(problems)}, details=problems)
    return entries, labels
