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

KIND_CLASSES = {"pole": CG.Pole, "competency": CG.Competency, "trade": CG.Trade, "job": CG.Job,
                "activity": CG.Activity, "certification": CG.Certification, "bloc": CG.Bloc, "modality": CG.Modality}

_EDGE_PREDICATES = {
    "close-match": SKOS.closeMatch, "broad-match": SKOS.broadMatch, "narrow-match": SKOS.narrowMatch,
    "related": SKOS.related, "part-of": CG.partOf, "leads-to": CG.leadsTo, "bridges-to": CG.bridgesTo,
    "same-field": CG.sameField, "rome": CG.romeLink, "mobility": CG.mobility, "replaces": DCTERMS.replaces,
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


def notation_of(item_id: str, terms: object = None) -> Literal:
    """The official code of an item, typed by register: ``rncp:RNCP38386`` → ``"RNCP38386"^^cg:FranceCompetencesCode``
    (made by ``terms``, default :class:`RdflibTerms`)."""
    t = terms if terms is not None else RdflibTerms
    prefix, local = split_id(item_id)
    return t.lit(local, datatype=t.notations.get(prefix, t.CG.Code))  # type: ignore[attr-defined,no-any-return]


def scheme_of(header: object) -> URIRef:
    """A scheme's IRI: versioned for the shipped referentials, stable for the imported registers."""
    imported = header.provenance == "imported"  # type: ignore[attr-defined]
    return URIRef(scheme_iri(header.id, None if imported else header.version))  # type: ignore[attr-defined]


class RdflibTerms:
    """The term constructors and vocabularies :func:`build_triples` emits with: rdflib's by default;
    ``rdf_store.OxigraphTerms`` has the same attributes and emits Oxigraph terms (no rdflib term at all)."""

    RDF, RDFS, SKOS, CG, DCTERMS, PROV, OWL, SDO, XSD = RDF, RDFS, SKOS, CG, DCTERMS, PROV, OWL, SDO, XSD
    kinds, edges, notations = KIND_CLASSES, _EDGE_PREDICATES, NOTATION_TYPES  # ids → classes, predicates, datatypes
    iri, lit, bnode = staticmethod(URIRef), staticmethod(Literal), staticmethod(BNode)
    fr = staticmethod(lambda text: Literal(text, lang="fr"))
    concept = staticmethod(lambda item_id: URIRef(mint_iri(item_id)))  # the IRI of an item, from its id

    def sink(self) -> _Triples:
        return _Triples(self)


class _Triples(list):
    """A list of triples with the ``add`` method of a Graph, and the terms (``terms``) they are made of."""

    def __init__(self, terms: object) -> None:
        super().__init__()
        self.terms = terms

    add = list.append


def _decimal(value: float) -> Decimal:
    """An xsd:decimal whose lexical form other stores keep as is ("6", not "6.0")."""
    number = Decimal(str(value))
    return Decimal(int(number)) if number == number.to_integral_value() else number


#: the prefixes of the published graph's serialisations
PREFIXES = {"skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV), "cg": str(CG),
            **{prefix.replace("-", "_"): mint_iri(f"{prefix}:x")[:-1] for prefix in (
                "rectec", "rectec-plus", "rae", "rsfp", "rncp", "rome", "rome-ogr", "clea", "modality")}}


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace))


def _add_source(graph: _Triples, subject: URIRef | BNode, source: object, concept: bool = False) -> None:
    t = graph.terms
    node = t.iri(source.url) if concept else t.bnode()  # type: ignore[attr-defined]
    graph.add((subject, t.PROV.wasDerivedFrom, node))
    graph.add((node, t.RDF.type, t.PROV.Entity))
    graph.add((node, t.DCTERMS.title, t.fr(source.title)))  # type: ignore[attr-defined]
    if source.url:  # type: ignore[attr-defined]
        graph.add((node, t.DCTERMS.source, t.iri(source.url)))  # type: ignore[attr-defined]
    if source.date:  # type: ignore[attr-defined]
        graph.add((node, t.DCTERMS.date, t.lit(source.date, datatype=t.XSD.date)))  # type: ignore[attr-defined]


