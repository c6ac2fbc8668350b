from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.exports.pdf import evidence_pdf, find_font, followup_pdf, portfolio_pdf

#: as set up in conftest.py (not imported: several test folders have a conftest module)
VALIDATED = ("rectec:C01", "rae:agent-de-restauration/A1")
SELF_ONLY = ("rectec:C04", "rae:agent-de-restauration/A2")

SELF_HEADING = "Ce que la personne dit d'elle-même (auto-positionnement, non reconnu)"


def _text(data: bytes) -> bytes:
    """Core-font, uncompressed PDFs keep their text as Latin-1 literal strings."""
    return data.replace(b"\\(", b"(").replace(b"\\)", b")").replace(b"\\\\", b"\\")


def _has(data: bytes, text: str) -> bool:
    return text.encode("latin-1", "replace") in _text(data)


def _plain(fn, *args, **kw) -> bytes:
    return fn(*args, _unicode_font=False, _compress=False, **kw)


def test_portfolio_lists_only_what_is_validated(repo, person, shipped_bundle):
    data = _plain(portfolio_pdf, repo, shipped_bundle, person, with_map=False)
    assert data.startswith(b"%PDF")
    assert _has(data, "ESAT Les Ateliers d'Émeraude") and _has(data, "Zoé Martin-Lefèvre")
    for item in VALIDATED + SELF_ONLY:
        assert _has(data, shipped_bundle.items[item].label), item
    assert not _has(data, shipped_bundle.items["rectec:C02"].label)
    assert _has(data, "version 2019") and _has(data, "cercle / niveau 2")  # the validated level
    assert _has(data, "Ce niveau signifie : ")  # and what it means
    assert not _has(data, "rectec:") and not _has(data, "rae:agent")  # no internal identifier printed
    assert _has(data, "Signatures")
    assert b"/Lang" in data and _has(data, "Portefeuille de comp")


def test_evidence_and_followup(repo, person, shipped_bundle):
    data = _plain(evidence_pdf, repo, shipped_bundle, person)
    assert data.startswith(b"%PDF")
    for text in ("Mise en place du poste", "Mme Tutrice", "Travail soigné", "Attestation de stage",
                 shipped_bundle.items["rectec:C01"].label):
        assert _has(data, text), text
    data = _plain(followup_pdf, repo, shipped_bundle, person, dt.date(2025, 1, 20), dt.date(2025, 3, 31))
    assert _has(data, "Premier point") and not _has(data, "Bilan : progr")
    assert _has(data, "non positionné -> acquis")  # A1, acquired on 10/03
    assert _has(data, "ESAT Les Ateliers")


@pytest.mark.skipif(find_font() is None, reason="DejaVu Sans not installed")
def test_unicode_font_pdfs(repo, person, shipped_bundle):
    for data in (portfolio_pdf(repo, shipped_bundle, person, with_map=False),
                 evidence_pdf(repo, shipped_bundle, person),
                 followup_pdf(repo, shipped_bundle, person, dt.date(2025, 1, 1), dt.date(2025, 12, 31))):
        assert data.startswith(b"%PDF") and b"DejaVu" in data
    try:
        from pypdf import PdfReader
    except ImportError:
        return
    import io

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        portfolio_pdf(repo, shipped_bundle, person, with_map=False))).pages)
    assert "Émeraude" in text and shipped_bundle.items["rectec:C01"].label in text


# -- the PDFs as the app produces them (compressed, DejaVu when installed), read back with pypdf --------------

def _reader(data: bytes):
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def _pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in _reader(data).pages)


def _struct_types(data: bytes) -> list[str]:
    root = _reader(data).trailer["/Root"]
    document = root["/StructTreeRoot"]["/K"]
    document = document[0].get_object() if isinstance(document, list) else document.get_object()
    kids = document["/K"]
    return [str(k.get_object()["/S"]) for k in (kids if isinstance(kids, list) else [kids])]


@pytest.fixture
def app_pdfs(repo, person, shipped_bundle):
    return {
        "portfolio": portfolio_pdf(repo, shipped_bundle, person, as_of=dt.datetime(2025, 4, 1, tzinfo=dt.UTC)),
        "evidence": evidence_pdf(repo, shipped_bundle, person),
        "followup": followup_pdf(repo, shipped_bundle, person, dt.date(2025, 1, 20), dt.date(2025, 3, 31)),
    }


