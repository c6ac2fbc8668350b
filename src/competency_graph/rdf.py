"""Publish a :class:`Bundle` as RDF: SKOS concept schemes, dcterms/prov for sources, a small vocabulary.

SKOS the way consumers read it: each scheme is labelled (``skos:prefLabel``, ``skos:definition``) and lists
its ``skos:hasTopConcept``; ``skos:notation`` is the official code (``C01``, ``RNCP38386``, ``N1103``; the
source's outline number ``3.1.2`` too) typed with a datatype per register, never the tool's ``prefix:``;
links between schemes use SKOS mapping properties (``skos:closeMatch``, ``skos:relatedMatch``…), and
``skos:related`` stays inside a scheme; licence and publisher are IRIs (``dcterms:license`` to the licence
texts, ``dcterms:publisher`` to a ``dcterms:Agent``), the licence wording kept in ``dcterms:rights``.
Imported registers (RNCP, ROME) keep one scheme IRI across imports; the import date is ``owl:versionInfo``.

The RDF graph is the canonical published form. It holds referentials only — never personal data.
``build_graph`` also returns, for each subject IRI, the YAML location that minted it, so SHACL findings
can be reported as ``file:line:col``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

from .bundle import Bundle, Edge, Item
from .ids import BASE_IRI, VOCAB_IRI, level_iri, mint_iri, scheme_iri, split_id
from .problems import Location
from .skos_publish import CONTEXT_URL, jsonld_context, scheme_graph, serialize, to_jsonld

__all__ = ["CG", "build_graph", "build_triples", "PREFIXES", "publish", "KIND_CLASSES", "NOTATION_TYPES", "LICENCE_IRIS", "PUBLISHER_URLS",
           "notation_of", "scheme_of", "CONTEXT_URL", "jsonld_context", "to_jsonld", "serialize", "scheme_graph"]

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


#: id prefix → datatype of its official codes (``"C01"^^cg:RectecCode``)
NOTATION_TYPES = {
    "rectec": CG.RectecCode, "rectec-plus": CG.RectecPlusCode, "rae": CG.RaeCode, "rsfp": CG.RsfpCode,
    "rncp": CG.FranceCompetencesCode, "rome": CG.RomeCode, "rome-ogr": CG.RomeOgrCode, "clea": CG.CleaCode,
    "modality": CG.ModalityCode,
}
#: words of a licence statement → the licence's IRI (SPDX)
LICENCE_IRIS = {
    "EUPL-1.2": "http://spdx.org/licenses/EUPL-1.2",
    "Licence Ouverte": "http://spdx.org/licenses/etalab-2.0",
    "Open Licence": "http://spdx.org/licenses/etalab-2.0",
    "CC-BY-4.0": "http://spdx.org/licenses/CC-BY-4.0",
}
#: publisher name → web site (schema:url of the publisher agent)
PUBLISHER_URLS = {
    "France compétences": "https://www.francecompetences.fr/",
    "France Travail": "https://www.francetravail.fr/",
    "AFPA": "https://www.afpa.fr/",
    "GIP-FCIP de l'académie de Versailles": "https://www.forpro-versailles.fr/",
    "Réseau Différent et Compétent": "https://www.differentetcompetent.org/",
    "Certif Pro (anciennement COPANEF)": "https://www.certifpro.francecompetences.fr/",
    "competency-graph": "https://w3id.org/competency-graph/",
    "competency-graph (synthèse de sources publiques)": "https://w3id.org/competency-graph/",
}


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _version_date(version: str) -> list:
    """``2026-11`` → [2026-11-01]: a version named by its date stands for the date it was written."""
    import datetime as dt

    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", version)
    if match is None:
        return []
    return [dt.date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))]


def notation_of(item_id: str) -> Literal:
    """The official code of an item, typed by register: ``rncp:RNCP38386`` → ``"RNCP38386"^^cg:FranceCompetencesCode``."""
    prefix, local = split_id(item_id)
    return Literal(local, datatype=NOTATION_TYPES.get(prefix, CG.Code))


def scheme_of(header: object) -> URIRef:
    """A scheme's IRI: versioned for the shipped referentials, stable for the imported registers."""
    imported = header.provenance == "imported"  # type: ignore[attr-defined]
    return URIRef(scheme_iri(header.id, None if imported else header.version))  # type: ignore[attr-defined]


class _Triples(list):
    """A list of triples with the ``add`` method of a Graph."""

    def add(self, triple: tuple) -> None:
        self.append(triple)


def _decimal(value: float) -> Literal:
    """An xsd:decimal whose lexical form other stores keep as is ("6", not "6.0")."""
    number = Decimal(str(value))
    return Literal(Decimal(int(number)) if number == number.to_integral_value() else number)


def _fr(text: str) -> Literal:
    return Literal(text, lang="fr")


