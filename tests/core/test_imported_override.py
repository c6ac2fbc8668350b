"""An imported (official) certification replaces the shipped, reconstructed one with the same id."""

from __future__ import annotations

import json
from pathlib import Path

from competency_graph.loader import check_paths

ROOT = Path(__file__).resolve().parents[2]


def test_imported_certification_replaces_shipped(tmp_path):
    imported = {
        "referential": {"id": "rncp-import", "version": "2026-11-22", "kind": "certification-register",
                        "title": "Import RNCP", "publisher": "France compétences", "licence": "Licence Ouverte 2.0",
                        "provenance": "imported", "sources": [{"title": "export.xml"}], "prefixes": ["rncp"]},
        "certifications": [{"id": "rncp:RNCP38386", "label": "CAPa Jardinier paysagiste (officiel)", "level": 3,
                            "vae_open": True,
                            "blocs": [{"id": "rncp:RNCP38386BC01", "label": "Bloc officiel",
                                       "competencies": [{"id": "rncp:RNCP38386BC01/C1", "label": "Compétence officielle"}]}]}],
    }
    (tmp_path / "rncp.json").write_text(json.dumps(imported), encoding="utf-8")
    bundle, problems = check_paths([ROOT / "referentials", tmp_path])
    assert bundle is not None, [str(p) for p in problems if p.severity == "error"][:5]
    cert = bundle.items["rncp:RNCP38386"]
    assert cert.label.endswith("(officiel)") and cert.provenance == "imported"
    assert [b.id for b in bundle.children("rncp:RNCP38386")] == ["rncp:RNCP38386BC01"]
    assert "rncp:RNCP38386BC02" not in bundle.items
    assert problems and all(p.severity == "warning" and p.code == "superseded-reference" for p in problems)
    # links from the crosswalks to the replaced blocs are dropped, the others kept
    assert not [e for e in bundle.edges if e.target == "rncp:RNCP38386BC02"]
    assert any(e.target == "rncp:RNCP38386" and e.type == "bridges-to" for e in bundle.edges)
