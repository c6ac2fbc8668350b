"""One AppTest per page (``streamlit.testing.v1``): each runs app.py as a role, drives the page's main
widgets and checks the result in the database or on screen, with no exception."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from apphelpers import IDENTITIES, ROOT, open_page, texts
from streamlit.testing.v1 import AppTest


def _tiny_png() -> bytes:
    from competency_graph.store.demo import _tiny_png as png

    return png()


def _events(ctx, person_id: str, item_id: str, role: str):
    return [e for e in ctx.repo.history(person_id, item_id=item_id) if e.author_role == role]


# -- sign-in and navigation ---------------------------------------------------------------------------------

def test_sign_in_page_lists_demo_accounts_and_signs_in():
    at = open_page(None)
    assert at.title[0].value == "Bienvenue"
    radio = at.radio(key="account")
    # options are shown formatted; names are Markdown-escaped (radio labels are Markdown)
    assert any("Léa \\(démo\\)" in o for o in radio.options)
    radio.set_value("demo-user-lea|candidate")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["identity"].role == "candidate"
    assert at.title[0].value == "Me positionner"


def test_each_role_lands_on_its_own_first_page():
    expected = {"candidate": "Me positionner", "accompanist": "Mes candidats",
                "trainer": "Maillons de parcours", "admin": "Validation et SPARQL"}
    for role, title in expected.items():
        at = open_page(role)
        assert at.title[0].value == title, role
        assert at.sidebar.button(key="sign_out")


def test_sign_out_returns_to_sign_in():
    at = open_page("admin")
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert at.title[0].value == "Bienvenue"


# -- candidate ----------------------------------------------------------------------------------------------

def test_candidate_self_positions_one_competency_then_moves_on(ctx):
    before = len(_events(ctx, "demo-lea", "rectec:C02", "self"))
    at = open_page("candidate", "candidate_position", position_index=1)
    assert "Prendre en compte les règlements" in texts(at)
    button = next(b for b in at.button if b.key and b.key.endswith("rectec:C02-3"))
    button.click().run()
    assert not at.exception
    assert "C'est noté : cercle 3" in texts(at)
    assert "Travailler en équipe" in texts(at)  # next competency shown
    assert len(_events(ctx, "demo-lea", "rectec:C02", "self")) == before + 1
    at.button(key="previous").click().run()
    assert "Prendre en compte les règlements" in texts(at)
    assert any(b.key == "big-chosen-rectec:C02-3" for b in at.button)


def test_candidate_positions_activities_of_their_trade(ctx):
    at = open_page("candidate", "candidate_position")
    radio = next(r for r in at.radio if r.key and r.key.startswith("state-"))
    activity = radio.key.removeprefix("state-")
    target = "not_yet" if radio.value == "acquired" else "acquired"
    radio.set_value(target)
    next(b for b in at.button if b.label == "Enregistrer mes réponses").click().run()
    assert not at.exception
    assert "réponse(s) enregistrée(s)" in texts(at)
    assert _events(ctx, "demo-lea", activity, "self")[-1].state == target


def test_candidate_map_shows_chart_and_words_and_easy_read_mode():
    at = open_page("candidate", "candidate_map")
    assert at.get("plotly_chart")
    assert "Organiser son activité" in texts(at)
    assert at.date_input(key="map_as_of")
    at.sidebar.toggle(key="easy_read").set_value(True).run()
    assert not at.exception
    assert "Plus c'est grand, plus je sais faire." in texts(at)
    assert not [d for d in at.date_input if d.key == "map_as_of"]


def test_candidate_adds_an_observation_and_a_refused_file(ctx):
    at = open_page("candidate", "candidate_evidence")
    at.radio(key="kind").set_value("observation").run()
    at.text_input(key="title").input("J'ai rangé l'atelier")
    at.text_area(key="text").input("Tout seul, avant la fin de la journée.")
    next(b for b in at.button if b.label == "Ajouter").click().run()
    assert not at.exception
    assert "Preuve ajoutée" in texts(at)
    assert any(r.title == "J'ai rangé l'atelier" for r in ctx.repo.list_evidence("demo-lea"))
    # a "PDF" that is not one is refused by the store's content check, with a French message
    at.radio(key="kind").set_value("document").run()
    at.text_input(key="title").input("Faux document")
    at.file_uploader(key="file").upload("faux.pdf", b"not a pdf at all", "application/pdf")
    next(b for b in at.button if b.label == "Ajouter").click().run()
    assert not at.exception
    assert at.error and "Action refusée" in at.error[0].value
    assert not any(r.title == "Faux document" for r in ctx.repo.list_evidence("demo-lea"))
    # a real photo is stored (checked by its first bytes) and shown back as an image
    at.radio(key="kind").set_value("photo").run()
    at.text_input(key="title").input("Mon poste rangé")
    at.file_uploader(key="file").upload("poste.png", _tiny_png(), "image/png")
    next(b for b in at.button if b.label == "Ajouter").click().run()
    assert not at.exception
    assert "Preuve ajoutée" in texts(at)
    photo = next(r for r in ctx.repo.list_evidence("demo-lea") if r.title == "Mon poste rangé")
    assert photo.media_type == "image/png" and photo.original_name == "poste.png"
    assert at.get("image")


def test_candidate_next_step_in_plain_words_with_read_aloud():
    at = open_page("candidate", "candidate_next", read_aloud=True)
    text = texts(at)
    assert "AFEST" in text  # the demo candidate has gaps to her trade: consolidate at work first (seed 003)
    assert "visez le cercle" in text


# -- accompanist --------------------------------------------------------------------------------------------

def test_accompanist_candidates_list_and_open_copositioning():
    at = open_page("accompanist", "accompanist_candidates")
    frame = at.dataframe[0].value
    assert set(frame["Nom"]) == {"Julien (démo)", "Léa (démo)", "Samir (démo)"}
    assert "Divergences à discuter" in frame.columns
    at.selectbox(key="open_person").set_value("demo-samir")
    at.button(key="go").click().run()
    assert not at.exception
    assert at.title[0].value == "Co-positionnement"
    assert at.session_state["person_id"] == "demo-samir"


def test_accompanist_copositions_with_a_note_as_a_new_event(ctx):
    at = open_page("accompanist", "accompanist_copositioning", person_id="demo-samir")
    assert "divergence(s) à discuter" in texts(at)
    item = at.selectbox(key="rectec-item").value
    own = _events(ctx, "demo-samir", item, "self")[-1].level
    before = _events(ctx, "demo-samir", item, "accompanist")
    radio = at.radio(key=f"rectec-level-{item}")
    other = 4 if own != 4 else 1
    radio.set_value(other)
    next(b for b in at.button if b.label == "Enregistrer mon avis").click().run()
    assert "Une note est demandée" in texts(at)  # differing without a note: refused, nothing written
    assert len(_events(ctx, "demo-samir", item, "accompanist")) == len(before)
    at.radio(key=f"rectec-level-{item}").set_value(own)
    at.text_area(key=f"rectec-note-{item}").input("Accord trouvé en entretien.")
    next(b for b in at.button if b.label == "Enregistrer mon avis").click().run()
    assert not at.exception
    assert "Avis enregistré" in texts(at)
    after = _events(ctx, "demo-samir", item, "accompanist")
    assert len(after) == len(before) + 1 and after[-1].comment == "Accord trouvé en entretien."
    assert before and before[-1].id in {e.id for e in after}  # the earlier word is kept, not overwritten


def test_accompanist_dossier_adds_proof_and_endorsement(ctx):
    at = open_page("accompanist", "accompanist_dossier", person_id="demo-lea")
    assert "MONTRER" in " ".join(m.label for m in at.metric)
    at.text_input(key="d_title").input("Préparation de commande observée")
    at.selectbox(key="d_modality").set_value("montrer")
    at.text_area(key="d_text").input("Commande complète, sans erreur.")
    next(b for b in at.button if b.label == "Ajouter").click().run()
    assert not at.exception
    assert "Preuve ajoutée" in texts(at)
    added = next(r for r in ctx.repo.list_evidence("demo-lea") if r.title == "Préparation de commande observée")
    assert added.rae_modality == "montrer" and added.author_id == "demo-moniteur"
    at.selectbox(key="e_evidence").set_value(added.id)
    at.text_input(key="e_name").input("Chef d'équipe (démo)")
    next(b for b in at.button if b.label == "Ajouter le témoignage").click().run()
    assert not at.exception
    assert "Témoignage ajouté" in texts(at)


def test_accompanist_followup_timeline_progress_and_interview(ctx):
    at = open_page("accompanist", "accompanist_followup", person_id="demo-lea")
    assert at.get("plotly_chart")
    assert len(at.dataframe) == 2  # timeline and progress
    assert "élément(s) en progrès" in texts(at)
    at.date_input(key="p_from").set_value(dt.date.today()).run()
    assert "La première date doit être avant la seconde." in texts(at)
    count = len(ctx.repo.list_followups("demo-lea"))
    at.selectbox(key="f_kind").set_value("project_review")
    at.text_area(key="f_notes").input("Point d'étape (test).")
    next(b for b in at.button if b.label == "Enregistrer l'entretien").click().run()
    assert not at.exception
    assert "Entretien enregistré" in texts(at)
    assert len(ctx.repo.list_followups("demo-lea")) == count + 1


def test_accompanist_guidance_gaps_modalities_pathway():
    at = open_page("accompanist", "accompanist_guidance", person_id="demo-julien")
    assert at.selectbox(key="g_target-demo-julien").value == "rncp:RNCP38386"
    text = texts(at)
    assert "Écarts à l'objectif" in text and "Couverture des blocs de compétences" in text
    assert "Parcours proposé" in text
    assert any("éligible" in e.label for e in at.expander)
    at.selectbox(key="g_target-demo-julien").set_value("rae:ouvrier-paysagiste").run()
    assert not at.exception
    assert "attendu(s) atteint(s)" in texts(at)


# -- trainer, referentials, admin ---------------------------------------------------------------------------

def test_trainer_heatmap_and_editable_course_links():
    at = open_page("trainer", "trainer_course_links")
    assert at.selectbox(key="l_target").value is not None
    assert at.get("plotly_chart")
    editor = at.data_editor[0].value if at.data_editor else None
    assert editor is not None and len(editor) > 0 and "Maillon" in editor.columns
    assert "Personne" in " ".join(editor["Personnes"])  # pseudonyms for people the trainer does not follow
    assert at.get("download_button")
    at.multiselect(key="l_group").set_value([]).run()
    assert "Choisissez au moins une personne." in texts(at)


def test_referentials_explorer_search_details_and_network():
    at = open_page("accompanist", "referentials")
    assert at.selectbox(key="r_ref").value == "rectec"
    at.text_input(key="r_query").input("equipe").run()
    assert not at.exception
    assert at.selectbox(key="r_item").value == "rectec:C03"
    assert "Travailler en équipe" in texts(at)
    assert at.get("plotly_chart") and at.dataframe
    at.selectbox(key="r_ref").set_value("rae").run()
    at.text_input(key="r_query").input("").run()
    at.selectbox(key="r_kind").set_value("trade").run()
    assert not at.exception
    assert at.selectbox(key="r_item").value.startswith("rae:")


def test_admin_sparql_console_is_read_only():
    at = open_page("admin", "admin")
    next(b for b in at.button if b.label == "Exécuter").click().run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert len(rows) == 12 and rows.iloc[0, 0] == "C01"  # the official code, typed cg:RectecCode
    at.text_area(key="query").input("DELETE WHERE { ?s ?p ?o }")
    next(b for b in at.button if b.label == "Exécuter").click().run()
    assert "Requête refusée" in texts(at)


def test_pages_refuse_the_wrong_role():
    # the candidate's navigation does not even register the admin page…
    at = open_page("candidate")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/admin.py")
    # …and the page itself checks the role when run directly
    page = AppTest.from_file(str(ROOT / "app_pages" / "admin.py"), default_timeout=60)
    page.session_state["identity"] = IDENTITIES["candidate"]
    page.run()
    assert not page.exception
    assert "pas disponible pour votre rôle" in texts(page)
    assert not page.text_area


def test_admin_validate_button_lists_problems_with_their_location(monkeypatch):
    # the check runs as a background job (services.validation_job): the page is tested with its status patched
    from competency_graph.services import validation_job

    started = []
    monkeypatch.setattr(validation_job, "start", lambda identity: started.append(identity.role) or True)
    monkeypatch.setattr(validation_job, "status", lambda: validation_job.JobStatus(
        "done", "shapes", 1, 1, [{"text": "referentials/rectec/rectec.yaml:42:7: error [level-order] les cercles "
                                          "doivent se suivre", "severity": "error"}], 3,
        started_at="2026-12-02T10:00:00+00:00", finished_at="2026-12-02T10:00:09+00:00"))
    at = open_page("admin", "admin")
    at.button(key="validate").click().run()
    assert not at.exception
    assert started == ["admin"]
    assert "1 erreur(s), 0 avertissement(s)." in texts(at)
    assert "referentials/rectec/rectec.yaml:42:7: error [level-order]" in at.code[0].value
    assert "en 9 s (3 lot(s) vérifié(s)" in texts(at)
    monkeypatch.setattr(validation_job, "status", lambda: validation_job.JobStatus(
        "done", "shapes", 1, 1, [], 0, started_at="2026-12-02T10:00:00+00:00",
        finished_at="2026-12-02T10:00:01+00:00"))
    at.run()
    assert "Aucun problème" in texts(at)


def test_admin_validation_shows_a_french_progress_bar_while_it_runs(monkeypatch):
    import os

    from competency_graph.services import validation_job

    monkeypatch.setattr(validation_job, "status", lambda: validation_job.JobStatus(
        "running", "shapes", 12, 93, pid=os.getpid(), started_at="2026-12-02T10:00:00+00:00"))
    monkeypatch.setattr(validation_job, "start", lambda identity: False)
    at = open_page("admin", "admin")
    at.button(key="validate").click().run()
    assert not at.exception
    assert "Une validation est déjà en cours" in texts(at)
    bar = at.get("progress")[0]
    assert "Vérification des formes SHACL : 12 / 93 lots" in bar.proto.text
    assert "arrière-plan" in texts(at)


def test_unexpected_error_shows_a_french_message_and_logs_no_personal_data(monkeypatch, caplog):
    from competency_graph.services import guidance

    def broken(*_args, **_kwargs):
        raise RuntimeError("Léa (démo) habite rue des Lilas")  # what a careless message could leak

    monkeypatch.setattr(guidance, "next_step", broken)
    with caplog.at_level("ERROR", logger="competency_graph.app"):
        at = open_page("candidate", "candidate_next")
    assert "quelque chose n'a pas marché" in at.error[0].value
    assert "Traceback" not in texts(at)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "Lilas" not in logged and "Léa" not in logged


def test_refused_operation_shows_the_store_message(monkeypatch):
    from competency_graph.services import caseload
    from competency_graph.store import StoreError

    def refused(*_args, **_kwargs):
        raise StoreError(code="database_busy")

    monkeypatch.setattr(caseload, "caseload", refused)
    at = open_page("accompanist", "accompanist_candidates")
    assert "Action refusée : La base est occupée" in at.error[0].value


# -- admin imports and entry-profile targets ------------------------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"


def test_admin_imports_an_rncp_export_then_the_explorer_shows_it(tmp_path, monkeypatch):
    # a data directory of its own: the import changes the referentials every later test would load
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    at = open_page("admin", "admin")
    assert at.button(key="rncp_import").disabled  # nothing uploaded yet
    sample = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_2025_09_01.xml"
    at.file_uploader(key="rncp_upload").set_value((sample.name, sample.read_bytes(), "text/xml"))
    at.run()
    at.button(key="rncp_import").click().run()
    assert not at.exception
    summary = " ".join(s.value for s in at.success)
    assert "Export RNCP importé (export_fiches_RNCP_V4_1_2025_09_01.xml)" in summary
    assert "4 certification(s) lue(s) (4 nouvelle(s), 0 mise(s) à jour), 8 bloc(s), 24 compétence(s)" in summary
    assert (tmp_path / "referentials" / "rncp.json").exists()
    # the list of imported files, with French sizes and dates
    # (the file name is shown as text: Markdown-escaped, rncp\.json)
    assert re.search(r"rncp\\\.json \(\d+(,\d)?\u202fko, \d\d/\d\d/\d{4}\)", texts(at))
    at.switch_page("app_pages/referentials.py")
    at.run()
    # typed while RECTEC is selected: the explorer looks in every referential
    at.text_input(key="r_query").input("RNCP90001").run()
    assert not at.exception, texts(at)
    assert "résultats dans tous les référentiels" in texts(at)
    assert at.selectbox(key="r_item").value == "rncp:RNCP90001"
    assert "Jardinier paysagiste (fiche fictive)" in texts(at)
    relations = set(at.dataframe[0].value["Relation"])
    assert "→ remplace" in relations  # RNCP succession edges read in French
    at.selectbox(key="r_ref").set_value("rncp-import").run()
    assert at.selectbox(key="r_item").value == "rncp:RNCP90001"
    assert "résultats dans tous les référentiels" not in texts(at)


def test_admin_import_of_a_malformed_file_says_why_and_imports_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    at = open_page("admin", "admin")
    bad = FIXTURES / "rncp" / "truncated.xml"
    at.file_uploader(key="rncp_upload").set_value((bad.name, bad.read_bytes(), "text/xml"))
    at.run()
    at.button(key="rncp_import").click().run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("Import refusé, rien n'a été importé.") and "truncated.xml, ligne" in message
    assert not at.success  # no summary of an earlier import next to the error
    assert "Traceback" not in texts(at)
    assert not (tmp_path / "referentials" / "rncp.json").exists()
    assert not list(tmp_path.glob(".import-*"))  # no staging left behind


def test_admin_imports_a_rome_zip_with_french_numbers(tmp_path, monkeypatch):
    import io
    import zipfile

    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (FIXTURES / "rome").iterdir():
            archive.write(path, f"rome-v460/{path.name}")
    at = open_page("admin", "admin")
    at.file_uploader(key="rome_upload").set_value(("rome.zip", buffer.getvalue(), "application/zip"))
    at.run()
    at.button(key="rome_import").click().run()
    assert not at.exception
    summary = " ".join(s.value for s in at.success)
    assert summary.startswith("ROME importé (rome.zip) :") and "fiche(s) métier" in summary
    assert (tmp_path / "referentials" / "rome.json").exists()


def test_admin_rome_folder_outside_the_data_directory_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    at = open_page("admin", "admin")
    at.text_input(key="rome_folder_path").input(str(FIXTURES / "rome")).run()
    at.button(key="rome_import_folder").click().run()
    assert not at.exception
    assert "Le chemin doit se trouver dans le dossier de données" in at.error[0].value
    assert not (tmp_path / "referentials" / "rome.json").exists()


def test_import_services_refuse_a_non_admin(tmp_path, monkeypatch):
    from competency_graph.services import referentials

    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    sample = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_2025_09_01.xml"
    for role in ("candidate", "accompanist", "trainer"):
        with pytest.raises(referentials.ImportRefused) as refused:
            referentials.import_rncp_upload(IDENTITIES[role], [referentials.Upload(sample.name, sample.read_bytes())])
        assert refused.value.code == "not_admin"
        with pytest.raises(referentials.ImportRefused) as refused:
            referentials.import_rome_folder(IDENTITIES[role], str(tmp_path))
        assert refused.value.code == "not_admin"
    assert not (tmp_path / "referentials" / "rncp.json").exists()


def test_trainer_targets_a_training_entry_profile():
    at = open_page("trainer", "trainer_course_links")
    box = at.selectbox(key="l_target")
    assert "Entrée en CAP Cuisine par apprentissage (Attendus d'entrée en formation)" in box.options
    box.set_value("formation:cap-cuisine-apprentissage").run()
    assert not at.exception
    assert at.get("plotly_chart")
    editor = at.data_editor[0].value
    assert len(editor) > 0
    # every maillon raises a circle the entry profile expects, no higher
    assert editor["Au cercle"].max() <= 2
    assert any(e.label.startswith("Ce qu'attend la formation : Entrée en CAP Cuisine") for e in at.expander)


def test_accompanist_targets_a_training_entry_profile():
    at = open_page("accompanist", "accompanist_guidance")
    key = next(s.key for s in at.selectbox if s.key and s.key.startswith("g_target-"))
    at.selectbox(key=key).set_value("formation:tp-agent-de-proprete-et-d-hygiene").run()
    assert not at.exception
    assert "attendu(s) atteint(s)" in texts(at)
    frame = at.dataframe[0].value
    confirmations = set(frame["Confirmé"])
    assert confirmations <= {"✓", "non confirmé", "non positionné"}
    assert "Cet objectif ne mène pas à une certification en blocs." in texts(at)
