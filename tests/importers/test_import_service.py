"""The admin import service (services/referentials.py): admin only, staged, checked with every referential
before publishing, nothing written on error, paths kept inside the data directory."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from competency_graph.problems import Location, Problem
from competency_graph.services import referentials as service
from competency_graph.services.accounts import Identity
from competency_graph.ui.i18n import FR, t

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V1 = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_2025_09_01.xml"
V2 = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_2025_10_01.xml"
ADMIN = Identity("u-admin", "Admin", "admin", ())


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    return tmp_path


def refused(action, *args, code: str) -> service.ImportRefused:
    """Call ``action`` and return the ImportRefused it must raise, after checking its code."""
    with pytest.raises(service.ImportRefused) as caught:
        action(*args)
    assert caught.value.code == code, caught.value.code
    return caught.value


def upload(path: Path, name: str | None = None) -> service.Upload:
    return service.Upload(name or path.name, path.read_bytes())


def rome_zip(prefix: str = "rome-v460/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((FIXTURES / "rome").iterdir()):
            archive.write(path, prefix + path.name)
    return buffer.getvalue()


def test_rncp_upload_then_reimport_updates_by_id_with_progress(data_dir):
    calls = []
    first = service.import_rncp_upload(ADMIN, [upload(V1)], progress=lambda share, stage: calls.append((share, stage)))
    assert (first.kind, first.source) == ("rncp", V1.name)
    assert (first.counts["certifications"], first.counts["created"], first.counts["total"]) == (4, 4, 4)
    shares = [share for share, _ in calls]
    assert shares == sorted(shares) and shares[-1] == 1.0 and all(0 <= s <= 1 for s in shares)
    assert [stage for _, stage in calls][-2:] == ["check", "done"] and calls[0][1] == "read_rncp"
    second = service.import_rncp_upload(ADMIN, [upload(V2)])
    assert (second.counts["updated"], second.counts["created"], second.counts["total"]) == (1, 1, 5)
    written = json.loads((data_dir / "referentials" / "rncp.json").read_text(encoding="utf-8"))
    labels = {c["id"]: c["label"] for c in written["certifications"]}
    assert labels["rncp:RNCP90001"] == "Jardinier paysagiste (fiche fictive, version 2)"
    assert [f.name for f in service.imported_files()] == ["rncp.json"]
    assert not list(data_dir.glob(".import-*"))


def test_rncp_csv_tables_uploaded_together(data_dir):
    tables = sorted((FIXTURES / "rncp" / "csv").iterdir())
    summary = service.import_rncp_upload(ADMIN, [upload(p) for p in tables])
    assert summary.counts["certifications"] > 0
    assert (data_dir / "referentials" / "rncp.json").exists()


def test_nothing_is_published_when_the_loader_refuses_the_result(data_dir, monkeypatch):
    service.import_rncp_upload(ADMIN, [upload(V1)])
    before = (data_dir / "referentials" / "rncp.json").read_bytes()
    problem = Problem("unknown-reference", "lien vers un élément inconnu", Location("rncp.json", 3, 1))
    monkeypatch.setattr(service, "check_paths", lambda paths: (None, [problem]))
    with pytest.raises(service.ImportRefused) as refused:
        service.import_rncp_upload(ADMIN, [upload(V2)])
    assert refused.value.code == "invalid_result" and "unknown-reference" in refused.value.problems[0]
    assert (data_dir / "referentials" / "rncp.json").read_bytes() == before
    assert not list(data_dir.glob(".import-*"))


def test_a_fiche_that_drops_shipped_blocs_imports_with_warnings(data_dir):
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<FICHES><FICHE><NUMERO_FICHE>RNCP38386</NUMERO_FICHE><INTITULE>CAPa Jardinier paysagiste</INTITULE>
<BLOCS_COMPETENCES><BLOC_COMPETENCES><CODE>RNCP38386BC01</CODE><LIBELLE>Un seul bloc</LIBELLE>
<LISTE_COMPETENCES>- Communiquer  - Compter</LISTE_COMPETENCES></BLOC_COMPETENCES></BLOCS_COMPETENCES>
<ACTIF>Oui</ACTIF></FICHE></FICHES>"""
    summary = service.import_rncp_upload(ADMIN, [service.Upload("export_2025_09_01.xml", xml.encode())])
    assert summary.counts["certifications"] == 1
    assert summary.warnings > 0  # shipped crosswalks point at blocs the official fiche no longer has


