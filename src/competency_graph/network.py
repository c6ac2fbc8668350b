"""Project a :class:`Bundle` into a ``networkx.DiGraph`` for path questions.

Nodes are item ids (attributes: kind, label, referential); edges carry their ``type`` and, for
``requires-level``, the ``level``; ``part-of`` edges go from the part to the whole.
"""

from __future__ import annotations

import networkx as nx

from .bundle import Bundle

__all__ = ["to_networkx"]


def to_networkx(bundle: Bundle) -> nx.DiGraph:
    """The item graph: one node per item (and per referenced external id), one edge per typed edge."""
    graph = nx.DiGraph()
    for item in bundle.items.values():
        graph.add_node(item.id, kind=item.kind, label=item.label, referential=item.referential)
    for edge in bundle.edges:
        for end in (edge.source, edge.target):
            if end not in graph:
                graph.add_node(end, kind="external", label=end, referential=None)
        attrs = {"type": edge.type}
        if edge.level is not None:
            attrs["level"] = edge.level
        if edge.link is not None and edge.link.duration_months is not None:
            attrs["duration_months"] = edge.link.duration_months
            attrs["validates"] = list(edge.link.validates)
        graph.add_edge(edge.source, edge.target, **attrs)
    return graph
