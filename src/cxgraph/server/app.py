"""The HTTP side of ``cxgraph serve``: routes, limits, CORS and the built-in query page.

The supervisor (see :mod:`cxgraph.server.prefork`) accepts the connections and hands each one
to a worker process. A worker serves all its connections from one event loop (HTTP/1.1
keep-alive, see :mod:`cxgraph.server.loop`) and evaluates queries in the loop's thread; a
query that takes more than a moment gets the thread to itself while a fresh thread takes over
the loop (pyoxigraph releases the GIL while a query runs), and no query crosses a process
boundary. Each request is read without being taken off the connection and consumed only once
its answer is written, so a worker that dies leaves it for another worker to answer. The time
limit is kept by :mod:`cxgraph.server.watchdog`.
"""

from __future__ import annotations

import gc
import html
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from importlib.resources import files
from typing import Any, cast

import pyoxigraph as ox

from ..errors import UsageError
from ..languages import declared_languages, language_name, parse_accept_language
from ..namespaces import PREFIXES
from ..query_language import bind_language, resolve_language
from . import rest
from .description import service_description
from .engine import Job, evaluate, evaluate_in_child
from .guard import Refused, TooComplex, screen
from .loop import Connection, Reply, WorkerLoop
from .prefork import Supervisor, WorkerLink
from .protocol import GRAPH_TYPES, RESULTS_TYPES, ProtocolError, choose_formats, negotiate, parse_request
from .request_head import MAX_BODY, RequestHead
from .sandbox import SandboxUnavailable, seal
from .watchdog import Watchdog

__all__ = ["Endpoint", "EndpointServer", "ServerConfig", "default_workers", "make_server"]

_QUERY_STACK = 256 * 1024 * 1024  # per loop thread; reserved, not used, until a query recurses


def _bare_response(status: str, message: str) -> bytes:
    body = (message + "\n").encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\nRetry-After: 1\r\n\r\n"
    ).encode() + body


_CROWDED = _bare_response("503 Service Unavailable", "too many open connections from this address")
_TOO_SLOW = _bare_response("408 Request Timeout", "the request was not sent in time")
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


@dataclass(frozen=True)
class ServerConfig:
    """How the endpoint listens and protects itself."""

    host: str = "127.0.0.1"
    port: int = 8000
    time_limit: float = 10.0
    max_result_bytes: int = 32 * 1024 * 1024
    workers: int = 0  # 0: one per CPU, at least 2 (see default_workers)
    cors_origins: tuple[str, ...] = ()
    max_connections: int = 256
    max_connections_per_client: int = 128  # from one client address, over all workers
    header_timeout: float = 10.0  # to send the request line and headers, from the first byte
    body_timeout: float = 30.0  # to send the body, once the headers are in
    idle_timeout: float = 60.0  # a keep-alive connection may wait this long for its next request
    max_query_memory: int = 1024 * 1024 * 1024  # memory one query may take (503 past it)
    access_log: bool = False
    named_queries: tuple[dict[str, str], ...] = field(default_factory=tuple)


def default_workers() -> int:
    """One worker process per CPU, and at least two (one can retire while the other answers)."""
    return max(2, os.cpu_count() or 2)