#: the prefixes of the published graph's serialisations
PREFIXES = {"skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV), "cg": str(CG),
            **{prefix.replace("-", "_"): mint_iri(f"{prefix}:x")[:-1] for prefix in (
                "rectec", "rectec-plus", "rae", "rsfp", "rncp", "rome", "rome-ogr", "clea", "modality")}}


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace))


def _add_source(graph: _Triples, subject: URIRef | BNode, source: object, concept: bool = False) -> None:
    node = URIRef(source.url) if concept else BNode()  # type: ignore[attr-defined]
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

    with_items = {item.referential for item in bundle.items.values()}
    for ref in bundle.referentials:
        header = ref.header
        scheme = scheme_of(header)
        schemes[ref.key] = scheme
        where[str(scheme)] = ref.location
        if ref.key not in with_items:  # links between other schemes' concepts only: a link set, not a vocabulary
            graph.add((scheme, RDF.type, CG.Crosswalk))
        else:
            graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, DCTERMS.identifier, Literal(header.id)))
        graph.add((scheme, DCTERMS.title, _fr(header.title)))
        graph.add((scheme, SKOS.prefLabel, _fr(header.title)))
        graph.add((scheme, SKOS.definition, _fr(header.description or header.title)))
        _add_agent(graph, scheme, header.publisher)
        graph.add((scheme, DCTERMS.rights, _fr(header.licence)))
        for words, licence in LICENCE_IRIS.items():
            if words in header.licence:
                graph.add((scheme, DCTERMS.license, URIRef(licence)))
        dates = sorted(s.date for s in header.sources if s.date) or _version_date(header.version)
        if dates:
            graph.add((scheme, DCTERMS.created, Literal(dates[0], datatype=XSD.date)))
            graph.add((scheme, DCTERMS.modified, Literal(dates[-1], datatype=XSD.date)))
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
        parent = bundle.items.get(item.parent) if item.parent else None
        _add_item(graph, item, schemes[item.referential], where, parent.label if parent else None)

    for edge in bundle.edges:
        if edge.type == "part-of" and edge.implicit:
            continue  # already skos:broader
        source, target = bundle.items.get(edge.source), bundle.items.get(edge.target)
        across = source is None or target is None or source.referential != target.referential
        _add_edge(graph, edge, where, across)
    return graph, where


_KIND_FR = {"pole": "Pôle", "competency": "Compétence", "trade": "Métier", "job": "Emploi", "activity": "Activité",
            "certification": "Certification", "bloc": "Bloc de compétences", "modality": "Modalité de reconnaissance"}


def _definition(item: Item, parent_label: str | None) -> str:
    """The item's own definition when the source gives one, else what the concept is, from its place."""
    model = item.model
    for text in (getattr(model, "description", None), getattr(model, "outcome", None)):
        if text:
            return str(text)
    elements = getattr(model, "elements", None)
    if elements:
        return " ; ".join(elements)
    where = f" de « {parent_label} »" if parent_label else ""
    return f"{_KIND_FR.get(item.kind, 'Élément')} « {item.label} »{where}."


