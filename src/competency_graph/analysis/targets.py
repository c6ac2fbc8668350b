"""What a target expects: required levels of graded competencies, required activities and blocs.

A target is a trade or job (``rae:``/``rsfp:``), a certification or bloc (``rncp:``), a ROME job (``rome:``),
a training's entry profile shipped as data (an item of category ``attendus-entree-formation``, e.g.
``formation:cap-cuisine-apprentissage``, whose ``requires-level`` links give the circles expected at entry), or
an ad-hoc entry profile (:class:`~competency_graph.analysis.profile.TargetProfile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..bundle import Bundle, Item
from .profile import STATE_LEVEL, TargetProfile

__all__ = ["Requirement", "Target", "resolve_target", "TargetError", "related_occupations", "certifications_of",
           "ENTRY_PROFILE_CATEGORY", "ENTRY_PROFILE_KIND", "is_entry_profile", "entry_profiles"]

#: category of the referential items that are a training's entry profile ("attendus d'entrée en formation")
ENTRY_PROFILE_CATEGORY = "attendus-entree-formation"
#: ``Target.kind`` (and target-option kind) of an entry profile
ENTRY_PROFILE_KIND = "entry-profile"


class TargetError(ValueError):
    """The target id is unknown or of a kind that has no expectations."""


@dataclass(frozen=True)
class Requirement:
    item: str
    level: int
    graded: bool  # True: a circle of a graded competency; False: a state (acquired = 2)
    why: str  # the item of the target that brings this requirement


@dataclass(frozen=True)
class Target:
    id: str
    label: str
    kind: str
    requirements: tuple[Requirement, ...]
    certifications: tuple[str, ...] = ()  # certifications the target leads to (for VAE, coverage)
    occupations: tuple[str, ...] = ()  # RAE trades / RSFP jobs of the target's field
    rome: tuple[str, ...] = field(default=())


def is_entry_profile(item: Item | None) -> bool:
    """Whether a referential item is a training's entry profile (not a competency one positions on)."""
    return item is not None and getattr(item.model, "category", None) == ENTRY_PROFILE_CATEGORY


def entry_profiles(bundle: Bundle) -> list[Item]:
    """The training entry profiles of the loaded referentials, by label."""
    return sorted((i for i in bundle.items.values() if is_entry_profile(i)), key=lambda i: i.label.casefold())


def certifications_of(bundle: Bundle, item_id: str) -> list[str]:
    """Certifications an item is or bridges to."""
    item = bundle.items.get(item_id)
    if item is None:
        return []
    if item.kind == "certification":
        return [item_id]
    if item.kind == "bloc":
        return [item.parent] if item.parent else []
    return sorted({e.target for e in bundle.edges_from(item_id) if e.type == "bridges-to" and e.target in bundle.items})


def related_occupations(bundle: Bundle, item_id: str) -> list[str]:
    """RAE trades and RSFP jobs that are the item, bridge to it, or share its field / ROME codes."""
    item = bundle.items.get(item_id)
    found: set[str] = set()
    if is_entry_profile(item):  # the trades and jobs the training is related to, and theirs
        for edge in bundle.edges_from(item_id, "related"):
            linked = bundle.items.get(edge.target)
            if linked is not None and linked.kind in ("trade", "job"):
                found.update(related_occupations(bundle, edge.target))
        return sorted(o for o in found if o in bundle.items)
    if item is not None and item.kind in ("trade", "job") and item.provenance != "imported":
        found.add(item_id)
        found.update(e.target for e in bundle.edges_from(item_id, "same-field"))
        found.update(e.source for e in bundle.edges_to(item_id, "same-field"))
    cert_ids = set(certifications_of(bundle, item_id))
    for cert in cert_ids:
        found.update(e.source for e in bundle.edges_to(cert, "bridges-to")
                     if bundle.items.get(e.source) and bundle.items[e.source].kind in ("trade", "job"))
    if item_id.startswith("rome:"):
        found.update(e.source for e in bundle.edges_to(item_id, "rome")
                     if bundle.items.get(e.source) and bundle.items[e.source].kind in ("trade", "job"))
    return sorted(o for o in found if o in bundle.items)


def _rectec_requirements(bundle: Bundle, sources: list[str]) -> dict[str, tuple[int, str]]:
    """Highest required circle per graded competency over the requires-level edges of ``sources``."""
    best: dict[str, tuple[int, str]] = {}
    for source in sources:
        for edge in bundle.edges_from(source, "requires-level"):
            if edge.level is None:
                continue
            if edge.target not in best or edge.level > best[edge.target][0]:
                best[edge.target] = (edge.level, source)
    return best


def resolve_target(bundle: Bundle, target: str | TargetProfile) -> Target:
    """The expectations of a target, gathered through the crosswalks."""
    if isinstance(target, TargetProfile):
        reqs = [Requirement(c, lvl, True, target.id) for c, lvl in sorted(target.requires.items())]
        reqs += [Requirement(a, STATE_LEVEL["acquired"], False, target.id) for a in target.activities]
        for bloc in target.blocs:
            reqs += [Requirement(c.id, STATE_LEVEL["acquired"], False, bloc) for c in bundle.children(bloc)]
        unknown = [r.item for r in reqs if r.item not in bundle.items]
        if unknown:
            raise TargetError(f"unknown items in target profile {target.id}: {', '.join(unknown)}")
        bloc_certs = sorted({parent for b in target.blocs if (it := bundle.items.get(b)) and (parent := it.parent)})
        return Target(target.id, target.label, "target-profile", tuple(reqs), tuple(bloc_certs))

    item = bundle.items.get(target)
    if item is None and not target.startswith("rome:"):
        raise TargetError(f"unknown target '{target}'")
    kind = ENTRY_PROFILE_KIND if is_entry_profile(item) else item.kind if item else "rome-job"
    label = item.label if item else target
    occupations = related_occupations(bundle, target)
    # an entry profile aims at entering a training, not at a certification: no VAE nor bloc coverage
    certs: list[str] = [] if kind == ENTRY_PROFILE_KIND else certifications_of(bundle, target)
    sources: list[str] = [target]
    requirements: list[Requirement] = []
    if kind in ("trade", "job"):
        activities = [a.id for a in bundle.children(target) if a.kind == "activity"]
        sources += activities
        requirements += [Requirement(a, STATE_LEVEL["acquired"], False, target) for a in activities]
    elif kind in ("certification", "bloc"):
        blocs = [target] if kind == "bloc" else [b.id for b in bundle.children(target) if b.kind == "bloc"]
        sources += blocs
        for occ in occupations:
            sources += [occ] + [a.id for a in bundle.children(occ) if a.kind == "activity"]
    elif kind == ENTRY_PROFILE_KIND:
        pass  # only the circles the profile itself expects: the exit level of its trades is not an entry level
    elif kind == "rome-job":
        for occ in occupations:
            sources += [occ] + [a.id for a in bundle.children(occ) if a.kind == "activity"]
    elif kind != "competency":
        raise TargetError(f"'{target}' ({kind}) is not a target: choose a trade, a job, a certification or a bloc")
    graded = _rectec_requirements(bundle, sources)
    requirements = [Requirement(c, lvl, True, why) for c, (lvl, why) in sorted(graded.items())] + requirements
    rome = tuple(sorted({e.target for s in [target, *occupations] for e in bundle.edges_from(s, "rome")}
                        | ({target} if target.startswith("rome:") else set())))
    return Target(target, label, kind, tuple(requirements), tuple(certs), tuple(occupations), rome)
