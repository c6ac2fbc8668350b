"""French PDF documents for a jury (fpdf2): portefeuille de compétences, dossier de preuves, fiche de suivi.

What a jury needs on paper: who the person is, which structure and which accompanist stand behind the
document, what each level means, how it was recognised (RAE modality), which RNCP bloc an activity maps to,
the photos themselves (thumbnails, with a text alternative) — and no internal identifiers (``rectec:C01``):
only official codes (RNCP, ROME) are printed. Only recognised items are presented as recognised; the
person's self-positionings and the co-positionings not yet validated have their own sections that say so.
Which items are recognised is decided by :mod:`.recognition` (validated only); callers may pass that
selection in (``recognition``).

Accessibility (:mod:`.pdf_tags`): PDF/UA basics — XMP ``pdfuaid:part``, ``/Lang``, tagged headings,
paragraphs, lists (``L``/``LI``), tables (``Table``/``TR``/``TH``/``TD``), figures with alternative text,
artifacts for frames and footers; pole colours darkened to 4.5:1 against white.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ..messages import label, t
from ..store.validations import active_evidence
from .common import fr_date, label_of, referential_of, retained
from .pdf_tags import TaggedDoc, accessible_rgb, find_font
from .recognition import MODALITY_FR, Recognition, recognition_for, value_fr

__all__ = ["portfolio_pdf", "evidence_pdf", "followup_pdf", "find_font", "official_code", "level_meaning"]

_Doc = TaggedDoc
_OFFICIAL_PREFIXES = ("rncp", "rome")  # registers whose codes mean something outside this tool


def official_code(item_id: str) -> str | None:
    """``rncp:RNCP38386BC01`` → ``RNCP38386BC01``; tool-internal ids (``rectec:C01``, ``rae:…``) → None."""
    prefix, _, local = item_id.partition(":")
    return local if prefix in _OFFICIAL_PREFIXES and "/" not in local else None


def level_meaning(bundle: Any, item_id: str, level: int | None) -> str | None:
    """The official title of a level (``Cercle 2 : Agir avec un modèle…``), or None."""
    item = bundle.items.get(item_id) if bundle is not None else None
    if item is None or level is None:
        return None
    found = next((lv for lv in item.levels if lv.rank == level), None)
    return str(found.title) if found is not None else None


def _scale_name(bundle: Any, item_id: str) -> str:
    item = bundle.items.get(item_id) if bundle is not None else None
    ref = bundle.referential(item.referential) if item is not None and hasattr(bundle, "referential") else None
    scale = getattr(getattr(ref, "header", None), "scale", None) if ref is not None else None
    return str(scale.name) if scale is not None else t("pdf.level")


def _accompanist_name(repo: Any, view: Any) -> str | None:
    """The display name of the accompanist who positioned the person most recently."""
    latest = None
    for item in view.items.values():
        p = item.accompanist
        if p is not None and p.author_id and (latest is None or p.positioned_at > latest.positioned_at):
            latest = p
    if latest is None:
        return None
    try:
        return repo.get_user(latest.author_id).display_name
    except Exception:  # noqa: BLE001 - an author removed since: the document still prints
        return None


def _identity(doc: _Doc, repo: Any, person_id: str, *, accompanist: str | None = None, view: Any = None) -> Any:
    person = repo.get_person(person_id)
    structure = repo.get_structure(person.structure_id)
    doc.heading(t("pdf.identity"), 1)
    doc.field(t("pdf.identity.person"), person.display_name)
    doc.field(t("pdf.identity.structure"), f"{structure.name} ({label('status', structure.kind, structure.kind)})"
              if structure.kind else structure.name)
    name = accompanist or (_accompanist_name(repo, view) if view is not None else None)
    doc.field(t("pdf.identity.accompanist"), name)
    return person, structure


_STATES = ("acquired", "in_progress", "not_yet")


def _value(r: Any, bundle: Any = None) -> str:
    if r.level is not None:
        scale = _scale_name(bundle, r.item_id) if bundle is not None else t("pdf.level")
        meaning = level_meaning(bundle, r.item_id, r.level) if bundle is not None else None
        return f"{scale} {r.level}" + (f" : {meaning}" if meaning else "")
    return t(f"pdf.state.{r.state}") if r.state in _STATES else str(r.state)


def _item_line(bundle: Any, item_id: str) -> str:
    """The item's label, with its trade / job / certification when it is an activity or a bloc part."""
    text = label_of(bundle, item_id)
    item = bundle.items.get(item_id) if bundle is not None else None
    parent = bundle.items.get(item.parent) if item is not None and isinstance(item.parent, str) else None
    if parent is not None and parent.kind in ("trade", "job", "certification", "bloc"):
        text += f" ({parent.label})"
    code = official_code(item_id)
    return f"{text} — {code}" if code else text


