"""The *Objectif et parcours* PDF: gaps to the target, the ranked modalities with reasons, what is missing,
sources and provenance notes, and the planned pathway with its dates and duration sources — the same answer
as the page and the CLI, for the accompanist to hand over or file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..analysis.gaps import GapReport
from ..analysis.pathway import Pathway
from ..analysis.recommend import Recommendation
from .pdf import _Doc

__all__ = ["advice_pdf"]


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def advice_pdf(bundle: Any, *, as_of: dt.date, target_label: str | None, report: GapReport | None,
               gap_notes: list[str], recommendations: list[Recommendation], pathway: Pathway | None,
               _unicode_font: bool = True) -> bytes:
    """One person's advice on ``as_of`` (no name: the accompanist writes it on the printed page if needed)."""
    doc = _Doc("Objectif et parcours de reconnaissance", unicode_font=_unicode_font)
    doc.heading(doc.doc_title, 0)
    doc.para(f"Règles appliquées au {_day(as_of)}. Objectif : {target_label or 'non choisi'}.", size=9)
    if report is not None:
        doc.heading("Écarts à l'objectif", 1)
        doc.para(f"{report.met} attendu(s) atteint(s) sur {report.total} ; écart total : {report.total_gap}.")
        for row in report.rows:
            if row.gap > 0:
                doc.para(f"• {row.label} : retenu {row.retained}, requis {row.required}", size=9)
        for note in gap_notes:
            doc.para(f"À vérifier : {note}", size=9)
    doc.heading("Modalités de reconnaissance, de la plus adaptée à la moins adaptée", 1)
    for rank, rec in enumerate(recommendations, 1):
        state = "éligible" if rec.eligible else (
            f"pas éligible — possible à partir du {_day(rec.eligible_from)}" if rec.eligible_from else "pas éligible")
        doc.heading(f"{rank}. {rec.label} ({state})", 2)
        if rec.variant_label:
            doc.para(f"Comment : {rec.variant_label}", size=9)
        for reason in rec.reasons:
            doc.para(f"+ {reason}", size=9)
        for missing in rec.missing:
            doc.para(f"– {missing}", size=9)
        for note in rec.provenance:
            doc.para(f"À vérifier : {note}", size=8)
        if rec.sources:
            doc.para("Sources : " + " ; ".join(rec.sources), size=8)
    if pathway is not None:
        doc.heading("Parcours proposé", 1)
        if not pathway.steps:
            doc.para(pathway.note or "Aucune étape ne peut être planifiée avec les informations du dossier.")
        for n, step in enumerate(pathway.steps, 1):
            duration = f"{step.duration_months:g} mois"
            source = f"durée : {step.duration_source}" if step.duration_source else "durée indicative, sans source"
            doc.para(f"{n}. {step.label} — à partir du {_day(step.eligible_from)} ({duration})", bold=True, size=10)
            if step.blocs:
                doc.para("Blocs visés : " + ", ".join(bundle.label(b) for b in step.blocs), size=9)
            if step.note:
                doc.para(step.note, size=9)
            doc.para(source, size=8)
        if pathway.steps:
            doc.para(f"Environ {pathway.total_months:g} mois au total. {pathway.note}".strip(), size=9)
        for note in pathway.provenance:
            doc.para(f"À vérifier : {note}", size=9)
    return bytes(doc.output())
