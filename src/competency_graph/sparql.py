"""Read-only SPARQL over the referential graph, run in a separate process that is killed at the deadline.

A thread cannot be stopped: a query past its time limit used to keep running (three cross products took
the server from 253 MiB to 4.5 GiB and slowed every sign-in). Queries now run in a worker process
(a fresh interpreter: it shares no lock nor memory with the app) that holds a copy of the graph, with an address-space
limit (:data:`MEMORY_LIMIT_BYTES`: a runaway query fails there with ``MemoryError``) and a CPU-time limit as
a backstop; at the deadline the app kills it (``SIGKILL``) and starts a fresh one for the next query.

The worker's engine follows what it is given: an rdflib graph is queried with rdflib, the Oxigraph store of
:mod:`.rdf_store` (the published graph at ROME scale, issue #19) with Oxigraph, from the same N-Triples.
"""

from __future__ import annotations

import pickle
import re
import select
import struct
import subprocess
import sys
import threading
from typing import Any

from rdflib import Graph

__all__ = ["SparqlError", "run_query", "check_read_only", "MEMORY_LIMIT_BYTES", "stop_worker"]

_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|SERVICE)\b", re.IGNORECASE)
#: address space of the worker process (the graph of the shipped referentials needs about 200 MiB)
MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
#: how long a new worker may take to load the graph (not counted in a query's time limit)
START_TIMEOUT_S = 120.0
_MAX_CELL = 2000


class SparqlError(Exception):
    """A query that is not allowed, malformed, or too slow."""


def _limit_resources(memory_bytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX, or a lower hard limit
        pass


def _cpu_deadline(seconds: float) -> None:
    """Backstop: the kernel stops the worker when this query used ``seconds`` more CPU time."""
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        now = int(used.ru_utime + used.ru_stime) + 1
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        wanted = now + int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard),
                                                 hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover
        pass


def _send(stream: Any, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _receive(stream: Any) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack(">Q", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - frames from our own worker or parent only


def _serve() -> None:
    """The worker (``python -c "…_serve()"``): read the graph, then answer ``(text, max_rows, timeout_s)``
    requests on stdin/stdout until EOF."""
    import sys

    inp, out = sys.stdin.buffer, sys.stdout.buffer
    memory_bytes, data, engine = _receive(inp)
    _limit_resources(memory_bytes)
    if engine == "oxigraph":
        import pyoxigraph as ox

        from .rdf_store import select as ox_select

        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    else:
        graph = Graph()
        graph.parse(data=data, format="nt")
    del data
    _send(out, ("ready",))
    while True:
        try:
            text, max_rows, timeout_s = _receive(inp)
        except EOFError:
            return
        _cpu_deadline(timeout_s)
        try:
            if engine == "oxigraph":
                columns, found = ox_select(store, text, max_rows)
                _send(out, ("ok", columns, [[v[:_MAX_CELL] for v in row] for row in found]))
                continue
            result = graph.query(text)
            if result.type == "ASK":
                answer: tuple[Any, ...] = ("ok", ["ask"], [[str(bool(result.askAnswer)).lower()]])
            elif result.type == "SELECT":
                rows = [[("" if v is None else str(v)[:_MAX_CELL]) for v in row]
                        for _, row in zip(range(max_rows), result)]  # type: ignore[arg-type]
                answer = ("ok", [str(v) for v in result.vars or []], rows)
            else:
                answer = ("error", "only SELECT and ASK queries are allowed")
        except MemoryError:
            answer = ("error", "query stopped: it needed too much memory")
        except Exception as exc:  # noqa: BLE001 - any parser or evaluation error becomes a user message
            answer = ("error", f"invalid query: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        _send(out, answer)


def _engine_and_data(graph: Any) -> tuple[str, bytes]:
    """The worker's engine for ``graph`` and the graph as N-Triples."""
    if isinstance(graph, Graph):
        return "rdflib", graph.serialize(format="nt", encoding="utf-8")
    from .rdf_store import serialize

    return "oxigraph", serialize(graph, "nt")


class _Worker:
    def __init__(self, graph: Any, memory_bytes: int) -> None:
        self.graph_id = (id(graph), len(graph))
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from competency_graph.sparql import _serve; _serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            engine, data = _engine_and_data(graph)
            _send(self.process.stdin, (memory_bytes, data, engine))
            self._wait(START_TIMEOUT_S, "the query engine did not start in time")
            _receive(self.process.stdout)
        except (EOFError, OSError):
            self.stop()
            raise SparqlError("the query engine could not load the graph") from None

    def _wait(self, timeout_s: float, message: str) -> None:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout_s)
        if not ready:
            self.stop()
            raise SparqlError(message)

    def ask(self, text: str, max_rows: int, timeout_s: float) -> tuple[Any, ...]:
        try:
            _send(self.process.stdin, (text, max_rows, timeout_s))
            self._wait(timeout_s, f"query stopped after {timeout_s:g} s")
            return _receive(self.process.stdout)
        except (EOFError, OSError):  # killed by the kernel (CPU or memory limit)
            self.stop()
            raise SparqlError("query stopped: it needed too much time or memory") from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


_lock = threading.Lock()  # one query at a time in this process (and one worker)
_worker: _Worker | None = None


def stop_worker() -> None:
    """Stop the worker process (tests; it is also stopped with the app, being a daemon process)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None


def check_read_only(text: str) -> None:
    """``SparqlError`` unless ``text`` is a read query (no update keyword, no SERVICE)."""
    stripped = re.sub(r"#[^\n]*", "", text)
    if _UPDATE.search(stripped):
        raise SparqlError("only read queries (SELECT, ASK) are allowed; no update, no SERVICE")


def run_query(graph: Graph | Any, text: str, timeout_s: float = 10.0, max_rows: int = 10_000, *,
              memory_bytes: int = MEMORY_LIMIT_BYTES) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT or ASK query in the worker process; returns column names and rows of strings. Raises
    :class:`SparqlError` for an update query, a malformed one, or one stopped by its time or memory limit.
    ``graph``: an rdflib graph, or the Oxigraph store of ``rdf_store`` (then Oxigraph answers)."""
    global _worker
    check_read_only(text)
    with _lock:
        if _worker is None or not _worker.alive() or _worker.graph_id != (id(graph), len(graph)):
            if _worker is not None:
                _worker.stop()
            _worker = None
            _worker = _Worker(graph, memory_bytes)
        worker = _worker
        try:
            answer = worker.ask(text, max_rows, timeout_s)
        except SparqlError:
            _worker = None
            raise
    if answer[0] == "error":
        raise SparqlError(answer[1])
    return answer[1], answer[2]
