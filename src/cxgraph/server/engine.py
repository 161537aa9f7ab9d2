"""Evaluating one query and serialising its result under the size cap.

The result is serialised (in Rust, into a writer that counts bytes) right after evaluation,
so the time limit watched by :mod:`cxgraph.server.watchdog` covers the whole job, and a
result larger than the cap is abandoned as soon as it crosses the cap instead of filling
memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any, cast

import pyoxigraph as ox

from ..namespaces import PREFIXES
from ..query import describe_syntax_error

__all__ = ["Job", "Outcome", "evaluate"]


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


def evaluate(store: ox.Store, job: Job, max_bytes: int) -> Outcome:
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if job.default_graphs:
        kwargs["default_graph"] = [_graph_term(g) for g in job.default_graphs]
    if job.named_graphs:
        kwargs["named_graphs"] = [_graph_term(g) for g in job.named_graphs]
    try:
        result = store.query(job.text, **kwargs)
    except SyntaxError as exc:
        return Outcome(400, "text/plain", f"invalid SPARQL: {describe_syntax_error(exc, job.text)}\n".encode())
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
