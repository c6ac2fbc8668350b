"""Publish a :class:`Bundle` as RDF: SKOS concept schemes, dcterms/prov for sources, a small vocabulary.

The RDF graph is the canonical published form. It holds referentials only — never personal data.
``build_graph`` also returns, for each subject IRI, the YAML location that minted it, so SHACL findings
can be reported as ``file:line:col``.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from .bundle import Bundle, Edge, Item
from .ids import VOCAB_IRI, level_iri, mint_iri, scheme_iri
from .problems import Location

__all__ = ["CG", "build_graph", "build_triples", "publish", "KIND_CLASSES", "PREFIXES"]

CG = Namespace(VOCAB_IRI)

KIND_CLASSES = {
    "pole": CG.Pole,
    "competency": CG.Competency,
    "trade": CG.Trade,
    "job": CG.Job,
    "activity": CG.Activity,
    "certification": CG.Certification,
    "bloc": CG.Bloc,
    "modality": CG.Modality,
}

_EDGE_PREDICATES = {
    "close-match": SKOS.closeMatch,
    "broad-match": SKOS.broadMatch,
    "narrow-match": SKOS.narrowMatch,
    "related": SKOS.related,
    "part-of": CG.partOf,
    "leads-to": CG.leadsTo,
    "bridges-to": CG.bridgesTo,
    "same-field": CG.sameField,
    "rome": CG.romeLink,
    "mobility": CG.mobility,
    "replaces": DCTERMS.replaces,
    "replaced-by": DCTERMS.isReplacedBy,
}


class _Triples(list):
    """A list of triples with the ``add`` method of a Graph."""

    def add(self, triple: tuple) -> None:
        self.append(triple)


def _fr(text: str) -> Literal:
    return Literal(text, lang="fr")


#: the prefixes of the published graph's serialisations
PREFIXES = {"skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV), "cg": str(CG),
            **{prefix.replace("-", "_"): mint_iri(f"{prefix}:x")[:-1] for prefix in (
                "rectec", "rectec-plus", "rae", "rsfp", "rncp", "rome", "rome-ogr", "clea", "modality")}}


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace))


def _add_source(graph: _Triples, subject: URIRef | BNode, source: object) -> None:
    node = BNode()
    graph.add((subject, PROV.wasDerivedFrom, node))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.title, _fr(source.title)))  # type: ignore[attr-defined]
    if source.url:  # type: ignore[attr-defined]
        graph.add((node, DCTERMS.source, URIRef(source.url)))  # type: ignore[attr-defined]
    if source.date:  # type: ignore[attr-defined]
        graph.add((node, DCTERMS.date, Literal(source.date, datatype=XSD.date)))  # type: ignore[attr-defined]


def build_graph(bundle: Bundle) -> tuple[Graph, dict[str, Location]]:
    """The RDF graph of the bundle and a map from subject IRI to the YAML location that minted it."""
    result = Graph()
    _bind(result)
    graph, where = build_triples(bundle)  # collect first, then one batched addN (cheaper than Graph.add)
    result.addN((s, p, o, result) for s, p, o in graph)
    return result, where


def build_triples(bundle: Bundle) -> tuple[list[tuple], dict[str, Location]]:
    """The triples of :func:`build_graph` as a list (any store can load them: ``rdf_store`` puts them in
    Oxigraph), and the map from subject IRI to YAML location."""
    graph = _Triples()
    where: dict[str, Location] = {}
    schemes: dict[str, URIRef] = {}

    for ref in bundle.referentials:
        header = ref.header
        scheme = URIRef(scheme_iri(header.id, header.version))
        schemes[ref.key] = scheme
        where[str(scheme)] = ref.location
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, DCTERMS.identifier, Literal(header.id)))
        graph.add((scheme, DCTERMS.title, _fr(header.title)))
        graph.add((scheme, DCTERMS.publisher, Literal(header.publisher)))
        graph.add((scheme, DCTERMS.license, Literal(header.licence)))
        graph.add((scheme, OWL.versionInfo, Literal(header.version)))
        graph.add((scheme, CG.referentialKind, Literal(header.kind)))
        graph.add((scheme, CG.provenance, Literal(header.provenance)))
        if header.version_of:
            graph.add((scheme, CG.versionOf, Literal(header.version_of)))
        if header.scale:
            graph.add((scheme, CG.scaleMin, Literal(header.scale.min)))
            graph.add((scheme, CG.scaleMax, Literal(header.scale.max)))
        for source in header.sources:
            _add_source(graph, scheme, source)

    for item in bundle.items.values():
        _add_item(graph, item, schemes[item.referential], where)

    for edge in bundle.edges:
        if edge.type == "part-of" and edge.implicit:
            continue  # already skos:broader
        _add_edge(graph, edge, where)
    return graph, where


def _add_item(graph: Graph, item: Item, scheme: URIRef, where: dict[str, Location]) -> None:
    node = URIRef(mint_iri(item.id))
    where[str(node)] = item.location
    model = item.model
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, RDF.type, KIND_CLASSES[item.kind]))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.notation, Literal(item.id)))
    graph.add((node, SKOS.prefLabel, _fr(item.label)))
    graph.add((node, CG.provenance, Literal(item.provenance)))
    if not item.verified:
        graph.add((node, CG.verified, Literal(False)))
    if item.parent:
        graph.add((node, SKOS.broader, URIRef(mint_iri(item.parent))))
    else:
        graph.add((node, SKOS.topConceptOf, scheme))
    for text in (getattr(model, "description", None), getattr(model, "note", None)):
        if text:
            graph.add((node, SKOS.scopeNote, _fr(text)))
    for source in model.sources:
        _add_source(graph, node, source)
    for element in getattr(model, "elements", ()):
        graph.add((node, CG.element, _fr(element)))
    for criterion in getattr(model, "criteria", ()):
        graph.add((node, CG.criterion, _fr(criterion)))
    for situation in getattr(model, "situations", ()):
        graph.add((node, CG.situation, _fr(situation)))
    if getattr(model, "category", None):
        graph.add((node, CG.category, Literal(model.category)))

    if item.kind == "pole":
        if model.color:
            graph.add((node, CG.color, Literal(model.color)))
    elif item.kind == "competency":
        graph.add((node, CG.eqfGraded, Literal(model.eqf_graded)))
        for level in item.levels:
            _add_level(graph, item, level, scheme, where)
    elif item.kind in ("trade", "job"):
        if model.field:
            graph.add((node, CG.field, Literal(model.field)))
        if model.diploma:
            graph.add((node, CG.sourceDiploma, _fr(model.diploma)))
        for mode in model.modalities:
            graph.add((node, CG.recognitionMode, Literal(mode)))
        if model.evaluation:
            ev = URIRef(f"{node}/evaluation")
            graph.add((node, CG.evaluation, ev))
            graph.add((ev, RDF.type, CG.EvaluationGrid))
            graph.add((ev, CG.situation, _fr(model.evaluation.situation)))
            for criterion in model.evaluation.criteria:
                graph.add((ev, CG.criterion, _fr(criterion)))
    elif item.kind == "certification":
        if model.level is not None:
            graph.add((node, CG.qualificationLevel, Literal(model.level)))
        if model.abbrev:
            graph.add((node, CG.abbrev, Literal(model.abbrev)))
        if model.vae_open is not None:
            graph.add((node, CG.vaeOpen, Literal(model.vae_open)))
        if model.partial_validation is not None:
            graph.add((node, CG.partialValidation, Literal(model.partial_validation)))
        if model.active is not None:
            graph.add((node, CG.active, Literal(model.active)))
    elif item.kind == "modality":
        graph.add((node, CG.certifying, Literal(model.certifying)))
        graph.add((node, CG.durationMonths, Literal(Decimal(str(model.duration_months)))))
        graph.add((node, CG.writingRequired, Literal(model.writing_required)))
        graph.add((node, CG.jury, _fr(model.jury)))
        graph.add((node, CG.outcome, _fr(model.outcome)))
        for public in model.public:
            graph.add((node, CG.public, _fr(public)))
        _add_validity(graph, node, model)
        for rule in model.rules:
            rnode = URIRef(f"{node}/rule/{rule.id}")
            where[str(rnode)] = item.location
            graph.add((node, CG.eligibilityRule, rnode))
            graph.add((rnode, RDF.type, CG.EligibilityRule))
            graph.add((rnode, CG.effect, Literal(rule.effect)))
            graph.add((rnode, CG.reason, _fr(rule.reason)))
            graph.add((rnode, CG.condition, Literal(rule.when.model_dump_json(exclude_none=True))))
            _add_validity(graph, rnode, rule)
            _add_source(graph, rnode, rule.source)


def _add_validity(graph: Graph, node: URIRef, model: object) -> None:
    if model.valid_from:  # type: ignore[attr-defined]
        graph.add((node, CG.validFrom, Literal(model.valid_from, datatype=XSD.date)))  # type: ignore[attr-defined]
    if model.valid_until:  # type: ignore[attr-defined]
        graph.add((node, CG.validUntil, Literal(model.valid_until, datatype=XSD.date)))  # type: ignore[attr-defined]


def _add_level(graph: Graph, item: Item, level: object, scheme: URIRef, where: dict[str, Location]) -> None:
    node = URIRef(level_iri(item.id, level.rank))  # type: ignore[attr-defined]
    where[str(node)] = item.location
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, RDF.type, CG.Level))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.broader, URIRef(mint_iri(item.id))))
    graph.add((node, CG.levelOf, URIRef(mint_iri(item.id))))
    graph.add((node, CG.rank, Literal(level.rank)))  # type: ignore[attr-defined]
    graph.add((node, SKOS.prefLabel, _fr(level.title)))  # type: ignore[attr-defined]
    graph.add((node, SKOS.notation, Literal(f"{item.id}#{level.rank}")))  # type: ignore[attr-defined]
    if level.descriptor:  # type: ignore[attr-defined]
        graph.add((node, SKOS.definition, _fr(level.descriptor)))  # type: ignore[attr-defined]
    if level.autonomy:  # type: ignore[attr-defined]
        graph.add((node, CG.autonomy, _fr(level.autonomy)))  # type: ignore[attr-defined]
    if level.easy_read:  # type: ignore[attr-defined]
        graph.add((node, CG.easyRead, _fr(level.easy_read)))  # type: ignore[attr-defined]
    if level.eqf is not None:  # type: ignore[attr-defined]
        graph.add((node, CG.eqfLevel, Literal(level.eqf)))  # type: ignore[attr-defined]
    for indicator in level.indicators:  # type: ignore[attr-defined]
        graph.add((node, CG.indicator, _fr(indicator)))


def _add_edge(graph: Graph, edge: Edge, where: dict[str, Location]) -> None:
    source = URIRef(mint_iri(edge.source))
    if edge.type == "requires-level":
        graph.add((source, CG.requiresLevel, URIRef(level_iri(edge.target, edge.level or 0))))
        return
    target = URIRef(mint_iri(edge.target))
    graph.add((source, _EDGE_PREDICATES[edge.type], target))
    link = edge.link
    if link is not None and (link.duration_months is not None or link.validates or link.core):
        qualified = BNode()
        graph.add((source, CG.qualifiedLink, qualified))
        graph.add((qualified, CG.linkType, Literal(edge.type)))
        graph.add((qualified, CG.linkTarget, target))
        if link.duration_months is not None:
            graph.add((qualified, CG.durationMonths, Literal(Decimal(str(link.duration_months)))))
        for validated in link.validates:
            graph.add((qualified, CG.validates, URIRef(mint_iri(validated))))
        if link.core:
            graph.add((qualified, CG.core, Literal(True)))


def publish(bundle: Bundle) -> Graph:
    """The RDF graph alone."""
    return build_graph(bundle)[0]
