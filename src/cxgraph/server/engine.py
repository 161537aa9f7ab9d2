"""Evaluating one query and serialising its result under the size cap.

The result is serialised (in Rust, into a writer that counts bytes) right after evaluation,
so the time limit watched by :mod:`cxgraph.server.watchdog` covers the whole job, and a
result larger than the cap is abandoned as soon as it crosses the cap instead of filling
memory.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import re
import resource
import signal
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast

import pyoxigraph as ox

from ..namespaces import PREFIXES
from ..query import describe_syntax_error
from ..query_language import narrow

__all__ = ["Job", "Outcome", "evaluate", "evaluate_in_child", "prefixes_in"]

#: What a query that tried to open a connection is told (the sandbox refused the socket).
NETWORK_REFUSED = (
    "the query tried to open a network connection (SERVICE), which this endpoint never does; "
    "the kernel refused it"
)
_HEADER = struct.Struct("<HI")


@dataclass(frozen=True)
class Job:
    """One query to evaluate, and the formats the client accepts for each result kind."""

    text: str
    results_format: str | None  # media type for SELECT/ASK, None if the client accepts none
    graph_format: str | None  # media type for CONSTRUCT/DESCRIBE, None if the client accepts none
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    language: str | None = None  # a declared language: the answer is narrowed to it (lang=)


@dataclass(frozen=True)
class Outcome:
    """What a worker answered: ``ok`` with a body, or an HTTP status and a message."""

    status: int
    media_type: str
    body: bytes


class _TooLarge(Exception):
    pass


class _CappedWriter:
    """A binary sink that refuses to grow past ``limit`` bytes.

    The serialisers buffer their output themselves and write it here in pieces of a few
    kilobytes (a small result in one), so a result crossing the cap is abandoned within one
    piece of it.
    """

    __slots__ = ("limit", "overflowed", "parts", "size")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.overflowed = False

    def write(self, data: bytes) -> int:
        if self.overflowed:
            return len(data)  # already refused: what is still buffered is dropped
        self.size += len(data)
        if self.size > self.limit:
            self.overflowed = True
            raise _TooLarge
        self.parts.append(data if type(data) is bytes else bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: every piece is kept as it comes."""


def _graph_term(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _is_network_refusal(exc: BaseException) -> bool:
    return isinstance(exc, PermissionError) or "os error 13" in str(exc)


def evaluate(store: ox.Store, job: Job, max_bytes: int) -> Outcome:
    """Evaluate and serialise ``job`` in this thread (the result is capped at ``max_bytes``)."""
    try:
        return _evaluate(store, job, max_bytes)
    except BaseException as exc:  # pyo3 reports a Rust panic as PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return Outcome(500, "text/plain", f"the query engine failed on this query: {exc}".encode())


_PREFIX_MARKS = tuple((name + ":", name, iri) for name, iri in PREFIXES.items())
#: ``PREFIX name: <iri>`` declarations at the very start of a query, one after the other.
_DECLARED = re.compile(r"\s*PREFIX\s+([A-Za-z][\w.-]*|):\s*<[^<>\\\s]*>", re.IGNORECASE)


def prefixes_in(text: str) -> dict[str, str]:
    """The vocabulary's prefixes a query may use: each whose ``name:`` appears in its text.

    A prefix that does not appear cannot change the query, nor one the query declares itself
    in its opening declarations (its own declaration wins), and each one given costs the
    engine a parse per query. A text with backslashes (which may spell a name with escapes)
    gets all of them.
    """
    if "\\" in text:
        return PREFIXES
    declared = set()
    position = 0
    while (match := _DECLARED.match(text, position)) is not None:
        declared.add(match.group(1))
        position = match.end()
    return {name: iri for mark, name, iri in _PREFIX_MARKS if mark in text and name not in declared}


_GRAPH_RESULTS = (ox.QueryTriples, list)  # CONSTRUCT/DESCRIBE, and what narrow() makes of them


def _evaluate(store: ox.Store, job: Job, max_bytes: int) -> Outcome:
    kwargs: dict[str, Any] = {}
    prefixes = prefixes_in(job.text)
    if prefixes:
        kwargs["prefixes"] = prefixes
    try:
        if job.default_graphs:
            kwargs["default_graph"] = [_graph_term(g) for g in job.default_graphs]
        if job.named_graphs:
            kwargs["named_graphs"] = [_graph_term(g) for g in job.named_graphs]
    except ValueError as exc:
        return Outcome(400, "text/plain", f"a graph IRI is not an IRI: {exc}".encode())
    try:
        result = store.query(job.text, **kwargs)
    except SyntaxError as exc:
        return Outcome(400, "text/plain", f"invalid SPARQL: {describe_syntax_error(exc, job.text)}\n".encode())
    except (OSError, ValueError) as exc:
        if _is_network_refusal(exc):
            return Outcome(403, "text/plain", NETWORK_REFUSED.encode())
        return Outcome(400, "text/plain", f"query failed: {exc}".encode())
    writer = _CappedWriter(max_bytes)
    sink = cast(IO[bytes], writer)
    try:
        if job.language:
            result = cast(Any, narrow(result, job.language))
        if isinstance(result, _GRAPH_RESULTS):
            if job.graph_format is None:
                return _not_acceptable("CONSTRUCT/DESCRIBE", "text/turtle, application/n-triples, application/ld+json")
            rdf_format = ox.RdfFormat.from_media_type(job.graph_format)
            assert rdf_format is not None
            shown = (
                PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML) else None
            )
            ox.serialize(result, sink, rdf_format, prefixes=shown)
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
            result.serialize(sink, results_format)
            media_type = job.results_format
    except Exception as exc:
        if writer.overflowed:
            return Outcome(
                422,
                "text/plain",
                f"the result is larger than the cap of {max_bytes:,} bytes; add a LIMIT, "
                "select fewer variables, or raise the cap with 'cxgraph serve --max-result-bytes'".encode(),
            )
        if _is_network_refusal(exc):
            return Outcome(403, "text/plain", NETWORK_REFUSED.encode())
        return Outcome(400, "text/plain", f"query failed: {exc}".encode())
    body = b"".join(writer.parts)
    # Answers end with a line break, as `cxgraph query` prints them, so the two are byte-identical.
    return Outcome(200, media_type, body if not body or body.endswith(b"\n") else body + b"\n")


