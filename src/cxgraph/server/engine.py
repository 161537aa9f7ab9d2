"""Query evaluation in worker processes, so that a runaway query can be stopped.

A pyoxigraph query runs in Rust and cannot be interrupted from another thread. Each query
therefore runs in one of a few worker processes, each holding its own read-only copy of the
graph (loaded once from an N-Quads dump). The HTTP server hands a query to an idle worker
and waits at most the time limit for the answer; a worker that runs over is killed and a
fresh one is started in the background, so the endpoint keeps answering.

The worker also serialises the result (in Rust, into a writer that counts bytes), so the
time limit covers the whole job and a result larger than the size cap is abandoned as soon
as it crosses the cap instead of filling memory.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import IO, Any, cast

import pyoxigraph as ox

from ..namespaces import PREFIXES

__all__ = [
    "Job",
    "Outcome",
    "PoolBusy",
    "QueryTimeout",
    "WorkerPool",
]


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was stopped."""


class PoolBusy(Exception):
    """No worker became free in time (every worker is busy with a long query)."""


@dataclass(frozen=True)
class Job:
    """One query to evaluate, and the formats the client accepts for each result kind."""

    text: str
    results_format: str | None  # media type for SELECT/ASK, None if the client accepts none
    graph_format: str | None  # media type for CONSTRUCT/DESCRIBE, None if the client accepts none
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What a worker answered: ``ok`` with a body, or an HTTP status and a message."""

    status: int
    media_type: str
    body: bytes
    elapsed: float = field(default=0.0)


class _TooLarge(Exception):
    pass


class _CappedWriter:
    """A binary sink that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.overflowed = False

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            self.overflowed = True
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _graph_term(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _evaluate(store: ox.Store, job: Job, max_bytes: int) -> Outcome:
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if job.default_graphs:
        kwargs["default_graph"] = [_graph_term(g) for g in job.default_graphs]
    if job.named_graphs:
        kwargs["named_graphs"] = [_graph_term(g) for g in job.named_graphs]
    try:
        result = store.query(job.text, **kwargs)
    except SyntaxError as exc:
        return Outcome(400, "text/plain", f"invalid SPARQL: {exc}".encode())
    except (OSError, ValueError) as exc:
        return Outcome(400, "text/plain", f"query failed: {exc}".encode())
    writer = _CappedWriter(max_bytes)
    try:
        if isinstance(result, ox.QueryTriples):
            if job.graph_format is None:
                return _not_acceptable("CONSTRUCT/DESCRIBE", "text/turtle, application/n-triples, application/ld+json")
            rdf_format = ox.RdfFormat.from_media_type(job.graph_format)
            assert rdf_format is not None
            prefixes = (
                PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML) else None
            )
            ox.serialize(result, cast(IO[bytes], writer), rdf_format, prefixes=prefixes)
            media_type = job.graph_format
        else:
            if job.results_format is None:
                return _not_acceptable(
                    "SELECT/ASK",
                    "application/sparql-results+json, application/sparql-results+xml, text/csv, "
                    "text/tab-separated-values",
                )
            results_format = ox.QueryResultsFormat.from_media_type(job.results_format)
            assert results_format is not None
            result.serialize(cast(IO[bytes], writer), results_format)
            media_type = job.results_format
    except Exception as exc:
        if writer.overflowed:
            return Outcome(
                422,
                "text/plain",
                f"the result is larger than the cap of {max_bytes:,} bytes; add a LIMIT, "
                "select fewer variables, or raise the cap with 'cxgraph serve --max-result-bytes'".encode(),
            )
        return Outcome(400, "text/plain", f"query failed: {exc}".encode())
    return Outcome(200, media_type, b"".join(writer.parts))


def _not_acceptable(kind: str, offered: str) -> Outcome:
    return Outcome(
        406, "text/plain", f"no acceptable format for a {kind} result; this endpoint offers {offered}".encode()
    )


def _worker_main(connection: Connection, dump: bytes, max_bytes: int) -> None:
    """Body of a worker process: load the graph, then answer jobs until the pipe closes."""
    store = ox.Store()
    store.bulk_extend(ox.parse(dump, format=ox.RdfFormat.N_QUADS))
    connection.send(("ready", len(store)))
    while True:
        try:
            fields = connection.recv()  # plain tuples both ways: the cheapest messages to pickle
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        outcome = _evaluate(store, Job(*fields), max_bytes)
        connection.send((outcome.status, outcome.media_type, outcome.body, time.perf_counter() - started))


class _Worker:
    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """A fixed number of worker processes, each with the whole graph; replaced when killed."""

    def __init__(self, dump: bytes, size: int = 2, time_limit: float = 10.0, max_bytes: int = 32 * 1024 * 1024) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.dump = dump
        self.size = size
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0
        starting = [self._start() for _ in range(size)]
        for worker in starting:
            self._await_ready(worker)
            self._idle.put(worker)

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child, self.dump, self.max_bytes), name="cxgraph-query-worker", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.connection.poll(300):
            worker.stop()
            raise RuntimeError("a query worker did not start within 300 s")
        message = worker.connection.recv()
        if not (isinstance(message, tuple) and message[0] == "ready"):
            raise RuntimeError(f"a query worker failed to start: {message!r}")

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            self.restarts += 1
        worker.stop()
        if self._closed:
            return

        def start_replacement() -> None:
            try:
                fresh = self._start()
                self._await_ready(fresh)
            except Exception:
                return
            if self._closed:
                fresh.stop()
            else:
                self._idle.put(fresh)

        threading.Thread(target=start_replacement, name="cxgraph-worker-restart", daemon=True).start()

    def run(self, job: Job) -> Outcome:
        """Evaluate ``job``; raises :class:`QueryTimeout` or :class:`PoolBusy` when limits hit."""
        try:
            worker = self._idle.get(timeout=self.time_limit + 30)
        except queue.Empty as exc:
            raise PoolBusy from exc
        try:
            worker.connection.send(
                (job.text, job.results_format, job.graph_format, job.default_graphs, job.named_graphs)
            )
            if not worker.connection.poll(self.time_limit):
                self._replace(worker)
                raise QueryTimeout
            outcome = Outcome(*worker.connection.recv())
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Outcome(500, "text/plain", b"the query worker stopped unexpectedly; it has been restarted")
        self._idle.put(worker)
        return outcome

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
