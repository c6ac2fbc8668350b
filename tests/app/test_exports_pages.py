"""AppTests of the export downloads: the accompanist's Exports page and the candidate's own portfolio button.

``st.download_button`` is wrapped to keep what each button would send (the pages pass a callable, run on
click; the wrapper runs it the same way), so the tests read the real files."""

from __future__ import annotations

import io
import json

import pytest
import streamlit
from apphelpers import IDENTITIES, open_page, texts
from pypdf import PdfReader
from rdflib import Dataset, Graph

from competency_graph.exports.badge_image import unbake_png
from competency_graph.exports.openbadges import schema_errors
from competency_graph.exports.signing import verify
from competency_graph.services import exports
from competency_graph.services.accounts import Identity
from competency_graph.store import StoreError


@pytest.fixture
def downloads(monkeypatch) -> dict[str, dict]:
    sent: dict[str, dict] = {}
    original = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        sent[kwargs.get("key") or label] = {"label": label, "data": data() if callable(data) else data,
                                            "deferred": callable(data), **kwargs}
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return sent


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_accompanist_exports_page_serves_every_file(ctx, downloads):
    at = open_page("accompanist", "accompanist_exports", person_id="demo-lea")
    assert not at.exception
    assert at.title[0].value == "Exports"
    assert set(downloads) == {"x_portfolio", "x_dossier", "x_followup", "x_badge", "x_badge_png", "x_rdf"}
    assert all(d["deferred"] for d in downloads.values())  # built on click, not at every rerun

    portfolio = downloads["x_portfolio"]
    assert portfolio["mime"] == "application/pdf" and portfolio["file_name"].startswith("portefeuille-demo-lea-")
    text = _pdf_text(portfolio["data"])
    assert "Léa (démo)" in text and "Portefeuille de compétences" in text and "Signatures" in text
    assert "Dossier de preuves" in _pdf_text(downloads["x_dossier"]["data"])
    assert "Période du" in _pdf_text(downloads["x_followup"]["data"])

    badge = json.loads(downloads["x_badge"]["data"])
    assert schema_errors(badge) == []
    assert "Léa" not in downloads["x_badge"]["data"]  # hashed recipient
    chosen = at.selectbox(key="x_badge_item-demo-lea").value
    assert badge["credentialSubject"]["achievement"]["humanCode"] == chosen
    assert badge["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022" and verify(badge).verified  # signed
    baked = unbake_png(downloads["x_badge_png"]["data"])
    assert downloads["x_badge_png"]["mime"] == "image/png" and verify(baked).verified

    turtle = downloads["x_rdf"]["data"]
    assert downloads["x_rdf"]["file_name"].endswith(".ttl")
    assert len(Graph().parse(data=turtle, format="turtle")) > 0
    assert "Léa" not in turtle and "demo-lea" not in turtle  # pseudonymous person IRI

    # JSON-LD on request: the person's own named graph
    at.radio(key="x_rdf_format").set_value("json-ld").run()
    assert not at.exception
    dataset = Dataset().parse(data=downloads["x_rdf"]["data"], format="json-ld")
    assert len(dataset.default_graph) == 0 and len(list(dataset.graphs())) >= 2

    # a badge for another mastered item, and a bad period for the follow-up sheet
    options = at.selectbox(key="x_badge_item-demo-lea").options
    if len(options) > 1:
        at.selectbox(key="x_badge_item-demo-lea").select_index(1).run()
        assert json.loads(downloads["x_badge"]["data"])["credentialSubject"]["achievement"]["humanCode"] != chosen
    downloads.pop("x_followup")
    at.date_input(key="x_from").set_value(at.date_input(key="x_to").value).run()
    assert not at.exception
    assert "La première date doit être avant la seconde." in texts(at)
    assert "x_followup" not in downloads


def test_candidate_downloads_her_own_portfolio(downloads):
    at = open_page("candidate", "candidate_next")
    assert not at.exception
    button = downloads["my_portfolio"]
    assert button["label"] == "📄 Télécharger mes compétences (PDF à imprimer)"
    assert button["file_name"].startswith("mes-competences-demo-lea-")
    assert "Léa (démo)" in _pdf_text(button["data"])


def test_exports_refuse_a_person_outside_the_accompanists_structures(ctx):
    stranger = Identity("someone-else", "Autre (test)", "accompanist", ("no-such-structure",))
    for call in (lambda: exports.portfolio(ctx, stranger, "demo-lea"),
                 lambda: exports.badge_choices(ctx, stranger, "demo-lea"),
                 lambda: exports.person_graph(ctx, stranger, "demo-lea")):
        with pytest.raises(StoreError):
            call()
    own = IDENTITIES["candidate"]
    with pytest.raises(StoreError):
        exports.evidence_dossier(ctx, own, "demo-julien")  # a candidate sees only herself


def test_each_download_is_an_export_in_the_audit_log(ctx):
    from competency_graph.security.audit import list_audit

    accompanist, admin = IDENTITIES["accompanist"], IDENTITIES["admin"]
    before = len(list_audit(ctx.repo, admin.user_id, action="export", person_id="demo-lea"))
    exports.portfolio(ctx, accompanist, "demo-lea")
    exports.person_graph(ctx, accompanist, "demo-lea", fmt="json-ld")
    entries = list_audit(ctx.repo, admin.user_id, action="export", person_id="demo-lea")
    assert len(entries) == before + 2
    assert {(e.record_kind, e.actor_id) for e in entries[:2]} == {("portfolio_pdf", accompanist.user_id),
                                                                  ("positionings_rdf", accompanist.user_id)}
    assert all(e.subject_ref != "demo-lea" for e in entries)  # the person appears as a pseudonym