def _bloc_mapping(bundle: Any, item_id: str) -> list[str]:
    """The RNCP blocs an activity (or its trade) maps to, from the crosswalks (``part-of`` to a bloc)."""
    out = []
    edges = bundle.edges_from(item_id, "part-of") if hasattr(bundle, "edges_from") else []
    for edge in edges:
        bloc = bundle.items.get(edge.target)
        if bloc is None or bloc.kind != "bloc":
            continue
        cert = bundle.items.get(bloc.parent) if bloc.parent else None
        code = official_code(bloc.id)
        text = t("pdf.bloc_of.coded" if code else "pdf.bloc_of", code=code, label=bloc.label)
        if cert is not None:
            code = official_code(cert.id)
            text += t("pdf.bloc_of.certification.coded" if code else "pdf.bloc_of.certification", code=code,
                      label=cert.label)
        link = getattr(edge, "link", None)
        if link is not None and not link.verified:
            text += t("pdf.bloc_of.unconfirmed")
        out.append(text + ".")
    return out


#: referential prefixes with a line saying their recognition modality (``pdf.modality.<prefix>``)
_MODALITY = ("rae", "rsfp", "rncp", "clea", "rectec")
#: author roles named in the follow-up sheet (``pdf.role.<role>``)
_ROLES = ("self", "accompanist", "jury", "tutor")


def _rae_modalities(repo: Any, person_id: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for ev in active_evidence(repo, person_id):
        if ev.item_id and ev.rae_modality and ev.rae_modality != "none":
            out.setdefault(ev.item_id, set()).add(label("rae_modality", ev.rae_modality))
    return out


def _pole_rgb(bundle: Any, item: Any) -> tuple[int, int, int]:
    pole = bundle.items.get(getattr(item.model, "pole", None) or "") if item is not None else None
    colour = getattr(pole.model, "color", None) if pole is not None else None
    if isinstance(colour, str) and len(colour) == 7 and colour.startswith("#"):
        return accessible_rgb((int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)))
    return 31, 111, 178


