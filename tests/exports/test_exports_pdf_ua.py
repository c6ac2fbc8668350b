"""PDF/UA basics of the jury PDFs, checked with pikepdf (qpdf): XMP identifier, nested list and table tags,
figures with alternative text, every piece of page content either tagged or an artifact; photo thumbnails;
pole colours at 4.5:1; pages render with poppler."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pikepdf
import pytest

from competency_graph.exports.pdf import evidence_pdf, followup_pdf, official_code, portfolio_pdf
from competency_graph.exports.pdf_tags import accessible_rgb, contrast_ratio


def _photo(repo, person) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 60)).save(buf, format="PNG")
    repo.add_evidence(person, "photo", "Poste de plonge rangé", item_id="rae:agent-de-restauration/A1",
                      rae_modality="montrer", content=buf.getvalue(), filename="plonge.png",
                      evidence_date=dt.date(2025, 3, 3))


@pytest.fixture
def pdfs(repo, person, shipped_bundle):
    _photo(repo, person)
    return {
        "portfolio": portfolio_pdf(repo, shipped_bundle, person, as_of=dt.datetime(2025, 4, 1, tzinfo=dt.UTC)),
        "evidence": evidence_pdf(repo, shipped_bundle, person),
        "followup": followup_pdf(repo, shipped_bundle, person, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }


def _elements(pdf: pikepdf.Pdf):
    """(element, parent type) for every structure element, depth first."""
    out = []

    def walk(node, parent_type):
        kids = node.get("/K")
        if kids is None:
            return
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                out.append((kid, parent_type))
                walk(kid, str(kid["/S"]))

    walk(pdf.Root.StructTreeRoot, "/StructTreeRoot")
    return out


@pytest.mark.parametrize("name", ["portfolio", "evidence", "followup"])
def test_xmp_pdfua_identifier_and_language(pdfs, name):
    with pikepdf.open(io.BytesIO(pdfs[name])) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"
        assert str(pdf.Root.Lang).startswith("fr") and pdf.Root.MarkInfo.Marked
        assert meta["dc:title"]


@pytest.mark.parametrize("name", ["portfolio", "evidence", "followup"])
def test_lists_tables_and_figures_are_nested_tags(pdfs, name):
    with pikepdf.open(io.BytesIO(pdfs[name])) as pdf:
        elements = _elements(pdf)
        types = [str(e["/S"]) for e, _p in elements]
        parents = {str(e["/S"]): set() for e, _p in elements}
        for e, parent in elements:
            parents[str(e["/S"])].add(parent)
        assert "/L" in types and parents["/LI"] == {"/L"} and parents["/LBody"] == {"/LI"}
        for e, _p in elements:  # an element holding marked content says on which page it is
            if any(isinstance(k, int) for k in (e["/K"] if isinstance(e["/K"], pikepdf.Array) else [e["/K"]])):
                assert "/Pg" in e
        if name == "portfolio":
            assert parents["/TR"] == {"/Table"} and parents["/TD"] == {"/TR"} and parents["/TH"] == {"/TR"}
            assert "/Lbl" in types
        if name in ("portfolio", "evidence"):
            alts = [str(e["/Alt"]) for e, _p in elements if str(e["/S"]) == "/Figure"]
            assert alts and all(alts)
            if name == "evidence":
                assert "Photo : Poste de plonge rangé" in alts  # the thumbnail, not just its file name


@pytest.mark.parametrize("name", ["portfolio", "evidence", "followup"])
def test_no_untagged_content(pdfs, name):
    """Every text and path operator sits inside marked content: a tag (MCID) or an /Artifact."""
    painting = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do"}
    with pikepdf.open(io.BytesIO(pdfs[name])) as pdf:
        artifacts = 0
        for page in pdf.pages:
            depth = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    depth += 1
                    artifacts += op == "BMC" and str(operands[0]) == "/Artifact"
                elif op == "EMC":
                    depth -= 1
                elif op in painting:
                    assert depth > 0, f"{name}: untagged '{op}' on page {page.index + 1}"
        assert artifacts >= 2  # the running footer and the signature frames


def test_no_internal_identifiers_only_official_codes(pdfs):
    from pypdf import PdfReader

    for name, data in pdfs.items():
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert "rectec:" not in text and "rae:" not in text and "modality:" not in text, name
    assert official_code("rncp:RNCP38386BC01") == "RNCP38386BC01" and official_code("rectec:C01") is None


def test_pole_colours_reach_four_and_a_half_to_one(shipped_bundle):
    colours = [pole.model.color for pole in shipped_bundle.items.values() if pole.kind == "pole" and pole.model.color]
    assert colours
    weak = [c for c in colours if contrast_ratio(tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))) < 4.5]
    assert weak  # the shipped palette has light colours (the yellow pole): they must be darkened
    for c in colours:
        rgb = tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
        assert contrast_ratio(accessible_rgb(rgb)) >= 4.5


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pages_render_with_poppler(pdfs, tmp_path):
    for name, data in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True, timeout=60, capture_output=True)
        assert list(tmp_path.glob(f"{name}-*.png"))
