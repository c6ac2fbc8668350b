"""Positionings and cohort gaps as spreadsheets: CSV for Excel (UTF-8 with BOM, ``;``) and XLSX (openpyxl).

Every text cell starting with ``= + - @`` (or tab / CR) is prefixed with ``'`` (see ``store.csvio.neutralise``),
so that no spreadsheet runs it as a formula; XLSX cells are also written as plain strings, never formulas.
Reading positionings back from XLSX converts the rows into the store's CSV and reuses its validating import.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook

from ..store.csvio import COLUMNS, neutralise

__all__ = ["positionings_csv", "positionings_xlsx", "gaps_csv", "gaps_xlsx", "xlsx_to_csv",
           "import_positionings_xlsx", "rows_csv", "rows_xlsx", "MAX_XLSX_BYTES"]

MAX_XLSX_BYTES = 20 * 1024 * 1024


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


def _xlsx(rows: list[list[Any]], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cell_row in ws.iter_rows():
        for cell in cell_row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string, even if it looks like a formula
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def positionings_xlsx(repo: Any, *, person_ids: list[str] | None = None, structure_id: str | None = None) -> bytes:
    """Same columns as the CSV, as an XLSX sheet named ``positionnements`` (cells neutralised as in the CSV)."""
    rows = _read_csv(positionings_csv(repo, person_ids=person_ids, structure_id=structure_id))
    typed: list[list[Any]] = [rows[0]] if rows else [list(COLUMNS)]
    level = typed[0].index("level") if "level" in typed[0] else -1
    for row in rows[1:]:
        typed.append([int(v) if i == level and v.isdigit() else v for i, v in enumerate(row)])
    return _xlsx(typed, "positionnements")


def _gap_rows(gaps: pd.DataFrame, labels: dict[str, str] | None) -> list[list[Any]]:
    index_name = gaps.index.name or "person"
    header = [index_name, *[labels.get(c, c) if labels else c for c in map(str, gaps.columns)]]
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
    return _xlsx(_gap_rows(gaps, labels), "écarts")


def xlsx_to_csv(data: bytes) -> bytes:
    """The first sheet of an XLSX as CSV bytes (values only, formulas never evaluated: a formula cell is kept as
    its text, neutralised), ready for ``Repository.import_positionings_csv``."""
    from ..store.errors import StoreError

    if len(data) > MAX_XLSX_BYTES:
        raise StoreError("xlsx_too_big", "Fichier XLSX trop gros. Rien n'a été importé.",
                         "XLSX file too big. Nothing was imported.")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of every kind: one clear message
        raise StoreError("xlsx_malformed", "Fichier XLSX illisible. Rien n'a été importé.",
                         f"Unreadable XLSX file ({type(exc).__name__}). Nothing was imported.") from exc
    try:
        ws = wb.worksheets[0]
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        for row in ws.iter_rows(values_only=True):
            if row is None or all(v is None or v == "" for v in row):
                continue
            cells = []
            for v in row:
                if v is None:
                    cells.append("")
                elif isinstance(v, float) and v.is_integer():
                    cells.append(str(int(v)))
                elif hasattr(v, "isoformat"):
                    cells.append(v.isoformat())
                else:
                    text = str(v)
                    # a live formula typed in the sheet: keep it as inert text
                    cells.append(neutralise(text) if text.startswith("=") else text)
            writer.writerow(cells)
    finally:
        wb.close()
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def import_positionings_xlsx(repo: Any, data: bytes, *, source: str = "xlsx") -> Any:
    """Validate and append the positionings of an XLSX sheet (same columns as the CSV); any bad row refuses the
    whole file (the store's CSV import does the checking)."""
    return repo.import_positionings_csv(xlsx_to_csv(data), source=source)
