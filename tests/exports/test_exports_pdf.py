from __future__ import annotations

import datetime as dt

import pytest

from competency_graph.exports.pdf import evidence_pdf, find_font, followup_pdf, portfolio_pdf

MASTERED = ("rectec:C01", "rectec:C04", "rae:agent-de-restauration/A1")  # as set up in conftest.py
NOT_MASTERED = ("rae:agent-de-restauration/A2",)


def _text(data: bytes) -> bytes:
    """Core-font, uncompressed PDFs keep their text as Latin-1 literal strings."""
    return data.replace(b"\\(", b"(").replace(b"\\)", b")").replace(b"\\\\", b"\\")


def _has(data: bytes, text: str) -> bool:
    return text.encode("latin-1", "replace") in _text(data)


def _plain(fn, *args, **kw) -> bytes:
    return fn(*args, _unicode_font=False, _compress=False, **kw)


def test_portfolio_lists_only_what_is_mastered(repo, person, shipped_bundle):
    data = _plain(portfolio_pdf, repo, shipped_bundle, person, with_map=False)
    assert data.startswith(b"%PDF")
    assert _has(data, "ESAT Les Ateliers d'Émeraude") and _has(data, "Zoé Martin-Lefèvre")
    for item in MASTERED:
        assert _has(data, shipped_bundle.items[item].label), item
    for item in NOT_MASTERED + ("rectec:C02",):
        assert not _has(data, shipped_bundle.items[item].label), item
    assert _has(data, "version 2019") and _has(data, "cercle / niveau 2")  # the accompanist's level
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
