"""Where the published graph lives at scale: an Oxigraph store (``pyoxigraph``) loaded from the triples
:mod:`.rdf` builds, for SPARQL and serialisation (issue #19).

rdflib's in-memory graph is kept where its API is wanted (SHACL with pySHACL on bounded subsets, golden-file
tests, small exports); at ROME scale (~550,000 triples) building it took 37 s and 900 MB, a SPARQL count
~9 s. Oxigraph (a Rust store) holds the same triples in a fraction of that. :mod:`.rdf` decides WHAT is
published; this module gives it Oxigraph's term constructors (:class:`OxigraphTerms`: no rdflib term is
built on the way to the store) and loads the quads; rdflib triples (SHACL subsets) are converted
(:func:`to_oxigraph`, each distinct term once).

The store can also be an existing SPARQL server selected by URL (``COMPETENCY_GRAPH_SPARQL_URL``, e.g. the
``oxigraph serve`` of the pip package ``oxigraph``): :func:`remote_select` sends the same queries there.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .bundle import Bundle
from .ids import mint_iri
from .rdf import PREFIXES, RdflibTerms, build_triples

__all__ = ["build_store", "save_store", "load_triples", "to_oxigraph", "serialize", "select", "count_triples",
           "remote_select", "FORMATS"]

#: serialisation names of the CLI / rdflib → Oxigraph formats
FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
           "ntriples": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML, "pretty-xml": ox.RdfFormat.RDF_XML,
           "n3": ox.RdfFormat.N3, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}


class _Terms:
    """rdflib → Oxigraph terms, each distinct term converted once (a ROME graph repeats its IRIs ~10×)."""

    def __init__(self) -> None:
        self.iris: dict[str, ox.NamedNode] = {}
        self.blanks: dict[str, ox.BlankNode] = {}
        self.literals: dict[tuple[str, str | None, str | None], ox.Literal] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self.iris.get(value)
        if node is None:
            node = self.iris[value] = ox.NamedNode(value)
        return node

    def term(self, term: Any) -> Any:
        if type(term) is URIRef:
            return self.iri(term)
        if isinstance(term, Literal):
            key = (str(term), term.language, term.datatype)
            node = self.literals.get(key)
            if node is None:
                if term.language:
                    node = ox.Literal(key[0], language=term.language)
                elif term.datatype is not None:
                    node = ox.Literal(key[0], datatype=self.iri(term.datatype))
                else:
                    node = ox.Literal(key[0])
                self.literals[key] = node
            return node
        if isinstance(term, BNode):
            node = self.blanks.get(term)
            if node is None:
                node = self.blanks[term] = ox.BlankNode()
            return node
        if isinstance(term, URIRef):
            return self.iri(term)
        raise TypeError(f"not an RDF term: {type(term).__name__}")


class _Namespace:
    """``ns.name`` → the Oxigraph IRI ``<base + name>``, made on first use and then kept as an attribute."""

    def __init__(self, base: object) -> None:
        self._base = str(base)

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = ox.NamedNode(self._base + name)
        setattr(self, name, node)
        return node


class _Quads(list):
    """The sink of :func:`rdf.build_triples` with Oxigraph terms: Oxigraph quads of the default graph."""

    def __init__(self, terms: OxigraphTerms) -> None:
        super().__init__()
        self.terms = terms

    def add(self, triple: tuple) -> None:
        self.append(ox.Quad(*triple))


class OxigraphTerms:
    """The constructors and vocabularies of :class:`rdf.RdflibTerms`, making Oxigraph terms: IRIs made once
    each; plain and ``fr`` strings, strings typed by the project's datatypes and booleans directly; any other
    literal (dates, numbers, XSD-typed strings, which rdflib normalises) through rdflib's ``Literal``, so its
    lexical form is rdflib's (the same published triples either way)."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}
        self._concepts: dict[str, ox.NamedNode] = {}
        self._convert = _Terms()
        for name in ("RDF", "RDFS", "SKOS", "CG", "DCTERMS", "PROV", "OWL", "SDO", "XSD"):
            setattr(self, name, _Namespace(getattr(RdflibTerms, name)))
        for name in ("kinds", "edges", "notations"):  # the same maps, to Oxigraph IRIs
            setattr(self, name, {key: self.iri(str(iri)) for key, iri in getattr(RdflibTerms, name).items()})
        self._xsd = str(XSD)
        self._booleans = {value: self._convert.term(Literal(value)) for value in (True, False)}
        self.bnode = ox.BlankNode

    def iri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(value)
        return node

    def concept(self, item_id: str) -> ox.NamedNode:
        """The IRI of an item (``ids.mint_iri``), minted once per id: links name their ends again and again."""
        node = self._concepts.get(item_id)
        if node is None:
            node = self._concepts[item_id] = self.iri(mint_iri(item_id))
        return node

    @staticmethod
    def fr(text: str) -> ox.Literal:
        return ox.Literal(text, language="fr")

    def lit(self, value: object, datatype: ox.NamedNode | None = None) -> ox.Literal:
        if type(value) is str:
            if datatype is None:
                return ox.Literal(value)
            if not datatype.value.startswith(self._xsd):
                return ox.Literal(value, datatype=datatype)
        elif type(value) is bool and datatype is None:
            return self._booleans[value]
        rdflib_type = None if datatype is None else URIRef(datatype.value)
        return self._convert.term(Literal(value, datatype=rdflib_type))

    def sink(self) -> _Quads:
        return _Quads(self)


