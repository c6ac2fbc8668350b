"""SHACL on bounded subsets of the published graph, each checked once per content (issue #19).

pySHACL spent nearly all its time in the shapes' SPARQL constraints (rdflib's SPARQL engine, one query per
focus node): 20 s CPU on the shipped set, ~10 minutes with ROME; its core constraints alone take 0.12 s per
400 items. So the core constraints stay with pySHACL and the SPARQL ones (``sh:sparql``, with ``$this``
pre-bound as SHACL-SPARQL says) run in Oxigraph. The shapes only look at an item, its descendants (levels, activities, blocs), its
scheme and the type of what it points to, so the graph is cut into *subsets*: whole families (a root item and
everything under it), up to :data:`MAX_ITEMS` items each, with the concept schemes and the ``rdf:type`` /
``skos:notation`` of every IRI they point to outside the subset (context: findings on those nodes belong to
the subset that owns them and are dropped here). Each subset is validated alone; its findings
are kept under the hash of its content (``<data dir>/cache/shacl``), so after an import only the subsets whose
triples changed are validated again. Findings are the same as on the whole graph (a test compares them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from .bundle import Bundle
from .ids import id_from_iri, mint_iri
from .problems import Location, Problem
from .rdf import build_triples

__all__ = ["MAX_ITEMS", "Subset", "SparqlConstraint", "subsets", "subset_key", "split_shapes", "check_subsets"]

#: items per subset: small enough for pySHACL to stay linear, large enough to amortise its start
MAX_ITEMS = 400

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Subset:
    label: str
    """First and last item of the subset (for progress messages)."""
    items: int
    triples: list[tuple]
    own: frozenset[str]
    """Subjects the subset judges (its items, their levels, rules, sources, and the schemes); the others are
    context (the type and notation of what the items point to)."""


def _roots(bundle: Bundle) -> dict[str, str]:
    """Item id → id of the root of its family (following ``parent``)."""
    roots: dict[str, str] = {}
    for item_id, item in bundle.items.items():
        path = [item_id]
        current = item
        while current.parent and current.parent in bundle.items and current.parent not in roots:
            path.append(current.parent)
            current = bundle.items[current.parent]
        root = roots[current.parent] if current.parent in roots else path[-1]
        for node in path:
            roots[node] = root
    return roots


def subsets(bundle: Bundle, max_items: int = MAX_ITEMS) -> tuple[list[Subset], dict[str, Location]]:
    """The published triples cut into subsets of whole families, with the locations of their subjects."""
    triples, where = build_triples(bundle)
    iri_to_item = {mint_iri(i): i for i in bundle.items}
    roots = _roots(bundle)
    schemes: list[tuple] = []  # build_triples emits the schemes (and their sources) before any item
    owned: dict[str, list[tuple]] = {}
    owner: str | None = None
    for triple in triples:
        subject = triple[0]
        if type(subject) is URIRef and str(subject) in iri_to_item:
            owner = iri_to_item[str(subject)]
        if owner is None:
            schemes.append(triple)
        else:  # levels, rules, sources, qualified links: owned by the item emitted last
            owned.setdefault(owner, []).append(triple)
    context: dict[URIRef, list[tuple]] = {}
    for s, p, o in triples:
        if p in (RDF.type, SKOS.notation) and type(s) is URIRef:
            context.setdefault(s, []).append((s, p, o))
    families: dict[str, list[str]] = {}
    for item_id in owned:
        families.setdefault(roots.get(item_id, item_id), []).append(item_id)
    found: list[Subset] = []
    batch: list[str] = []

    def close() -> None:
        if not batch:
            return
        own = [t for item in batch for t in owned[item]]
        subjects = {t[0] for t in own}
        outside = {t[2] for t in own if type(t[2]) is URIRef and t[2] not in subjects and t[2] in context}
        extra = [t for o in sorted(outside) for t in context[o]]
        judged = frozenset(str(t[0]) for t in schemes + own)
        found.append(Subset(f"{batch[0]} … {batch[-1]}", len(batch), schemes + own + extra, judged))
        batch.clear()

    for root in sorted(families):
        batch.extend(sorted(families[root]))
        if len(batch) >= max_items:
            close()
    close()
    return found, where


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape: its target classes, query and message."""

    targets: tuple[str, ...]
    query: str
    """The SELECT with its PREFIX declarations; ``$this`` is bound to each focus node in turn."""
    message: str
    severity: str


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without their SPARQL constraints (for pySHACL) and those constraints (for Oxigraph)."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    constraints = []
    for shape, node in shapes.subject_objects(SH.sparql):
        targets = tuple(sorted(str(t) for t in shapes.objects(shape, SH.targetClass)))
        prefixes = []
        for declaration_owner in shapes.objects(node, SH.prefixes):
            for declaration in shapes.objects(declaration_owner, SH.declare):
                prefixes.append(f"PREFIX {shapes.value(declaration, SH.prefix)}: "
                                f"<{shapes.value(declaration, SH.namespace)}>")
        severity = shapes.value(node, SH.severity) or shapes.value(shape, SH.severity)
        constraints.append(SparqlConstraint(targets, "\n".join(prefixes) + "\n" + str(shapes.value(node, SH.select)),
                                            str(shapes.value(node, SH.message) or "shape violation"),
                                            "warning" if severity == SH.Warning else "error"))
    return core, constraints


