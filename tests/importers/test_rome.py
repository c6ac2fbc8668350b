"""ROME 4.0 CSV import: own fixtures (tests/fixtures/rome), error cases, and the real bundle when present."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from competency_graph.importers.rome import RomeImportError, find_table, import_rome, read_rome, rome_data
from competency_graph.model import ReferentialFile

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "rome"
REAL_BUNDLE = REPO.parent / "shared" / "data" / "rome-v460"


def dump(model: ReferentialFile) -> dict:
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=True)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A writable copy of the fixture bundle, to break."""
    target = tmp_path / "rome"
    shutil.copytree(FIXTURES, target)
    return target


def by_id(items) -> dict:
    return {item.id: item for item in items}


# ------------------------------------------------------------------------------------------ fixtures


def test_header():
    ref = read_rome(FIXTURES).referential
    assert ref.id == "rome"
    assert ref.version == "60"
    assert ref.kind == "job-register"
    assert ref.provenance == "imported"
    assert ref.publisher == "France Travail"
    assert "Licence Ouverte" in ref.licence
    assert ref.prefixes == ["rome-ogr"]
    assert ref.sources[0].date.isoformat() == "2025-09-18"
    assert "25M09" in ref.sources[0].title


def test_jobs():
    jobs = by_id(read_rome(FIXTURES).jobs)
    assert list(jobs) == ["rome:G1602", "rome:K2204", "rome:N1103", "rome:N1105"]
    assert jobs["rome:N1103"].label == "Magasinier / Magasinière"


def test_competencies_and_savoirs():
    items = by_id(read_rome(FIXTURES).competencies)
    assert len(items) == 8
    cats = {i: c.category for i, c in items.items()}
    assert sorted(cats.values()).count("savoir-faire") == 4
    assert cats["rome-ogr:300002"] == "savoir-etre"
    assert [i for i, c in cats.items() if c == "savoir"] == ["rome-ogr:200001", "rome-ogr:200002", "rome-ogr:200003"]
    assert items["rome-ogr:100102"].note == "Technique expert"
    assert items["rome-ogr:100103"].note == "Transverse"
    assert items["rome-ogr:300001"].note == "Macro-compétence — Technique"
    assert items["rome-ogr:200001"].note == "Normes et procédés — Règles de sécurité"
    assert items["rome-ogr:200003"].note == "Normes et procédés"
    # quoted field with escaped quotes and comma; quoted multi-line fields (in an ignored column and a label)
    assert items["rome-ogr:100102"].label == 'Ranger, étiqueter et "sécuriser" un stock'
    assert items["rome-ogr:100101"].label == "Préparer une commande"
    assert items["rome-ogr:200002"].label == "Logiciel de gestion\nd'entrepôt (WMS)"


def test_links_core_and_mobility():
    links = read_rome(FIXTURES).links
    rome = [(l.source_id, l.target) for l in links if l.type == "rome"]
    assert ("rome:N1103", "rome-ogr:100101") in rome
    assert ("rome:N1103", "rome-ogr:300002") in rome  # savoir-être, rubrique 2
    assert ("rome:N1103", "rome-ogr:200002") in rome  # savoir, rubrique 3
    assert len(rome) == 10  # bloc 5 only; the link to unknown item 999999 is skipped
    assert not any(t.endswith(("498", "11987", "900001", "999999")) for _, t in rome)
    core = {(l.source_id, l.target) for l in links if l.core}
    assert core == {
        ("rome:N1103", "rome-ogr:100101"),
        ("rome:N1103", "rome-ogr:200001"),
        ("rome:K2204", "rome-ogr:200003"),
    }
    emerging = [l for l in links if l.note and "mergent" in l.note]
    assert [(l.source_id, l.target, l.core) for l in emerging] == [("rome:N1103", "rome-ogr:200002", None)]
    mobility = [(l.source_id, l.target) for l in links if l.type == "mobility"]
    assert mobility == [("rome:N1103", "rome:N1105"), ("rome:N1105", "rome:N1103"), ("rome:K2204", "rome:G1602")]


def test_import_writes_validated_json(tmp_path: Path):
    out = tmp_path / "out"
    counts = import_rome(FIXTURES, out_dir=out)
    assert {k: counts[k] for k in ("jobs", "competencies", "savoirs", "links", "core_links", "mobility")} == {
        "jobs": 4, "competencies": 5, "savoirs": 3, "links": 10, "core_links": 3, "mobility": 3,
    }
    assert counts["emerging_links"] == 1
    assert counts["skipped"] == 2
    assert counts["seconds"] >= 0
    path = out / "rome.json"
    assert counts["path"] == str(path)
    assert [p.name for p in out.iterdir()] == ["rome.json"]  # no temp file left
    written = json.loads(path.read_text(encoding="utf-8"))
    model = ReferentialFile.model_validate(written)
    assert written == dump(model)  # the exact model_dump(mode=json, by_alias, exclude_defaults)
    assert written == dump(read_rome(FIXTURES))
    assert [p["id"] for p in written["poles"]] == ["rome:G", "rome:K", "rome:N", "rome:G16", "rome:K22", "rome:N11"]
    assert "verified" not in json.dumps(written)