def _draw_map(doc: _Doc, bundle: Any, rows: list[Any]) -> None:
    """The competency map, drawn in vectors: one line per graded, validated item, its circles filled up to the
    retained level in the pole colour (darkened to 4.5:1); real text labels, each line a ``Figure`` tag whose
    alternative text says the same in words."""
    doc.heading(t("pdf.map"), 1)
    doc.para(t("pdf.map.legend"), size=9)
    entries = []
    for r in rows:
        item = bundle.items.get(r.item_id)
        top = item.scale[1] if item is not None and item.scale else max(4, r.level)
        entries.append((label_of(bundle, r.item_id), r.level, top, _pole_rgb(bundle, item)))
    row_h, radius = 9.0, 3.0
    label_w = 105.0
    for name, level, top, rgb in entries:
        if doc.room(row_h) < 0:
            doc.add_page()
        y = doc.get_y()
        with doc.tagged("Figure", alt_text=t("pdf.map.alt", name=name, level=level, top=top)):
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
                  with_map: bool = True, recognition: Recognition | None = None, accompanist: str | None = None,
                  _unicode_font: bool = True, _compress: bool = True) -> bytes:
    """Portefeuille de compétences / attestation descriptive: as recognised, only what was validated (by whom,
    when, in which RAE modality, on which proofs, what the level means, which RNCP bloc it maps to), with its
    referential and version; then, apart and never as recognised, the co-positionings not yet validated and
    the person's own self-positionings; a signatures area. ``recognition`` defaults to
    :func:`.recognition.recognition_for` (the selection the data-assembly layer makes)."""
    doc = _Doc(t("pdf.portfolio"), unicode_font=_unicode_font, compress=_compress)
    doc.heading(doc.doc_title, 0)
    today = as_of or dt.date.today()
    doc.para(t("pdf.portfolio.issued", date=fr_date(today)), size=9)
    _identity(doc, repo, person_id, accompanist=accompanist, view=repo.current_view(person_id, as_of=as_of))
    summary = recognition if recognition is not None else recognition_for(repo, person_id, as_of=as_of)
    by_ref: dict[tuple[str, str], list[Any]] = {}
    for r in summary.recognised:
        title, version = referential_of(bundle, r.item_id)
        by_ref.setdefault((title, version), []).append(r)
    doc.heading(t("pdf.portfolio.recognised"), 1)
    if not by_ref:
        doc.para(t("pdf.portfolio.none_recognised"))
    for (title, version), rows in by_ref.items():
        doc.heading(t("pdf.referential.versioned", title=title, version=version) if version else title, 2)
        prefix = rows[0].item_id.split(":", 1)[0]
        if prefix in _MODALITY:
            doc.para(t("pdf.portfolio.modality", modality=t(f"pdf.modality.{prefix}")), size=9)
        entries = []
        for r in rows:
            v = r.validation
            who = t("pdf.validated.by_jury" if v.validator_role == "jury" else "pdf.validated.by_accompanist")
            line = t("pdf.validated", who=who) + (f" ({v.validator_name})" if v.validator_name else "")
            line += t("pdf.validated.on", date=fr_date(v.validated_on))
            if v.modality:
                line += t("pdf.validated.modality", modality=MODALITY_FR.get(v.modality, v.modality))
            details = [line + "."]
            meaning = level_meaning(bundle, r.item_id, r.level)
            if meaning:
                details.append(t("pdf.level_means", meaning=meaning))
            details += _bloc_mapping(bundle, r.item_id)
            if r.proofs:
                details.append(t("pdf.proofs", proofs=" ; ".join(r.proofs)))
            if r.self_differs:
                details.append(t("pdf.self_says", value=value_fr(r.self_value)))
            entries.append((f"{_item_line(bundle, r.item_id)} — {value_fr(r.value)}", details))
        doc.bullet_list(entries)
    graded = [r for r in summary.recognised if r.level is not None]
    if graded:
        doc.heading(t("pdf.levels"), 1)
        rows_t = [[label_of(bundle, r.item_id), f"{_scale_name(bundle, r.item_id)} {r.level}",
                   level_meaning(bundle, r.item_id, r.level) or "—"] for r in graded]
        doc.table([t("pdf.levels.competency"), t("pdf.levels.level"), t("pdf.levels.meaning")], rows_t, [62, 28, 90])
    if summary.co_positioned:
        doc.heading(t("pdf.co_positioned"), 1)
        items = []
        for p in summary.co_positioned:
            text = t("pdf.co_positioned.line", item=_item_line(bundle, p.item_id), value=value_fr(p.co_value))
            if p.self_value is not None and p.divergent:
                text += t("pdf.co_positioned.self", value=value_fr(p.self_value))
            items.append((text, []))
        doc.bullet_list(items)
    if summary.self_only:
        doc.heading(t("pdf.self_only"), 1)
        doc.bullet_list([(f"{_item_line(bundle, p.item_id)} — {value_fr(p.self_value)}",
                          [t("pdf.self_only.declared", date=fr_date(p.self_at))] if p.self_at else [])
                         for p in summary.self_only])
    if with_map and graded:
        _draw_map(doc, bundle, graded)
    doc.signatures([t("pdf.sign.person"), t("pdf.sign.accompanist"), t("pdf.sign.structure")])
    return bytes(doc.output())


def _thumbnail(doc: _Doc, repo: Any, ev: Any) -> None:
    """A photo proof printed small (45 mm wide), as a ``Figure`` whose alternative text names it."""
    if not (ev.media_type or "").startswith("image/") or not ev.file_sha256:
        return
    try:
        data, _media = repo.evidence_file(ev.id)
    except Exception:  # noqa: BLE001 - a missing file: the dossier still prints, with the file's name
        return
    width, height = 45.0, 34.0
    if doc.room(height + 2) < 0:
        doc.add_page()
    x = doc.l_margin + 5
    try:
        doc.image(io.BytesIO(data), x=x, w=width, h=height, keep_aspect_ratio=True,
                  alt_text=t("pdf.photo_alt", title=doc.clean(ev.title)))
    except Exception:  # noqa: BLE001 - an image fpdf2 cannot decode is not a reason to fail the dossier
        return
    doc.set_y(doc.get_y() + 2)