class Endpoint:
    """Everything a request handler needs: the graph and the prepared static answers."""

    def __init__(self, store: ox.Store, config: ServerConfig) -> None:
        self.config = config
        self.store = store  # loaded once, before the fork: workers share it copy-on-write
        self.triple_count = len(store)
        self.languages = declared_languages(store)
        self._page = files("cxgraph.server").joinpath("page.html").read_text(encoding="utf-8")
        self._pages: dict[str, bytes] = {}
        self.queries_json = json.dumps(list(config.named_queries), ensure_ascii=False).encode("utf-8")
        self._descriptions: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def page(self, accept_language: str | None) -> bytes:
        """The query page, its language menu set to the best match of ``Accept-Language``."""
        chosen = ""
        for tag in parse_accept_language(accept_language or ""):
            found = self.languages.resolve(tag)
            if found:
                chosen = found
                break
        with self._lock:
            cached = self._pages.get(chosen)
        if cached is None:
            options = ['<option value="all">all languages</option>'] + [
                f'<option value="{html.escape(tag)}"{" selected" if tag == chosen else ""}>'
                f"{html.escape(language_name(tag))} ({html.escape(tag)})</option>"
                for tag in self.languages.declared
            ]
            cached = self._page.replace("<!-- languages -->", "".join(options)).encode("utf-8")
            with self._lock:
                self._pages[chosen] = cached
        return cached

    def description(self, endpoint: str, media_type: str) -> bytes:
        """The service description in ``media_type``, rendered once per endpoint IRI."""
        key = (endpoint, media_type)
        with self._lock:
            cached = self._descriptions.get(key)
        if cached is not None:
            return cached
        triples = service_description(endpoint, self.triple_count, self.config.time_limit, self.config.max_result_bytes)
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        assert rdf_format is not None
        prefixes = {
            "sd": "http://www.w3.org/ns/sparql-service-description#",
            "void": "http://rdfs.org/ns/void#",
            "dct": PREFIXES["dct"],
        }
        body = cast(bytes, ox.serialize(triples, format=rdf_format, prefixes=prefixes))
        with self._lock:
            if len(self._descriptions) < 32:  # a few Host names at most; never grow without bound
                self._descriptions[key] = body
        return body


def _authority(address: Any) -> str:
    """``HOST:PORT`` of a bound socket address (IPv6 hosts in brackets)."""
    host, port = address[:2]
    shown = host.decode() if isinstance(host, bytes) else str(host)
    return f"[{shown}]:{port}" if ":" in shown else f"{shown}:{port}"


class EndpointServer:
    """The bound socket and the supervisor that accepts on it and hands connections to the workers.

    ``serve_forever`` forks the workers and returns on SIGTERM, SIGINT or :meth:`shutdown`;
    ``server_close`` stops every worker.
    """

    def __init__(self, endpoint: Endpoint, listener: socket.socket) -> None:
        self.endpoint = endpoint
        self.listener = listener
        self.server_address = listener.getsockname()
        config = endpoint.config
        workers = config.workers or default_workers()
        self.supervisor = Supervisor(
            listener, workers, self._worker_main, max_connections=config.max_connections,
            max_per_client=config.max_connections_per_client, crowded=_CROWDED,
        )

    @property
    def url(self) -> str:
        """``http://HOST:PORT/sparql`` for the address actually bound."""
        return f"http://{self.authority}/sparql"

    @property
    def authority(self) -> str:
        """``HOST:PORT`` of the bound socket (IPv6 hosts in brackets)."""
        return _authority(self.server_address)

    def serve_forever(self) -> None:
        # What is loaded by now lives as long as the server: the collector need not walk it again
        # (in the workers neither, which keeps those pages shared with the supervisor).
        gc.freeze()
        self.supervisor.run()

    def shutdown(self) -> None:
        self.supervisor.stop()

    def server_close(self) -> None:
        self.supervisor.close()

    def _worker_main(self, link: WorkerLink) -> None:
        """In a forked worker: answer the connections handed to it until it retires."""
        server = WorkerServer(self.endpoint, link, self.authority)
        try:
            seal(process=True)  # from here on, no thread of this worker can open a socket
        except SandboxUnavailable as exc:
            sys.stderr.write(
                f"cxgraph: warning: worker {os.getpid()} cannot be sealed from the network ({exc.strerror}); "
                "SERVICE is refused by the query lexer only\n"
            )
        threading.stack_size(_QUERY_STACK)  # for the loop's threads: deep (but allowed) queries recurse in the engine
        server.watchdog.start()
        server.serve()
        server.drain()