@pytest.mark.parametrize("name, data, code, detail", [
    ("export.xml", (FIXTURES / "rncp" / "truncated.xml").read_bytes(), "refused", "export.xml, ligne"),
    ("export.xml", (FIXTURES / "rncp" / "billion-laughs.xml").read_bytes(), "refused", "export.xml"),
    ("export.pdf", b"%PDF-1.4", "rncp_format", None),
])
def test_malformed_rncp_uploads_are_refused_in_french(data_dir, name, data, code, detail):
    with pytest.raises(service.ImportRefused) as refused:
        service.import_rncp_upload(ADMIN, [service.Upload(name, data)])
    assert refused.value.code == code
    if detail is not None:  # the importer's French message, naming the file
        assert refused.value.params["detail"].startswith(detail)
    message = t(f"admin.import.error.{code}", **refused.value.params)
    assert "{" not in message and ("rien n'a été importé" in message or "Format non reconnu" in message)
    assert not (data_dir / "referentials" / "rncp.json").exists()


def test_rome_zip_members_are_flattened_and_imported(data_dir):
    summary = service.import_rome_upload(ADMIN, service.Upload("../../rome.zip", rome_zip("../../evil/")))
    assert summary.source == "rome.zip" and summary.counts["jobs"] > 0
    assert (data_dir / "referentials" / "rome.json").exists()
    assert not (data_dir.parent / "evil").exists() and not (data_dir / "evil").exists()


def test_rome_zip_without_rome_tables_or_not_a_zip_is_refused(data_dir):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "rien")
    refused(service.import_rome_upload, ADMIN, service.Upload("rome.zip", buffer.getvalue()), code="zip_without_rome")
    refused(service.import_rome_upload, ADMIN, service.Upload("rome.zip", b"not a zip"), code="not_a_zip")
    refused(service.import_rome_upload, ADMIN, service.Upload("rome.tar", b"x"), code="rome_format")
    assert not (data_dir / "referentials" / "rome.json").exists()


def test_rome_folder_must_lie_in_the_data_directory(data_dir):
    inside = data_dir / "imports" / "rome-v460"
    inside.mkdir(parents=True)
    for path in (FIXTURES / "rome").iterdir():
        (inside / path.name).write_bytes(path.read_bytes())
    assert service.rome_folders() == [inside]
    assert service.shown_path(inside) == "imports/rome-v460"
    summary = service.import_rome_folder(ADMIN, "imports/rome-v460")
    assert summary.counts["jobs"] > 0
    refused(service.import_rome_folder, ADMIN, FIXTURES / "rome", code="outside_data_dir")
    refused(service.import_rome_folder, ADMIN, "../", code="outside_data_dir")
    refused(service.import_rome_folder, ADMIN, "absent", code="not_found")
    link = data_dir / "escape"
    link.symlink_to(FIXTURES / "rome", target_is_directory=True)
    refused(service.import_rome_folder, ADMIN, "escape", code="outside_data_dir")


def test_rncp_export_on_the_server(data_dir):
    (data_dir / "depot").mkdir()
    target = data_dir / "depot" / V1.name
    target.write_bytes(V1.read_bytes())
    assert service.rncp_exports() == [target]
    summary = service.import_rncp_path(ADMIN, "depot/" + V1.name)
    assert summary.counts["certifications"] == 4
    refused(service.import_rncp_path, ADMIN, V1, code="outside_data_dir")


def test_only_an_admin_may_import(data_dir):
    for role in ("candidate", "accompanist", "trainer"):
        someone = Identity("u", "U", role, ())
        refused(service.import_rncp_upload, someone, [upload(V1)], code="not_admin")
        refused(service.import_rome_upload, someone, service.Upload("rome.zip", rome_zip()), code="not_admin")
        refused(service.import_rncp_path, someone, V1, code="not_admin")
    refused(service.import_rome_folder, None, data_dir, code="not_admin")
    assert not (data_dir / "referentials").exists() or not any((data_dir / "referentials").iterdir())


def test_every_refusal_code_and_stage_has_french_words():
    source = Path(service.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'ImportRefused\("([a-z_]+)"', source))
    stages = set(re.findall(r'progress\([^()]*?, "([a-z_]+)"\)', source))
    assert {"not_admin", "refused", "invalid_result", "outside_data_dir"} <= codes
    assert {"read_rncp", "read_rome", "check", "done", "unzip"} <= stages
    assert [c for c in codes if f"admin.import.error.{c}" not in FR] == []
    assert [s for s in stages if f"admin.import.stage.{s}" not in FR] == []