def evidence_pdf(repo: Any, bundle: Any, person_id: str, *, _unicode_font: bool = True,
                 _compress: bool = True) -> bytes:
    """Dossier de preuves: per competency, its evidence (photos as thumbnails, RAE modality) and endorsements."""
    doc = _Doc(t("pdf.evidence"), unicode_font=_unicode_font, compress=_compress)
    doc.heading(doc.doc_title, 0)
    view = repo.current_view(person_id)
    _identity(doc, repo, person_id, view=view)
    groups: dict[str, list[Any]] = {}
    for ev in active_evidence(repo, person_id):  # withdrawn proofs stay in the database, not in the dossier
        groups.setdefault(ev.item_id or "", []).append(ev)
    doc.heading(t("pdf.evidence.by_item"), 1)
    if not groups:
        doc.para(t("pdf.evidence.none"))
    for item_id in sorted(groups, key=lambda i: (i == "", label_of(bundle, i) if i else "")):
        doc.heading(_item_line(bundle, item_id) if item_id else t("pdf.evidence.unattached"), 2)
        if item_id:
            title, version = referential_of(bundle, item_id)
            doc.para(t("pdf.evidence.referential", title=t("pdf.referential.versioned", title=title, version=version)
                       if version else title), size=8)
            for line in _bloc_mapping(bundle, item_id):
                doc.para(line, size=8)
        with doc.group("L"):
            for ev in sorted(groups[item_id], key=lambda e: e.evidence_date):
                with doc.group("LI"):
                    kind = label("evidence_kind", ev.kind)
                    doc.block("LBody", f"{ev.title} ({kind}, {fr_date(ev.evidence_date)})", size=10, line=5,
                              bold=True)
                    details = []
                    if ev.rae_modality and ev.rae_modality != "none":
                        details.append(t("pdf.evidence.rae_modality", modality=label("rae_modality", ev.rae_modality)))
                    if ev.description:
                        details.append(ev.description)
                    if ev.url:
                        details.append(t("pdf.evidence.link", url=ev.url))
                    if ev.original_name and not (ev.media_type or "").startswith("image/"):
                        details.append(t("pdf.evidence.file", name=ev.original_name))
                    for en in ev.endorsements:
                        relation = label("relation", en.relation)
                        text = t("pdf.evidence.endorsement", name=en.endorser_name, relation=relation,
                                 date=fr_date(en.endorsed_on))
                        details.append(text + (t("pdf.evidence.statement", statement=en.statement) if en.statement else ""))
                    for detail in details:
                        doc.block("LBody", detail, size=9, line=4.2, indent=5)
                    _thumbnail(doc, repo, ev)
                doc.ln(1)
    doc.signatures([t("pdf.sign.person"), t("pdf.sign.accompanist")])
    return bytes(doc.output())


def followup_pdf(repo: Any, bundle: Any, person_id: str, start: dt.date, end: dt.date, *,
                 _unicode_font: bool = True, _compress: bool = True) -> bytes:
    """Fiche de suivi: the interviews between ``start`` and ``end`` and the progress over that period."""
    doc = _Doc(t("pdf.followup"), unicode_font=_unicode_font, compress=_compress)
    doc.heading(doc.doc_title, 0)
    doc.para(t("pdf.followup.period", start=fr_date(start), end=fr_date(end)))
    _identity(doc, repo, person_id, view=repo.current_view(person_id))
    doc.heading(t("pdf.followup.interviews"), 1)
    followups = []
    for f in repo.list_followups(person_id):
        day = f.held_on or f.scheduled_on
        if start <= day <= end:
            followups.append((day, f))
    if not followups:
        doc.para(t("pdf.followup.none"))
    doc.bullet_list([(f"{fr_date(day)} — {label('followup_kind', f.kind)} ({label('pdf.followup.status', f.status)})",
                      [f.notes] if f.notes else []) for day, f in sorted(followups, key=lambda x: x[0])])
    doc.heading(t("pdf.followup.progress"), 1)
    before = repo.current_view(person_id, as_of=dt.datetime.combine(start, dt.time.min, tzinfo=dt.timezone.utc))
    after = repo.current_view(person_id, as_of=dt.datetime.combine(end, dt.time.max, tzinfo=dt.timezone.utc))
    changes = []
    for item_id in sorted(after.items):
        new = retained(after.items[item_id])
        old = retained(before.items[item_id]) if item_id in before.items else None
        if new is None or (old is not None and (old.level, old.state) == (new.level, new.state)):
            continue
        was = _value(old, bundle) if old else t("pdf.followup.not_positioned")
        who = t("pdf.followup.positioned_by", role=t(f"pdf.role.{new.role}") if new.role in _ROLES else new.role)
        changes.append((f"{_item_line(bundle, item_id)}", [f"{was} → {_value(new, bundle)}{who}"]))
    if not changes:
        doc.para(t("pdf.followup.no_change"))
    doc.bullet_list(changes)
    doc.signatures([t("pdf.sign.person"), t("pdf.sign.accompanist")])
    return bytes(doc.output())
