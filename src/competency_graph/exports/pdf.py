"""French PDF documents with fpdf2: portefeuille de compétences, dossier de preuves, fiche de suivi.

Real text (no images of text), document title / language / author metadata, headings as PDF outline entries
(bookmarks) and a single-column, top-to-bottom reading order. A Unicode font (DejaVu Sans) is used when found;
otherwise the core Helvetica font with a Latin-1 fallback that never fails on French text.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from fpdf import FPDF

from .common import fr_date, label_of, mastered_items, referential_of, retained

__all__ = ["portfolio_pdf", "evidence_pdf", "followup_pdf", "find_font"]

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
              "/Library/Fonts", "C:/Windows/Fonts")
_REPLACE = {"’": "'", "‘": "'", "“": '"', "”": '"', "œ": "oe", "Œ": "OE", "—": "-", "–": "-", "…": "...", "→": "->", "•": "-",
            "\u202f": " ", "€": "EUR"}


def find_font() -> tuple[Path, Path | None] | None:
    """Paths of DejaVu Sans (regular, bold) if installed; ``COMPETENCY_GRAPH_PDF_FONT`` may point to a TTF."""
    env = os.environ.get("COMPETENCY_GRAPH_PDF_FONT")
    if env and Path(env).is_file():
        return Path(env), None
    for d in _FONT_DIRS:
        regular = Path(d) / "DejaVuSans.ttf"
        if regular.is_file():
            bold = Path(d) / "DejaVuSans-Bold.ttf"
            return regular, bold if bold.is_file() else None
    return None


class _Doc(FPDF):
    def __init__(self, title: str, *, unicode_font: bool = True, compress: bool = True) -> None:
        super().__init__(format="A4")
        self.doc_title = title
        self.set_title(title)
        self.set_lang("fr-FR")
        self.set_author("competency-graph")
        self.set_creator("competency-graph")
        self.set_subject(title)
        self.set_display_mode("fullwidth")
        self.set_compression(compress)
        self.set_auto_page_break(True, margin=18)
        found = find_font() if unicode_font else None
        self.unicode = found is not None
        if found:
            regular, bold = found
            self.add_font("Body", "", str(regular))
            self.add_font("Body", "B", str(bold or regular))
            self.family_name = "Body"
        else:
            self.family_name = "Helvetica"
        self.alias_nb_pages()
        self.add_page()

    def clean(self, text: Any) -> str:
        text = "" if text is None else str(text)
        if self.unicode:
            return text
        for a, b in _REPLACE.items():
            text = text.replace(a, b)
        return text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.cell(0, 6, self.clean(f"{self.doc_title} — page {self.page_no()}/{{nb}}"), align="C")

    def heading(self, text: str, level: int = 0) -> None:
        size = {0: 16, 1: 13, 2: 11}[level]
        if level and self.get_y() > self.h - 40:
            self.add_page()
        self.start_section(self.clean(text), level=level)
        self.set_font(self.family_name, "B", size)
        self.multi_cell(0, size * 0.55, self.clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def para(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.multi_cell(0, 5, self.clean(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def field(self, name: str, value: Any) -> None:
        self.para(f"{name} : {value if value not in (None, '') else '—'}")

    def signatures(self, roles: list[str]) -> None:
        self.ln(4)
        self.heading("Signatures", 1)
        width = (self.w - self.l_margin - self.r_margin) / len(roles)
        self.set_font(self.family_name, "", 9)
        y = self.get_y()
        for i, role in enumerate(roles):
            self.set_xy(self.l_margin + i * width, y)
            self.multi_cell(width - 4, 5, self.clean(f"{role}\nDate :\nSignature :"), border=1)
        self.set_y(y + 32)


def _identity(doc: _Doc, repo: Any, person_id: str) -> Any:
    person = repo.get_person(person_id)
    structure = repo.get_structure(person.structure_id)
    doc.heading("Identité", 1)
    doc.field("Personne", person.display_name)
    doc.field("Structure", structure.name)
    return person, structure


def _value(r: Any) -> str:
    if r.level is not None:
        return f"cercle / niveau {r.level}"
    return {"acquired": "acquis", "in_progress": "en cours", "not_yet": "pas encore"}.get(r.state, str(r.state))


_ROLE_FR = {"self": "la personne", "accompanist": "l'accompagnateur", "jury": "le jury", "tutor": "le tuteur"}


def _map_image(repo: Any, bundle: Any, person_id: str) -> bytes | None:
    """The competency map as PNG when plotly and kaleido are installed (None otherwise, never an error)."""
    try:
        import kaleido  # noqa: F401
        import plotly.graph_objects as go
    except Exception:  # noqa: BLE001 - optional extra
        return None
    try:
        view = repo.current_view(person_id)
        items = [r for r in mastered_items(view, bundle) if r.level is not None]
        if not items:
            return None
        fig = go.Figure(go.Barpolar(r=[r.level for r in items], theta=[label_of(bundle, r.item_id) for r in items]))
        fig.update_layout(showlegend=False, width=700, height=500)
        return fig.to_image(format="png")
    except Exception:  # noqa: BLE001 - a missing browser for kaleido etc.: skip the image
        return None


def portfolio_pdf(repo: Any, bundle: Any, person_id: str, *, as_of: dt.date | dt.datetime | None = None,
                  with_map: bool = True, _unicode_font: bool = True, _compress: bool = True) -> bytes:
    """Portefeuille de compétences / attestation descriptive: only what is mastered (retained value: the
    accompanist's when present), with its referential and version, dates and a signatures area."""
    doc = _Doc("Portefeuille de compétences — attestation descriptive", unicode_font=_unicode_font,
               compress=_compress)
    doc.heading(doc.doc_title, 0)
    today = as_of or dt.date.today()
    doc.para(f"Établie le {fr_date(today)}. Ce document décrit les compétences reconnues ; il ne vaut pas diplôme.",
             size=9)
    _identity(doc, repo, person_id)
    view = repo.current_view(person_id, as_of=as_of)
    mastered = mastered_items(view, bundle)
    by_ref: dict[tuple[str, str], list[Any]] = {}
    for r in mastered:
        title, version = referential_of(bundle, r.item_id)
        by_ref.setdefault((title, version or r.referential_version), []).append(r)
    doc.heading("Compétences reconnues", 1)
    if not by_ref:
        doc.para("Aucune compétence n'est encore reconnue à cette date.")
    for (title, version), rows in by_ref.items():
        doc.heading(f"{title} (version {version})", 2)
        for r in rows:
            doc.para(f"• {label_of(bundle, r.item_id)} — {_value(r)}", bold=False)
            doc.para(f"   {r.item_id} · positionné par {_ROLE_FR.get(r.role, r.role)} le {fr_date(r.at)}", size=8)
    if with_map:
        image = _map_image(repo, bundle, person_id)
        if image:
            import io

            doc.heading("Carte des compétences", 1)
            doc.image(io.BytesIO(image), w=160, alt_text="Carte des compétences reconnues (cercles atteints)")
    doc.signatures(["La personne", "L'accompagnateur", "La structure"])
    return bytes(doc.output())


def evidence_pdf(repo: Any, bundle: Any, person_id: str, *, _unicode_font: bool = True,
                 _compress: bool = True) -> bytes:
    """Dossier de preuves: per competency, its evidence and the endorsements of each proof."""
    doc = _Doc("Dossier de preuves", unicode_font=_unicode_font, compress=_compress)
    doc.heading(doc.doc_title, 0)
    _identity(doc, repo, person_id)
    groups: dict[str, list[Any]] = {}
    for ev in repo.list_evidence(person_id):
        groups.setdefault(ev.item_id or "", []).append(ev)
    doc.heading("Preuves par compétence", 1)
    if not groups:
        doc.para("Aucune preuve enregistrée.")
    for item_id in sorted(groups):
        doc.heading(label_of(bundle, item_id) if item_id else "Preuves non rattachées à un élément", 2)
        for ev in sorted(groups[item_id], key=lambda e: e.evidence_date):
            doc.para(f"• {ev.title} ({ev.kind}, {fr_date(ev.evidence_date)})", bold=True)
            if ev.description:
                doc.para(f"   {ev.description}")
            if ev.url:
                doc.para(f"   Lien : {ev.url}", size=8)
            if ev.original_name:
                doc.para(f"   Fichier : {ev.original_name}", size=8)
            for en in ev.endorsements:
                text = f"   Appui de {en.endorser_name} ({en.relation}, {fr_date(en.endorsed_on)})"
                doc.para(text + (f" : « {en.statement} »" if en.statement else ""), size=9)
    doc.signatures(["La personne", "L'accompagnateur"])
    return bytes(doc.output())


def followup_pdf(repo: Any, bundle: Any, person_id: str, start: dt.date, end: dt.date, *,
                 _unicode_font: bool = True, _compress: bool = True) -> bytes:
    """Fiche de suivi: the interviews between ``start`` and ``end`` and the progress over that period."""
    doc = _Doc("Fiche de suivi", unicode_font=_unicode_font, compress=_compress)
    doc.heading(doc.doc_title, 0)
    doc.para(f"Période du {fr_date(start)} au {fr_date(end)}.")
    _identity(doc, repo, person_id)
    doc.heading("Entretiens", 1)
    followups = []
    for f in repo.list_followups(person_id):
        day = f.held_on or f.scheduled_on
        if start <= day <= end:
            followups.append((day, f))
    if not followups:
        doc.para("Aucun entretien sur la période.")
    status_fr = {"done": "tenu", "planned": "prévu", "cancelled": "annulé"}
    for day, f in sorted(followups, key=lambda x: x[0]):
        doc.para(f"• {fr_date(day)} — {f.kind.replace('_', ' ')} ({status_fr.get(f.status, f.status)})", bold=True)
        if f.notes:
            doc.para(f"   {f.notes}")
    doc.heading("Progression sur la période", 1)
    before = repo.current_view(person_id, as_of=dt.datetime.combine(start, dt.time.min, tzinfo=dt.timezone.utc))
    after = repo.current_view(person_id, as_of=dt.datetime.combine(end, dt.time.max, tzinfo=dt.timezone.utc))
    changes = 0
    for item_id in sorted(after.items):
        new = retained(after.items[item_id])
        old = retained(before.items[item_id]) if item_id in before.items else None
        if new is None or (old is not None and (old.level, old.state) == (new.level, new.state)):
            continue
        changes += 1
        was = _value(old) if old else "non positionné"
        doc.para(f"• {label_of(bundle, item_id)} : {was} → {_value(new)}")
    if not changes:
        doc.para("Pas de changement de positionnement sur la période.")
    doc.signatures(["La personne", "L'accompagnateur"])
    return bytes(doc.output())