def _sparql_problems(triples: list[tuple], own: frozenset[str], constraints: list[SparqlConstraint],
                     where: dict[str, Location]) -> list[Problem]:
    """The SPARQL constraints on the subset, in Oxigraph, one query per focus node with ``$this`` bound."""
    import re

    import pyoxigraph as ox

    from .rdf_store import load_triples

    store = load_triples(triples)
    this = ox.Variable("this")
    found = []
    for constraint in constraints:
        focus_nodes: set[str] = set()
        for target in constraint.targets:
            for solution in store.query(f"SELECT ?f WHERE {{ ?f a <{target}> }}"):
                if solution["f"].value in own:
                    focus_nodes.add(solution["f"].value)
        for focus in sorted(focus_nodes):
            # SEP-0007 substitution: $this bound everywhere, sub-selects included (SHACL-SPARQL pre-binding)
            solutions = store.query(constraint.query, substitutions={this: ox.NamedNode(focus)})
            rows = list(solutions)
            if not rows:
                continue
            subject = id_from_iri(focus) or focus  # named as ``shacl.shape_problems`` names it
            for row in rows:
                def value(match: re.Match[str], row: object = row) -> str:
                    term = row[match.group(1)]  # type: ignore[index]
                    return "" if term is None else term.value
                message = re.sub(r"\{[?$](\w+)\}", value, constraint.message)
                found.append(Problem(code="shacl-sparql", message=f"{subject}: {message}",
                                     location=where.get(focus, Location("(graph)")),
                                     severity=constraint.severity))  # type: ignore[arg-type]
    return found


def _term(term: object) -> str:
    if isinstance(term, Literal):
        return f"{term}\x01{term.language or ''}\x01{term.datatype or ''}"
    return str(term)


def subset_key(subset: Subset, shapes_digest: str) -> str:
    """Hash of the subset's triples (blank nodes named by order of appearance) and of the shapes."""
    digest = hashlib.sha256(shapes_digest.encode())
    blanks: dict[BNode, str] = {}
    for triple in subset.triples:
        parts = []
        for term in triple:
            if isinstance(term, BNode):
                parts.append(blanks.setdefault(term, f"_:{len(blanks)}"))
            else:
                parts.append(_term(term))
        digest.update("\x00".join(parts).encode() + b"\n")
    return digest.hexdigest()


def _problem_json(problem: Problem) -> dict:
    loc = problem.location
    return {"code": problem.code, "message": problem.message, "severity": problem.severity,
            "path": loc.path, "line": loc.line, "column": loc.column}


def _problem(data: dict) -> Problem:
    return Problem(code=data["code"], message=data["message"], severity=data["severity"],
                   location=Location(data["path"], data["line"], data["column"]))


def check_subsets(bundle: Bundle, *, cache_dir: Path | None = None, progress: Progress | None = None,
                  shapes: Graph | None = None) -> tuple[list[Problem], int]:
    """The shape problems of ``bundle``, subset by subset (each reported through ``progress(done, total)``);
    findings of a subset already checked with the same content are read from ``cache_dir``. Returns the
    problems (each once, in a stable order) and how many subsets were actually validated."""
    from .shacl import load_shapes, shape_problems

    shapes = shapes if shapes is not None else load_shapes()
    from rdflib.compare import to_canonical_graph

    canonical = sorted(to_canonical_graph(shapes).serialize(format="nt").splitlines())  # blank nodes named by content
    import pyshacl

    digest = hashlib.sha256("\n".join(canonical).encode() + pyshacl.__version__.encode())
    for module in (Path(__file__), Path(__file__).with_name("shacl.py")):  # how findings are made and worded
        digest.update(module.read_bytes())
    shapes_digest = digest.hexdigest()
    core, constraints = split_shapes(shapes)
    parts, where = subsets(bundle)
    problems: dict[tuple, Problem] = {}
    validated = 0
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    for done, subset in enumerate(parts, 1):
        key = subset_key(subset, shapes_digest)
        cached = cache_dir / f"{key}.json" if cache_dir is not None else None
        found: list[Problem] | None = None
        if cached is not None and cached.is_file():
            try:
                found = [_problem(p) for p in json.loads(cached.read_text(encoding="utf-8"))]
            except (OSError, ValueError, KeyError):
                found = None
        if found is None:
            graph = Graph()
            graph.addN((s, p, o, graph) for s, p, o in subset.triples)
            found = shape_problems(graph, where, core, focus=set(subset.own))
            found += _sparql_problems(subset.triples, subset.own, constraints, where)
            validated += 1
            if cached is not None:
                tmp = cached.with_suffix(".tmp")
                tmp.write_text(json.dumps([_problem_json(p) for p in found]), encoding="utf-8")
                tmp.replace(cached)
        for problem in found:
            problems.setdefault((problem.code, problem.message, str(problem.location)), problem)
        if progress is not None:
            progress(done, len(parts))
    return sorted(problems.values(), key=lambda p: (str(p.location.path), p.location.line, p.code,
                                                    p.message)), validated
