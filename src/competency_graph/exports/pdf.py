"""French PDF documents with fpdf2: portefeuille de compétences, dossier de preuves, fiche de suivi.

Accessibility, as far as fpdf2 2.8 goes: real text (no images of text), document title shown by viewers
(``DisplayDocTitle``), language ``fr-FR``, author/subject metadata, headings as outline entries (bookmarks),
a tagged structure tree (``/MarkInfo /Marked true``: headings ``H1``–``H3``, paragraphs ``P``, the competency
map as a ``Figure`` with a text alternative, running footers as artifacts) in a single-column, top-to-bottom
reading order. fpdf2 has no public tagging API, so the tags are written through its internal structure-tree
builder (the one it uses for image alt texts); lists and tables are tagged as paragraphs, not ``L``/``Table``.
A Unicode font (DejaVu Sans) is used when found; otherwise the core Helvetica font with a Latin-1 fallback that
never fails on French text.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from ..store.validations import active_evidence
from ..ui.i18n import label
from .common import fr_date, label_of, referential_of, retained
from .recognition import MODALITY_FR, recognition_for, value_fr

__all__ = ["portfolio_pdf", "evidence_pdf", "followup_pdf", "find_font"]

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
              "/Library/Fonts", "C:/Windows/Fonts")
_REPLACE = {"’": "'", "‘": "'", "“": '"', "”": '"', "œ": "oe", "Œ": "OE", "—": "-", "–": "-", "…": "...",
            "→": "->", "•": "-", "\u202f": " ", "€": "EUR"}


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
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
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

    @contextmanager
    def tagged(self, tag: str, *, alt_text: str | None = None) -> Iterator[None]:
        """Marked content ``/tag`` in the structure tree; the caller makes sure no page break happens inside."""
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{tag}", mcid=mcid, alt_text=alt_text)
        self._out(f"/{tag} <</MCID {mcid}>> BDC")
        try:
            yield
        finally:
            self._out("EMC")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self._out("/Artifact BMC")
        self.cell(0, 6, self.clean(f"{self.doc_title} — page {self.page_no()}/{{nb}}"), align="C")
        self._out("EMC")

    def _room(self, height: float) -> float:
        return self.page_break_trigger - self.get_y() - height

    def block(self, tag: str, text: str, *, size: float, line: float, bold: bool = False) -> None:
        """A paragraph or heading as one tagged element per page it occupies (never split inside a tag)."""
        self.set_font(self.family_name, "B" if bold else "", size)
        text = self.clean(text)
        lines = self.multi_cell(0, line, text, dry_run=True, output="LINES") or [""]
        while lines:
            fit = max(1, int((self.page_break_trigger - self.get_y()) // line))
            if fit < min(len(lines), 2 if tag.startswith("H") else 1) or self._room(line) < 0:
                self.add_page()
                continue
            chunk, lines = lines[:fit], lines[fit:]
            with self.tagged(tag):
                self.multi_cell(0, line, "\n".join(chunk), align="L", new_x="LMARGIN", new_y="NEXT")
            if lines:
                self.add_page()

    def heading(self, text: str, level: int = 0) -> None:
        size = {0: 16, 1: 13, 2: 11}[level]
        if level and self.get_y() > self.h - 45:
            self.add_page()
        elif self.get_y() > self.t_margin + 1:
            self.ln(3 if level else 1)
        self.start_section(self.clean(text), level=level)
        self.block(f"H{level + 1}", text, size=size, line=size * 0.5, bold=True)
        self.ln(1.5)

    def para(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.block("P", text, size=size, line=5 if size >= 10 else 4.2, bold=bold)

    def field(self, name: str, value: Any) -> None:
        self.para(f"{name} : {value if value not in (None, '') else '—'}")

    def signatures(self, roles: list[str]) -> None:
        self.heading("Signatures", 1)
        height = 30
        if self._room(height) < 0:
            self.add_page()
        width = (self.w - self.l_margin - self.r_margin) / len(roles)
        y = self.get_y()
        for i, role in enumerate(roles):
            x = self.l_margin + i * width
            self.rect(x, y, width - 4, height)
            self.set_xy(x + 2, y + 2)
            self.set_font(self.family_name, "B", 9)
            with self.tagged("P"):
                self.cell(width - 8, 5, self.clean(role))
            self.set_font(self.family_name, "", 9)
            self.set_xy(x + 2, y + 8)
            with self.tagged("P"):
                self.cell(width - 8, 5, "Date :")
            self.set_xy(x + 2, y + 14)
            with self.tagged("P"):
                self.cell(width - 8, 5, "Signature :")
        self.set_xy(self.l_margin, y + height + 2)


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


def _item_line(bundle: Any, item_id: str) -> str:
    """The item's label, with its trade / job / certification when it is an activity or a bloc part."""
    text = label_of(bundle, item_id)
    item = bundle.items.get(item_id) if bundle is not None else None
    parent = bundle.items.get(item.parent) if item is not None and isinstance(item.parent, str) else None
    if parent is not None and parent.kind in ("trade", "job", "certification", "bloc"):
        text += f" ({parent.label})"
    return text


