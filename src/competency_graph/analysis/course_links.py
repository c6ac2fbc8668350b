"""Rétro-ingénierie for trainers: maillons de parcours built backwards from a target's entry expectations.

Each maillon raises one graded competency by one circle, names the work situations (trade activities) in
which to practise it and the people concerned; maillons are ordered so that prerequisites come first
(topological order: circle k before circle k+1 of the same competency, then by level and by need).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from ..bundle import Bundle
from ..vocab import retained
from .profile import Position, Profile
from .targets import Target

__all__ = ["CourseLink", "design_course_links", "HOURS_PER_CIRCLE"]

#: estimated hours of guided practice to rise by one circle (Fab'map experiments: a few weeks of practice)
HOURS_PER_CIRCLE = {1: 10, 2: 20, 3: 30, 4: 40}


@dataclass
class CourseLink:
    order: int
    competency: str
    competency_label: str
    from_level: int
    to_level: int
    title: str
    situations: list[dict[str, str]] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    hours: int = 0
    after: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.competency}#{self.to_level}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "key": self.key}


def _retained(position: Position | None) -> int:
    if position is None:
        return 0
    value = Position.as_level(retained(position.self, position.co))
    return value or 0


def _situations(bundle: Bundle, competency: str, level: int, target: Target) -> list[dict[str, str]]:
    """Activities (of the target's trades first) that call for ``competency`` at ``level`` or just above."""
    found = []
    preferred = set(target.occupations) | {target.id}
    for edge in bundle.edges_to(competency, "requires-level"):
        activity = bundle.items.get(edge.source)
        if activity is None or activity.kind != "activity" or edge.level is None or edge.level < level:
            continue
        rank = (activity.parent not in preferred, edge.level - level, activity.id)
        found.append((rank, {"activity": activity.id, "label": activity.label,
                             "trade": bundle.label(activity.parent or ""), "level": str(edge.level)}))
    return [f for _, f in sorted(found, key=lambda x: x[0])[:3]]


def design_course_links(bundle: Bundle, profiles: Sequence[Profile], target: Target) -> list[CourseLink]:
    """Ordered maillons closing the group's gaps to ``target``'s graded requirements."""
    links: dict[str, CourseLink] = {}
    order = nx.DiGraph()
    for req in target.requirements:
        if not req.graded:
            continue
        levels = {p.person.id: _retained(p.positions_by_item().get(req.item)) for p in profiles}
        lowest = min(levels.values(), default=req.level)
        for to_level in range(max(lowest, 0) + 1, req.level + 1):
            people = sorted(pid for pid, lvl in levels.items() if lvl < to_level)
            if not people:
                continue
            label = bundle.label(req.item)
            item = bundle.items.get(req.item)
            level = item.level(to_level) if item else None
            link = CourseLink(
                order=0, competency=req.item, competency_label=label, from_level=to_level - 1, to_level=to_level,
                title=f"{label} : atteindre le cercle {to_level}" + (f" — {level.title}" if level else ""),
                situations=_situations(bundle, req.item, to_level, target), people=people,
                hours=HOURS_PER_CIRCLE.get(to_level, 20),
            )
            links[link.key] = link
            order.add_node(link.key)
            previous = f"{req.item}#{to_level - 1}"
            if previous in links:
                order.add_edge(previous, link.key)
                link.after.append(previous)
    ranked = nx.lexicographical_topological_sort(
        order, key=lambda k: (links[k].to_level, -len(links[k].people), links[k].competency))
    result = []
    for i, key in enumerate(ranked, 1):
        links[key].order = i
        result.append(links[key])
    return result
