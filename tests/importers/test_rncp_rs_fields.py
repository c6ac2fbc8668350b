"""Every field of an RNCP / RS fiche the tool relies on, imported from XML v4.1 and CSV fixtures written
from France compétences' public format, written to rncp.json and read back unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from competency_graph.importers.rncp import import_rncp, iter_rncp_csv, iter_rncp_xml, split_outline
from competency_graph.model import ReferentialFile

FULL = Path(__file__).resolve().parents[1] / "fixtures" / "rncp" / "full"
RNCP_XML = FULL / "export_fiches_RNCP_V4_1_2025_11_03.xml"
RS_XML = FULL / "export_fiches_RS_V4_1_2025_11_03.xml"
CSV_RS = Path(__file__).resolve().parents[1] / "fixtures" / "rncp" / "csv-rs"
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "rncp" / "rncp-v4.1-sample.xml"


def _written(out_dir: Path) -> dict:
    ref = ReferentialFile.model_validate(json.loads((out_dir / "rncp.json").read_text(encoding="utf-8")))
    return {c.id: c for c in ref.certifications}


def _assert_rncp_fiche(c, *, with_texts: bool) -> None:
    assert c.repertoire == "RNCP" and c.label == "Agent de propreté et d'hygiène (fiche fictive)"
    assert (c.decision_date, c.effect_date, c.publication_date, c.end_date, c.delivery_limit_date) == (
        dt.date(2024, 7, 15), dt.date(2024, 9, 1), dt.date(2024, 7, 20), dt.date(2029, 8, 31),
        dt.date(2030, 8, 31))
    assert c.registration_type == "Enregistrement de droit"
    assert c.state == "Modifications à valider"
    assert c.formacodes == ["42854", "42811"]
    assert [(x.name, x.siret, x.status) for x in c.certifier_details][0] == (
        "MINISTERE FICTIF DU TRAVAIL", "11000000000001", "Actif")
    assert (c.replaces, c.replaced_by) == (["rncp:RNCP88001"], ["rncp:RNCP99002"])
    assert c.sources[0].url == "https://www.francecompetences.fr/recherche/rncp/99001/"
    bloc = c.blocs[0]
    assert bloc.id == "rncp:RNCP99001BC01"
    if with_texts:
        assert c.certifier_details[1].status == "Inactif"
        assert bloc.equivalences == ["rncp:RNCP88001BC02"]
        comps = {x.notation: x for x in bloc.competencies}
        assert list(comps) == ["1", "1.1", "1.2", "2", "2.1", "3.1.2"]
        assert comps["1.1"].label == "Prendre connaissance des consignes du client"
        assert comps["1.1"].broader == comps["1"].id and comps["2.1"].broader == comps["2"].id
        assert comps["1"].broader is None and comps["3.1.2"].broader is None  # no 3 / 3.1 in the list
        assert comps["3.1.2"].label == "Contrôler la qualité du résultat"


def test_rncp_xml_every_field_round_trips(tmp_path):
    (read,) = list(iter_rncp_xml(RNCP_XML))
    _assert_rncp_fiche(read, with_texts=True)
    import_rncp(RNCP_XML, out_dir=tmp_path)
    written = _written(tmp_path)["rncp:RNCP99001"]
    _assert_rncp_fiche(written, with_texts=True)
    assert written == read  # nothing lost between the reader and the file
    first = (tmp_path / "rncp.json").read_bytes()
    import_rncp(RNCP_XML, out_dir=tmp_path)
    assert (tmp_path / "rncp.json").read_bytes() == first  # re-import: same file


def test_rs_xml_export_is_imported_not_refused(tmp_path):
    (rs,) = list(iter_rncp_xml(RS_XML))
    assert rs.id == "rncp:RS99032" and rs.repertoire == "RS" and rs.level is None
    assert rs.sources[0].url == "https://www.francecompetences.fr/recherche/rs/99032/"
    assert (rs.decision_date, rs.effect_date, rs.end_date) == (dt.date(2023, 12, 14), dt.date(2023, 12, 15),
                                                                dt.date(2028, 12, 14))
    assert (rs.registration_type, rs.state, rs.formacodes) == ("Enregistrement sur demande", "Publiée", ["15041"])
    assert rs.certifier_details[0].siret == "33000000000003" and rs.vae_open is False
    counts = import_rncp(RS_XML, out_dir=tmp_path)
    assert counts["certifications"] == 1
    assert _written(tmp_path)["rncp:RS99032"] == rs


def test_rs_and_rncp_csv_every_field_round_trips(tmp_path):
    certs = {c.id: c for c in iter_rncp_csv(CSV_RS)}
    assert list(certs) == ["rncp:RS99032", "rncp:RNCP99001"]
    _assert_rncp_fiche(certs["rncp:RNCP99001"], with_texts=False)
    rs = certs["rncp:RS99032"]
    assert (rs.repertoire, rs.publication_date, rs.formacodes) == ("RS", dt.date(2023, 12, 15), ["15041"])
    import_rncp(CSV_RS, out_dir=tmp_path)
    assert _written(tmp_path) == certs


def test_csv_after_xml_keeps_the_hierarchy(tmp_path):
    import_rncp(RNCP_XML, out_dir=tmp_path)
    import_rncp(CSV_RS, out_dir=tmp_path)
    cert = _written(tmp_path)["rncp:RNCP99001"]
    _assert_rncp_fiche(cert, with_texts=False)
    assert len(cert.certifier_details) == 1  # the newer export's list wins
    assert cert.blocs[0].equivalences == ["rncp:RNCP88001BC02"]
    assert [x.notation for x in cert.blocs[0].competencies] == ["1", "1.1", "1.2", "2", "2.1", "3.1.2"]


def test_outline_numbering_is_a_hierarchy_not_flattened_items():
    assert split_outline("C1. Accueillir le client  C2. Préparer la commande") is None  # not an outline
    assert split_outline("Conduire un véhicule de 3.5 tonnes ; Livrer 2 colis") is None
    items = split_outline("Compétences :\n1. Piloter\n1.1 Définir les objectifs\n1.1.1 Écrire le cahier des "
                          "charges\n1.2 Planifier\n- les étapes\n- les jalons")
    assert items == [("1", "Piloter", None), ("1.1", "Définir les objectifs", "1"),
                     ("1.1.1", "Écrire le cahier des charges", "1.1"), ("1.2", "Planifier ; les étapes ; les jalons", "1")]


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data absent")
def test_real_sample_fields():
    certs = {c.id: c for c in iter_rncp_xml(SAMPLE)}
    c = certs["rncp:RNCP35625"]
    assert c.state == "Modifications à valider par le ministère"
    assert (c.effect_date, c.publication_date, c.registration_type) == (dt.date(2021, 3, 26), dt.date(2021, 5, 25),
                                                                       "Enregistrement de droit")
    assert c.formacodes == ["45004", "45022", "45042"] and c.replaced_by == ["rncp:RNCP42005"]
    assert all(x.siret and len(x.siret) == 14 and x.status == "Actif" for x in c.certifier_details)
