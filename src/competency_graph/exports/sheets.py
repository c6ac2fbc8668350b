"""Positionings and cohort gaps as spreadsheets: CSV for Excel (UTF-8 with BOM, ``;``) and XLSX (openpyxl).

CSV: every text cell starting with ``= + - @`` (or tab / CR) is prefixed with ``'`` (``store.csvio.neutralise``)
so that no spreadsheet runs it as a formula. XLSX is written for people: French headers, French labels for
roles and states, the item's label beside its code, dates as real date-times in Paris time
(``JJ/MM/AAAA HH:MM``), and text cells typed as strings (never formulas), so no ``'`` is needed or shown.
Reading positionings back from XLSX maps the French headers and labels to the store's CSV and reuses its
validating import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from ..messages import t
from ..store.csvio import COLUMNS, neutralise

__all__ = ["positionings_csv", "positionings_xlsx", "gaps_csv", "gaps_xlsx", "xlsx_to_csv",
           "import_positionings_xlsx", "rows_csv", "rows_xlsx", "MAX_XLSX_BYTES"]

MAX_XLSX_BYTES = 20 * 1024 * 1024
PARIS = ZoneInfo("Europe/Paris")
#: store column → French header of the XLSX sheet (``item_label`` is for people only, ignored on import)
XLSX_HEADERS = {column: t(f"sheet.header.{column}") for column in (
    "uid", "person_id", "item", "item_label", "role", "level", "state", "positioned_at", "referential_version",
    "author_id", "comment")}
ROLE_FR = {role: t(f"sheet.role.{role}") for role in ("self", "accompanist", "tutor", "jury")}
STATE_FR = {state: t(f"sheet.state.{state}") for state in ("acquired", "in_progress", "not_yet")}
_DATE_FORMAT = "dd/mm/yyyy hh:mm"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


def _read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def positionings_csv(repo: Any, *, person_ids: list[str] | None = None, structure_id: str | None = None) -> bytes:
    """The store's positioning export (already neutralised, BOM, ``;``)."""
    return repo.export_positionings_csv(person_ids=person_ids, structure_id=structure_id)