_ROLE_FR = {"self": "la personne", "accompanist": "l'accompagnateur", "jury": "le jury", "tutor": "le tuteur"}


def _pole_rgb(bundle: Any, item: Any) -> tuple[int, int, int]:
    pole = bundle.items.get(getattr(item.model, "pole", None) or "") if item is not None else None
    colour = getattr(pole.model, "color", None) if pole is not None else None
    if isinstance(colour, str) and len(colour) == 7 and colour.startswith("#"):
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
    return 31, 111, 178


def _draw_map(doc: _Doc, bundle: Any, rows: list[Any]) -> None:
    """The competency map, drawn in vectors (no plotting stack needed): one line per graded, mastered item,
    its circles filled up to the retained level in the pole colour; real text labels, each line a ``Figure``
    tag whose alternative text says the same in words."""
    doc.heading("Carte des compétences validées", 1)
    doc.para("Chaque rond plein est un cercle (niveau) atteint ; les ronds vides restent à atteindre.", size=9)
    entries = []
    for r in rows:
        item = bundle.items.get(r.item_id)
        top = item.scale[1] if item is not None and item.scale else max(4, r.level)
        entries.append((label_of(bundle, r.item_id), r.level, top, _pole_rgb(bundle, item)))
    row_h, radius = 9.0, 3.0
    label_w = 105.0
    for name, level, top, rgb in entries:
        if doc._room(row_h) < 0:
            doc.add_page()
        y = doc.get_y()
        with doc.tagged("Figure", alt_text=f"{name} : cercle {level} atteint sur {top}"):
            doc.set_font(doc.family_name, "", 9)
            doc.set_xy(doc.l_margin, y + 1.5)
            shown, ellipsis = doc.clean(name), doc.clean("…")
            if doc.get_string_width(shown) > label_w - 3:  # the full label: in the list above, in the alt text
                while len(shown) > 4 and doc.get_string_width(shown + ellipsis) > label_w - 3:
                    shown = shown[:-1]
                shown = shown.rstrip() + ellipsis
            doc.cell(label_w, 5, shown)
            doc.set_draw_color(*rgb)
            doc.set_line_width(0.5)
            for k in range(1, top + 1):
                cx = doc.l_margin + label_w + (k - 1) * (2 * radius + 3) + radius
                doc.set_fill_color(*rgb)
                doc.circle(cx, y + 4, radius, style="DF" if k <= level else "D")
            doc.set_xy(doc.l_margin + label_w + top * (2 * radius + 3) + 2, y + 1.5)
            doc.set_text_color(40, 40, 40)
            doc.cell(20, 5, f"{level}/{top}")
        doc.set_draw_color(0, 0, 0)
        doc.set_text_color(0, 0, 0)
        doc.set_line_width(0.2)
        doc.set_y(y + row_h)