class WorkerServer:
    """One worker: the connections the supervisor hands it (in an event loop), the watchdog, retirement.

    The supervisor balances connections over the workers and applies the connection caps; a
    worker answers what it is given. Once it retires it takes no new request: each connection
    goes back to the supervisor between two requests (it gives them to another worker), and
    the worker exits when the requests in flight are answered.
    """

    def __init__(self, endpoint: Endpoint, link: WorkerLink, authority: str) -> None:
        self.endpoint = endpoint
        self.link = link
        self.authority = authority
        config = endpoint.config
        self.watchdog = Watchdog(config.time_limit, self.retire, config.max_query_memory)
        self.loop = WorkerLoop(link, self, config)
        self.watchdog.also_every_tick(self.loop.check_stall)

    @property
    def retiring(self) -> bool:
        return self.loop.retiring

    def retire(self) -> None:
        """Take no more requests (called by the watchdog before it answers 503)."""
        self.loop.retire()

    def serve(self) -> None:
        """Answer the connections handed over, until retired and idle (or orphaned)."""
        self.loop.start()
        self.loop.finished.wait()

    def drain(self) -> None:
        """After serving: stop the watchdog (the loop already waited for the requests in flight)."""
        self.watchdog.stop()

    def answer(self, connection: Connection, head: RequestHead, body: bytes) -> Reply:
        """The response to one request, read by the loop."""
        return _Exchange(self, connection, head, body).run()

    def refusal(self, status: int, message: str) -> bytes:
        """A response to a request that cannot be read or came too slowly (the connection then closes)."""
        if status == 408:
            return _TOO_SLOW
        return _response_bytes(status, "text/plain", (message.rstrip("\n") + "\n").encode("utf-8"),
                               ["Connection: close"])


def _response_bytes(status: int, media_type: str, body: bytes, lines: list[str], head_only: bool = False) -> bytes:
    """Status line, the standard headers, ``lines``, then ``body`` (left out for HEAD)."""
    if media_type.startswith("text/") or media_type.endswith("json") or media_type.endswith("xml"):
        media_type += "; charset=utf-8"
    head = (
        f"HTTP/1.1 {status} {_PHRASES.get(status, '')}\r\nServer: cxgraph\r\nDate: {_http_date()}\r\n"
        f"Content-Type: {media_type}\r\nContent-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
        + "".join(line + "\r\n" for line in lines)
        + "\r\n"
    ).encode("latin-1")
    return head if head_only else head + body


