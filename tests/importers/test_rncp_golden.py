"""Golden comparison: the optimised RNCP reader gives exactly what the reader before the throughput work gave
(``rncp_reference``, a frozen copy of commit 03f1f48) — on the real sample, on the fixtures, on generated
exports whose competence lists and free texts are drawn from every shape the splitter knows, and on random
texts (hypothesis)."""

from __future__ import annotations

import random
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import rncp_reference as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_graph.importers import rncp_fields, rncp_text
from competency_graph.importers.rncp import import_rncp, iter_rncp_xml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rncp"
REPO = Path(__file__).resolve().parents[2]
SAMPLE = (REPO / "../shared/data/rncp/rncp-v4.1-sample.xml").resolve()
XML_FIXTURES = sorted(FIXTURES.glob("export_fiches_*.xml")) + sorted((FIXTURES / "full").glob("*.xml"))

PHRASES = [
    "Analyser le dossier de l'affaire", "Proposer une ou plusieurs solutions", "réaliser un diagnostic",
    "Valider une solution   technique", "Accueillir le client", "Conseiller, etc.", "Lire...", "Souder.",
    "en respectant les températures", "Communiquer en anglais niveau B2. Rédiger des courriels",
    "Compétences transversales :", "Organiser son chantier :", "(plans,  devis)", "Élaborer le budget ;",
    "Évaluer, depuis son périmètre, les contextes économiques", "piquetage", "niveau 3.1 du cadre",
    "« Préparer » le matériel", "Utiliser le logiciel v2.0", "Analyser le besoin ; en lien avec le client",
    "Analyser le besoin ; Proposer une solution", "x", "É", "123", "Savoir-faire : lire un plan,",
    "- une information", "Tenir l'accueil - Orienter les usagers", "Contrôler la qualité .", "Lire 1.2 Écrire",
    "(mise en situation)", "Norme ISO ９００１", "Tracer un plan 2D",
]
MARKERS = ["", "", "- ", "– ", "— ", "-", "• ", "•", "* ", "o ", "> ", "▪ ", "\uf0b7 ", "\uf0e0", "A1C1. ", "A1C2.",
           "A5.C1. ", "C1 - ", "C2 : ", "CP3 ", "BC01.C2 ", "1. ", "2) ", "1.1 ", "1.2. ", "3.1.2 ", "3 ", "a) ",
           "b)", "1/ ", "4 - ", "RNCP1BC01 ", "-  "]
SEPS = [" ", "  ", "   ", "    ", "\n", "\r\n", "\r", "\n\n", " \n ", "\u00a0", "\t", " ; ", "\u202f  ", "  - "]


def random_text(rng: random.Random) -> str:
    parts = []
    if rng.random() < 0.2:
        parts.append(rng.choice(["En mobilisant une analyse du contexte :", "Le candidat est capable de :",
                                 "Compétences :"]) + rng.choice(SEPS))
    marker_pool = rng.sample(MARKERS, rng.randint(1, 3))
    for i in range(rng.randint(0, 12)):
        if i:
            parts.append(rng.choice(SEPS) if rng.random() < 0.3 else rng.choice(SEPS[:6]))
        parts.append(rng.choice(marker_pool) + rng.choice(PHRASES))
        if rng.random() < 0.1:
            parts.append(rng.choice([":", ".", ";", " ;", ",", " etc.", ".."]))
    return "".join(parts)


def random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [random_text(rng) for _ in range(count)]


def _dump(certs) -> list[str]:
    return [c.model_dump_json(by_alias=True) for c in certs]


def test_text_functions_match_the_reference():
    for text in random_texts(19, 3000) + ["", "   ", "\n", None]:
        assert rncp_text.split_competences(text) == ref.split_competences(text), text
        assert rncp_text.split_outline(text) == ref.split_outline(text), text
        assert rncp_fields._paragraphs(text) == ref._paragraphs(text), text