def _data_size() -> int:
    """Bytes of this process's data segment and private mappings (``VmData``), 0 if unknown."""
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _read_all(fd: int) -> bytes:
    parts: list[bytes] = []
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except InterruptedError:
            continue
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def evaluate_in_child(
    store: ox.Store, job: Job, max_bytes: int, memory_limit: int, started: Callable[[int], None] | None = None
) -> Outcome:
    """Evaluate ``job`` in a forked child process, so that an engine crash only ends the child.

    The engine aborts the whole process on an internal panic (its sort panics on ORDER BY over
    some mixes of value types); in a child, the crash becomes a 500 for this query alone. The
    child may allocate ``memory_limit`` bytes beyond what it inherits (RLIMIT_DATA); past it
    the query fails with 503. ``started`` receives the child's process id (to kill it).
    """
    read_end, write_end = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: evaluate, write the outcome, exit without any Python cleanup
        code = 70
        try:
            os.close(read_end)
            os.close(err_read)
            faulthandler.disable()  # a crash is reported by the parent, in one line
            os.dup2(err_write, 2)  # an engine abort prints its reason here, for the parent
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            if memory_limit > 0:
                limit = _data_size() + memory_limit
                with contextlib.suppress(ValueError, OSError):
                    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
            outcome = evaluate(store, job, max_bytes)
            media = outcome.media_type.encode()
            payload = _HEADER.pack(outcome.status, len(media)) + media + outcome.body
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view) :]
            code = 0
        except BaseException:
            code = 71
        finally:
            os._exit(code)
    os.close(write_end)
    os.close(err_write)
    if started is not None:
        started(pid)
    try:
        data = _read_all(read_end)
        reason = _read_all(err_read).decode("utf-8", "replace")
    finally:
        os.close(read_end)
        os.close(err_read)
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and len(data) >= _HEADER.size:
        code, media_length = _HEADER.unpack_from(data)
        media_type = data[_HEADER.size : _HEADER.size + media_length].decode()
        return Outcome(code, media_type, data[_HEADER.size + media_length :])
    if "memory allocation" in reason or "MemoryError" in reason:
        return Outcome(
            503,
            "text/plain",
            f"the query needed more than the memory cap of {memory_limit:,} bytes and was stopped; "
            "narrow it (add LIMIT, bind more variables)".encode(),
        )
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGTERM):
        return Outcome(503, "text/plain", b"the query was stopped")
    detail = next((line for line in reason.splitlines() if line.strip() and "panicked at" not in line), "")
    sys.stderr.write(f"cxgraph: the query engine crashed on a query ({detail.strip() or 'no reason given'})\n")
    return Outcome(
        500,
        "text/plain",
        "the query engine crashed on this query (a known engine fault: ORDER BY over values of "
        f"types it cannot compare, e.g. numbers and strings mixed){': ' + detail.strip() if detail else ''}. "
        "Order by STR(?x) or by one type of value; the endpoint itself is unaffected".encode(),
    )


def _not_acceptable(kind: str, offered: str) -> Outcome:
    return Outcome(
        406, "text/plain", f"no acceptable format for a {kind} result; this endpoint offers {offered}".encode()
    )