def _add_item(graph: Graph, item: Item, scheme: URIRef, where: dict[str, Location],
              parent_label: str | None = None) -> None:
    node = URIRef(mint_iri(item.id))
    where[str(node)] = item.location
    model = item.model
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, RDFS.isDefinedBy, scheme))
    graph.add((node, SKOS.definition, _fr(_definition(item, parent_label))))
    graph.add((node, RDF.type, KIND_CLASSES[item.kind]))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.notation, notation_of(item.id)))
    if getattr(model, "notation", None):  # the source's own outline number ("3.1.2")
        graph.add((node, SKOS.notation, Literal(model.notation, datatype=CG.OutlineNumber)))
    graph.add((node, SKOS.prefLabel, _fr(item.label)))
    graph.add((node, CG.provenance, Literal(item.provenance)))
    if not item.verified:
        graph.add((node, CG.verified, Literal(False)))
    parent = getattr(model, "broader", None) or item.parent  # "3.1.2" sits under "3.1", not beside it
    if parent:
        graph.add((node, SKOS.broader, URIRef(mint_iri(parent))))
    else:
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, node))
    for text in (getattr(model, "description", None), getattr(model, "note", None)):
        if text:
            graph.add((node, SKOS.scopeNote, _fr(text)))
    notes = []
    for source in model.sources:
        if source.url:
            _add_source(graph, node, source, concept=True)
        else:  # SKOS profiles want a concept's prov:wasDerivedFrom to be an IRI: one note for the others
            notes.append(f"{source.title} ({source.date.isoformat()})" if source.date else source.title)
    if notes:
        graph.add((node, SKOS.historyNote, _fr("Sources : " + " ; ".join(notes))))
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
        for context in getattr(model, "work_contexts", ()):
            graph.add((node, CG.workContext, _fr(context)))
        for appellation in getattr(model, "appellations", ()):  # ROME job titles: labels and concepts
            graph.add((node, SKOS.altLabel, _fr(appellation.label)))
            title = URIRef(mint_iri(f"rome-ogr:{appellation.code}"))
            where[str(title)] = item.location
            graph.add((title, RDF.type, SKOS.Concept))
            graph.add((title, RDF.type, CG.Appellation))
            graph.add((title, SKOS.inScheme, scheme))
            graph.add((title, RDFS.isDefinedBy, scheme))
            graph.add((title, SKOS.prefLabel, _fr(appellation.label)))
            graph.add((title, SKOS.notation, Literal(appellation.code, datatype=CG.RomeOgrCode)))
            graph.add((title, SKOS.broader, node))
            graph.add((title, SKOS.definition, _fr(f"Appellation du métier « {item.label} ».")))
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
        graph.add((node, CG.repertoire, Literal(model.repertoire)))
        for field, predicate in (("decision_date", CG.decisionDate), ("effect_date", CG.effectDate),
                                 ("publication_date", CG.publicationDate), ("end_date", CG.registrationEnd),
                                 ("delivery_limit_date", CG.deliveryLimit)):
            if getattr(model, field):
                graph.add((node, predicate, Literal(getattr(model, field), datatype=XSD.date)))
        for code in model.formacodes:
            graph.add((node, CG.formacode, Literal(code, datatype=CG.Formacode)))
        for certifier in model.certifier_details:
            if certifier.siret:
                graph.add((node, CG.certifier, URIRef(f"https://annuaire-entreprises.data.gouv.fr/etablissement/"
                                                      f"{certifier.siret}")))
    elif item.kind == "bloc":
        for other in model.equivalences:
            graph.add((node, SKOS.exactMatch, URIRef(mint_iri(other))))
    elif item.kind == "modality":
        graph.add((node, CG.certifying, Literal(model.certifying)))
        graph.add((node, CG.durationMonths, _decimal(model.duration_months)))
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
    graph.add((node, RDFS.isDefinedBy, scheme))
    graph.add((node, SKOS.broader, URIRef(mint_iri(item.id))))
    graph.add((node, CG.levelOf, URIRef(mint_iri(item.id))))
    if not level.descriptor:  # type: ignore[attr-defined]
        graph.add((node, SKOS.definition, _fr(f"{level.title} : niveau {level.rank} de « {item.label} ».")))  # type: ignore[attr-defined]
    graph.add((node, CG.rank, Literal(level.rank)))  # type: ignore[attr-defined]
    graph.add((node, SKOS.prefLabel, _fr(level.title)))  # type: ignore[attr-defined]
    graph.add((node, SKOS.notation, Literal(str(level.rank), datatype=CG.LevelRank)))  # type: ignore[attr-defined]
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


def _add_agent(graph: Graph, scheme: URIRef, name: str) -> None:
    agent = URIRef(f"{BASE_IRI}agent/{_slug(name)}")
    graph.add((scheme, DCTERMS.publisher, agent))
    graph.add((scheme, DCTERMS.creator, agent))
    graph.add((agent, RDF.type, DCTERMS.Agent))
    graph.add((agent, RDF.type, SDO.Organization))
    graph.add((agent, SDO.name, Literal(name)))
    graph.add((agent, RDFS.label, Literal(name)))
    if name in PUBLISHER_URLS:
        graph.add((agent, SDO.url, Literal(PUBLISHER_URLS[name], datatype=XSD.anyURI)))


def _add_edge(graph: Graph, edge: Edge, where: dict[str, Location], across: bool = False) -> None:
    source = URIRef(mint_iri(edge.source))
    if edge.type == "requires-level":
        graph.add((source, CG.requiresLevel, URIRef(level_iri(edge.target, edge.level or 0))))
        return
    target = URIRef(mint_iri(edge.target))
    predicate = _EDGE_PREDICATES[edge.type]
    if across and predicate == SKOS.related:
        predicate = SKOS.relatedMatch  # between schemes SKOS uses mapping properties
    graph.add((source, predicate, target))
    if across and edge.type in ("rome", "bridges-to", "same-field"):
        graph.add((source, SKOS.relatedMatch, target))  # so that SKOS-only consumers see the crosswalk
    link = edge.link
    if link is not None and (link.duration_months is not None or link.validates or link.core):
        qualified = BNode()
        graph.add((source, CG.qualifiedLink, qualified))
        graph.add((qualified, CG.linkType, Literal(edge.type)))
        graph.add((qualified, CG.linkTarget, target))
        if link.duration_months is not None:
            graph.add((qualified, CG.durationMonths, _decimal(link.duration_months)))
        for validated in link.validates:
            graph.add((qualified, CG.validates, URIRef(mint_iri(validated))))
        if link.core:
            graph.add((qualified, CG.core, Literal(True)))


def publish(bundle: Bundle) -> Graph:
    """The RDF graph alone."""
    return build_graph(bundle)[0]