_TOKENS = st.sampled_from(PHRASES + MARKERS + SEPS + [":", ".", ";", "1", "1.1", "A", "é", "\uf0b7", "•", "-"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_TOKENS, max_size=30).map("".join))
def test_text_functions_match_the_reference_on_random_texts(text):
    assert rncp_text.split_competences(text) == ref.split_competences(text)
    assert rncp_text.split_outline(text) == ref.split_outline(text)
    assert rncp_fields._paragraphs(text) == ref._paragraphs(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
def test_text_functions_match_the_reference_on_any_text(text):
    assert rncp_text.split_competences(text) == ref.split_competences(text)
    assert rncp_text.split_outline(text) == ref.split_outline(text)
    assert rncp_fields._paragraphs(text) == ref._paragraphs(text)


@pytest.mark.parametrize("path", [SAMPLE, *XML_FIXTURES], ids=lambda p: p.name)
def test_xml_reader_matches_the_reference(path, tmp_path):
    if not path.exists():
        pytest.skip(f"{path} absent")
    assert _dump(iter_rncp_xml(path)) == _dump(ref.iter_rncp_xml(path))
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert import_rncp(path, out_dir=ours) == ref.import_rncp(path, out_dir=theirs)
    assert (ours / "rncp.json").read_bytes() == (theirs / "rncp.json").read_bytes()


def generated_export(path: Path, fiches: int, seed: int) -> None:
    """An export of ``fiches`` fiches cut from the sample (else the fixtures), with fresh numbers, and
    competence lists, evaluations and prerequisites drawn by :func:`random_text`."""
    source = SAMPLE if SAMPLE.exists() else XML_FIXTURES[0]
    text = source.read_text(encoding="utf-8")
    templates = re.findall(r"<FICHE>.*?</FICHE>", text, re.S)
    head = text[: text.index("<FICHE>")]
    rng = random.Random(seed)

    def fresh(match: re.Match[str]) -> str:
        return f"<{match.group(1)}>{escape(random_text(rng))}</{match.group(1)}>"

    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(head)
        for n in range(fiches):
            fiche = rng.choice(templates)
            number = re.search(r"<NUMERO_FICHE>(RNCP\d+)</NUMERO_FICHE>", fiche).group(1)
            fiche = fiche.replace(number + "<", f"RNCP{300000 + n}<").replace(number + "BC", f"RNCP{300000 + n}BC")
            fiche = re.sub(r"<(LISTE_COMPETENCES|MODALITES_EVALUATION|PREREQUIS_ENTREE_FORMATION)>[^<]*</\1>",
                           fresh, fiche)
            out.write(fiche + "\n")
        out.write("</FICHES>\n")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000))
def test_generated_export_matches_the_reference(tmp_path, seed):
    path = tmp_path / f"export_fiches_RNCP_V4_1_2025_09_{seed % 28 + 1:02d}.xml"
    generated_export(path, 60, seed)
    assert _dump(iter_rncp_xml(path)) == _dump(ref.iter_rncp_xml(path))
    ours, theirs = tmp_path / f"ours{seed}", tmp_path / f"theirs{seed}"
    assert import_rncp(path, out_dir=ours) == ref.import_rncp(path, out_dir=theirs)
    assert (ours / "rncp.json").read_bytes() == (theirs / "rncp.json").read_bytes()


@pytest.mark.parametrize("value", ["31/08/2026", "00/01/2026", "29/02/2025", "29/02/2024", "1/2/2024", "01/02/2024 12:00",
                                   "2024-02-01", "01-02-2024", "0000/00/0000", "31/12/0001", " 05/06/2027 ",
                                   "05/13/2020", "aa/bb/cccc", "12/12/99999", "05/06/2027x", "０１/０２/２０２４", "", None])
def test_dates_match_the_reference(value):
    assert rncp_fields._date(value) == ref.rncp_fields._date(value)


