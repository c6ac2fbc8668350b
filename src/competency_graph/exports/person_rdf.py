"""One person's positionings as RDF, on explicit request: a SEPARATE named graph, never added to the
referential graph of :mod:`competency_graph.rdf`.

Minimised: the person is a pseudonymous ``urn:uuid:`` IRI derived from a keyed pseudonym the caller supplies
(no name, no structure, no author ids); each positioning event says which item (the referential item's own
IRI, and the level IRI for graded items), who positioned by role only (self, accompanist, jury, tutor), the
value, the referential version and when. Free-text comments are left out unless ``include_comments``.

Vocabulary: ``cg:`` (the project's vocabulary), ``prov:`` for times, ``dcterms:`` for the graph's description.
Terms introduced here (not used by the referential graph): classes ``cg:Person``, ``cg:Positioning``,
``cg:PersonPositionings`` (the graph itself); properties ``cg:person``, ``cg:item`` (→ referential item IRI),
``cg:level`` (→ level IRI), ``cg:state``, ``cg:role``, ``cg:referentialVersion``, ``cg:corrects``; ``cg:rank``
is reused from the referential vocabulary. Shape of one event::

    <urn:uuid:…> a cg:Positioning ; cg:person <urn:uuid:…> ; cg:item <…/id/rectec/C01> ;
        cg:level <…/id/rectec/C01/level/2> ; cg:rank 2 ; cg:role "accompanist" ;
        cg:referentialVersion "2019" ; prov:generatedAtTime "2025-03-10T09:00:00Z"^^xsd:dateTime .
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..ids import level_iri, mint_iri
from ..rdf import CG

__all__ = ["person_iri", "person_graph_iri", "person_graph", "person_turtle", "person_jsonld", "ROLES"]

ROLES = ("self", "accompanist", "jury", "tutor")


def _uuid_iri(*parts: str) -> URIRef:
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return URIRef(f"urn:uuid:{uuid.UUID(bytes=digest[:16], version=5)}")


def person_iri(pseudonym: str) -> URIRef:
    """The person's IRI in exports: from the keyed pseudonym only (the person id cannot be recovered)."""
    return _uuid_iri("person", pseudonym)


def person_graph_iri(pseudonym: str) -> URIRef:
    """The name of the person's graph (its own named graph, never the referential one)."""
    return _uuid_iri("person-graph", pseudonym)


def _instant(value: dt.datetime) -> Literal:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    text = value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Literal(text, datatype=XSD.dateTime)


def person_graph(repo: Any, person_id: str, *, pseudonym: str, as_of: dt.date | dt.datetime | None = None,
                 include_comments: bool = False) -> Graph:
    """The person's positioning events (oldest first, up to ``as_of``) in a graph named
    :func:`person_graph_iri`. ``pseudonym`` must be a keyed pseudonym of ``person_id`` (see
    ``services.exports``); it is the only trace of the person in the graph."""
    if not pseudonym or pseudonym == person_id:
        raise ValueError("a keyed pseudonym distinct from the person id is required")
    name = person_graph_iri(pseudonym)
    graph = Graph(identifier=name)
    graph.bind("cg", CG)
    graph.bind("prov", PROV)
    graph.bind("dcterms", DCTERMS)
    person = person_iri(pseudonym)
    graph.add((person, RDF.type, CG.Person))
    graph.add((name, RDF.type, CG.PersonPositionings))
    graph.add((name, DCTERMS.subject, person))
    latest: dt.datetime | None = None
    events = repo.history(person_id, as_of=as_of)
    # Event IRIs from what the event says (not the database's random uid), so that two exports of the same
    # history are the same graph; a counter separates identical events.
    node_of: dict[int, URIRef] = {}
    seen: dict[tuple[str, ...], int] = {}
    for event in events:
        key = (event.item_id, event.author_role, str(event.value), event.positioned_at.isoformat())
        seen[key] = seen.get(key, 0) + 1
        node_of[event.id] = _uuid_iri("positioning", pseudonym, *key, str(seen[key]))
    for event in events:
        node = node_of[event.id]
        graph.add((node, RDF.type, CG.Positioning))
        graph.add((node, CG.person, person))
        graph.add((node, CG.item, URIRef(mint_iri(event.item_id))))
        graph.add((node, CG.role, Literal(event.author_role)))
        if event.level is not None:
            graph.add((node, CG.level, URIRef(level_iri(event.item_id, event.level))))
            graph.add((node, CG.rank, Literal(event.level)))
        if event.state is not None:
            graph.add((node, CG.state, Literal(event.state)))
        graph.add((node, CG.referentialVersion, Literal(event.referential_version)))
        graph.add((node, PROV.generatedAtTime, _instant(event.positioned_at)))
        if event.corrects_id in node_of:
            graph.add((node, CG.corrects, node_of[event.corrects_id]))
        if include_comments and event.comment:
            graph.add((node, RDFS.comment, Literal(event.comment, lang="fr")))
        if latest is None or event.positioned_at > latest:
            latest = event.positioned_at
    if latest is not None:
        graph.add((name, DCTERMS.modified, _instant(latest)))
    return graph


def person_turtle(graph: Graph) -> str:
    """Turtle of the person graph alone (Turtle has no graph name: the name is in the graph's own triples)."""
    return graph.serialize(format="turtle")


def person_jsonld(graph: Graph) -> str:
    """JSON-LD of the person graph as a named graph (``{"@id": <graph>, "@graph": [...]}``)."""
    dataset = Dataset()
    named = dataset.graph(graph.identifier)
    for triple in graph:
        named.add(triple)
    data = json.loads(dataset.serialize(format="json-ld", auto_compact=False))
    named_only = [entry for entry in data if entry.get("@id") == str(graph.identifier) and "@graph" in entry]
    return json.dumps(named_only[0] if named_only else {"@id": str(graph.identifier), "@graph": []},
                      ensure_ascii=False, indent=2, sort_keys=True)
