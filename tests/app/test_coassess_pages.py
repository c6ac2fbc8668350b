"""AppTests of the issue-16 pages: the person's grid (one save), the workshop grid, the validation page, and
their refusals in French."""

from __future__ import annotations

import pytest
from apphelpers import APP, IDENTITIES, ROOT, texts
from coassess_helpers import ACC, worker
from streamlit.testing.v1 import AppTest

from competency_graph.services import evidence


def _open(page: str, person_id: str | None = None, identity=ACC) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["identity"] = identity
    if person_id:
        at.session_state["person_id"] = person_id
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_grid_co_assesses_rectec_and_trade_activities_in_one_save(ctx):
    pid = worker(ctx, "Grille page (test)", target="rae:operateur-logistique")
    ctx.repo.record_positioning(pid, "rectec:C01", role="self", level=2)
    at = _open("accompanist_grid", pid)
    assert at.title[0].value == "Co-évaluation en grille"
    radios = [r for r in at.radio if r.key and r.key.startswith(f"g-{pid}-rectec+trade-")]
    assert len(radios) >= 12 + 4  # the 12 RECTEC competencies and the trade's activities, on one screen
    assert any("la personne : Cercle 2" in r.label for r in radios)
    for radio in radios:
        radio.set_value(2 if radio.options[0].startswith("Cercle") else "acquired")
    next(b for b in at.button if b.label == "Enregistrer la grille").click()
    at.run()
    assert not at.exception
    assert f"Grille enregistrée : {len(radios)} avis." in texts(at)
    view = ctx.repo.current_view(pid)
    assert sum(1 for e in view.items.values() if e.accompanist is not None) == len(radios)


def test_grid_asks_for_a_note_where_answers_differ_and_saves_nothing(ctx):
    pid = worker(ctx, "Grille note (test)")
    ctx.repo.record_positioning(pid, "rectec:C01", role="self", level=3)
    at = _open("accompanist_grid", pid)
    at.radio(key=f"g-{pid}-rectec+trade-rectec:C01").set_value(1)
    next(b for b in at.button if b.label == "Enregistrer la grille").click()
    at.run()
    assert "Une note est demandée" in texts(at) and "Organiser son activité" in texts(at)
    assert ctx.repo.current_view(pid).items["rectec:C01"].accompanist is None


def test_grid_on_certification_blocs_shows_coverage_moving(ctx):
    pid = worker(ctx, "Grille blocs (test)", target="rncp:RNCP38386")
    at = _open("accompanist_grid", pid)
    at.selectbox(key="grid_set").set_value("rncp:RNCP38386").run()
    bars = [p.value for p in at.get("progress")]
    assert bars and all(v == 0 for v in bars)
    radios = [r for r in at.radio if r.key and r.key.startswith(f"g-{pid}-rncp:RNCP38386-")]
    assert radios[0].options == ["Oui", "Partiellement", "Non"]
    radios[0].set_value("acquired")  # Oui
    radios[1].set_value("in_progress")  # Partiellement
    next(b for b in at.button if b.label == "Enregistrer la grille").click()
    at.run()
    assert not at.exception and "Grille enregistrée : 2 avis." in texts(at)
    assert max(p.value for p in at.get("progress")) > 0


def test_workshop_grid_saves_the_group(ctx):
    a, b = worker(ctx, "Atelier A (test)"), worker(ctx, "Atelier B (test)")
    at = _open("accompanist_workshop")
    assert at.title[0].value == "Atelier : grille de groupe"
    at.multiselect(key="ws_people").set_value([a, b]).run()
    assert not at.exception
    assert "Ce que chaque personne a répondu elle-même" in texts(at)
    next(x for x in at.button if x.label == "Enregistrer la grille du groupe").click()
    at.run()
    assert not at.exception and "Rien n'a changé" in texts(at)


def test_validation_page_validates_on_a_proof_and_refuses_without(ctx):
    pid = worker(ctx, "Validation page (test)")
    ctx.repo.record_positioning(pid, "rectec:C03", role="self", level=4)
    ctx.repo.record_positioning(pid, "rectec:C03", role="accompanist", level=2, author_id=ACC.user_id)
    at = _open("accompanist_validation", pid)
    assert "co-positionné (non validé)" in at.dataframe[0].value.to_string()
    assert "Aucune preuve pour cet élément" in texts(at)
    next(b for b in at.button if b.label == "Valider").click()
    at.run()
    assert "au moins une preuve" in texts(at)  # refused in French, nothing written
    evidence.add_proof(ctx, ACC, pid, "observation", "Travail en équipe observé", item_id="rectec:C03",
                       description="Binôme sur la ligne.")
    at = _open("accompanist_validation", pid)
    at.radio(key="v_modality").set_value("montrer")
    next(b for b in at.button if b.label == "Valider").click()
    at.run()
    assert not at.exception and "est validé" in texts(at)
    assert "✅ validé" in at.dataframe[0].value.to_string()


