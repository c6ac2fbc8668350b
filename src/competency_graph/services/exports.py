"""What a page downloads for one person: the three PDFs, an Open Badge 3.0 credential, the person's RDF graph.

Every function takes ``(ctx, identity, person_id, ...)`` and first calls :func:`.accounts.require_person`
(access check, logged as a read); each file handed out is also recorded in the audit log as an ``export`` of
that kind (``portfolio_pdf``, ``badge_json``…), with the person as a pseudonym like every audit entry. The
builders live in :mod:`competency_graph.exports`. Nothing here logs personal data.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ..exports import issuing, pdf, person_rdf
from ..exports.common import label_of
from ..security import audit
from ..security.audit import pseudonym
from ..store.validations import validations
from .accounts import Identity, require_person
from .context import Context

__all__ = ["BadgeChoice", "portfolio", "evidence_dossier", "followup_sheet", "badge_choices", "badge", "badge_png",
           "person_graph", "file_name", "RDF_FORMATS"]

#: format → (file extension, MIME type)
RDF_FORMATS = {"turtle": ("ttl", "text/turtle"), "json-ld": ("jsonld", "application/ld+json")}


@dataclass(frozen=True)
class BadgeChoice:
    """A validated item a badge can be issued for, at its validated level (None for ungraded items)."""

    item_id: str
    label: str
    level: int | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _exported(ctx: Context, identity: Identity, person_id: str, kind: str) -> None:
    person = ctx.repo.get_person(person_id)
    audit.record(ctx.repo, identity.user_id, "export", kind, person_id=person_id, structure_id=person.structure_id)


def portfolio(ctx: Context, identity: Identity, person_id: str, *, as_of: dt.date | None = None) -> bytes:
    """The *portefeuille de compétences / attestation descriptive* PDF (recognised: only what was validated)."""
    require_person(ctx, identity, person_id)
    data = pdf.portfolio_pdf(ctx.repo, ctx.bundle, person_id, as_of=as_of)
    _exported(ctx, identity, person_id, "portfolio_pdf")
    return data


def evidence_dossier(ctx: Context, identity: Identity, person_id: str) -> bytes:
    """The *dossier de preuves* PDF: evidence and endorsements per competency."""
    require_person(ctx, identity, person_id)
    data = pdf.evidence_pdf(ctx.repo, ctx.bundle, person_id)
    _exported(ctx, identity, person_id, "evidence_pdf")
    return data


def followup_sheet(ctx: Context, identity: Identity, person_id: str, start: dt.date, end: dt.date) -> bytes:
    """The *fiche de suivi* PDF between two dates (``start`` before ``end``)."""
    require_person(ctx, identity, person_id)
    if start >= end:
        raise ValueError("start must be before end")
    data = pdf.followup_pdf(ctx.repo, ctx.bundle, person_id, start, end)
    _exported(ctx, identity, person_id, "followup_pdf")
    return data


def badge_choices(ctx: Context, identity: Identity, person_id: str) -> list[BadgeChoice]:
    """The items a badge can be issued for: validated ones only, at their validated level."""
    require_person(ctx, identity, person_id)
    standing = validations(ctx.repo, person_id)
    return [BadgeChoice(item_id, label_of(ctx.bundle, item_id), v.level)
            for item_id, v in sorted(standing.items()) if item_id in ctx.bundle.items]


def _issued(ctx: Context, identity: Identity, person_id: str, item_id: str, valid_from: dt.datetime | None,
            valid_until: dt.date | None) -> issuing.IssuedBadge:
    require_person(ctx, identity, person_id)
    return issuing.issue_badge(ctx.repo, ctx.bundle, person_id, item_id, valid_from=valid_from or _now(),
                               valid_until=valid_until)


def badge(ctx: Context, identity: Identity, person_id: str, item_id: str, *,
          valid_from: dt.datetime | None = None, valid_until: dt.date | None = None) -> str:
    """A signed OB 3.0 ``OpenBadgeCredential`` (JSON-LD text, ``eddsa-rdfc-2022`` proof by the structure's
    key); raises :class:`~competency_graph.exports.openbadges.NotMastered` when the item was not validated."""
    issued = _issued(ctx, identity, person_id, item_id, valid_from, valid_until)
    _exported(ctx, identity, person_id, "badge_json")
    return json.dumps(issued.credential, ensure_ascii=False, indent=2)


def badge_png(ctx: Context, identity: Identity, person_id: str, item_id: str, *,
              valid_from: dt.datetime | None = None, valid_until: dt.date | None = None) -> bytes:
    """The same signed badge baked into a PNG image (``iTXt`` chunk ``openbadgecredential``)."""
    issued = _issued(ctx, identity, person_id, item_id, valid_from, valid_until)
    _exported(ctx, identity, person_id, "badge_png")
    return issued.png


def person_graph(ctx: Context, identity: Identity, person_id: str, *, fmt: str = "turtle",
                 include_comments: bool = False) -> str:
    """The person's positionings as a separate, pseudonymous RDF graph (``turtle`` or ``json-ld``)."""
    require_person(ctx, identity, person_id)
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    # Keyed with the database's pseudonym key, on a prefixed input so that it differs from the audit log's
    # subject reference of the same person.
    graph = person_rdf.person_graph(ctx.repo, person_id, pseudonym=pseudonym(ctx.repo, f"rdf-export:{person_id}"),
                                    include_comments=include_comments)
    text = person_rdf.person_turtle(graph) if fmt == "turtle" else person_rdf.person_jsonld(graph)
    _exported(ctx, identity, person_id, "positionings_rdf")
    return text


def file_name(kind: str, person_id: str, extension: str, *, day: dt.date | None = None) -> str:
    """``<kind>-<person id>-<YYYY-MM-DD>.<ext>``: no name in file names (they end up in mail and shares)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in person_id)
    return f"{kind}-{safe}-{(day or dt.date.today()).isoformat()}.{extension}"
