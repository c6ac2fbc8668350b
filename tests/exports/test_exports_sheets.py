from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from competency_graph.analysis.gaps import cohort_gaps
from competency_graph.exports.sheets import (
    gaps_csv,
    gaps_xlsx,
    import_positionings_xlsx,
    positionings_csv,
    positionings_xlsx,
    xlsx_to_csv,
)
from competency_graph.store.errors import StoreError

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def _hostile(repo, person):
    at = dt.datetime(2025, 5, 1, tzinfo=dt.timezone.utc)
    for n, text in enumerate(HOSTILE, start=5):
        repo.record_positioning(person, f"rectec:C{n:02d}", role="self", level=1, comment=text, at=at)


def _xlsx_values(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in ws.iter_rows()], ws


def test_positionings_csv_and_xlsx_neutralise_formulas(repo, person, shipped_bundle):
    _hostile(repo, person)
    text = positionings_csv(repo).decode("utf-8")
    assert text.startswith("\ufeff") and "uid;person_id;item" in text
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    csv_comments = [r[parsed[0].index("comment")] for r in parsed[1:]]
    for hostile in HOSTILE:
        assert "'" + hostile in csv_comments  # CSV: neutralised for spreadsheets that would run it
    rows, ws = _xlsx_values(positionings_xlsx(repo, bundle=shipped_bundle))
    assert rows[0][:6] == ["Identifiant", "Personne (identifiant)", "Code de l'élément", "Élément",
                           "Positionné par", "Niveau"]
    assert "Commentaire" in rows[0] and "Date (heure de Paris)" in rows[0]
    comments = [r[rows[0].index("Commentaire")] for r in rows[1:]]
    for hostile in HOSTILE:
        assert hostile in comments  # XLSX: shown exactly as typed, no visible "'"
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f"  # never a formula
    first = rows[1]
    assert first[rows[0].index("Positionné par")] in ("la personne", "l'accompagnateur")
    assert first[rows[0].index("Élément")] == shipped_bundle.items[first[2]].label
    when = first[rows[0].index("Date (heure de Paris)")]
    assert isinstance(when, dt.datetime) and when.tzinfo is None  # a real date-time cell
    c01 = next(r for r in rows[1:] if r[2] == "rectec:C01" and r[4] == "l'accompagnateur")
    assert c01[rows[0].index("Date (heure de Paris)")] == dt.datetime(2025, 3, 10, 10, 0)  # 09:00 UTC in March
    date_cell = ws.cell(2, rows[0].index("Date (heure de Paris)") + 1)
    assert date_cell.number_format == "dd/mm/yyyy hh:mm"


def test_xlsx_round_trip_goes_through_validation(repo, person):
    _hostile(repo, person)
    before = repo.count_positionings(person)
    report = import_positionings_xlsx(repo, positionings_xlsx(repo))
    assert report.inserted == 0 and report.skipped == before
    assert repo.count_positionings(person) == before


def _sheet(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_hand_made_xlsx_with_formula_and_bad_row(repo, person):
    header = ["person_id", "item", "role", "level", "comment"]
    good = _sheet([header, [person, "rectec:C09", "self", 2, "=1+1"]])
    assert xlsx_to_csv(good).decode("utf-8-sig").splitlines()[1].endswith("'=1+1")
    before = repo.count_positionings(person)
    assert import_positionings_xlsx(repo, good).inserted == 1
    stored = [p for p in repo.history(person, item_id="rectec:C09")]
    assert stored[-1].comment == "=1+1" and stored[-1].level == 2  # kept as inert text
    bad = _sheet([header, [person, "rectec:C10", "self", 2, "ok"], [person, "rectec:C11", "self", 99, "x"],
                  [person, "nope:X", "self", 1, ""]])
    with pytest.raises(StoreError):
        import_positionings_xlsx(repo, bad)
    assert repo.count_positionings(person) == before + 1  # nothing from the bad file
    with pytest.raises(StoreError):
        import_positionings_xlsx(repo, b"PK\x03\x04 not a workbook")


def test_gaps_to_csv_and_xlsx():
    positions = pd.DataFrame({"person": ["=evil", "p2", "p2"], "item": ["rectec:C01", "rectec:C01", "rectec:C02"],
                              "self": [1, 2, 3], "co": [np.nan, 3, np.nan]})
    gaps = cohort_gaps(positions, {"rectec:C01": 3, "rectec:C02": 2})
    rows = list(csv.reader(io.StringIO(gaps_csv(gaps, labels={"rectec:C01": "@Organiser"}).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0] == ["Personne", "'@Organiser", "rectec:C02", "Écart total", "Compétences atteintes"]
    assert rows[1] == ["'=evil", "2", "2", "4", "0"]
    assert rows[2] == ["p2", "0", "0", "0", "2"]
    values, ws = _xlsx_values(gaps_xlsx(gaps, labels={"rectec:C01": "Organiser son activité"}))
    assert values[0] == ["Personne", "Organiser son activité", "rectec:C02", "Écart total", "Compétences atteintes"]
    assert values[1] == ["=evil", 2, 2, 4, 0]  # shown as typed; a string cell, not a formula
    assert ws.cell(2, 1).data_type == "s"
    assert ws.title == "écarts"
