"""Read-only, time-limited SPARQL over the referential graph."""

from __future__ import annotations

import re
import threading
from typing import Any

from rdflib import Graph

__all__ = ["SparqlError", "run_query", "check_read_only"]

_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|SERVICE)\b", re.IGNORECASE)


class SparqlError(Exception):
    """A query that is not allowed, malformed, or too slow."""


def check_read_only(text: str) -> None:
    """``SparqlError`` unless ``text`` is a read query (no update keyword, no SERVICE)."""
    stripped = re.sub(r"#[^\n]*", "", text)
    if _UPDATE.search(stripped):
        raise SparqlError("only read queries (SELECT, ASK) are allowed; no update, no SERVICE")


def run_query(graph: Graph | Any, text: str, timeout_s: float = 10.0, max_rows: int = 10_000
              ) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT or ASK query; returns column names and rows of strings. ``graph``: an rdflib graph, or
    the Oxigraph store of ``rdf_store`` (the engine behind the published graph at scale)."""
    check_read_only(text)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            if not isinstance(graph, Graph):  # Oxigraph: evaluated in Rust, same columns and rows
                from .rdf_store import select

                outcome["oxigraph"] = select(graph, text, max_rows)
                return
            outcome["result"] = graph.query(text)
            if outcome["result"].type == "SELECT":  # type: ignore[union-attr]
                outcome["rows"] = [[("" if v is None else str(v)) for v in row]
                                   for _, row in zip(range(max_rows), outcome["result"])]  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - any parser error becomes a user message
            outcome["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise SparqlError(f"query stopped after {timeout_s:g} s")
    if "error" in outcome:
        raise SparqlError(f"invalid query: {str(outcome['error']).splitlines()[0]}")
    if "oxigraph" in outcome:
        return outcome["oxigraph"]  # type: ignore[return-value]
    result = outcome["result"]
    if result.type == "ASK":  # type: ignore[union-attr]
        return ["ask"], [[str(bool(result.askAnswer)).lower()]]  # type: ignore[union-attr]
    if result.type != "SELECT":  # type: ignore[union-attr]
        raise SparqlError("only SELECT and ASK queries are allowed")
    return [str(v) for v in result.vars], outcome["rows"]  # type: ignore[union-attr,return-value]
