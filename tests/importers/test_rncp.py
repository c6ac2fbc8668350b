"""RNCP import: competence-list splitting, XML v4.1 and CSV readers, merge on re-import, hostile files."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_graph.importers.rncp import (
    RncpImportError,
    import_rncp,
    iter_rncp_csv,
    iter_rncp_xml,
    split_competences,
)
from competency_graph.model import ReferentialFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rncp"
V1 = FIXTURES / "export_fiches_RNCP_V4_1_2025_09_01.xml"
V2 = FIXTURES / "export_fiches_RNCP_V4_1_2025_10_01.xml"
CSV_DIR = FIXTURES / "csv"
REPO = Path(__file__).resolve().parents[2]
SAMPLE = (REPO / "../shared/data/rncp/rncp-v4.1-sample.xml").resolve()


def by_id(path: Path = V1) -> dict:
    return {c.id: c for c in iter_rncp_xml(path)}


def labels(cert, bloc_index: int) -> list[str]:
    return [c.label for c in cert.blocs[bloc_index].competencies]


# ---------------------------------------------------------------------------------------------------------
# split_competences
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, []),
        ("", []),
        ("   \n  ", []),
        ("Tondre une pelouse", ["Tondre une pelouse"]),
        # numbered codes, with and without a space after the dot, runs of spaces between items
        ("A1C1. Evaluer le contexte        A1C2.Apprécier les incidences    A1C3.Anticiper les enjeux",
         ["Evaluer le contexte", "Apprécier les incidences", "Anticiper les enjeux"]),
        # single spaces between codes of the same shape
        ("A1C1. Evaluer le contexte A1C2. Apprécier les incidences",
         ["Evaluer le contexte", "Apprécier les incidences"]),
        # a lead-in ending with ':' is dropped; dashes inside a numbered item stay
        ("En mobilisant une analyse du contexte :    A5.C1. Réaliser un diagnostic   "
         "A5.C2. Valider – le cas échéant - les modalités",
         ["Réaliser un diagnostic", "Valider – le cas échéant - les modalités"]),
        ("C1. Lire un plan\nC2. Implanter un ouvrage\nC3 - Poser des dalles",
         ["Lire un plan", "Implanter un ouvrage", "Poser des dalles"]),
        ("1. Préparer le matériel   2. Utiliser une tronçonneuse   3. Entretenir le matériel",
         ["Préparer le matériel", "Utiliser une tronçonneuse", "Entretenir le matériel"]),
        ("1) Accueillir le client 2) Conseiller le client", ["Accueillir le client", "Conseiller le client"]),
        ("a) Accueillir\nb) Conseiller", ["Accueillir", "Conseiller"]),
        ("C1.1. Identifier les besoins  C1.2. Proposer une offre",
         ["Identifier les besoins", "Proposer une offre"]),
        # bullets inside a numbered item are its details
        ("C1. Implanter un ouvrage :\n  - piquetage\n  - nivellement\nC2. Poser des dalles",
         ["Implanter un ouvrage : piquetage ; nivellement", "Poser des dalles"]),
        # dashes after two spaces; a run of three spaces inside an item is not a separator
        ("- Valider une solution   technique  - Renseigner la maquette  -   Contrôler la qualité",
         ["Valider une solution technique", "Renseigner la maquette", "Contrôler la qualité"]),
        # a dash between single spaces is not a bullet
        ("- Lire, décoder : un document - une information  - Représenter un système",
         ["Lire, décoder : un document - une information", "Représenter un système"]),
        # flattened list, single spaces only: dashes before capitals
        ("- Accueillir le public - Orienter les usagers - Tenir l'accueil",
         ["Accueillir le public", "Orienter les usagers", "Tenir l'accueil"]),
        ("•  Tondre une pelouse   • Tailler des haies • Désherber",
         ["Tondre une pelouse", "Tailler des haies", "Désherber"]),
        ("* Rendre compte\n* Renseigner une fiche", ["Rendre compte", "Renseigner une fiche"]),
        ("o Préparer les outils\no Ranger le poste", ["Préparer les outils", "Ranger le poste"]),
        ("\uf0b7 Accueillir \uf0b7 Conseiller", ["Accueillir", "Conseiller"]),
        ("▪ Accueillir\n▪ Conseiller", ["Accueillir", "Conseiller"]),
        # a heading glued to the end of an item, then items of the same bullet: dropped
        ("* Rendre compte\n* Renseigner une fiche\nCompétences transversales :\n* Travailler en équipe",
         ["Rendre compte", "Renseigner une fiche", "Travailler en équipe"]),
        ("- Compétences techniques :  - Souder  - Meuler",
         ["Souder", "Meuler"]),
        # an item ending with ':' followed by sub-items of another bullet
        ("- Organiser son chantier :\no Préparer les outils\no Ranger le poste\n- Respecter les délais",
         ["Organiser son chantier : Préparer les outils ; Ranger le poste", "Respecter les délais"]),
        # line breaks, continuation lines joined
        ("Préparer les légumes\nCuire les viandes\nen respectant les températures\nDresser les assiettes",
         ["Préparer les légumes", "Cuire les viandes en respectant les températures", "Dresser les assiettes"]),
        ("Analyser le dossier  Proposer des solutions", ["Analyser le dossier", "Proposer des solutions"]),
        ("Analyser le dossier (plans,  devis)", ["Analyser le dossier (plans, devis)"]),
        # CRLF, non-breaking spaces, trailing separators, duplicates, 'etc.' and ellipses
        ("- Accueillir\u00a0le client ;\r\n- Conseiller, etc.\r\n- Accueillir le client\r\n- Lire...",
         ["Accueillir le client", "Conseiller, etc.", "Lire..."]),
        ("- Souder.", ["Souder"]),
        # a language level is not a numbered item
        ("Communiquer en anglais niveau B2. Rédiger des courriels",
         ["Communiquer en anglais niveau B2. Rédiger des courriels"]),
        ("- ;  - -  - Souder", ["Souder"]),
        ("1/ Accueillir le client  2/ Conseiller le client", ["Accueillir le client", "Conseiller le client"]),
        ("C1 : Accueillir le client\nC2 : Conseiller le client", ["Accueillir le client", "Conseiller le client"]),
        ("\uf076 Accueillir \uf0e0 Conseiller", ["Accueillir", "Conseiller"]),
        ("Analyser le besoin ; Proposer une solution ; Rédiger le devis",
         ["Analyser le besoin", "Proposer une solution", "Rédiger le devis"]),
        ("Analyser le besoin ; en lien avec le client", ["Analyser le besoin ; en lien avec le client"]),
    ],
)
def test_split_competences(text, expected):
    assert split_competences(text) == expected


_BULLET_START = re.compile(r"^[•▪◦‣►▸➢➤➔→✓✔■□●○·❖♦◆\uf000-\uf0ff*\-–—>]")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("aZé 1.-–*•o:;,)\n\t\u00a0ABC2") + ["  ", "A1C1.", "- ", "\n- ", "C1 "]),
                max_size=120).map("".join) | st.text(max_size=200))
def test_split_competences_never_fails_and_is_clean(text):
    items = split_competences(text)
    assert isinstance(items, list)
    assert len(items) == len(set(items))
    for item in items:
        assert item and item == item.strip()
        assert "  " not in item and "\n" not in item and "\t" not in item
        assert not _BULLET_START.match(item)
        assert re.search(r"\w", item)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç", min_size=2, max_size=9)
_ITEM = st.builds(
    lambda first, rest: " ".join([first.capitalize(), *rest]),
    _WORD, st.lists(_WORD, max_size=6),
)
_SEPARATORS = [
    lambda items: "  ".join(f"- {i}" for i in items),
    lambda items: "\n".join(f"- {i}" for i in items),
    lambda items: " ".join(f"• {i}" for i in items),
    lambda items: "\n".join(f"* {i}" for i in items),
    lambda items: "\n".join(f"o {i}" for i in items),
    lambda items: "   ".join(f"{n}. {i}" for n, i in enumerate(items, 1)),
    lambda items: "    ".join(f"A1C{n}. {i}" for n, i in enumerate(items, 1)),
    lambda items: "\n".join(f"C{n}.{i}" for n, i in enumerate(items, 1)),
    lambda items: "\n".join(items),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(_ITEM, min_size=2, max_size=8, unique=True), st.sampled_from(range(len(_SEPARATORS))))
def test_split_competences_recovers_the_items(items, style):
    assert split_competences(_SEPARATORS[style](items)) == items


def test_split_competences_is_fast_on_long_text():
    text = ("A1C1. " + "mot " * 200 + "   ") * 200 + "- x " * 2000
    items = split_competences(text)
    assert items


# ---------------------------------------------------------------------------------------------------------
# XML v4.1 reader
# ---------------------------------------------------------------------------------------------------------

def test_xml_fields():
    certs = by_id()
    assert list(certs) == ["rncp:RNCP90001", "rncp:RNCP90002", "rncp:RNCP90003", "rncp:RNCP90004"]
    c = certs["rncp:RNCP90001"]
    assert c.label == "Jardinier paysagiste (fiche fictive)"
    assert (c.abbrev, c.level, c.vae_open, c.partial_validation, c.active) == ("CAPa", 3, True, True, True)
    assert c.rome == ["rome:A1203"]  # lower-case duplicate folded, invalid code dropped
    assert c.nsf == ["214"]
    assert c.certifiers == ["MINISTERE FICTIF DE L'AGRICULTURE"]
    assert c.entry_requirements == "Aucun prérequis.\nSavoir lire des consignes simples."
    assert c.end_date == dt.date(2029, 8, 31)
    assert c.replaces == ["rncp:RNCP80001"] and c.replaced_by == []
    assert c.provenance == "imported" and c.verified is True
    assert c.sources[0].url == "https://www.francecompetences.fr/recherche/rncp/90001/"
    assert c.sources[0].date == dt.date(2025, 9, 1)  # from the file name
    assert "export_fiches_RNCP_V4_1_2025_09_01.xml" in c.sources[0].title
    assert [b.id for b in c.blocs] == [f"rncp:RNCP90001BC0{n}" for n in range(1, 6)]  # 'Bloc 4' → BC04
    assert labels(c, 0) == ["Tondre une pelouse en respectant les consignes de sécurité",
                            "Tailler des haies & des arbustes", "Désherber sans produit chimique"]
    assert labels(c, 1) == ["Lire un plan d'aménagement", "Implanter un ouvrage : piquetage ; nivellement",
                            "Poser des dalles <50 kg>"]
    assert c.blocs[1].evaluation == "Épreuve pratique <chantier> notée sur 20."
    assert c.blocs[0].evaluation == "Mise en situation professionnelle\nsur un chantier d'entretien."
    assert [x.id for x in c.blocs[1].competencies] == [f"rncp:RNCP90001BC02/C{n}" for n in (1, 2, 3)]
    assert all(x.provenance == "imported" for b in c.blocs for x in [b, *b.competencies])


def test_xml_fiche_without_blocs_inactive_and_successions():
    certs = by_id()
    c = certs["rncp:RNCP90002"]
    assert c.blocs == [] and c.partial_validation is False
    assert (c.active, c.vae_open, c.level) == (False, False, None)
    assert c.label == "Agent d'entretien des locaux (fiche fictive sans blocs)"
    assert certs["rncp:RNCP90003"].replaced_by == ["rncp:RNCP90004"]
    assert certs["rncp:RNCP90004"].replaces == ["rncp:RNCP90003"]
    assert labels(certs["rncp:RNCP90003"], 0) == [
        "Réceptionner les marchandises", "Préparer les légumes",
        "Cuire des viandes - en respectant les températures - et les dresser"]


def test_xml_older_flags_and_explicit_partial_validation(tmp_path):
    path = tmp_path / "old.xml"
    path.write_text(
        "<FICHES><FICHE><NUMERO_FICHE>rncp 123</NUMERO_FICHE><INTITULE>X</INTITULE>"
        "<SI_JURY_VAE>Oui</SI_JURY_VAE><VALIDATION_PARTIELLE>Non</VALIDATION_PARTIELLE>"
        "<NOMENCLATURE_EUROPE><NIVEAU>NIV9</NIVEAU></NOMENCLATURE_EUROPE>"
        "<DATE_FIN_ENREGISTREMENT>31/02/2024</DATE_FIN_ENREGISTREMENT>"
        "<BLOCS_COMPETENCES><BLOC_COMPETENCES><CODE>RNCP999BC01</CODE><LIBELLE></LIBELLE></BLOC_COMPETENCES>"
        "<BLOC_COMPETENCES><CODE>RNCP123BC01</CODE></BLOC_COMPETENCES></BLOCS_COMPETENCES>"
        "</FICHE></FICHES>", encoding="utf-8")
    [c] = iter_rncp_xml(path)
    assert c.id == "rncp:RNCP123"
    assert (c.vae_open, c.partial_validation, c.level, c.end_date) == (True, False, None, None)
    # another fiche's bloc code is re-minted under this fiche; no duplicate ids
    assert [b.id for b in c.blocs] == ["rncp:RNCP123BC01", "rncp:RNCP123BC01-2"]
    assert c.blocs[0].label == "Bloc de compétences RNCP123BC01"


def test_xml_progress_and_zip(tmp_path):
    calls = []
    certs = list(iter_rncp_xml(V1, progress=lambda done, total: calls.append((done, total))))
    assert len(certs) == 4
    size = V1.stat().st_size
    assert calls and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    archive = tmp_path / "export-fiches-rncp-v4-1-2025-09-01.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(V1, V1.name)
    assert [c.id for c in iter_rncp_xml(archive)] == [c.id for c in certs]


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data/rncp/rncp-v4.1-sample.xml absent")
def test_real_sample(tmp_path):
    certs = {c.id: c for c in iter_rncp_xml(SAMPLE)}
    assert list(certs) == ["rncp:RNCP34762", "rncp:RNCP35809", "rncp:RNCP35625"]
    assert [len(c.blocs) for c in certs.values()] == [5, 4, 10]
    assert [[len(b.competencies) for b in c.blocs] for c in certs.values()] == [
        [7, 10, 10, 8, 5], [9, 20, 6, 14], [2, 5, 2, 5, 3, 3, 3, 5, 6, 4]]
    bts = certs["rncp:RNCP35809"]
    assert (bts.abbrev, bts.level, bts.active, bts.vae_open) == ("BTS", 5, True, True)
    assert bts.rome == ["rome:F1201", "rome:F1202"]
    assert bts.replaces == ["rncp:RNCP1020"] and bts.replaced_by == ["rncp:RNCP41827"]
    assert bts.end_date == dt.date(2026, 8, 31)
    assert bts.blocs[1].competencies[0].label == "Valider une solution technique"
    pge = certs["rncp:RNCP34762"]
    assert (pge.level, pge.active, pge.nsf) == (7, False, ["313", "310", "315p"])
    assert pge.entry_requirements.startswith("Il existe différentes voies d’admission")
    assert pge.blocs[4].competencies[0].label.startswith("Réaliser un diagnostic")  # lead-in dropped
    counts = import_rncp(SAMPLE, out_dir=tmp_path)
    assert counts == {"certifications": 3, "blocs": 19, "competencies": 127, "active": 1, "vae_open": 3,
                      "updated": 0, "created": 3, "total": 3}


# ---------------------------------------------------------------------------------------------------------
# Malformed and hostile files
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("truncated.xml", 11, "tronqué"),
        ("wrong-root.xml", 2, "<CERTIFICATIONS>"),
        ("missing-numero.xml", 8, "NUMERO_FICHE"),
        ("billion-laughs.xml", 2, "DTD"),
        ("external-entity.xml", 2, "DTD"),
        ("external-dtd.xml", 2, "DTD"),
    ],
)
def test_malformed_files_are_refused_and_nothing_is_written(tmp_path, name, line, words):
    with pytest.raises(RncpImportError) as err:
        list(iter_rncp_xml(FIXTURES / name))
    assert err.value.line == line
    assert f"{name}, ligne {line} : " in str(err.value) and words in str(err.value)
    import_rncp(V1, out_dir=tmp_path)
    before = (tmp_path / "rncp.json").read_bytes()
    with pytest.raises(RncpImportError):
        import_rncp(FIXTURES / name, out_dir=tmp_path)
    assert (tmp_path / "rncp.json").read_bytes() == before  # the good fiche before the bad one is not kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rncp.json"]  # no temporary file left
    empty = tmp_path / "empty"
    with pytest.raises(RncpImportError):
        import_rncp(FIXTURES / name, out_dir=empty)
    assert list(empty.iterdir()) == []


def test_billion_laughs_is_refused_quickly():
    import time

    start = time.perf_counter()
    with pytest.raises(RncpImportError):
        list(iter_rncp_xml(FIXTURES / "billion-laughs.xml"))
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    "content",
    [b"", b"not xml at all", b"<FICHES><VERSION_FLUX>4.1</VERSION_FLUX></FICHES>",
     b"<FICHES><LOT><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>x</INTITULE></FICHE></LOT></FICHES>", b"<FICHES><FICHE><NUMERO_FICHE>RX12</NUMERO_FICHE><INTITULE>x</INTITULE></FICHE></FICHES>",
     b"<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>  </INTITULE></FICHE></FICHES>",
     b"<?xml version='1.0' encoding='klingon'?><FICHES/>", b"\xff\xfe<\x00F\x00", b"<FICHES>\xff</FICHES>"],
)
def test_other_bad_content(tmp_path, content):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(RncpImportError):
        list(iter_rncp_xml(path))


def test_missing_file_and_bad_zip(tmp_path):
    with pytest.raises(RncpImportError, match="introuvable"):
        import_rncp(tmp_path / "absent.xml", out_dir=tmp_path)
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.xml", "<FICHES/>")
        z.writestr("b.xml", "<FICHES/>")
    with pytest.raises(RncpImportError, match="exactement un fichier"):
        list(iter_rncp_xml(archive))


_FIXTURE_BYTES = V1.read_bytes()


@st.composite
def _mutated(draw):
    data = bytearray(_FIXTURE_BYTES)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dup"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from(
                [b"<", b">", b"&", b"&amp;", b"<!DOCTYPE x>", b"]]>", b"<FICHE>", b"</FICHE>", b"\x00", b"\xc3",
                 b"<NUMERO_FICHE>RNCP1</NUMERO_FICHE>", b"NIV", b"  - ", b"A1C1. "]))
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif kind == "truncate":
            del data[pos:]
        elif kind == "dup":
            end = min(len(data), pos + draw(st.integers(1, 400)))
            data[pos:pos] = data[pos:end]
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_mutated())
def test_fuzz_xml_reader_only_raises_our_error(tmp_path, content):
    path = tmp_path / "fuzz.xml"
    path.write_bytes(content)
    try:
        for cert in iter_rncp_xml(path):
            assert cert.id.startswith("rncp:RNCP")
    except RncpImportError as exc:
        assert str(exc)


# ---------------------------------------------------------------------------------------------------------
# import_rncp: output, merge, idempotence
# ---------------------------------------------------------------------------------------------------------

def read_output(out_dir: Path) -> ReferentialFile:
    return ReferentialFile.model_validate_json((out_dir / "rncp.json").read_bytes())


def test_import_writes_a_referential_file(tmp_path):
    counts = import_rncp(V1, out_dir=tmp_path)
    assert counts == {"certifications": 4, "blocs": 8, "competencies": 24, "active": 2, "vae_open": 3,
                      "updated": 0, "created": 4, "total": 4}
    ref = read_output(tmp_path)
    header = ref.referential
    assert (header.id, header.kind, header.provenance, header.prefixes) == (
        "rncp-import", "certification-register", "imported", ["rncp"])
    assert header.version == "2025-09-01"
    assert header.sources[0].date == dt.date(2025, 9, 1)
    assert [c.id for c in ref.certifications] == list(by_id())
    raw = json.loads((tmp_path / "rncp.json").read_text(encoding="utf-8"))
    first = raw["certifications"][0]
    assert "verified" not in first and first["provenance"] == "imported"  # exclude_defaults
    # one certification per line
    lines = (tmp_path / "rncp.json").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 + 4 + 1
    assert (tmp_path / "rncp.json").stat().st_mode & 0o044  # readable by others (mkstemp makes 0600)


def test_import_output_loads_in_the_bundle(tmp_path):
    loader = pytest.importorskip("competency_graph.loader")
    import_rncp(V1, out_dir=tmp_path)
    bundle, problems = loader.check_paths([tmp_path])
    assert problems == [] and bundle is not None


def test_reimport_is_idempotent(tmp_path):
    import_rncp(V1, out_dir=tmp_path)
    first = (tmp_path / "rncp.json").read_bytes()
    counts = import_rncp(V1, out_dir=tmp_path)
    assert (counts["updated"], counts["created"], counts["total"]) == (4, 0, 4)
    assert (tmp_path / "rncp.json").read_bytes() == first


def test_reimport_updates_by_id(tmp_path):
    import_rncp(V1, out_dir=tmp_path)
    counts = import_rncp(V2, out_dir=tmp_path)
    assert counts == {"certifications": 2, "blocs": 1, "competencies": 2, "active": 2, "vae_open": 1,
                      "updated": 1, "created": 1, "total": 5}
    ref = read_output(tmp_path)
    ids = [c.id for c in ref.certifications]
    assert sorted(ids) == [f"rncp:RNCP9000{n}" for n in range(1, 6)] and len(ids) == len(set(ids))
    new = next(c for c in ref.certifications if c.id == "rncp:RNCP90001")
    assert new.label.endswith("version 2)") and [b.id for b in new.blocs] == ["rncp:RNCP90001BC01"]
    assert [s.date for s in ref.referential.sources] == [dt.date(2025, 10, 1), dt.date(2025, 9, 1)]
    again = import_rncp(V2, out_dir=tmp_path)
    assert (again["updated"], again["created"], again["total"]) == (2, 0, 5)


def test_duplicate_fiche_in_one_export_keeps_the_last(tmp_path):
    text = V1.read_text(encoding="utf-8")
    second = text.replace("<FICHES>", "").replace('<?xml version="1.0" encoding="UTF-8" standalone="no"?>', "")
    second = second.replace("Jardinier paysagiste (fiche fictive)", "Jardinier paysagiste (doublon)")
    path = tmp_path / "dup.xml"
    path.write_text(text.replace("</FICHES>", "") + second, encoding="utf-8")
    out = tmp_path / "out"
    counts = import_rncp(path, out_dir=out)
    assert (counts["certifications"], counts["total"], counts["blocs"]) == (4, 4, 8)
    ref = read_output(out)
    assert len(ref.certifications) == 4
    assert next(c for c in ref.certifications if c.id == "rncp:RNCP90001").label.endswith("(doublon)")


def test_existing_file_in_another_layout_is_merged(tmp_path):
    import_rncp(V1, out_dir=tmp_path)
    ref = read_output(tmp_path)
    (tmp_path / "rncp.json").write_text(
        json.dumps(ref.model_dump(mode="json", by_alias=True, exclude_defaults=True), indent=2), encoding="utf-8")
    counts = import_rncp(V2, out_dir=tmp_path)
    assert counts["total"] == 5
    assert len(read_output(tmp_path).certifications) == 5


def test_corrupt_existing_file_is_not_overwritten(tmp_path):
    (tmp_path / "rncp.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(RncpImportError, match="supprimez-le"):
        import_rncp(V1, out_dir=tmp_path)
    assert (tmp_path / "rncp.json").read_text(encoding="utf-8") == "{oops"


def test_default_output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path))
    import_rncp(V2)
    assert (tmp_path / "referentials" / "rncp.json").exists()


def test_memory_stays_flat(tmp_path):
    """Peak Python memory while streaming does not grow with the file (bench/bench_rncp.py: RSS on 200 MB)."""
    text = V1.read_text(encoding="utf-8")
    head, rest = text.split("<FICHE>", 1)
    fiche = "<FICHE>" + rest.split("</FICHE>", 1)[0] + "</FICHE>\n"
    peaks = []
    for count in (250, 1000):
        path = tmp_path / f"big{count}.xml"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(head)
            for n in range(count):
                fh.write(fiche.replace("RNCP90001", f"RNCP{100000 + n}"))
            fh.write("</FICHES>\n")
        tracemalloc.start()
        try:
            assert sum(1 for _ in iter_rncp_xml(path)) == count
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert path.stat().st_size > 4_000_000
    assert peaks[1] < 1.2 * peaks[0] and peaks[1] < 4_000_000, peaks


# ---------------------------------------------------------------------------------------------------------
# CSV export
# ---------------------------------------------------------------------------------------------------------

def test_csv_reader():
    certs = {c.id: c for c in iter_rncp_csv(CSV_DIR)}
    assert list(certs) == ["rncp:RNCP90001", "rncp:RNCP90002", "rncp:RNCP90006", "rncp:RS5001"]  # RS read too
    assert certs["rncp:RS5001"].repertoire == "RS" and certs["rncp:RNCP90001"].repertoire == "RNCP"
    c = certs["rncp:RNCP90001"]
    assert (c.abbrev, c.level, c.active, c.vae_open, c.partial_validation) == ("CAPa", 3, True, True, True)
    assert [b.id for b in c.blocs] == ["rncp:RNCP90001BC01", "rncp:RNCP90001BC02"]
    assert c.blocs[0].label == "Entretenir un espace vert" and c.blocs[0].competencies == []
    assert (c.rome, c.nsf, c.replaces) == (["rome:A1203"], ["214"], ["rncp:RNCP80001"])
    assert c.end_date == dt.date(2029, 8, 31)
    old = certs["rncp:RNCP90002"]
    assert (old.active, old.vae_open, old.blocs, old.replaced_by) == (False, None, [], ["rncp:RNCP90006"])
    assert old.label == "Agent d'entretien; des locaux (fiche fictive sans blocs)"
    new = certs["rncp:RNCP90006"]
    assert (new.vae_open, new.partial_validation, new.replaces) == (False, False, ["rncp:RNCP90002"])
    files = sorted(CSV_DIR.iterdir())
    assert [c.id for c in iter_rncp_csv(files)] == list(certs)


def test_csv_zip_and_missing_standard(tmp_path):
    archive = tmp_path / "export-fiches-csv-2025-09-01.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in CSV_DIR.iterdir():
            z.write(f, f.name)
    assert len(list(iter_rncp_csv(archive))) == 4
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(CSV_DIR / "export_fiches_CSV_Rome_2025_09_01.csv", partial)
    with pytest.raises(RncpImportError, match="Standard"):
        list(iter_rncp_csv(partial))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "export_fiches_CSV_Standard_2025_09_01.csv").write_text("Numero;Nom\nRNCP1;x\n", encoding="utf-8")
    with pytest.raises(RncpImportError, match="Numero_Fiche"):
        list(iter_rncp_csv(bad))


def test_csv_after_xml_keeps_the_competence_lists(tmp_path):
    import_rncp(V1, out_dir=tmp_path)
    counts = import_rncp(CSV_DIR, out_dir=tmp_path)
    assert (counts["certifications"], counts["updated"], counts["created"], counts["total"]) == (4, 2, 2, 6)
    ref = {c.id: c for c in read_output(tmp_path).certifications}
    garden = ref["rncp:RNCP90001"]
    assert [b.id for b in garden.blocs] == ["rncp:RNCP90001BC01", "rncp:RNCP90001BC02"]
    assert len(garden.blocs[0].competencies) == 3  # kept from the XML import
    assert garden.entry_requirements == "Aucun prérequis.\nSavoir lire des consignes simples."
    assert "CSV" in garden.sources[0].title
    assert "rncp:RNCP90006" in ref
    header = read_output(tmp_path).referential
    assert header.version == "2025-09-01" and "CSV" in header.sources[0].title


def test_csv_progress_follows_the_standard_table(tmp_path):
    calls = []
    counts = import_rncp(CSV_DIR, out_dir=tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert counts["certifications"] > 0
    lines = (CSV_DIR / "export_fiches_CSV_Standard_2025_09_01.csv").read_text(encoding="utf-8-sig").count("\n")
    assert calls and calls[-1] == (lines, lines)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # without a callback the CSV reader reads the same certifications
    assert [c.id for c in iter_rncp_csv(CSV_DIR)] == [c.id for c in iter_rncp_csv(CSV_DIR, progress=lambda d, t: None)]