def test_rome_data_is_the_model_dump():
    data, counts = rome_data(FIXTURES)
    assert data == dump(ReferentialFile.model_validate(data))
    assert counts["jobs"] == 4


def test_import_default_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path / "data"))
    counts = import_rome(FIXTURES)
    assert Path(counts["path"]) == tmp_path / "data" / "referentials" / "rome.json"
    assert Path(counts["path"]).is_file()


def test_import_replaces_previous_file(tmp_path: Path):
    (tmp_path / "rome.json").write_text("old", encoding="utf-8")
    import_rome(FIXTURES, out_dir=tmp_path)
    assert json.loads((tmp_path / "rome.json").read_text(encoding="utf-8"))["referential"]["id"] == "rome"


def test_progress_reports_up_to_total():
    calls: list[tuple[int, int]] = []
    read_rome(FIXTURES, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) >= 7  # start, then at least once per file
    totals = {t for _, t in calls}
    assert len(totals) == 1 and totals.pop() > 0
    dones = [d for d, _ in calls]
    assert dones == sorted(dones)
    assert dones[0] == 0 and calls[-1][0] == calls[-1][1]


def test_other_version_without_version_txt(bundle: Path):
    (bundle / "version.txt").unlink()
    for path in bundle.glob("unix_*_v460_utf8.csv"):
        path.rename(path.with_name(path.name.replace("_v460_", "_v461_")))
    ref = read_rome(bundle)
    assert ref.referential.version == "61"
    assert "v461" in ref.referential.sources[0].note
    assert len(ref.jobs) == 4


def test_find_table_ignores_longer_table_names(bundle: Path):
    (bundle / "unix_referentiel_code_rome_riasec_v460_utf8.csv").write_text('"a","b"\n', encoding="utf-8")
    assert find_table(bundle, "referentiel_code_rome").name == "unix_referentiel_code_rome_v460_utf8.csv"


# ---------------------------------------------------------------------------------------------- errors


def assert_nothing_written(out: Path) -> None:
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_file(bundle: Path, tmp_path: Path):
    (bundle / "unix_rubrique_mobilite_v460_utf8.csv").unlink()
    out = tmp_path / "out"
    with pytest.raises(RomeImportError) as info:
        import_rome(bundle, out_dir=out)
    assert "unix_rubrique_mobilite_v*_utf8.csv" in str(info.value)
    assert "manquant" in str(info.value)
    assert_nothing_written(out)


def test_missing_directory(tmp_path: Path):
    with pytest.raises(RomeImportError, match="introuvable"):
        read_rome(tmp_path / "absent")


def test_row_with_wrong_field_count(bundle: Path, tmp_path: Path):
    path = bundle / "unix_liens_rome_referentiels_v460_utf8.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = '"N1103","5","1"\n'  # line 5: a field missing
    path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RomeImportError) as info:
        import_rome(bundle, out_dir=out)
    err = info.value
    assert err.path == str(path) and err.line == 5
    assert "unix_liens_rome_referentiels_v460_utf8.csv, ligne 5" in str(err)
    assert "3 champ(s) au lieu de 4" in str(err)
    assert_nothing_written(out)


def test_broken_quoting(bundle: Path, tmp_path: Path):
    path = bundle / "unix_referentiel_code_rome_v460_utf8.csv"
    text = path.read_text(encoding="utf-8").replace('"Manutentionnaire"', '"Manutention"naire"')
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RomeImportError) as info:
        import_rome(bundle, out_dir=out)
    assert info.value.line == 5
    assert "CSV mal formé" in str(info.value)
    assert_nothing_written(out)


def test_unterminated_quote(bundle: Path):
    path = bundle / "unix_referentiel_savoir_v460_utf8.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"200004","Savoir sans fin\n', encoding="utf-8")
    with pytest.raises(RomeImportError, match="unix_referentiel_savoir_v460_utf8.csv, ligne 6 : CSV mal formé"):
        read_rome(bundle)


def test_missing_column(bundle: Path):
    path = bundle / "unix_coherence_item_v460_utf8.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"coeur_metier"', '"coeur"'), encoding="utf-8")
    with pytest.raises(RomeImportError, match="ligne 1 : colonne\\(s\\) manquante\\(s\\).*coeur_metier"):
        read_rome(bundle)


def test_invalid_utf8(bundle: Path):
    path = bundle / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_bytes(path.read_bytes().replace("Magasinière".encode(), "Magasini\xe8re".encode("latin-1")))
    with pytest.raises(RomeImportError) as info:
        read_rome(bundle)
    assert info.value.line == 4 and "UTF-8" in str(info.value)