def build_graph(bundle: Bundle) -> tuple[Graph, dict[str, Location]]:
    """The RDF graph of the bundle and a map from subject IRI to the YAML location that minted it."""
    result = Graph()
    _bind(result)
    graph, where = build_triples(bundle)  # collect first, then one batched addN (cheaper than Graph.add)
    result.addN((s, p, o, result) for s, p, o in graph)
    return result, where


def build_triples(bundle: Bundle, terms: object = None) -> tuple[list[tuple], dict[str, Location]]:
    """The triples of :func:`build_graph` as a list (any store can load them: ``rdf_store`` puts them in
    Oxigraph), and the map from subject IRI to YAML location. ``terms`` (default :class:`RdflibTerms`) makes
    the terms and the list: ``rdf_store.OxigraphTerms`` gives Oxigraph quads, the same triples."""
    t = terms if terms is not None else RdflibTerms()
    graph = t.sink()  # type: ignore[attr-defined]
    where: dict[str, Location] = {}
    schemes: dict[str, URIRef] = {}

    with_items = {item.referential for item in bundle.items.values()}
    for ref in bundle.referentials:
        header = ref.header
        scheme_name = str(scheme_of(header))
        scheme = schemes[ref.key] = t.iri(scheme_name)
        where[scheme_name] = ref.location
        if ref.key not in with_items:  # links between other schemes' concepts only: a link set, not a vocabulary
            graph.add((scheme, t.RDF.type, t.CG.Crosswalk))
        else:
            graph.add((scheme, t.RDF.type, t.SKOS.ConceptScheme))
        graph.add((scheme, t.DCTERMS.identifier, t.lit(header.id)))
        graph.add((scheme, t.DCTERMS.title, t.fr(header.title)))
        graph.add((scheme, t.SKOS.prefLabel, t.fr(header.title)))
        graph.add((scheme, t.SKOS.definition, t.fr(header.description or header.title)))
        _add_agent(graph, scheme, header.publisher)
        graph.add((scheme, t.DCTERMS.rights, t.fr(header.licence)))
        for words, licence in LICENCE_IRIS.items():
            if words in header.licence:
                graph.add((scheme, t.DCTERMS.license, t.iri(licence)))
        dates = sorted(s.date for s in header.sources if s.date) or _version_date(header.version)
        if dates:
            graph.add((scheme, t.DCTERMS.created, t.lit(dates[0], datatype=t.XSD.date)))
            graph.add((scheme, t.DCTERMS.modified, t.lit(dates[-1], datatype=t.XSD.date)))
        graph.add((scheme, t.OWL.versionInfo, t.lit(header.version)))
        graph.add((scheme, t.CG.referentialKind, t.lit(header.kind)))
        graph.add((scheme, t.CG.provenance, t.lit(header.provenance)))
        if header.version_of:
            graph.add((scheme, t.CG.versionOf, t.lit(header.version_of)))
        if header.scale:
            graph.add((scheme, t.CG.scaleMin, t.lit(header.scale.min)))
            graph.add((scheme, t.CG.scaleMax, t.lit(header.scale.max)))
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
    t = graph.terms
    node_name = mint_iri(item.id)
    node = t.iri(node_name)
    where[node_name] = item.location
    model = item.model
    graph.add((node, t.RDF.type, t.SKOS.Concept))
    graph.add((node, t.RDFS.isDefinedBy, scheme))
    graph.add((node, t.SKOS.definition, t.fr(_definition(item, parent_label))))
    graph.add((node, t.RDF.type, t.kinds[item.kind]))
    graph.add((node, t.SKOS.inScheme, scheme))
    graph.add((node, t.SKOS.notation, notation_of(item.id, t)))
    if getattr(model, "notation", None):  # the source's own outline number ("3.1.2")
        graph.add((node, t.SKOS.notation, t.lit(model.notation, datatype=t.CG.OutlineNumber)))
    graph.add((node, t.SKOS.prefLabel, t.fr(item.label)))
    graph.add((node, t.CG.provenance, t.lit(item.provenance)))
    if not item.verified:
        graph.add((node, t.CG.verified, t.lit(False)))
    parent = getattr(model, "broader", None) or item.parent  # "3.1.2" sits under "3.1", not beside it
    if parent:
        graph.add((node, t.SKOS.broader, t.concept(parent)))
    else:
        graph.add((node, t.SKOS.topConceptOf, scheme))
        graph.add((scheme, t.SKOS.hasTopConcept, node))
    for text in (getattr(model, "description", None), getattr(model, "note", None)):
        if text:
            graph.add((node, t.SKOS.scopeNote, t.fr(text)))
    notes = []
    for source in model.sources:
        if source.url:
            _add_source(graph, node, source, concept=True)
        else:  # SKOS profiles want a concept's prov:wasDerivedFrom to be an IRI: one note for the others
            notes.append(f"{source.title} ({source.date.isoformat()})" if source.date else source.title)
    if notes:
        graph.add((node, t.SKOS.historyNote, t.fr("Sources : " + " ; ".join(notes))))
    for element in getattr(model, "elements", ()):
        graph.add((node, t.CG.element, t.fr(element)))
    for criterion in getattr(model, "criteria", ()):
        graph.add((node, t.CG.criterion, t.fr(criterion)))
    for situation in getattr(model, "situations", ()):
        graph.add((node, t.CG.situation, t.fr(situation)))
    if getattr(model, "category", None):
        graph.add((node, t.CG.category, t.lit(model.category)))

    if item.kind == "pole":
        if model.color:
            graph.add((node, t.CG.color, t.lit(model.color)))
    elif item.kind == "competency":
        graph.add((node, t.CG.eqfGraded, t.lit(model.eqf_graded)))
        for level in item.levels:
            _add_level(graph, item, level, scheme, where)
    elif item.kind in ("trade", "job"):
        for context in getattr(model, "work_contexts", ()):
            graph.add((node, t.CG.workContext, t.fr(context)))
        for appellation in getattr(model, "appellations", ()):  # ROME job titles: labels and concepts
            graph.add((node, t.SKOS.altLabel, t.fr(appellation.label)))
            title = _sub_concept(graph, mint_iri(f"rome-ogr:{appellation.code}"), t.CG.Appellation, scheme, where,
                                 item.location)
            graph.add((title, t.SKOS.prefLabel, t.fr(appellation.label)))
            graph.add((title, t.SKOS.notation, t.lit(appellation.code, datatype=t.CG.RomeOgrCode)))
            graph.add((title, t.SKOS.broader, node))
            graph.add((title, t.SKOS.definition, t.fr(f"Appellation du métier « {item.label} ».")))
        if model.field:
            graph.add((node, t.CG.field, t.lit(model.field)))
        if model.diploma:
            graph.add((node, t.CG.sourceDiploma, t.fr(model.diploma)))
        for mode in model.modalities:
            graph.add((node, t.CG.recognitionMode, t.lit(mode)))
        if model.evaluation:
            ev = t.iri(f"{node_name}/evaluation")
            graph.add((node, t.CG.evaluation, ev))
            graph.add((ev, t.RDF.type, t.CG.EvaluationGrid))
            graph.add((ev, t.CG.situation, t.fr(model.evaluation.situation)))
            for criterion in model.evaluation.criteria:
                graph.add((ev, t.CG.criterion, t.fr(criterion)))
    elif item.kind == "certification":
        if model.level is not None:
            graph.add((node, t.CG.qualificationLevel, t.lit(model.level)))
        if model.abbrev:
            graph.add((node, t.CG.abbrev, t.lit(model.abbrev)))
        if model.vae_open is not None:
            graph.add((node, t.CG.vaeOpen, t.lit(model.vae_open)))
        if model.partial_validation is not None:
            graph.add((node, t.CG.partialValidation, t.lit(model.partial_validation)))
        if model.active is not None:
            graph.add((node, t.CG.active, t.lit(model.active)))
        graph.add((node, t.CG.repertoire, t.lit(model.repertoire)))
        for field, predicate in (("decision_date", t.CG.decisionDate), ("effect_date", t.CG.effectDate),
                                 ("publication_date", t.CG.publicationDate), ("end_date", t.CG.registrationEnd),
                                 ("delivery_limit_date", t.CG.deliveryLimit)):
            if getattr(model, field):
                graph.add((node, predicate, t.lit(getattr(model, field), datatype=t.XSD.date)))
        for code in model.formacodes:
            graph.add((node, t.CG.formacode, t.lit(code, datatype=t.CG.Formacode)))
        for certifier in model.certifier_details:
            if certifier.siret:
                graph.add((node, t.CG.certifier, t.iri(f"https://annuaire-entreprises.data.gouv.fr/etablissement/"
                                                      f"{certifier.siret}")))
    elif item.kind == "bloc":
        for other in model.equivalences:
            graph.add((node, t.SKOS.exactMatch, t.concept(other)))
    elif item.kind == "modality":
        graph.add((node, t.CG.certifying, t.lit(model.certifying)))
        graph.add((node, t.CG.durationMonths, t.lit(_decimal(model.duration_months))))
        graph.add((node, t.CG.writingRequired, t.lit(model.writing_required)))
        graph.add((node, t.CG.jury, t.fr(model.jury)))
        graph.add((node, t.CG.outcome, t.fr(model.outcome)))
        for public in model.public:
            graph.add((node, t.CG.public, t.fr(public)))
        _add_validity(graph, node, model)
        for rule in model.rules:
            rnode_name = f"{node_name}/rule/{rule.id}"
            rnode = t.iri(rnode_name)
            where[rnode_name] = item.location
            graph.add((node, t.CG.eligibilityRule, rnode))
            graph.add((rnode, t.RDF.type, t.CG.EligibilityRule))
            graph.add((rnode, t.CG.effect, t.lit(rule.effect)))
            graph.add((rnode, t.CG.reason, t.fr(rule.reason)))
            graph.add((rnode, t.CG.condition, t.lit(rule.when.model_dump_json(exclude_none=True))))
            _add_validity(graph, rnode, rule)
            _add_source(graph, rnode, rule.source)