class _Exchange:
    """One request and its answer."""

    __slots__ = ("body", "close_connection", "command", "connection", "endpoint", "headers", "server")

    def __init__(self, server: WorkerServer, connection: Connection, head: RequestHead, body: bytes) -> None:
        self.server = server
        self.endpoint = server.endpoint
        self.connection = connection
        self.headers = head
        self.body = body
        self.command = head.method
        self.close_connection = not head.keep_alive

    def run(self) -> Reply:
        method = _METHODS.get(self.command)
        if method is None:
            response: bytes | None = self._error(501, f"method {self.command} is not supported", close=True)
        else:
            response = method(self)
        if response is None:  # the watchdog answered
            return None
        return response, self.close_connection

    # --- plumbing -------------------------------------------------------------------------

    def _log(self, status: int, size: int) -> None:
        if self.endpoint.config.access_log:
            head = self.headers
            stamp = time.strftime("%d/%b/%Y %H:%M:%S")
            sys.stderr.write(
                f'{self.connection.client} - - [{stamp}] "{head.method} {head.target} {head.version}" {status} {size}\n'
            )

    def _cors_lines(self) -> list[str]:
        origins = self.endpoint.config.cors_origins
        if not origins:
            return []
        origin = self.headers.get("origin")
        if origin is None:
            return []
        if "*" in origins:
            return ["Access-Control-Allow-Origin: *"]
        if origin in origins:
            return [f"Access-Control-Allow-Origin: {origin}", "Vary: Origin"]
        return []

    def _send(
        self, status: int, media_type: str, body: bytes, extra: dict[str, str] | None = None, head_only: bool = False
    ) -> bytes:
        """The whole response (status line, headers, body), written by the loop in one system call."""
        self._log(status, len(body))
        lines = []
        if extra:
            for name, value in extra.items():
                lines.append(f"{name}: {value}")
                if name == "Connection" and value == "close":
                    self.close_connection = True
        if self.endpoint.config.cors_origins:
            lines.extend(self._cors_lines())
        return _response_bytes(status, media_type, body, lines, head_only)

    def _error(self, status: int, message: str, close: bool = False) -> bytes:
        return self._send(
            status,
            "text/plain",
            (message.rstrip("\n") + "\n").encode("utf-8"),
            {"Connection": "close"} if close else None,
        )

    def _path(self) -> tuple[str, str]:
        path, _, query = self.headers.target.partition("?")
        return path, query

    def _endpoint_iri(self) -> str:
        """The endpoint's IRI as the client addressed it (Host header), else the bound address."""
        host = self.headers.get("host", "") or ""
        if not _HOST.fullmatch(host):
            host = self.server.authority
        return f"http://{host}/sparql"

    def _timeout_message(self) -> str:
        return (
            f"the query ran longer than the time limit of {self.endpoint.config.time_limit:g} s "
            "and was stopped; narrow it (add LIMIT, bind more variables) or raise "
            "'cxgraph serve --time-limit'"
        )

    def _answer_timeout(self) -> None:
        """Called by the watchdog, from its thread, while this request is stuck in the query."""
        self._answer_from_watchdog(self._timeout_message())

    def _answer_memory(self) -> None:
        """Called by the watchdog when this worker passed its memory cap during the query."""
        self._answer_from_watchdog(
            f"the worker passed its memory cap of {self.endpoint.config.max_query_memory:,} bytes while "
            "this query ran, and the query was stopped; narrow it (add LIMIT, bind more variables)"
        )

    def _answer_from_watchdog(self, message: str) -> None:
        self.server.loop.abandon(self.connection, self._error(503, message, close=True))

    # --- methods --------------------------------------------------------------------------

    def do_GET(self) -> bytes | None:
        return self._get(head_only=False)

    def do_HEAD(self) -> bytes | None:
        return self._get(head_only=True)

    def _get(self, head_only: bool) -> bytes | None:
        path, query = self._path()
        if self.headers.get("transfer-encoding") or (self.headers.get("content-length") or "0").strip() != "0":
            return self._error(400, f"a {self.command} request has no body; POST a query instead", close=True)
        if path == "/sparql":
            return self._sparql("GET", query, b"", head_only=head_only)
        if path in ("/", "/index.html"):
            return self._send(
                200,
                "text/html",
                self.endpoint.page(self.headers.get("accept-language")),
                {
                    "Vary": "Accept-Language",
                    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                    "style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                },
                head_only=head_only,
            )
        if path == "/queries.json":
            return self._send(200, "application/json", self.endpoint.queries_json, head_only=head_only)
        if path.startswith(rest.PREFIX):
            limit = self.endpoint.config.max_result_bytes
            status, media_type, body = rest.answer(self.endpoint.store, path, query, limit)
            return self._send(status, media_type, body, head_only=head_only)
        return self._error(404, f"nothing at {path}; the SPARQL endpoint is /sparql and the query page is /")

    def do_POST(self) -> bytes | None:
        path, query = self._path()
        lengths = self.headers.lengths
        if self.headers.get("transfer-encoding") is not None:
            return self._error(411 if not lengths else 400, "send the body with one Content-Length, not chunked",
                               close=True)
        if not lengths:
            return self._error(411, "send a Content-Length header with the request body", close=True)
        if len(lengths) > 1:
            return self._error(400, "give Content-Length once", close=True)
        length_header = lengths[0].strip()
        if not length_header.isascii() or not length_header.isdigit():
            return self._error(400, "Content-Length is not a number", close=True)
        if int(length_header) > MAX_BODY:
            return self._error(413, f"the request body is larger than {MAX_BODY:,} bytes", close=True)
        if path != "/sparql":
            return self._error(404, f"nothing at {path}; POST queries to /sparql")
        return self._sparql("POST", query, self.body, head_only=False)

    def do_OPTIONS(self) -> bytes | None:
        extra = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.endpoint.config.cors_origins and self.headers.get("origin"):
            extra.update(
                {
                    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept",
                    "Access-Control-Max-Age": "600",
                }
            )
        return self._send(204, "text/plain", b"", extra)

    def _read_only(self) -> bytes | None:
        return self._error(405, "this endpoint is read-only; it answers GET, HEAD, POST (queries) and OPTIONS",
                           close=True)

    # --- the SPARQL operation -------------------------------------------------------------

    def _sparql(self, method: str, url_query: str, body: bytes, head_only: bool) -> bytes | None:
        accept = self.headers.get("accept")
        try:
            request = parse_request(method, url_query, self.headers.get("content-type"), body)
        except ProtocolError as error:
            return self._error(error.status, error.message)
        if request is None:
            return self._describe(accept, head_only)
        try:
            screening = screen(request.query)
        except TooComplex as refusal:
            return self._error(400, refusal.message)
        except Refused as refusal:
            return self._error(403, refusal.message)
        results_format, graph_format = choose_formats(request, accept)
        if results_format is None and graph_format is None:
            return self._error(
                406,
                f"no acceptable format in Accept: {accept}. This endpoint answers SELECT/ASK as "
                f"{', '.join(RESULTS_TYPES)} and CONSTRUCT/DESCRIBE as {', '.join(GRAPH_TYPES)}",
            )
        text, language = request.query, None
        if request.language and request.language.lower() != "all":
            try:
                language = resolve_language(self.endpoint.languages, request.language)
            except UsageError as error:
                return self._error(400, f"lang=: {error} (or 'all')")
            text = bind_language(text, language)
        job = Job(text, results_format, graph_format, request.default_graphs, request.named_graphs, language)
        watchdog = self.server.watchdog
        config = self.endpoint.config
        if screening.order_by:  # the engine's sort can abort the process: run it in a child
            child: list[int] = []

            def cancel() -> None:
                if child:
                    os.kill(child[0], 9)

            token = watchdog.begin(self._answer_timeout, cancel=cancel)
            try:
                outcome = evaluate_in_child(
                    self.endpoint.store, job, config.max_result_bytes, config.max_query_memory, child.append
                )
            finally:
                timed_out = watchdog.timed_out(token)
                watchdog.finish(token)
            if timed_out:
                return self._error(503, self._timeout_message())
        else:
            token = watchdog.begin(self._answer_timeout, self._answer_memory)
            try:
                outcome = evaluate(self.endpoint.store, job, config.max_result_bytes)
            finally:
                owned = watchdog.finish(token)
            if not owned:  # the watchdog answered 503 and this worker is retiring
                return None
        if outcome.status != 200:
            return self._error(outcome.status, outcome.body.decode("utf-8", "replace"))
        return self._send(200, outcome.media_type, outcome.body, {"Vary": "Accept"}, head_only=head_only)

    def _describe(self, accept: str | None, head_only: bool) -> bytes:
        if (
            accept
            and "text/html" in accept
            and negotiate(accept, ("text/html", *GRAPH_TYPES), graph=True) == "text/html"
        ):
            return self._send(303, "text/plain", b"see the query page at /\n", {"Location": "/"}, head_only=head_only)
        media_type = negotiate(accept, GRAPH_TYPES, graph=True)
        if media_type is None:
            return self._error(406, f"the service description is offered as {', '.join(GRAPH_TYPES)}")
        body = self.endpoint.description(self._endpoint_iri(), media_type)
        return self._send(200, media_type, body, {"Vary": "Accept"}, head_only=head_only)


_METHODS: dict[str, Callable[[_Exchange], bytes | None]] = {
    "GET": _Exchange.do_GET,
    "HEAD": _Exchange.do_HEAD,
    "POST": _Exchange.do_POST,
    "OPTIONS": _Exchange.do_OPTIONS,
    "PUT": _Exchange._read_only,
    "DELETE": _Exchange._read_only,
    "PATCH": _Exchange._read_only,
}
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The Date header value, formatted once per second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


def make_server(store: ox.Store, config: ServerConfig) -> EndpointServer:
    """Bind the socket (port 0 picks a free port); ``serve_forever`` then forks the workers."""
    endpoint = Endpoint(store, config)
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    listener = socket.create_server((config.host, config.port), family=family, backlog=128)
    return EndpointServer(endpoint, listener)
