"""ROME ↔ ESCO correspondence CSV → SKOS mapping links to the ESCO IRIs themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from competency_graph.ids import id_from_iri, mint_iri
from competency_graph.importers.esco import EscoImportError, import_esco_mapping
from competency_graph.loader import load_bundle
from competency_graph.rdf import publish

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "esco" / "rome-esco-correspondances.csv"
ESCO = "http://data.europa.eu/esco/"


def test_esco_iris_are_escos_own():
    iri = ESCO + "occupation/00000000-0000-4000-8000-000000000001"
    assert mint_iri("esco:occupation/00000000-0000-4000-8000-000000000001") == iri
    assert id_from_iri(iri) == "esco:occupation/00000000-0000-4000-8000-000000000001"


def test_correspondence_csv_becomes_skos_mapping(tmp_path, mini_dir):
    counts = import_esco_mapping(CSV, tmp_path)
    assert counts == {"links": 3, "skipped": 2}
    graph = publish(load_bundle([mini_dir, tmp_path]))
    k2204 = URIRef(mint_iri("rome:K2204"))
    assert (k2204, SKOS.closeMatch, URIRef(ESCO + "occupation/00000000-0000-4000-8000-000000000001")) in graph
    assert (URIRef(mint_iri("rome:N1103")), SKOS.broadMatch,
            URIRef(ESCO + "occupation/00000000-0000-4000-8000-000000000002")) in graph
    assert (URIRef(mint_iri("rome-ogr:123456")), SKOS.closeMatch,
            URIRef(ESCO + "skill/00000000-0000-4000-8000-000000000003")) in graph


def test_unreadable_correspondence_is_refused_in_french(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(EscoImportError, match="colonnes attendues"):
        import_esco_mapping(bad, tmp_path)
    assert not (tmp_path / "esco-mapping.json").exists()