def _add_validity(graph: Graph, node: URIRef, model: object) -> None:
    t = graph.terms  # type: ignore[attr-defined]
    if model.valid_from:  # type: ignore[attr-defined]
        graph.add((node, t.CG.validFrom, t.lit(model.valid_from, datatype=t.XSD.date)))  # type: ignore[attr-defined]
    if model.valid_until:  # type: ignore[attr-defined]
        graph.add((node, t.CG.validUntil, t.lit(model.valid_until, datatype=t.XSD.date)))  # type: ignore[attr-defined]


def _sub_concept(graph: Graph, name: str, kind: URIRef, scheme: URIRef, where: dict[str, Location],
                 location: Location) -> URIRef:
    """A concept that hangs under an item (an appellation, a level): its node, typed and in the scheme."""
    t = graph.terms  # type: ignore[attr-defined]
    node: URIRef = t.iri(name)
    where[name] = location
    graph.add((node, t.RDF.type, t.SKOS.Concept))
    graph.add((node, t.RDF.type, kind))
    graph.add((node, t.SKOS.inScheme, scheme))
    graph.add((node, t.RDFS.isDefinedBy, scheme))
    return node


def _add_level(graph: Graph, item: Item, level: object, scheme: URIRef, where: dict[str, Location]) -> None:
    t = graph.terms  # type: ignore[attr-defined]
    node = _sub_concept(graph, level_iri(item.id, level.rank), t.CG.Level, scheme, where,  # type: ignore[attr-defined]
                        item.location)
    graph.add((node, t.SKOS.broader, t.concept(item.id)))
    graph.add((node, t.CG.levelOf, t.concept(item.id)))
    if not level.descriptor:  # type: ignore[attr-defined]
        graph.add((node, t.SKOS.definition, t.fr(f"{level.title} : niveau {level.rank} de « {item.label} ».")))  # type: ignore[attr-defined]
    graph.add((node, t.CG.rank, t.lit(level.rank)))  # type: ignore[attr-defined]
    graph.add((node, t.SKOS.prefLabel, t.fr(level.title)))  # type: ignore[attr-defined]
    graph.add((node, t.SKOS.notation, t.lit(str(level.rank), datatype=t.CG.LevelRank)))  # type: ignore[attr-defined]
    if level.descriptor:  # type: ignore[attr-defined]
        graph.add((node, t.SKOS.definition, t.fr(level.descriptor)))  # type: ignore[attr-defined]
    if level.autonomy:  # type: ignore[attr-defined]
        graph.add((node, t.CG.autonomy, t.fr(level.autonomy)))  # type: ignore[attr-defined]
    if level.easy_read:  # type: ignore[attr-defined]
        graph.add((node, t.CG.easyRead, t.fr(level.easy_read)))  # type: ignore[attr-defined]
    if level.eqf is not None:  # type: ignore[attr-defined]
        graph.add((node, t.CG.eqfLevel, t.lit(level.eqf)))  # type: ignore[attr-defined]
    for indicator in level.indicators:  # type: ignore[attr-defined]
        graph.add((node, t.CG.indicator, t.fr(indicator)))


