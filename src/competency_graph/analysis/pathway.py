"""The sequence of recognition steps from where a person stands to a target certification.

networkx over the ``leads-to`` passerelles between modalities, weighted by typical duration: the path starts
at the best eligible modality for the person today and ends at a certifying step (VAE when the target is
open to it, else training); blocs a partial VAE cannot yet cover are left to a final training step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import networkx as nx

from ..bundle import Bundle
from .coverage import acquired_items, bloc_coverage
from .profile import Profile
from .recommend import recommend_modalities
from .targets import resolve_target

__all__ = ["Step", "Pathway", "plan_pathway", "passerelle_graph"]

#: a bloc is counted for a partial VAE when at least this share of its competencies is covered
VAE_BLOC_THRESHOLD = 0.5


@dataclass
class Step:
    modality: str
    label: str
    duration_months: float
    validates: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Pathway:
    target: str
    target_label: str
    steps: list[Step]
    total_months: float

    def to_dict(self) -> dict:
        return asdict(self)


def passerelle_graph(bundle: Bundle) -> nx.DiGraph:
    """Modalities as nodes, passerelles as edges weighted by the duration of the step they lead to."""
    graph = nx.DiGraph()
    for item in bundle.of_kind("modality"):
        graph.add_node(item.id, label=item.label, duration=item.model.duration_months, certifying=item.model.certifying)
    for edge in bundle.edges:
        if edge.type == "leads-to" and edge.source in graph and edge.target in graph:
            duration = edge.link.duration_months if edge.link and edge.link.duration_months is not None \
                else graph.nodes[edge.target]["duration"]
            graph.add_edge(edge.source, edge.target, weight=duration, note=(edge.link.note if edge.link else "") or "")
    return graph


def plan_pathway(bundle: Bundle, profile: Profile, target: str | None = None,
                 as_of: dt.date | None = None) -> Pathway:
    """Steps from the person's best eligible modality to the target certification, with durations and blocs."""
    target_id = target or profile.target_id
    if target_id is None:
        raise ValueError("a pathway needs a target (profile 'target' or --target)")
    tgt = resolve_target(bundle, profile.target if (target is None and profile.target is not None) else target_id)
    recs = recommend_modalities(bundle, profile, as_of)
    eligible = [r for r in recs if r.eligible]
    graph = passerelle_graph(bundle)
    vae_open = any(bundle.items[c].model.vae_open for c in tgt.certifications if c in bundle.items)
    goal = "modality:vae" if vae_open and "modality:vae" in graph else "modality:formation"
    start = eligible[0].modality if eligible else "modality:open-badge"
    try:
        nodes = nx.dijkstra_path(graph, start, goal, weight="weight") if start != goal else [goal]
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        nodes = [start, goal] if start != goal else [goal]

    acquired = acquired_items(bundle, profile.positions_by_item())
    coverages = [c for cert in tgt.certifications for c in bloc_coverage(bundle, acquired, cert)]
    ready = [c.bloc for c in coverages if c.share >= VAE_BLOC_THRESHOLD]
    remaining = [c.bloc for c in coverages if c.share < VAE_BLOC_THRESHOLD]

    steps: list[Step] = []
    for i, node in enumerate(nodes):
        data = graph.nodes[node]
        duration = data["duration"] if i == 0 else graph.edges[nodes[i - 1], node]["weight"]
        note = "" if i == 0 else graph.edges[nodes[i - 1], node]["note"]
        step = Step(node, data["label"], float(duration), note=note)
        if node == "modality:vae":
            step.validates = list(ready) if remaining else [c.bloc for c in coverages]
            if remaining and ready:
                step.note = (step.note + " " if step.note else "") + "VAE partielle : blocs déjà couverts."
        elif node == "modality:formation":
            step.validates = list(remaining) if "modality:vae" in nodes else [c.bloc for c in coverages]
        steps.append(step)
    if nodes[-1] == "modality:vae" and remaining and "modality:formation" in graph:
        weight = graph.edges["modality:vae", "modality:formation"]["weight"] if graph.has_edge(
            "modality:vae", "modality:formation") else graph.nodes["modality:formation"]["duration"]
        steps.append(Step("modality:formation", graph.nodes["modality:formation"]["label"], float(weight),
                          validates=list(remaining), note="Formation pour les blocs restants."))
    return Pathway(tgt.id, tgt.label, steps, round(sum(s.duration_months for s in steps), 1))
