"""The *Objectif et parcours* PDF: gaps to the target, the ranked modalities with reasons, what is missing,
sources and provenance notes, and the planned pathway with its dates and duration sources — the same answer
as the page and the CLI, for the accompanist to hand over or file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..analysis.gaps import GapReport
from ..analysis.pathway import Pathway
from ..analysis.recommend import Recommendation
from ..messages import t
from .pdf import _Doc

__all__ = ["advice_pdf"]


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def advice_pdf(bundle: Any, *, as_of: dt.date, target_label: str | None, report: GapReport | None,
               gap_notes: list[str], recommendations: list[Recommendation], pathway: Pathway | None,
               _unicode_font: bool = True) -> bytes:
    """One person's advice on ``as_of`` (no name: the accompanist writes it on the printed page if needed)."""
    doc = _Doc(t("pdf.advice"), unicode_font=_unicode_font)
    doc.heading(doc.doc_title, 0)
    doc.para(t("pdf.advice.as_of", date=_day(as_of), target=target_label or t("pdf.advice.no_target")), size=9)
    if report is not None:
        doc.heading(t("pdf.advice.gaps"), 1)
        doc.para(t("pdf.advice.gaps.summary", met=report.met, total=report.total, gap=report.total_gap))
        for row in report.rows:
            if row.gap > 0:
                doc.para(t("pdf.advice.gaps.row", label=row.label, retained=row.retained, required=row.required), size=9)
        for note in gap_notes:
            doc.para(t("pdf.advice.check", note=note), size=9)
    doc.heading(t("pdf.advice.modalities"), 1)
    for rank, rec in enumerate(recommendations, 1):
        state = t("pdf.advice.eligible") if rec.eligible else (
            t("pdf.advice.eligible_from", date=_day(rec.eligible_from)) if rec.eligible_from
            else t("pdf.advice.not_eligible"))
        doc.heading(f"{rank}. {rec.label} ({state})", 2)
        if rec.variant_label:
            doc.para(t("pdf.advice.how", variant=rec.variant_label), size=9)
        for reason in rec.reasons:
            doc.para(f"+ {reason}", size=9)
        for missing in rec.missing:
            doc.para(f"– {missing}", size=9)
        for note in rec.provenance:
            doc.para(t("pdf.advice.check", note=note), size=8)
        if rec.sources:
            doc.para(t("pdf.advice.sources", sources=" ; ".join(rec.sources)), size=8)
    if pathway is not None:
        doc.heading(t("pdf.advice.pathway"), 1)
        if not pathway.steps:
            doc.para(pathway.note or t("pdf.advice.pathway.none"))
        for n, step in enumerate(pathway.steps, 1):
            duration = t("pdf.advice.months", months=f"{step.duration_months:g}")
            source = (t("pdf.advice.duration_source", source=step.duration_source) if step.duration_source
                      else t("pdf.advice.duration_unsourced"))
            doc.para(t("pdf.advice.step", n=n, label=step.label, date=_day(step.eligible_from), duration=duration),
                     bold=True, size=10)
            if step.blocs:
                doc.para(t("pdf.advice.blocs", blocs=", ".join(bundle.label(b) for b in step.blocs)), size=9)
            if step.note:
                doc.para(step.note, size=9)
            doc.para(source, size=8)
        if pathway.steps:
            doc.para(t("pdf.advice.total", months=f"{pathway.total_months:g}", note=pathway.note or "").strip(), size=9)
        for note in pathway.provenance:
            doc.para(t("pdf.advice.check", note=note), size=9)
    return bytes(doc.output())