def _add_agent(graph: Graph, scheme: URIRef, name: str) -> None:
    t = graph.terms  # type: ignore[attr-defined]
    agent = t.iri(f"{BASE_IRI}agent/{_slug(name)}")
    graph.add((scheme, t.DCTERMS.publisher, agent))
    graph.add((scheme, t.DCTERMS.creator, agent))
    graph.add((agent, t.RDF.type, t.DCTERMS.Agent))
    graph.add((agent, t.RDF.type, t.SDO.Organization))
    graph.add((agent, t.SDO.name, t.lit(name)))
    graph.add((agent, t.RDFS.label, t.lit(name)))
    if name in PUBLISHER_URLS:
        graph.add((agent, t.SDO.url, t.lit(PUBLISHER_URLS[name], datatype=t.XSD.anyURI)))


def _add_edge(graph: Graph, edge: Edge, where: dict[str, Location], across: bool = False) -> None:
    t = graph.terms  # type: ignore[attr-defined]
    source = t.concept(edge.source)
    if edge.type == "requires-level":
        graph.add((source, t.CG.requiresLevel, t.iri(level_iri(edge.target, edge.level or 0))))
        return
    target = t.concept(edge.target)
    predicate = t.edges[edge.type]
    if across and edge.type == "related":
        predicate = t.SKOS.relatedMatch  # between schemes SKOS uses mapping properties
    graph.add((source, predicate, target))
    if across and edge.type in ("rome", "bridges-to", "same-field"):
        graph.add((source, t.SKOS.relatedMatch, target))  # so that SKOS-only consumers see the crosswalk
    link = edge.link
    if link is not None and (link.duration_months is not None or link.validates or link.core):
        qualified = t.bnode()
        graph.add((source, t.CG.qualifiedLink, qualified))
        graph.add((qualified, t.CG.linkType, t.lit(edge.type)))
        graph.add((qualified, t.CG.linkTarget, target))
        if link.duration_months is not None:
            graph.add((qualified, t.CG.durationMonths, t.lit(_decimal(link.duration_months))))
        for validated in link.validates:
            graph.add((qualified, t.CG.validates, t.concept(validated)))
        if link.core:
            graph.add((qualified, t.CG.core, t.lit(True)))


def publish(bundle: Bundle) -> Graph:
    """The RDF graph alone."""
    return build_graph(bundle)[0]

