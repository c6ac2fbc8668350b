"""The sequence of recognition steps from where a person stands to their target, each eligible when it starts.

The steps follow the ``leads-to`` passerelles between modalities (``referentials/modalities``; a passerelle
may carry a condition, e.g. RAE → 2nd year of CAP in apprenticeship for a CAP-level target). The first step
is the best eligible modality on the date asked (same ranking as :func:`.recommend.recommend_modalities`);
each next step is chosen among the passerelles of the previous one by evaluating the rules again on the date
it would start, with what the earlier steps brought (blocs validated, attestation obtained, competencies
consolidated). A step that is not eligible yet starts on the first day it is ("eligible_from"); a step never
eligible within the horizon is not planned. Blocs already held are never planned again.

``pathway --json`` steps: ``{"modality", "eligible_from", "blocs", "duration_months", "duration_source"}``
(plus ``label``, ``note``, ``variant``).

A worker of an ESAT of the "Différent et Compétent" network who wants the CAPa Jardinier paysagiste: the RAE
first (eligible now), then the training that validates the five blocs, once the RAE is done (six months on):

>>> import datetime as dt
>>> from competency_graph.analysis.profile import parse_profile
>>> from competency_graph.examples import shipped_bundle
>>> profile = parse_profile('''
... person: {id: p1, status: esat, age: 34, writing: limited, goal: certification}
... structure: {kind: esat, networks: [{network: rae, trained_staff: 2}]}
... target: rncp:RNCP38386
... ''')
>>> pathway = plan_pathway(shipped_bundle(), profile, as_of=dt.date(2026, 1, 15))
>>> [(step.modality, step.eligible_from.isoformat(), len(step.blocs)) for step in pathway.steps]
[('modality:rae', '2026-01-15', 0), ('modality:formation', '2026-07-15', 5)]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..bundle import Bundle
from ..conditions import holds
from ..model import Link, Modality
from .coverage import acquired_items, bloc_coverage
from .facts import TargetFacts, add_months, gather_facts, held_blocs, target_facts
from .profile import Profile
from .recommend import (
    HORIZON_MONTHS,
    Recommendation,
    _source_text,
    evaluate,
    fr_date,
    provenance_notes,
    rank_key,
    resolve_profile_target,
)
from .targets import resolve_target

__all__ = ["MAX_STEPS", "VAE_BLOC_THRESHOLD", "Pathway", "Step", "passerelle_graph", "plan_pathway"]

#: a bloc is counted for a partial VAE when at least this share of its competencies is covered
VAE_BLOC_THRESHOLD = 0.5
MAX_STEPS = 6
_BLOC_STEPS = ("modality:vae", "modality:formation", "modality:cqp")


@dataclass
class Step:
    modality: str
    label: str
    eligible_from: dt.date
    duration_months: float
    duration_source: str | None = None
    blocs: list[str] = field(default_factory=list)
    note: str = ""
    variant: str | None = None

    @property
    def validates(self) -> list[str]:  # former name, kept for callers
        return self.blocs

    def to_dict(self) -> dict[str, Any]:
        return {"modality": self.modality, "eligible_from": self.eligible_from.isoformat(), "blocs": list(self.blocs),
                "duration_months": self.duration_months, "duration_source": self.duration_source,
                "label": self.label, "note": self.note, "variant": self.variant}


@dataclass
class Pathway:
    target: str
    target_label: str
    steps: list[Step]
    total_months: float
    provenance: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    """Blocs of the target already held (never planned again)."""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "target_label": self.target_label, "total_months": self.total_months,
                "steps": [s.to_dict() for s in self.steps], "provenance": list(self.provenance),
                "held": list(self.held), "note": self.note}


def passerelle_graph(bundle: Bundle) -> nx.MultiDiGraph:
    """Modalities as nodes, passerelles as edges (``link``: the :class:`model.Link`, with its condition)."""
    graph = nx.MultiDiGraph()
    for item in bundle.of_kind("modality"):
        graph.add_node(item.id, model=item.model)
    for edge in bundle.edges:
        if edge.type == "leads-to" and edge.source in graph and edge.target in graph:
            graph.add_edge(edge.source, edge.target, link=edge.link)
    return graph


def _reaches_goal(graph: nx.MultiDiGraph, node: str, goals: set[str]) -> bool:
    return node in goals or any(g in graph and nx.has_path(graph, node, g) for g in goals)


def _first_day(bundle: Bundle, profile: Profile, tfacts: TargetFacts, modality: Modality, start: dt.date,
               held: frozenset[str], consolidated: bool) -> tuple[dt.date, Recommendation] | None:
    """The first day from ``start`` the modality is eligible (with what earlier steps brought), and its advice."""
    def at(day: dt.date) -> Recommendation:
        return evaluate(modality, gather_facts(bundle, profile, tfacts, day, held, consolidated), bundle)

    rec = at(start)
    if rec.eligible:
        return start, rec
    previous = start
    for step in range(1, HORIZON_MONTHS + 1):
        day = add_months(start, step)
        if at(day).eligible:
            low, high = previous, day
            while (high - low).days > 1:
                middle = low + (high - low) // 2
                low, high = (low, middle) if at(middle).eligible else (middle, high)
            return high, at(high)
        previous = day
    return None


def plan_pathway(bundle: Bundle, profile: Profile, target: str | None = None,
                 as_of: dt.date | None = None) -> Pathway:
    """Steps from the person's best eligible modality to the target, each eligible on the day it starts."""
    as_of = as_of or dt.date.today()
    target_id = target or profile.target_id
    if target_id is None:
        raise ValueError("a pathway needs a target (profile 'target' or --target)")
    if target is not None:
        resolve_target(bundle, target)  # a clear TargetError for an unknown id
        profile = profile.model_copy(update={"target": target})
    tgt = resolve_profile_target(bundle, profile)
    if tgt is None:
        tgt = resolve_target(bundle, profile.target or target_id)  # raises the TargetError
    tfacts = target_facts(bundle, profile, tgt)
    graph = passerelle_graph(bundle)
    models: dict[str, Modality] = {n: d["model"] for n, d in graph.nodes(data=True)}

    already = held_blocs(bundle, profile, as_of)
    # a trade or job target is reached by its recognition, unless the person wants a certification or training
    aims_certificate = tgt.kind not in ("trade", "job") or profile.person.goal in ("certification", "training")
    all_blocs = list(tfacts.blocs) if aims_certificate else []
    remaining = [b for b in all_blocs if b not in already]
    held_target = [b for b in all_blocs if b in already]
    acquired = acquired_items(bundle, profile.positions_by_item())
    shares = {c.bloc: c.share for cert in tgt.certifications for c in bloc_coverage(bundle, acquired, cert)}
    goals = {"modality:vae", "modality:formation", "modality:cqp"} if all_blocs else \
        {"modality:rae", "modality:rsfp", "modality:vae", "modality:cqp", "modality:formation"}

    steps: list[Step] = []
    provenance: list[str] = []
    pathway = Pathway(tgt.id, tgt.label, steps, 0.0, provenance, held_target)
    if all_blocs and not remaining:
        pathway.note = "Tous les blocs de la certification visée sont déjà obtenus."
        return pathway

    day = as_of
    extra: set[str] = set()
    consolidated = False
    done: set[str] = set()
    previous: str | None = None
    while len(steps) < MAX_STEPS:
        options: list[tuple[dt.date, tuple[Any, ...], str, Recommendation, Link | None]] = []
        if previous is None:
            candidates = [(m, None) for m in models if _reaches_goal(graph, m, goals)]
        else:
            facts_now = gather_facts(bundle, profile, tfacts, day, frozenset(extra), consolidated)
            candidates = []
            for succ in graph.successors(previous):
                links = [d["link"] for d in graph.get_edge_data(previous, succ).values()]
                usable = [lk for lk in links if lk is None or lk.when is None or holds(lk.when, facts_now)]
                if usable:
                    candidates.append((succ, usable[0]))
        for modality_id, link in candidates:
            if modality_id in done or not _reaches_goal(graph, modality_id, goals):
                continue
            found = _first_day(bundle, profile, tfacts, models[modality_id], day, frozenset(extra), consolidated)
            if found is None:
                continue
            start, rec = found
            options.append((start, rank_key(rec), modality_id, rec, link))
        if not options:
            break
        if previous is None and any(o[0] == day for o in options):
            options = [o for o in options if o[0] == day]  # the first step: the best one that can start now
        start, _key, modality_id, rec, link = min(options, key=lambda o: (o[0], o[1]))
        modality = models[modality_id]
        if link is not None and link.duration_months is not None:
            duration, source = float(link.duration_months), _source_text(link.source) if link.source else None
        else:
            duration = float(modality.duration_months)
            source = _source_text(modality.duration_source) if modality.duration_source else None
        step = Step(modality_id, (link.label if link is not None and link.label else modality.label), start, duration,
                    source, note=(link.note or "") if link is not None else "", variant=rec.variant)
        if modality_id == "modality:vae":
            ready = [b for b in remaining if shares.get(b, 0.0) >= VAE_BLOC_THRESHOLD]
            step.blocs = ready or list(remaining)
            if ready and len(ready) < len(remaining):
                step.note = (step.note + " " if step.note else "") + "VAE partielle : les blocs déjà couverts."
        elif modality_id in _BLOC_STEPS:
            step.blocs = list(remaining)
        if modality_id == "modality:afest":
            consolidated = True
        if modality_id in ("modality:rae", "modality:rsfp"):
            extra.update(o for o in (tgt.id, *tgt.occupations) if o.startswith(modality_id.split(":")[1] + ":"))
        extra.update(step.blocs)
        remaining = [b for b in remaining if b not in step.blocs]
        steps.append(step)
        provenance.extend(provenance_notes(bundle, tgt, modality) if source is None or modality_id in _BLOC_STEPS
                          else [n for n in provenance_notes(bundle, tgt, modality) if not n.startswith("Durée")])
        done.add(modality_id)
        previous = modality_id
        day = add_months(start, round(duration)) if duration >= 1 else start + dt.timedelta(days=round(duration * 30))
        if all_blocs and not remaining:
            break
        if not all_blocs and modality_id in goals and rec.tier >= 3:
            break
    if any(s.duration_source is None for s in steps):
        provenance.append("Au moins une durée du parcours est indicative, sans source.")
    pathway.provenance = list(dict.fromkeys(p for p in provenance if not p.startswith("Durée indicative")))
    pathway.total_months = round(sum(s.duration_months for s in steps), 1)
    if remaining and all_blocs:
        pathway.note = "Blocs sans étape prévue : " + ", ".join(remaining) + "."
    if steps and steps[0].eligible_from != as_of:
        pathway.note = (pathway.note + " " if pathway.note else "") + \
            f"Première étape possible le {fr_date(steps[0].eligible_from)}."
    return pathway