def test_portfolio_text_as_extracted(app_pdfs, shipped_bundle):
    data = app_pdfs["portfolio"]
    assert b"/FlateDecode" in data  # compressed, as served
    text = _pypdf_text(data)
    assert "Zoé Martin-Lefèvre" in text and "ESAT Les Ateliers d'Émeraude" in text
    assert "Établie le 01/04/2025" in text
    rectec = shipped_bundle.referential(shipped_bundle.items["rectec:C01"].referential).header.title
    flat = " ".join(text.split())  # headings may wrap
    assert f"{rectec} (version 2019)" in flat and "(version 2024)" in flat
    flat_self = flat.index(SELF_HEADING)
    recognised = flat[flat.index("Compétences reconnues (validées)"):flat_self]
    for item in VALIDATED:
        assert shipped_bundle.items[item].label in recognised, item
    for item in SELF_ONLY:  # the person's own answer stays in her PDF, in its own section only
        assert shipped_bundle.items[item].label not in recognised, item
        assert shipped_bundle.items[item].label in flat[flat_self:], item
    assert shipped_bundle.items["rectec:C02"].label not in text
    assert "Organiser son activité — cercle / niveau 2" in text  # validated at the accompanist's circle 2
    assert "La personne se positionne : cercle / niveau 1" in text  # her own circle 1, shown beside it
    assert "modalité je MONTRE" in flat and "Jury RAE du 15/03" in flat
    assert "(Agent de restauration)" in text
    assert "rectec:" not in text and "rae:" not in text  # official codes only, never the tool's ids
    assert "Ce que signifient les niveaux validés" in text and "Accompagnateur ou accompagnatrice" in text
    order = [text.index(s) for s in ("Identité", "Compétences reconnues", "Carte des compétences", "Signatures")]
    assert order == sorted(order)  # reading order follows the page
    assert "2/4" in text and "3/4" not in text  # the map draws C01 (validated circle 2), never C04 (self only)


def test_evidence_and_followup_text_as_extracted(app_pdfs, shipped_bundle):
    text = _pypdf_text(app_pdfs["evidence"])
    for expected in ("Mise en place du poste (photo)", "Attestation de stage", "Appui de Mme Tutrice",
                     "« Travail soigné et régulier »", "Observé en atelier cuisine", "Observation, 01/03/2025",
                     "tuteur·rice", shipped_bundle.items["rectec:C01"].label):
        assert expected in text, expected
    text = _pypdf_text(app_pdfs["followup"])
    assert "Période du 20/01/2025 au 31/03/2025." in text
    assert "01/02/2025 — Entretien de suivi (tenu)" in text and "Premier point : objectifs fixés" in text
    assert "01/04/2025" not in text and "Bilan" not in text  # outside the period
    flat = " ".join(text.split())
    assert "Préparer des plats simples (Agent de restauration) non positionné → acquis" in flat
    assert "Organiser son activité cercle 1 : " in flat and "→ cercle 2 : " in flat
    assert "rectec:" not in text and "rae:" not in text


@pytest.mark.parametrize("name, title", [("portfolio", "Portefeuille de compétences — attestation descriptive"),
                                         ("evidence", "Dossier de preuves"), ("followup", "Fiche de suivi")])
def test_pdfs_are_tagged_and_titled(app_pdfs, name, title):
    data = app_pdfs[name]
    reader = _reader(data)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == title
    assert str(root["/Lang"]).startswith("fr")
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    types = _struct_types(data)
    assert types[0] == "/H1" and "/H2" in types and types.count("/P") >= 4

    def titles(entries):
        for entry in entries:
            yield from (titles(entry) if isinstance(entry, list) else [entry.title])

    outline = list(titles(reader.outline))
    assert outline[0] == title and "Identité" in outline and "Signatures" in outline
    if name == "portfolio":
        assert "/Figure" in types  # the map, with its text alternative
        assert b"Carte des comp" not in data  # compressed: text is only readable through a PDF reader


def test_long_followup_breaks_pages_without_losing_text(repo, person, shipped_bundle):
    for i in range(6):
        repo.record_followup(person, "follow_up", dt.date(2025, 2, 2 + i),
                             notes=("Échange long sur le projet, les horaires et le transport. " * 60) + f"FIN{i}")
    data = followup_pdf(repo, shipped_bundle, person, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    reader = _reader(data)
    assert len(reader.pages) > 2
    text = _pypdf_text(data)
    assert all(f"FIN{i}" in text for i in range(6))
    assert all("/StructParents" in page for page in reader.pages)  # every page's text is in the tag tree


def test_map_labels_never_run_into_the_circles(repo, person, shipped_bundle, monkeypatch):
    import competency_graph.exports.pdf as pdf_module

    long_label = "Organiser son activité " + "et bien d'autres choses encore " * 6
    real = pdf_module.label_of
    monkeypatch.setattr(pdf_module, "label_of",
                        lambda bundle, item_id: long_label if item_id == "rectec:C01" else real(bundle, item_id))
    for unicode_font in (True, False):
        data = portfolio_pdf(repo, shipped_bundle, person, _unicode_font=unicode_font)
        text = _pypdf_text(data)
        map_part = text[text.index("Carte des compétences"):]
        row = next(line for line in map_part.splitlines() if line.startswith("Organiser son activit"))
        assert row.rstrip().endswith(("…", "...", "2/4")) and len(row) < len(long_label)


def test_each_map_line_has_a_text_alternative(app_pdfs):
    root = _reader(app_pdfs["portfolio"]).trailer["/Root"]
    document = root["/StructTreeRoot"]["/K"]
    document = document[0].get_object() if isinstance(document, list) else document.get_object()
    figures = [k.get_object() for k in document["/K"] if k.get_object()["/S"] == "/Figure"]
    # only the validated circle is drawn: C04's self-positioning (circle 3) is not a recognised circle
    assert [str(f["/Alt"]) for f in figures] == ["Organiser son activité : cercle 2 atteint sur 4"]