@pytest.mark.parametrize("page", ["accompanist_grid", "accompanist_workshop", "accompanist_validation"])
def test_pages_refuse_other_roles_in_french(page):
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=60)
    at.session_state["identity"] = IDENTITIES["candidate"]
    at.run()
    assert not at.exception
    assert "pas disponible pour votre rôle" in texts(at)
    assert not at.radio and not at.button


def test_grid_refuses_a_person_the_accompanist_does_not_follow(ctx):
    pid = worker(ctx, "Pas suivi (test)")
    at = _open("accompanist_grid", pid, identity=IDENTITIES["accompanist"])
    assert not [r for r in at.radio if r.key and pid in r.key]  # the picker falls back to own candidates


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (6, 5)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _bomb_png() -> bytes:
    """A PNG header announcing 100 000 × 100 000 pixels (10 gigapixels) and almost no data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_unreadable_images_are_detected_without_decoding_bombs():
    import time

    from competency_graph.ui.proofs import readable_image

    good = _png((10, 20, 30))
    assert readable_image(good)
    started = time.monotonic()
    for hostile in (good[:40], b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, _bomb_png(), b"GIF89a" + b"\xff" * 50, b""):
        assert not readable_image(hostile)
    assert time.monotonic() - started < 5


def test_dossier_survives_a_broken_file_and_lets_a_proof_be_withdrawn_or_replaced(ctx):
    import random

    pid = worker(ctx, "Dossier (test)")
    colour = tuple(random.randrange(256) for _ in range(3))
    photo = evidence.add_proof(ctx, ACC, pid, "photo", "Palette (test)", item_id="rectec:C03",
                               content=_png(colour, (7, 9)), filename="palette-test.png")
    other = tuple((c + 128) % 256 for c in colour)
    bomb = evidence.add_proof(ctx, ACC, pid, "photo", "Image piégée test", item_id="rectec:C03",
                              content=_png(other, (9, 7)), filename="piege.png")
    # uploads are checked and re-encoded; these files turn hostile at rest (an old store, a restored backup)
    ctx.repo.files.path(bomb.file_sha256).write_bytes(_bomb_png())
    duplicate = evidence.add_proof(ctx, ACC, pid, "observation", "Doublon test", item_id="rectec:C03",
                                   description="Même chose.")
    ctx.repo.files.path(photo.file_sha256).write_bytes(b"\x89PNG\r\n\x1a\n broken at rest")  # damaged on disk
    at = _open("accompanist_dossier", pid)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    from competency_graph.ui.formats import md_escape  # names are shown as text, Markdown-escaped

    for name in ("palette-test.png", "piege.png"):
        assert f"Fichier illisible : {md_escape(name)}" in warnings, warnings
    assert "Doublon test" in " ".join(m.value for m in at.markdown)
    # withdraw the duplicate: gone from the dossier, kept in the database
    at.text_input(key=f"fix-reason-{duplicate.id}").input("Doublon")
    next(b for b in at.button if b.label == "Retirer du dossier" and duplicate.id in (b.form_id or "")).click()
    at.run()
    assert not at.exception and "Preuve retirée du dossier" in texts(at)
    assert "Doublon test" not in " ".join(m.value for m in at.markdown)
    assert duplicate.id in {r.id for r in ctx.repo.list_evidence(pid)}
    # replace the trapped image by a few words
    at.text_input(key=f"fix-title-{bomb.id}").input("Palette terminée décrite")
    at.text_area(key=f"fix-text-{bomb.id}").input("Palette filmée et cerclée seule.")
    next(b for b in at.button if b.label == "Remplacer par cette preuve" and bomb.id in (b.form_id or "")).click()
    at.run()
    assert not at.exception and "Preuve remplacée" in texts(at)
    shown = " ".join(m.value for m in at.markdown)
    assert "Palette terminée décrite" in shown and "Image piégée test" not in shown
    assert "2 preuve(s) retirée(s) du dossier" in texts(at)
