"""The rest of ROME 4.0 around jobs and items: appellations, the competence → macro-competence hierarchy,
grand domaines and domaines professionnels, work contexts and definitions.

==================================  ====================================================================
``referentiel_appellation``         ``code_ogr``, ``libelle_appellation_long``, ``code_rome`` → the job's
                                    ``appellations`` (13,120 in v460)
``referentiel_competence``          ``code_ogr_macro_comp`` → the competence's ``broader`` (its
                                    macro-competence), ``definition`` → ``description``
``grand_domaine``                   ``A``… → poles ``rome:A`` (note ``Grand domaine``)
``domaine_professionnel``           ``A11``… → poles ``rome:A11``, ``broader`` ``rome:A``; each job's
                                    ``broader`` is the domaine of its code (``A1101`` → ``rome:A11``)
``referentiel_contexte_travail``    ``code_ogr``, ``libelle_cont_travail``, ``libelle_type_cont_trav``, with
``liens_rome_referentiels``         bloc 6 (contextes de travail) → the job's ``work_contexts``
``texte``                           ``definition`` sentences (by ``position_phrase``) → the job's
                                    ``description``; ``acces_metier`` → its ``note``
==================================  ====================================================================

Each table is optional: a bundle without it (or an older one) is imported without that enrichment.
Rows whose codes do not match a job or an item are counted in ``skipped``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..messages import t

__all__ = ["enrich"]


def _rows(directory: Path, table: str, columns: tuple[str, ...]) -> list[dict[str, str]] | None:
    from .rome_files import RomeImportError, _read_text, find_table

    try:
        path = find_table(directory, table)
    except RomeImportError:
        return None
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise RomeImportError(t("rome.error.missing_columns", columns=", ".join(missing)), path, 1)
    try:
        return [{c: (row.get(c) or "").strip() for c in columns} for row in reader]
    except csv.Error as exc:
        raise RomeImportError(t("rome.error.bad_csv", error=exc), path, reader.line_num or 1) from exc


def enrich(directory: Path, jobs: dict[str, dict[str, Any]], items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Add appellations, hierarchy, domains, contexts and definitions in place; return the new poles and
    the counts ``{"appellations", "macro_links", "grand_domaines", "domaines", "work_contexts",
    "definitions", "skipped_extra"}``."""
    counts = dict.fromkeys(("appellations", "macro_links", "grand_domaines", "domaines", "work_contexts",
                            "definitions", "competency_definitions", "skipped_extra"), 0)
    poles: list[dict[str, Any]] = []

    rows = _rows(directory, "referentiel_competence", ("code_ogr", "code_ogr_macro_comp", "definition"))
    for row in rows or []:
        item = items.get("rome-ogr:" + row["code_ogr"])
        if item is None:
            continue
        macro = "rome-ogr:" + row["code_ogr_macro_comp"] if row["code_ogr_macro_comp"] else None
        if macro and macro in items and macro != item["id"]:
            item["broader"] = macro
            counts["macro_links"] += 1
        if row["definition"]:
            item["description"] = " ".join(row["definition"].split())
            counts["competency_definitions"] += 1

    grand = _rows(directory, "grand_domaine", ("code_grand_domaine", "libelle_grand_domaine")) or []
    domains = _rows(directory, "domaine_professionnel", ("code_domaine_professionnel",
                                                          "libelle_domaine_professionnel")) or []
    known: set[str] = set()
    for row in grand:
        if row["code_grand_domaine"] and row["libelle_grand_domaine"]:
            poles.append({"id": "rome:" + row["code_grand_domaine"], "label": row["libelle_grand_domaine"],
                          "note": "Grand domaine"})
            known.add("rome:" + row["code_grand_domaine"])
            counts["grand_domaines"] += 1
    for row in domains:
        code, label = row["code_domaine_professionnel"], row["libelle_domaine_professionnel"]
        if not code or not label:
            continue
        pole: dict[str, Any] = {"id": "rome:" + code, "label": label, "note": "Domaine professionnel"}
        if "rome:" + code[:1] in known:
            pole["broader"] = "rome:" + code[:1]
        poles.append(pole)
        known.add("rome:" + code)
        counts["domaines"] += 1
    for job_id, job in jobs.items():
        domain = job_id[:len("rome:") + 3]
        if domain in known and domain != job_id:
            job["broader"] = domain

    rows = _rows(directory, "referentiel_appellation", ("code_ogr", "libelle_appellation_long", "code_rome"))
    for row in rows or []:
        job = jobs.get("rome:" + row["code_rome"])
        if job is None or not row["code_ogr"].isdigit() or not row["libelle_appellation_long"]:
            counts["skipped_extra"] += 1
            continue
        job.setdefault("appellations", []).append({"code": row["code_ogr"], "label": row["libelle_appellation_long"]})
        counts["appellations"] += 1

    contexts = _rows(directory, "referentiel_contexte_travail",
                     ("code_ogr", "libelle_cont_travail", "libelle_type_cont_trav"))
    links = _rows(directory, "liens_rome_referentiels", ("code_rome", "code_compo_bloc", "code_ogr")) if contexts else None
    if contexts and links:
        text = {r["code_ogr"]: f"{r['libelle_type_cont_trav']} : {r['libelle_cont_travail']}"
                if r["libelle_type_cont_trav"] else r["libelle_cont_travail"] for r in contexts}
        for row in links:
            if row["code_compo_bloc"] != "6":
                continue
            job = jobs.get("rome:" + row["code_rome"])
            context = text.get(row["code_ogr"])
            if job is None or context is None:
                counts["skipped_extra"] += 1
                continue
            if context not in job.setdefault("work_contexts", []):
                job["work_contexts"].append(context)
                counts["work_contexts"] += 1

    texts = _rows(directory, "texte", ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"))
    sentences: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for row in texts or []:
        position = int(row["position_phrase"]) if row["position_phrase"].isdigit() else 0
        sentences.setdefault((row["code_rome"], row["libelle_type_texte"]), []).append((position, row["libelle_texte"]))
    for (code, kind), parts in sentences.items():
        job = jobs.get("rome:" + code)
        if job is None:
            counts["skipped_extra"] += 1
            continue
        body = "\n".join(t for _p, t in sorted(parts) if t)
        if not body:
            continue
        if kind == "definition":
            job["description"] = body
            counts["definitions"] += 1
        elif kind == "acces_metier":
            job["note"] = "Accès au métier : " + body
    return {"poles": poles, "counts": counts}
