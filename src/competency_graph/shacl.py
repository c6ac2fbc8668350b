"""Check the published graph against ``shapes/*.ttl`` with pySHACL and map findings back to YAML lines."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SH

from .bundle import Bundle
from .ids import id_from_iri
from .problems import Location, Problem
from .rdf import build_graph
from .settings import ShapesMissing, shape_files, shapes_dir

__all__ = ["load_shapes", "check_shapes", "shape_problems", "shape_files", "ShapesMissing"]


def load_shapes(directory: Path | None = None) -> Graph:
    """All shape files in one graph (offline: no owl:imports are followed); never empty."""
    shapes = Graph()
    for path in shape_files(directory):
        shapes.parse(path, format="turtle")
    if not any(shapes.subjects(RDF.type, SH.NodeShape)):
        raise ShapesMissing(f"the shape files of {directory or shapes_dir()} declare no sh:NodeShape")
    return shapes


def shape_problems(data: Graph, where: dict[str, Location], shapes: Graph | None = None,
                   focus: set[str] | None = None) -> list[Problem]:
    """Run pySHACL on ``data``; each violation becomes a Problem at the location of its focus node (only the
    focus nodes in ``focus`` when given: a subset's context nodes are not its to judge)."""
    from pyshacl import validate

    conforms, report, _ = validate(data, shacl_graph=shapes if shapes is not None else load_shapes(),
                                   advanced=True, allow_warnings=True, inference="none")
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus_node = report.value(result, SH.focusNode)
        if focus is not None and str(focus_node) not in focus:
            continue
        component = report.value(result, SH.sourceConstraintComponent)
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        severity = report.value(result, SH.resultSeverity)
        name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent").lower() if component else "shape"
        focus_text = str(focus_node)
        subject = (id_from_iri(focus_text) if focus_node is not None else None) or focus_text
        detail = f" ({str(path).rsplit('#', 1)[-1].rsplit('/', 1)[-1]})" if path is not None else ""
        problems.append(Problem(
            code=f"shacl-{name}",
            message=f"{subject}{detail}: {message or 'shape violation'}",
            location=where.get(focus_text, Location("(graph)")),
            severity="warning" if severity == SH.Warning else "error",
        ))
    return problems


def check_shapes(bundle: Bundle, shapes: Graph | None = None) -> list[Problem]:
    """Build the graph of ``bundle`` and return its shape violations, located in the YAML."""
    data, where = build_graph(bundle)
    return shape_problems(data, where, shapes)
