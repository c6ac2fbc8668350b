"""Bloc coverage: how much of each bloc of a certification a person's acquired items already cover.

A bloc competency is covered when the person has it acquired, or when an acquired activity (or one of its
competencies) is linked to it — or to its bloc — through the crosswalks. This is what a partial VAE could
realistically validate now. A bloc competency co-assessed PARTIAL (state ``in_progress``, France VAE's
"partiellement") counts for half of one: it shows the way without being claimed as covered.

In the tiny example, the trade's activity "Tondre une pelouse" is linked to the bloc competency "Tondre":

>>> from competency_graph.analysis.profile import Position
>>> from competency_graph.examples import tiny_bundle
>>> bundle = tiny_bundle()
>>> positions = {"ext:jardinier/A1": Position(item="ext:jardinier/A1", self="acquired"),
...              "exc:CAP1/B1/C2": Position(item="exc:CAP1/B1/C2", self="acquired", co="in_progress")}
>>> acquired = acquired_items(bundle, positions)
>>> sorted(acquired), sorted(partial_items(bundle, positions))
(['ext:jardinier/A1', 'ext:jardinier/A1/C1'], ['exc:CAP1/B1/C2'])
>>> coverage = bloc_coverage(bundle, acquired, "exc:CAP1", partial_items(bundle, positions))
>>> [(c.bloc, c.covered, c.partial, c.share) for c in coverage]
[('exc:CAP1/B1', ('exc:CAP1/B1/C1',), ('exc:CAP1/B1/C2',), 0.75), ('exc:CAP1/B2', (), (), 0.0)]
>>> mean_coverage(coverage)
0.375
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..bundle import Bundle
from ..vocab import retained as vocab_retained
from .profile import STATE_LEVEL, Position

__all__ = ["BlocCoverage", "acquired_items", "partial_items", "bloc_coverage", "mean_coverage", "PARTIAL_WEIGHT"]

#: what a bloc competency assessed PARTIAL weighs in the share (a covered one weighs 1)
PARTIAL_WEIGHT = 0.5
_MATCH = ("close-match", "related", "part-of", "narrow-match", "broad-match")


@dataclass(frozen=True)
class BlocCoverage:
    bloc: str
    label: str
    covered: tuple[str, ...]
    total: int
    partial: tuple[str, ...] = ()
    """Bloc competencies assessed PARTIAL and not covered otherwise."""

    @property
    def share(self) -> float:
        if not self.total:
            return 0.0
        return min(1.0, (len(self.covered) + PARTIAL_WEIGHT * len(self.partial)) / self.total)


def acquired_items(bundle: Bundle, positions: Mapping[str, Position]) -> set[str]:
    """Items the person has acquired (retained view), plus the competencies of acquired activities."""
    acquired: set[str] = set()
    for item_id, position in positions.items():
        retained = vocab_retained(position.self, position.co)
        item = bundle.items.get(item_id)
        if item is None or retained is None:
            continue
        if isinstance(retained, str):
            ok = retained == "acquired"
        elif item.levels:
            ok = retained >= 2 or retained >= (item.level_range or (1, 1))[1]  # graded: circle 2 = "applies"
        else:
            ok = retained >= STATE_LEVEL["acquired"]
        if ok:
            acquired.add(item_id)
            acquired.update(child.id for child in bundle.children(item_id))
    return acquired


def partial_items(bundle: Bundle, positions: Mapping[str, Position]) -> set[str]:
    """Ungraded items whose retained state (the accompanist's when present) is ``in_progress``: PARTIAL."""
    found = set()
    for item_id, position in positions.items():
        retained = vocab_retained(position.self, position.co)
        if retained == "in_progress" and item_id in bundle.items:
            found.add(item_id)
    return found


def _neighbours(bundle: Bundle, item_id: str) -> set[str]:
    ends = {e.target for e in bundle.edges_from(item_id) if e.type in _MATCH}
    ends |= {e.source for e in bundle.edges_to(item_id) if e.type in _MATCH}
    return ends


def bloc_coverage(bundle: Bundle, acquired: Iterable[str], certification: str,
                  partial: Iterable[str] = ()) -> list[BlocCoverage]:
    """Coverage of every bloc of ``certification`` by the ``acquired`` items, ``partial`` bloc competencies
    counting for :data:`PARTIAL_WEIGHT` (0 ≤ share ≤ 1, monotone)."""
    acquired = set(acquired)
    partial = set(partial)
    result = []
    for bloc in bundle.children(certification):
        if bloc.kind != "bloc":
            continue
        bloc_linked = bool(_neighbours(bundle, bloc.id) & acquired)
        competencies = [c for c in bundle.children(bloc.id) if c.kind == "competency"]
        covered = []
        for comp in competencies:
            if comp.id in acquired or _neighbours(bundle, comp.id) & acquired:
                covered.append(comp.id)
        if not competencies:
            result.append(BlocCoverage(bloc.id, bloc.label, (bloc.id,) if bloc_linked else (), 1))
            continue
        if bloc_linked:
            # linked at bloc level: the share of the bloc's linked items that are acquired counts too (max of both,
            # so coverage stays monotone in the acquired items)
            linked = _neighbours(bundle, bloc.id)
            wanted = int(round(len(linked & acquired) / len(linked) * len(competencies)))
            rest = [c.id for c in competencies if c.id not in covered]
            covered += rest[: max(0, wanted - len(covered))]
        halves = tuple(c.id for c in competencies if c.id in partial and c.id not in covered)
        result.append(BlocCoverage(bloc.id, bloc.label, tuple(covered), len(competencies), halves))
    return result


def mean_coverage(coverages: list[BlocCoverage]) -> float:
    """Average share over the blocs (0 when the certification has no blocs)."""
    return sum(c.share for c in coverages) / len(coverages) if coverages else 0.0