def test_other_spaces_are_every_space_plain_spaces_leaves():
    """The fast path of ``_paragraphs`` relies on this list being exact."""
    import sys

    left = "".join(c for c in map(chr, range(sys.maxunicode + 1))
                   if c.isspace() and c not in " \n\r" + rncp_text._ODD_SPACES)
    assert rncp_fields._OTHER_SPACES == left
    for char in left:
        text = f"a{char}b   c  d\n e{char}"
        assert rncp_fields._paragraphs(text) == ref._paragraphs(text)
        for listed in (f"- Lire{char}un plan  - Poser{char}",
                       f"A1C1. Lire{char}un plan {char}   A1C2. Poser des dalles{char}  A1C3.{char}Souder",
                       f"{char}- Lire un plan  - {char}Poser  -   Souder{char} ;"):
            assert rncp_text.split_competences(listed) == ref.split_competences(listed)


def test_has_other_spaces_looks_for_every_other_space():
    for char in rncp_text._OTHER_SPACES:
        assert rncp_text._has_other_spaces(f"é{char}x") and rncp_text._has_other_spaces(f"\u2019{char}")
    assert not rncp_text._has_other_spaces("é \n x\u2019" + rncp_text._BULLETS)


def test_pre_checks_know_every_character_they_look_for():
    """The ``in`` tests of ``rncp_text_scan`` stand for regex classes: every decimal digit and every bullet."""
    import sys

    from competency_graph.importers import rncp_text_scan as scan

    for char in (c for c in map(chr, range(sys.maxunicode + 1)) if c.isdecimal()):
        text = f"é x{char}"
        assert scan._may_hold_digit(text, scan._utf8(text)) and scan._may_hold_code(text, scan._utf8(text))
    assert not scan._may_hold_digit("é x\u2019²", scan._utf8("é x\u2019²"))
    for char in rncp_text._BULLETS + "".join(map(chr, range(0xF000, 0xF100))):
        assert scan._has_bullet_anywhere(f"é{char}x") and scan._has_bullet_anywhere(f"\u2019{char}")
        assert scan._has_bullet_anywhere(char, scan._utf8(char))
    assert not scan._has_bullet_anywhere("é \n x\u2019\uefff\uf100")


def test_str_split_and_the_whitespace_pattern_agree():
    """The field helpers use ``" ".join(s.split())`` where the reference used ``re.sub(r"\\s+", " ", s).strip()``."""
    import sys

    pattern = re.compile(r"\s")
    assert all(bool(pattern.match(c)) == c.isspace() for c in map(chr, range(sys.maxunicode + 1)))
    for value in ["  RNCP 12\u00a034 ", "a\u2028b\tc\x1cd", "", " \u3000 "]:
        assert rncp_fields._clean(value) == ref.rncp_fields._clean(value)
        assert rncp_fields._norm_fiche(value) == ref.rncp_fields._norm_fiche(value)
        assert rncp_fields._unique([value, value.upper()]) == ref.rncp_fields._unique([value, value.upper()])
        assert rncp_fields._rome([value, "m 1202", "M1202"]) == ref.rncp_fields._rome([value, "m 1202", "M1202"])
        assert rncp_fields._equivalences([value + "rncp 1 bc 02"], "rncp:X") == ref.rncp_fields._equivalences(
            [value + "rncp 1 bc 02"], "rncp:X")
        assert rncp_fields._bloc_id("RNCP1", value + "RNCP1 BC03", 1, set()) == ref.rncp_fields._bloc_id(
            "RNCP1", value + "RNCP1 BC03", 1, set())


@pytest.mark.parametrize("path", [SAMPLE, *XML_FIXTURES], ids=lambda p: p.name)
def test_written_data_is_the_models_json(path):
    """``import_rncp`` writes the validated dict (``iter_rncp_xml_data``), not the model: both must agree."""
    import pydantic_core

    from competency_graph.importers.rncp_xml import iter_rncp_xml_data

    if not path.exists():
        pytest.skip(f"{path} absent")
    for cert, data in iter_rncp_xml_data(path):
        assert pydantic_core.to_json(data) == cert.model_dump_json(by_alias=True, exclude_defaults=True).encode()


