"""Services and widgets below the pages: French formats, the translation catalogue, the charts, the CSV
export, the profile conversion, and the rule that services import no streamlit (except ``cache``)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from competency_graph.ui.formats import fr_date, fr_datetime, fr_months, fr_number, fr_percent, md_escape
from competency_graph.ui.i18n import FR, label, t

ROOT = Path(__file__).resolve().parents[2]


def test_french_formats():
    assert fr_date(dt.date(2025, 3, 12)) == "12/03/2025"
    assert fr_date(dt.date(2025, 3, 1), long=True) == "1er mars 2025"
    assert fr_date(None) == "–"
    assert fr_number(1234.5, 1) == "1\u202f234,5"
    assert fr_percent(0.456) == "46\u202f%"
    assert fr_months(7) == "7 mois" and fr_months(1.5) == "1,5 mois"
    assert fr_datetime(dt.datetime(2025, 3, 12, 14, 5)).endswith("à 14 h 05")


def test_markdown_escape_makes_user_text_inert():
    escaped = md_escape("[clic](https://x.example) ![img](https://x.example/a.png) <b>gras</b> # titre")
    assert "](" not in escaped.replace("\\](", "").replace("\\(", "")
    assert "\\[" in escaped and "\\<" in escaped and "\\#" in escaped


def test_translation_fills_placeholders_and_falls_back_to_the_key():
    assert t("position.saved", level=2, label="Travailler en équipe") == \
        "C'est noté : cercle 2 pour « Travailler en équipe »."
    assert t("no.such.key") == "no.such.key"
    assert label("status", "esat") == "Travailleur d'ESAT"
    assert label("status", "unknown") == "unknown"


def _literal_keys() -> set[str]:
    """Every literal key passed to t(...) in the app, the pages and the ui package."""
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")),
             *sorted((ROOT / "src" / "competency_graph" / "ui").glob("*.py"))]
    keys: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "page" and len(node.args) > 1:
                keys.add(node.args[1].value)
    return keys


def test_every_key_used_is_in_the_french_catalogue():
    keys = _literal_keys()
    assert len(keys) > 100
    assert sorted(k for k in keys if k not in FR) == []


def test_catalogue_covers_the_store_vocabularies():
    from competency_graph.store import models

    for prefix, values in [("status", models.PERSON_STATUSES), ("role", models.USER_ROLES),
                           ("evidence_kind", models.EVIDENCE_KINDS), ("rae_modality", models.RAE_MODALITIES),
                           ("relation", models.ENDORSER_RELATIONS), ("followup_kind", models.FOLLOWUP_KINDS),
                           ("state", models.STATES)]:
        assert [v for v in values if f"{prefix}.{v}" not in FR] == [], prefix


def test_services_do_not_import_streamlit():
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import competency_graph.services as s\n"
        "for m in pkgutil.iter_modules(s.__path__):\n"
        "    if m.name != 'cache':\n"
        "        importlib.import_module('competency_graph.services.' + m.name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.fixture(scope="module")
def bundle(shipped_bundle):
    return shipped_bundle


def test_competency_map_has_12_sectors_4_circles_and_pole_colours(bundle):
    from competency_graph.services.people import MapRow, rectec_competencies
    from competency_graph.ui.charts import competency_map

    rows = []
    for item in rectec_competencies(bundle):
        pole = bundle.items[item.parent]
        rows.append(MapRow(item.id, item.model.order, item.label, pole.id, pole.label, pole.model.color,
                           (item.model.order % 4) + 1, 2 if item.model.order % 3 == 0 else None))
    fig = competency_map(rows)
    bars = [tr for tr in fig.data if tr.type == "barpolar"]
    assert len(bars) == 4 and {b.marker.color for b in bars} == {"#1F6FB2", "#2E8B57", "#C62828", "#F2C12E"}
    assert sum(len(b.r) for b in bars) == 12
    co = [tr for tr in fig.data if tr.type == "scatterpolar"]
    assert len(co) == 1 and co[0].marker.symbol == "diamond" and len(co[0].r) == 4
    assert list(fig.layout.polar.radialaxis.tickvals) == [1, 2, 3, 4]
    axis = fig.layout.polar.angularaxis  # one label per sector, at the angle of its bar
    assert len(axis.ticktext) == 12 and list(axis.tickvals) == [i * 30 for i in range(12)]
    assert sorted(a for b in bars for a in b.theta) == list(axis.tickvals)
    # whole labels, numbered, wrapped, never cut nor identical (two start with "Prendre en compte les")
    flat = [text.replace("<br>", " ") for text in axis.ticktext]
    assert flat == [f"{r.number}. {r.label}" for r in rows] and len(set(flat)) == 12
    assert all("…" not in text for text in axis.ticktext)
    assert "🌱" in fig.layout.polar.radialaxis.ticktext[0] and "⭐" in fig.layout.polar.radialaxis.ticktext[3]
    big = competency_map(rows, big=True)
    assert big.layout.polar.angularaxis.tickfont.size > axis.tickfont.size  # easy-read: chart text grows
    assert big.layout.font.size > fig.layout.font.size and big.layout.height > fig.layout.height


def test_course_links_csv_is_excel_ready_and_neutralises_formulas():
    from competency_graph.services.cohort import frame_to_csv

    data = frame_to_csv(pd.DataFrame({"Maillon": ["=HYPERLINK(\"x\")", "Organiser"], "Heures": [10, 20]}))
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Maillon;Heures"
    assert "'=HYPERLINK" in text


def test_profile_from_record_keeps_self_and_accompanist_apart(bundle):
    from competency_graph.services.people import profile_from_record
    from competency_graph.store import ExperienceEntry, PersonRecord, build_view
    from competency_graph.store.positions import Positioning

    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    def event(i, role, level):
        return Positioning(i, f"u{i}", "p1", "rectec:C01", level, None, role, None, "rectec@2019", None, now, now)

    person = PersonRecord("p1", "s1", "P", "esat", 1990, None, None, "rae:unknown-trade", ("rae-rectec", "rsfp"),
                          None, (ExperienceEntry("rome:N1105", 12, current=True),), now)
    profile = profile_from_record(bundle, person, build_view("p1", [event(1, "self", 3), event(2, "accompanist", 2)]),
                                  today=dt.date(2025, 6, 1))
    assert profile.person.networks == ["rae", "rsfp"]
    assert profile.person.age == 35 and profile.person.writing == "limited"
    assert profile.target is None  # an unknown trade is dropped rather than breaking the engine
    assert profile.positions[0].self == 3 and profile.positions[0].co == 2


def test_search_is_accent_insensitive(bundle):
    from competency_graph.services.referentials import neighbours, search_items

    found = search_items(bundle, "rectec", "EQUIPE")
    assert [i.id for i in found] == ["rectec:C03"]
    relations = {n.relation for n in neighbours(bundle, "rectec:C01")}
    assert "parent" in relations and "requires-level" in relations