def _xlsx(rows: list[list[Any]], title: str, widths: list[int] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cell_row in ws.iter_rows():
        for cell in cell_row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string, even if it looks like a formula: shown as typed, never run
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = _DATE_FORMAT
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, width in enumerate(widths or [], 1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _paris(value: str) -> Any:
    """ISO instant → naive date-time in Paris time (spreadsheets have no time zones), else the text."""
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.timezone.utc)
    return instant.astimezone(PARIS).replace(tzinfo=None)


def positionings_xlsx(repo: Any, *, person_ids: list[str] | None = None, structure_id: str | None = None,
                      bundle: Any = None) -> bytes:
    """The positionings as a French XLSX sheet ``positionnements`` (see the module docstring)."""
    from ..store.csvio import unneutralise

    rows = _read_csv(positionings_csv(repo, person_ids=person_ids, structure_id=structure_id))
    columns = rows[0] if rows else list(COLUMNS)
    out_columns = [c for c in columns]
    if "item" in out_columns:
        out_columns.insert(out_columns.index("item") + 1, "item_label")
    table: list[list[Any]] = [[XLSX_HEADERS.get(c, c) for c in out_columns]]
    for row in rows[1:]:
        cells = dict(zip(columns, (unneutralise(v) for v in row)))
        item = cells.get("item", "")
        found = bundle.items.get(item) if bundle is not None else None
        cells["item_label"] = found.label if found is not None else ""
        cells["role"] = ROLE_FR.get(cells.get("role", ""), cells.get("role", ""))
        cells["state"] = STATE_FR.get(cells.get("state", ""), cells.get("state", ""))
        level = cells.get("level", "")
        cells["level"] = int(level) if level.isdigit() else level
        cells["positioned_at"] = _paris(cells.get("positioned_at", ""))
        table.append([cells.get(c, "") for c in out_columns])
    return _xlsx(table, t("sheet.positionings"), [14, 16, 26, 40, 16, 8, 12, 20, 12, 16, 40])


_GAP_HEADERS = {column: t(f"sheet.gaps.{column}") for column in ("person", "total_gap", "met")}


def _gap_rows(gaps: pd.DataFrame, labels: dict[str, str] | None) -> list[list[Any]]:
    index_name = _GAP_HEADERS.get(gaps.index.name or "person", gaps.index.name or _GAP_HEADERS["person"])
    header = [index_name, *[(labels or {}).get(c, _GAP_HEADERS.get(c, c)) for c in map(str, gaps.columns)]]
    rows: list[list[Any]] = [[_cell(h) for h in header]]
    for person, values in zip(gaps.index, gaps.itertuples(index=False)):
        rows.append([_cell(str(person)), *[_cell(v.item() if hasattr(v, "item") else v) for v in values]])
    return rows


def rows_csv(rows: list[list[Any]]) -> bytes:
    """Any table (header row first) as CSV for Excel: BOM, ``;``, text cells neutralised."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def rows_xlsx(rows: list[list[Any]], title: str) -> bytes:
    """Any table (header row first) as one XLSX sheet, text cells neutralised and written as strings."""
    return _xlsx([[_cell(v) for v in row] for row in rows], title[:31])


def gaps_csv(gaps: pd.DataFrame, *, labels: dict[str, str] | None = None) -> bytes:
    """A ``cohort_gaps`` table as CSV for Excel (one line per person, a column per required item)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for row in _gap_rows(gaps, labels):
        writer.writerow(row)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def gaps_xlsx(gaps: pd.DataFrame, *, labels: dict[str, str] | None = None) -> bytes:
    """The same table as XLSX, text shown as typed (no ``'``), numbers as numbers."""
    from ..store.csvio import unneutralise

    rows = [[unneutralise(c) if isinstance(c, str) else c for c in row] for row in _gap_rows(gaps, labels)]
    return _xlsx(rows, t("sheet.gaps"))


_FROM_FRENCH = {v: k for k, v in XLSX_HEADERS.items()}
_ROLE_BACK = {v: k for k, v in ROLE_FR.items()}
_STATE_BACK = {v: k for k, v in STATE_FR.items()}


def xlsx_to_csv(data: bytes) -> bytes:
    """The first sheet of an XLSX as CSV bytes (values only, formulas never evaluated: a formula cell is kept as
    its text, neutralised), ready for ``Repository.import_positionings_csv``."""
    from ..store.errors import StoreError

    if len(data) > MAX_XLSX_BYTES:
        raise StoreError(code="xlsx_too_big")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of every kind: one clear message
        raise StoreError(code="xlsx_malformed", params={"error": type(exc).__name__}) from exc
    try:
        ws = wb.worksheets[0]
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        header: list[str] | None = None
        keep: list[int] = []
        for row in ws.iter_rows(values_only=True):
            if row is None or all(v is None or v == "" for v in row):
                continue
            if header is None:  # French headers (our own export) or the store's column names
                names = [_FROM_FRENCH.get(str(v or "").strip(), str(v or "").strip()) for v in row]
                keep = [i for i, name in enumerate(names) if name != "item_label"]
                header = [names[i] for i in keep]
                writer.writerow(header)
                continue
            cells = []
            for i in keep:
                v = row[i] if i < len(row) else None
                column = header[len(cells)]
                if v is None:
                    cells.append("")
                elif isinstance(v, float) and v.is_integer():
                    cells.append(str(int(v)))
                elif isinstance(v, dt.datetime):  # our sheets hold Paris time
                    at = v if v.tzinfo is not None else v.replace(tzinfo=PARIS)
                    cells.append(at.astimezone(dt.timezone.utc).isoformat())
                elif hasattr(v, "isoformat"):
                    cells.append(v.isoformat())
                else:
                    text = str(v)
                    if column == "role":
                        text = _ROLE_BACK.get(text, text)
                    elif column == "state":
                        text = _STATE_BACK.get(text, text)
                    cells.append(neutralise(text))  # a formula-looking text stays inert text
            writer.writerow(cells)
    finally:
        wb.close()
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def import_positionings_xlsx(repo: Any, data: bytes, *, source: str = "xlsx") -> Any:
    """Validate and append the positionings of an XLSX sheet (same columns as the CSV); any bad row refuses the
    whole file (the store's CSV import does the checking)."""
    return repo.import_positionings_csv(xlsx_to_csv(data), source=source)