ODD_FICHES = """<?xml version="1.0" encoding="UTF-8"?>
<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>
<FICHE><NUMERO_FICHE> rs 9001 </NUMERO_FICHE><INTITULE>  Habilitation   fictive </INTITULE>
 <ABREGE><CODE> </CODE></ABREGE><NOMENCLATURE_EUROPE><NIVEAU>Niv 9</NIVEAU></NOMENCLATURE_EUROPE>
 <SI_JURY_VAE>x</SI_JURY_VAE><ACTIF> oui </ACTIF><DATE_EFFET>2024-01-01</DATE_EFFET>
 <DATE_DECISION>31-12-2024</DATE_DECISION><DATE_FIN_ENREGISTREMENT>01/13/2024</DATE_FIN_ENREGISTREMENT>
 <DATE_PUBLICATION> 29/02/2024 </DATE_PUBLICATION>
 <CERTIFICATEURS><CERTIFICATEUR><NOM_CERTIFICATEUR> Org  X </NOM_CERTIFICATEUR><SIRET_CERTIFICATEUR>123</SIRET_CERTIFICATEUR>
  <ETAT_CERTIFICATEUR> </ETAT_CERTIFICATEUR></CERTIFICATEUR><CERTIFICATEUR><NOM_CERTIFICATEUR>Org X</NOM_CERTIFICATEUR>
  </CERTIFICATEUR><CERTIFICATEUR><SIRET_CERTIFICATEUR>000 000 000 00001</SIRET_CERTIFICATEUR></CERTIFICATEUR></CERTIFICATEURS>
 <CODES_NSF><NSF><CODE> 2 1 4 </CODE></NSF><NSF><CODE/></NSF></CODES_NSF>
 <PREREQUIS_ENTREE_FORMATION>   </PREREQUIS_ENTREE_FORMATION>
 <BLOCS_COMPETENCES></BLOCS_COMPETENCES></FICHE>
<FICHE><NUMERO_FICHE>RNCP 9002</NUMERO_FICHE><INTITULE>Titre "q" &lt;b&gt; é\u2028</INTITULE>
 <NOMENCLATURE_EUROPE><NIVEAU>NIV08</NIVEAU></NOMENCLATURE_EUROPE><VALIDATION_PARTIELLE><ACTIF>Non</ACTIF></VALIDATION_PARTIELLE>
 <BLOCS_COMPETENCES>
  <BLOC_COMPETENCES><CODE>RNCP9002BC01</CODE><LIBELLE/><LISTE_COMPETENCES>   </LISTE_COMPETENCES>
   <MODALITES_EVALUATION>  </MODALITES_EVALUATION></BLOC_COMPETENCES>
  <BLOC_COMPETENCES><CODE>RNCP9002BC01</CODE><LIBELLE>Doublon</LIBELLE>
   <LISTE_COMPETENCES>1. Lire
1.1 un plan
1.2 un devis
2. Écrire</LISTE_COMPETENCES><CORRESPONDANCES><CODE>rncp 1 bc 03</CODE></CORRESPONDANCES></BLOC_COMPETENCES>
  <BLOC_COMPETENCES><LISTE_COMPETENCES>- a
- a</LISTE_COMPETENCES><MODALITES_EVALUATION>Épreuve   orale\u2028fin</MODALITES_EVALUATION></BLOC_COMPETENCES>
 </BLOCS_COMPETENCES></FICHE>
</FICHES>
"""


def test_written_data_is_the_models_json_on_odd_fiches(tmp_path):
    """RS numbers with spaces, levels and dates in odd shapes, certifiers without SIRET or status, empty and
    duplicated blocs, outlines: the dict written is still the model's JSON, fiche by fiche."""
    import pydantic_core

    from competency_graph.importers.rncp_xml import iter_rncp_xml_data

    path = tmp_path / "export_fiches_RNCP_V4_1_2025_09_01.xml"
    path.write_text(ODD_FICHES, encoding="utf-8")
    pairs = list(iter_rncp_xml_data(path))
    assert [cert.id for cert, _ in pairs] == ["rncp:RS9001", "rncp:RNCP9002"]
    for cert, data in pairs:
        assert pydantic_core.to_json(data) == cert.model_dump_json(by_alias=True, exclude_defaults=True).encode()
