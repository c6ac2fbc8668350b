"""ROME ↔ ESCO: import a correspondence table into ``skos:closeMatch`` (or exact/broad/narrow/related) links.

The route (``docs/esco-mapping.md``): France Travail and the European Commission publish correspondences
between ROME 4.0 codes (job codes ``rome:<code>``, appellations and competencies ``rome-ogr:<code_ogr>``) and
ESCO concepts (``http://data.europa.eu/esco/occupation/…`` or ``…/skill/…``). Any CSV with one column of
ROME codes (``code_rome``) or OGR codes (``code_ogr…``), one column of ESCO URIs, and optionally a relation
column (exact / close / broad / narrow / related, or in French exacte / proche / large / étroite / liée) is
read into a ``crosswalk`` referential ``esco-mapping.json`` in the imported-referentials directory; the RDF
graph then carries ``rome-ogr:… skos:closeMatch <http://data.europa.eu/esco/…>``. Rows without a valid ROME
code or ESCO URI are counted and skipped; nothing is written when no row is valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from ..ids import EXTERNAL_BASES
from ..messages import t
from ..model import ReferentialFile

__all__ = ["EscoImportError", "import_esco_mapping", "read_esco_mapping", "OUTPUT_NAME"]

OUTPUT_NAME = "esco-mapping.json"
_ESCO = EXTERNAL_BASES["esco"]
_RELATIONS = {
    "exact": "close-match", "exacte": "close-match", "close": "close-match", "proche": "close-match",
    "broad": "broad-match", "large": "broad-match", "plus-large": "broad-match",
    "narrow": "narrow-match", "etroite": "narrow-match", "plus-etroite": "narrow-match",
    "related": "related", "liee": "related",
}


class EscoImportError(Exception):
    """The correspondence file cannot be read (French message)."""


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _columns(fields: list[str]) -> tuple[str | None, str | None, str | None, str | None]:
    keys = {f: _key(f) for f in fields}
    ogr = next((f for f, k in keys.items() if k.startswith("code-ogr") or k == "ogr"), None)
    rome = next((f for f, k in keys.items() if k in ("code-rome", "rome", "code-metier")), None)
    esco = next((f for f, k in keys.items() if "esco" in k and ("uri" in k or "url" in k or "iri" in k)), None)
    relation = next((f for f, k in keys.items() if k in ("relation", "type-correspondance", "type-de-lien",
                                                         "match", "type")), None)
    return ogr, rome, esco, relation


def read_esco_mapping(path: Path | str) -> tuple[ReferentialFile, int]:
    """The crosswalk of a correspondence CSV and the number of rows skipped."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EscoImportError(t("esco.error.unreadable", file=path.name, error=exc.strerror)) from None
    text = raw.decode("utf-8-sig", errors="replace")
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    ogr, rome, esco, relation = _columns(list(reader.fieldnames or []))
    if esco is None or (ogr is None and rome is None):
        raise EscoImportError(t("esco.error.columns", file=path.name))
    links: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    skipped = 0
    for row in reader:
        target = (row.get(esco) or "").strip()
        code_ogr = (row.get(ogr) or "").strip() if ogr else ""
        code_rome = (row.get(rome) or "").strip().upper() if rome else ""
        kind = _RELATIONS.get(_key(row.get(relation) or "") if relation else "", "close-match")
        if code_ogr.isdigit():
            source = f"rome-ogr:{code_ogr}"
        elif re.fullmatch(r"[A-N]\d{4}", code_rome):
            source = f"rome:{code_rome}"
        else:
            skipped += 1
            continue
        if not re.fullmatch(re.escape(_ESCO) + r"(occupation|skill|isco/[A-Za-z0-9]+)/[A-Za-z0-9-]+", target):
            skipped += 1
            continue
        key = (source, kind, target)
        if key in seen:
            continue
        seen.add(key)
        links.append({"from": source, "type": kind, "to": "esco:" + target[len(_ESCO):], "provenance": "imported"})
    if not links:
        raise EscoImportError(t("esco.error.no_link", file=path.name, skipped=skipped))
    header = {
        "id": "esco-mapping", "version": dt.date.today().isoformat(), "kind": "crosswalk",
        "title": "Correspondances ROME 4.0 ↔ ESCO", "publisher": "France Travail",
        "licence": "Licence Ouverte 2.0 (correspondances publiées) ; ESCO : © Union européenne, CC BY 4.0",
        "provenance": "imported", "sources": [{"title": f"Table de correspondance ROME–ESCO ({path.name})",
                                                "date": dt.date.today().isoformat()}],
        "prefixes": ["rome", "rome-ogr", "esco"],
    }
    return ReferentialFile.model_validate({"referential": header, "links": links}), skipped


def import_esco_mapping(path: Path | str, out_dir: Path | None = None) -> dict[str, int]:
    """Write ``esco-mapping.json`` (replacing the previous one); returns ``{"links", "skipped"}``."""
    from .. import settings

    ref, skipped = read_esco_mapping(path)
    out_dir = Path(out_dir) if out_dir is not None else settings.imported_referentials_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAME
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(ref.model_dump(mode="json", by_alias=True, exclude_defaults=True), ensure_ascii=False),
                   encoding="utf-8")
    tmp.replace(target)
    return {"links": len(ref.links), "skipped": skipped}
