"""The published forms of the referential graph: compact JSON-LD with its published ``@context``, and one
vocabulary (a ``skos:ConceptScheme`` with its concepts) alone, as SKOS publishing profiles want it."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

__all__ = ["CONTEXT_URL", "jsonld_context", "to_jsonld", "serialize", "scheme_graph"]


#: Where the JSON-LD context of the published graph is served (a copy ships as ``jsonld/context.jsonld``).
CONTEXT_URL = "https://w3id.org/competency-graph/context.jsonld"


def jsonld_context() -> dict:
    """The published JSON-LD context (the ``@context`` object of ``jsonld/context.jsonld``)."""
    import json
    from importlib.resources import files

    return json.loads(files("competency_graph").joinpath("jsonld/context.jsonld").read_text(encoding="utf-8"))["@context"]


def to_jsonld(graph: Graph, *, inline_context: bool = False) -> str:
    """Compact JSON-LD of ``graph`` whose ``@context`` is the published context URL (short terms, no
    expanded IRIs for the common SKOS / dcterms properties), or the context itself when ``inline_context``."""
    import json

    context = jsonld_context()
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    data["@context"] = context if inline_context else CONTEXT_URL
    return json.dumps(data, ensure_ascii=False, indent=2)


def serialize(graph: Graph, fmt: str, *, inline_context: bool = False) -> str:
    """``turtle`` or compact ``json-ld`` text of a referential graph."""
    return to_jsonld(graph, inline_context=inline_context) if fmt == "json-ld" else graph.serialize(format=fmt)


def scheme_graph(graph: Graph, scheme: URIRef) -> Graph:
    """One vocabulary alone, as SKOS publishing profiles want it (one scheme per file): the scheme, its
    concepts, their blank nodes (sources) and the scheme's agents. Links to other schemes stay as IRIs."""
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    todo: list = [scheme, *graph.subjects(SKOS.inScheme, scheme)]
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or (node == scheme and p in (DCTERMS.publisher, DCTERMS.creator)):
                todo.append(o)
    return out