def portfolio_pdf(repo: Any, bundle: Any, person_id: str, *, as_of: dt.date | dt.datetime | None = None,
                  with_map: bool = True, _unicode_font: bool = True, _compress: bool = True) -> bytes:
    """Portefeuille de compétences / attestation descriptive: as recognised, only what was validated (by whom,
    when, in which RAE modality, on which proofs), with its referential and version; then, apart and never as
    recognised, the co-positionings not yet validated and the person's own self-positionings (both words shown
    where they differ); a signatures area."""
    doc = _Doc("Portefeuille de compétences — attestation descriptive", unicode_font=_unicode_font,
               compress=_compress)
    doc.heading(doc.doc_title, 0)
    today = as_of or dt.date.today()
    doc.para(f"Établie le {fr_date(today)}. Ce document décrit les compétences validées ; il ne vaut pas diplôme.",
             size=9)
    _identity(doc, repo, person_id)
    summary = recognition_for(repo, person_id, as_of=as_of)
    by_ref: dict[tuple[str, str], list[Any]] = {}
    for r in summary.recognised:
        title, version = referential_of(bundle, r.item_id)
        by_ref.setdefault((title, version), []).append(r)
    doc.heading("Compétences reconnues (validées)", 1)
    if not by_ref:
        doc.para("Aucune compétence n'est encore validée à cette date.")
    for (title, version), rows in by_ref.items():
        doc.heading(f"{title} (version {version})" if version else title, 2)
        for r in rows:
            v = r.validation
            doc.para(f"• {_item_line(bundle, r.item_id)} — {value_fr(r.value)}", bold=False)
            who = "un jury" if v.validator_role == "jury" else "l'accompagnateur"
            line = f"   {r.item_id} · validé par {who}"
            line += f" ({v.validator_name})" if v.validator_name else ""
            line += f" le {fr_date(v.validated_on)} · modalité {MODALITY_FR.get(v.modality or '', v.modality)}"
            doc.para(line, size=8)
            if r.proofs:
                doc.para("   Preuves : " + " ; ".join(r.proofs), size=8)
            if r.self_differs:
                doc.para(f"   La personne se positionne : {value_fr(r.self_value)}", size=8)
    if summary.co_positioned:
        doc.heading("Co-positionnements non encore validés (pas une reconnaissance)", 1)
        for p in summary.co_positioned:
            text = f"• {_item_line(bundle, p.item_id)} — accompagnateur : {value_fr(p.co_value)}"
            if p.self_value is not None and p.divergent:
                text += f" ; la personne : {value_fr(p.self_value)}"
            doc.para(text, size=9)
    if summary.self_only:
        doc.heading("Ce que la personne dit d'elle-même (auto-positionnement, non reconnu)", 1)
        for p in summary.self_only:
            doc.para(f"• {_item_line(bundle, p.item_id)} — {value_fr(p.self_value)} (le {fr_date(p.self_at)})",
                     size=9)
    graded = [r for r in summary.recognised if r.level is not None]
    if with_map and graded:
        _draw_map(doc, bundle, graded)
    doc.signatures(["La personne", "L'accompagnateur", "La structure"])
    return bytes(doc.output())


def evidence_pdf(repo: Any, bundle: Any, person_id: str, *, _unicode_font: bool = True,
                 _compress: bool = True) -> bytes:
    """Dossier de preuves: per competency, its evidence and the endorsements of each proof."""
    doc = _Doc("Dossier de preuves", unicode_font=_unicode_font, compress=_compress)
    doc.heading(doc.doc_title, 0)
    _identity(doc, repo, person_id)
    groups: dict[str, list[Any]] = {}
    for ev in active_evidence(repo, person_id):  # withdrawn proofs stay in the database, not in the dossier
        groups.setdefault(ev.item_id or "", []).append(ev)
    doc.heading("Preuves par compétence", 1)
    if not groups:
        doc.para("Aucune preuve enregistrée.")
    for item_id in sorted(groups):
        doc.heading(_item_line(bundle, item_id) if item_id else "Preuves non rattachées à un élément", 2)
        if item_id:
            title, version = referential_of(bundle, item_id)
            doc.para(f"{item_id} · {title}" + (f" (version {version})" if version else ""), size=8)
        for ev in sorted(groups[item_id], key=lambda e: e.evidence_date):
            kind = label("evidence_kind", ev.kind)
            doc.para(f"• {ev.title} ({kind}, {fr_date(ev.evidence_date)})", bold=True)
            if ev.description:
                doc.para(f"   {ev.description}")
            if ev.url:
                doc.para(f"   Lien : {ev.url}", size=8)
            if ev.original_name:
                doc.para(f"   Fichier : {ev.original_name}", size=8)
            for en in ev.endorsements:
                relation = label("relation", en.relation)
                text = f"   Appui de {en.endorser_name} ({relation}, {fr_date(en.endorsed_on)})"
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
        kind = label("followup_kind", f.kind)
        doc.para(f"• {fr_date(day)} — {kind} ({status_fr.get(f.status, f.status)})", bold=True)
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
        doc.para(f"• {_item_line(bundle, item_id)} : {was} → {_value(new)}")
    if not changes:
        doc.para("Pas de changement de positionnement sur la période.")
    doc.signatures(["La personne", "L'accompagnateur"])
    return bytes(doc.output())