def test_duplicate_code_and_empty_label(bundle: Path):
    path = bundle / "unix_referentiel_code_rome_v460_utf8.csv"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + '"N1103","1","2","Doublon","","","","","",""\n', encoding="utf-8")
    with pytest.raises(RomeImportError, match="ligne 6 : code ROME en double : N1103"):
        read_rome(bundle)
    path.write_text(original + '"N1199","1","2","  ","","","","","",""\n', encoding="utf-8")
    with pytest.raises(RomeImportError, match="ligne 6 : libellé vide"):
        read_rome(bundle)


def test_invalid_code(bundle: Path):
    path = bundle / "unix_referentiel_competence_v460_utf8.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"12 34","Compétence","X","","","","Savoir-faire","Technique","","","",""\n', encoding="utf-8")
    with pytest.raises(RomeImportError, match="code OGR invalide"):
        read_rome(bundle)


# ----------------------------------------------------------------------------------------- real bundle


@pytest.mark.skipif(not REAL_BUNDLE.is_dir(), reason="../shared/data/rome-v460 absent")
def test_real_bundle(tmp_path: Path):
    counts = import_rome(REAL_BUNDLE, out_dir=tmp_path)
    assert counts["jobs"] == 1584
    assert counts["competencies"] == 18317
    assert counts["savoirs"] == 15354
    assert counts["links"] == 90556  # bloc 5 of the 118,923 rows of unix_liens_rome_referentiels
    assert counts["core_links"] == 18900
    assert counts["emerging_links"] == 1731
    assert counts["mobility"] == 14912
    assert counts["skipped"] == 0
    model = ReferentialFile.model_validate_json((tmp_path / "rome.json").read_text(encoding="utf-8"))
    assert model.referential.version == "60"
    assert len(model.jobs) == 1584
    assert len(model.competencies) == 18317 + 15354
    categories = [c.category for c in model.competencies]
    assert categories.count("savoir-etre") == 16
    assert categories.count("savoir-faire") == 18317 - 16
    assert categories.count("savoir") == 15354
    jobs = {j.id: j.label for j in model.jobs}
    for code in ("K2204", "N1103", "G1602", "A1203", "K2201"):
        assert f"rome:{code}" in jobs
    assert sum(1 for l in model.links if l.type == "rome") == 90556
    _assert_enrichment_matches_the_csv(model, counts)


def _assert_enrichment_matches_the_csv(model, counts) -> None:
    """Appellations, macro-competences, domains, work contexts and definitions: every one of the bundle's."""
    import csv

    def rows(table):
        return list(csv.DictReader(open(REAL_BUNDLE / f"unix_{table}_v460_utf8.csv", encoding="utf-8", newline="")))

    appellations = rows("referentiel_appellation")
    assert counts["appellations"] == len(appellations) == sum(len(j.appellations) for j in model.jobs) == 13120
    competences = rows("referentiel_competence")
    with_macro = [r for r in competences if r["code_ogr_macro_comp"]]
    assert counts["macro_links"] == len(with_macro) == 17810
    by_id = {c.id: c for c in model.competencies}
    macros = {c.id for c in model.competencies if c.note and c.note.startswith("Macro")}
    assert len(macros) == sum(1 for r in competences if r["nature"] == "Macro-compétence") == 507
    assert all(by_id["rome-ogr:" + r["code_ogr"]].broader == "rome-ogr:" + r["code_ogr_macro_comp"]
               for r in with_macro)
    assert {c.broader for c in model.competencies if c.broader} <= macros  # competence → macro-competence
    poles = {p.id: p for p in model.poles}
    assert counts["grand_domaines"] == len(rows("grand_domaine")) == 14
    assert counts["domaines"] == len(rows("domaine_professionnel")) == 110 == len(poles) - 14
    jobs = {j.id: j for j in model.jobs}
    assert jobs["rome:N1103"].broader == "rome:N11" and poles["rome:N11"].broader == "rome:N"
    contexts = [r for r in rows("liens_rome_referentiels") if r["code_compo_bloc"] == "6"]
    assert counts["work_contexts"] == len(contexts) == sum(len(j.work_contexts) for j in model.jobs) == 13663
    assert counts["definitions"] == len({r["code_rome"] for r in rows("texte")
                                         if r["libelle_type_texte"] == "definition"}) == 1584
    assert all(j.description for j in model.jobs)
    assert counts["competency_definitions"] == sum(1 for r in competences if r["definition"]) == 633
    assert counts["skipped_extra"] == 0


def test_invalid_output_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from competency_graph.importers import rome

    real_build = rome._build

    def broken_build(directory, progress):
        data, counts = real_build(directory, progress)
        data["links"][2]["type"] = "nonsense"
        return data, counts

    monkeypatch.setattr(rome, "_build", broken_build)
    with pytest.raises(RomeImportError, match=r"links\.2\.type"):
        import_rome(FIXTURES, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RomeImportError, match=r"links\.2\.type"):
        read_rome(FIXTURES)


def test_written_file_is_readable_by_others(tmp_path: Path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        import_rome(FIXTURES, out_dir=tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "rome.json").stat().st_mode) == 0o644
