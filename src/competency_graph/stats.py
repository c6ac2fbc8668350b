"""Counts per referential and kind, provenance counts and coverage of the crosswalks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .bundle import Bundle

__all__ = ["compute_stats"]

_KINDS = {"pole": "poles", "competency": "competencies", "activity": "activities", "trade": "trades", "job": "jobs",
          "certification": "certifications", "bloc": "blocs", "modality": "modalities"}


def _reaches(bundle: Bundle, occupation_id: str, prefix: str) -> bool:
    """True when the occupation or one of its activities has an edge towards an id with ``prefix``."""
    sources = [occupation_id, *(a.id for a in bundle.children(occupation_id))]
    ends = [e.target for s in sources for e in bundle.edges_from(s)] + [e.source for e in bundle.edges_to(occupation_id)]
    return any(end.startswith(prefix) for end in ends)


def compute_stats(bundle: Bundle, triples: int | None = None) -> dict[str, Any]:
    """A JSON-ready summary; ``triples`` is the size of the RDF graph when the caller built it."""
    per_ref: dict[str, dict[str, Any]] = {}
    for ref in bundle.referentials:
        per_ref[ref.key] = {"title": ref.header.title, "kind": ref.header.kind, "provenance": ref.header.provenance,
                            **{name: 0 for name in _KINDS.values()}, "levels": 0, "links": 0,
                            "reconstructed": 0, "provisional": 0, "unverified": 0}
    for item in bundle.items.values():
        row = per_ref[item.referential]
        row[_KINDS[item.kind]] += 1
        row["levels"] += len(item.levels)
        row["reconstructed"] += item.provenance == "reconstructed"
        row["provisional"] += item.provenance == "provisional"
        row["unverified"] += not item.verified
    owner = {item.id: item.referential for item in bundle.items.values()}
    for edge in bundle.edges:
        if edge.implicit and edge.type == "part-of":
            continue
        key = edge.referential or owner.get(edge.source)
        if key in per_ref:
            per_ref[key]["links"] += 1
            if edge.link is not None and not edge.link.verified:
                per_ref[key]["unverified"] += 1
    totals = Counter()
    for row in per_ref.values():
        for name, value in row.items():
            if isinstance(value, int):
                totals[name] += value
    occupations = [i for i in bundle.items.values() if i.kind in ("trade", "job") and i.provenance != "imported"]
    missing_rectec = sorted(o.id for o in occupations if o.provenance != "provisional" and not _reaches(bundle, o.id, "rectec:"))
    missing_rome = sorted(o.id for o in occupations if o.provenance != "provisional" and not _reaches(bundle, o.id, "rome"))
    result: dict[str, Any] = {
        "referentials": per_ref,
        "totals": dict(totals),
        "items": len(bundle.items),
        "edges": len(bundle.edges),
        "occupations_without_rectec_link": missing_rectec,
        "occupations_without_rome_link": missing_rome,
        "content_hash": bundle.content_hash[:16],
    }
    if triples is not None:
        result["triples"] = triples
    return result
