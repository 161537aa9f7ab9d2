"""The SPARQL 1.1 Protocol, as cxgraph's endpoint reads it: requests in, formats out.

Three ways to send a query (GET ``?query=``, POST form, POST ``application/sparql-query``),
the ``default-graph-uri`` / ``named-graph-uri`` parameters, and content negotiation over the
``Accept`` header (with ``format=`` as an override for browsers and quick ``curl`` calls).
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import pyoxigraph as ox

__all__ = [
    "FORMAT_NAMES",
    "GRAPH_TYPES",
    "RESULTS_TYPES",
    "ProtocolError",
    "SparqlRequest",
    "choose_formats",
    "negotiate",
    "parse_accept",
    "parse_parameters",
    "parse_request",
]

#: Media types offered for SELECT and ASK results, in order of preference.
RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media types offered for CONSTRUCT and DESCRIBE results, in order of preference.
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")

# Other names clients use for the same formats.
_ALIASES = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "application/x-turtle": (None, "text/turtle"),
    "text/plain": (None, "application/n-triples"),
}

#: Short names accepted by the ``format=`` parameter: (results type, graph type).
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdfxml": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),
}

_MAX_QUERY_CHARS = 1_000_000


class ProtocolError(Exception):
    """A request the endpoint cannot take, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class SparqlRequest:
    """A query request, read from any of the three protocol forms."""

    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None
    language: str | None = None  # the lang= parameter, as given


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, quality) pairs; an absent header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(offer: str, ranges: Sequence[tuple[str, float]], aliases: Mapping[str, str]) -> float:
    """The quality the client gives ``offer``: the most specific matching range wins."""
    best_specificity, best_quality = -1, 0.0
    major = offer.split("/")[0]
    for media, quality in ranges:
        if media == offer or aliases.get(media) == offer:
            specificity = 3
        elif media == f"{major}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, quality
    return best_quality


@lru_cache(maxsize=512)
def negotiate(accept: str | None, offers: tuple[str, ...], graph: bool) -> str | None:
    """The offered media type the client prefers, or ``None`` when it accepts none of them."""
    ranges = parse_accept(accept)
    aliases: dict[str, str] = {}
    for name, pair in _ALIASES.items():
        target = pair[1] if graph else pair[0]
        if target is not None:
            aliases[name] = target
    scored = [(_quality(offer, ranges, aliases), -index, offer) for index, offer in enumerate(offers)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None


def _unquote(text: str) -> str:
    """Percent-decode ``text`` (as :func:`urllib.parse.unquote`), in one C pass when it has no backslash."""
    if "%" not in text:
        return text
    if "\\" not in text:  # then every backslash below comes from a %XX, and a bad %XX fails the decoder
        try:
            return codecs.escape_decode(text.replace("%", "\\x").encode("utf-8"))[0].decode("utf-8", "replace")
        except ValueError:
            pass
    return unquote(text)


def parse_parameters(text: str) -> dict[str, list[str]]:
    """``name=value&…`` (a URL's query or a form body) as lists of values per name.

    ``+`` stands for a space and ``%XX`` for a byte of UTF-8 (undecodable bytes become U+FFFD);
    a name without ``=`` has the empty value, and empty pieces are skipped.
    """
    params: dict[str, list[str]] = {}
    for part in text.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "+" in name or "%" in name:
            name = _unquote(name.replace("+", " "))
        if "+" in value:
            value = value.replace("+", " ")
        value = _unquote(value)
        values = params.get(name)
        if values is None:
            params[name] = [value]
        else:
            values.append(value)
    return params


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"give the '{name}' parameter once, not {len(values)} times")
    return values[0] if values else None


def _format_parameter(values: Sequence[str]) -> str | None:
    """The first usable ``format=`` value (some clients send a short name and a media type)."""
    for value in values:
        if value.lower() in FORMAT_NAMES or "/" in value:
            return value
    if values:
        raise ProtocolError(400, f"unknown format '{values[0]}'; use one of: {', '.join(FORMAT_NAMES)} or a media type")
    return None


def _refuse_update() -> ProtocolError:
    return ProtocolError(
        403,
        "this endpoint is read-only: SPARQL Update is refused. "
        "Load the vocabulary into your own triple store with 'cxgraph push' to change it.",
    )


def parse_request(method: str, url_query: str, content_type: str | None, body: bytes) -> SparqlRequest | None:
    """Read a protocol request; ``None`` means a GET without ``query`` (the service description).

    Raises :class:`ProtocolError` for an update, a missing or repeated ``query``, or an
    unsupported content type.
    """
    params = parse_parameters(url_query)
    media = (content_type or "").split(";")[0].strip().lower()
    if method == "GET":
        if "update" in params:
            raise _refuse_update()
        text = _single(params, "query")
        if text is None:
            return None
    elif method == "POST":
        if media == "application/sparql-update":
            raise _refuse_update()
        if media == "application/x-www-form-urlencoded":
            try:
                form = parse_parameters(body.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise ProtocolError(400, "the form body is not UTF-8") from exc
            if "update" in form:
                raise _refuse_update()
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
            text = _single(params, "query")
            if text is None:
                raise ProtocolError(400, "the form has no 'query' field")
        elif media == "application/sparql-query":
            if "query" in params:
                raise ProtocolError(
                    400, "a POST of application/sparql-query carries the query in its body, not in ?query="
                )
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ProtocolError(400, f"the query is not UTF-8 (byte {exc.start})") from exc
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type '{media or '(none)'}'; POST a query as "
                "application/x-www-form-urlencoded (query=...) or application/sparql-query",
            )
    else:
        raise ProtocolError(405, f"method {method} is not allowed; use GET or POST")
    if len(text) > _MAX_QUERY_CHARS:
        raise ProtocolError(413, f"the query is longer than {_MAX_QUERY_CHARS:,} characters")
    fmt = _format_parameter(params.get("format", []))
    return SparqlRequest(
        query=text,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
        format=fmt.lower() if fmt else None,
        language=(_single(params, "lang") or "").strip() or None,
    )


def _graph_iris(params: Mapping[str, list[str]], name: str) -> tuple[str, ...]:
    """The values of ``default-graph-uri`` or ``named-graph-uri``, each checked to be an absolute IRI."""
    values = tuple(params.get(name, []))
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise ProtocolError(400, f"{name} '{value[:200]}' is not an absolute IRI: {exc}") from exc
    return values


def choose_formats(request: SparqlRequest, accept: str | None) -> tuple[str | None, str | None]:
    """The (results, graph) media types to answer with, from ``format=`` or ``Accept``."""
    if request.format is not None:
        if request.format in FORMAT_NAMES:
            return FORMAT_NAMES[request.format]
        accept = request.format
    return negotiate(accept, RESULTS_TYPES, graph=False), negotiate(accept, GRAPH_TYPES, graph=True)