def to_oxigraph(triples: Iterable[tuple]) -> list[ox.Quad]:
    """Oxigraph quads (default graph) for rdflib triples; blank nodes stay distinct and shared."""
    terms = _Terms()
    term = terms.term
    return [ox.Quad(term(s), term(p), term(o)) for s, p, o in triples]


def load_triples(triples: Iterable[tuple], store: ox.Store | None = None) -> ox.Store:
    """An in-memory Oxigraph store (or ``store``) holding ``triples``."""
    target = store if store is not None else ox.Store()
    target.bulk_extend(to_oxigraph(triples))
    return target


def build_store(bundle: Bundle) -> ox.Store:
    """The published graph of ``bundle`` in an in-memory Oxigraph store (same triples as ``rdf.publish``)."""
    from .gcpause import gc_paused

    with gc_paused():  # ~10^6 short-lived term objects: the cyclic collector would rescan them all
        store = ox.Store()
        store.bulk_extend(build_triples(bundle, OxigraphTerms())[0])
        return store


def save_store(bundle: Bundle, location: str | Path) -> int:
    """Write the published graph of ``bundle`` into an on-disk Oxigraph store at ``location`` (emptied first),
    the directory ``oxigraph serve-read-only --location`` serves; returns the number of triples."""
    import shutil

    path = Path(location)
    if path.exists():
        shutil.rmtree(path)
    store = ox.Store(str(path))
    try:
        from .gcpause import gc_paused

        with gc_paused():
            store.bulk_extend(build_triples(bundle, OxigraphTerms())[0])
        store.flush()
        return len(store)
    finally:
        del store


def count_triples(store: ox.Store) -> int:
    return len(store)


def serialize(store: ox.Store, format: str = "turtle") -> bytes:
    """The store's default graph as ``format`` (turtle, nt, xml, n3, trig, nquads), with the project's prefixes."""
    rdf_format = FORMATS[format]
    kwargs: dict[str, Any] = {"format": rdf_format}
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3, ox.RdfFormat.RDF_XML):
        kwargs["prefixes"] = PREFIXES
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3):
        kwargs["from_graph"] = ox.DefaultGraph()
    return store.dump(**kwargs)


def _text(term: Any) -> str:
    return "" if term is None else str(term.value) if hasattr(term, "value") else str(term)


def select(store: ox.Store, text: str, max_rows: int = 10_000) -> tuple[list[str], list[list[str]]]:
    """A SELECT (column names and rows of strings, as ``sparql.run_query``) or ASK (``[["true"]]``) query."""
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [[str(bool(result)).lower()]]
    if not isinstance(result, ox.QuerySolutions):
        raise ValueError("only SELECT and ASK queries are allowed")
    columns = [v.value for v in result.variables]
    rows = []
    for solution in result:
        if len(rows) >= max_rows:
            break
        rows.append([_text(solution[c]) for c in columns])
    return columns, rows


def remote_select(url: str, text: str, timeout_s: float = 10.0, max_rows: int = 10_000
                  ) -> tuple[list[str], list[list[str]]]:
    """The same query sent to a SPARQL 1.1 endpoint (``url``: its query URL, e.g. ``http://host:7878/query``),
    answered as SPARQL JSON results."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - URL set by the admin
        body = json.load(response)
    if "boolean" in body:
        return ["ask"], [[str(body["boolean"]).lower()]]
    columns = body["head"]["vars"]
    rows = [[b.get(c, {}).get("value", "") for c in columns] for b in body["results"]["bindings"][:max_rows]]
    return columns, rows
