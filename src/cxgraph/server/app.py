"""The HTTP side of ``cxgraph serve``: routes, limits, CORS and the built-in query page.

Each worker process (see :mod:`cxgraph.server.prefork`) runs the standard library's
``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, one thread per connection) on the shared
listening socket and evaluates queries in the connection's own thread: pyoxigraph releases
the GIL while a query runs, and no query crosses a process boundary. The time limit is kept
by :mod:`cxgraph.server.watchdog`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any, cast

import pyoxigraph as ox

from ..namespaces import PREFIXES
from . import rest
from .description import service_description
from .engine import Job, evaluate
from .guard import Refused, inspect_query
from .prefork import Supervisor, announce_retirement
from .protocol import GRAPH_TYPES, RESULTS_TYPES, ProtocolError, choose_formats, negotiate, parse_request
from .watchdog import Watchdog

__all__ = ["Endpoint", "EndpointServer", "ServerConfig", "default_workers", "make_server"]

_MAX_BODY = 2 * 1024 * 1024
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
        self.page = files("cxgraph.server").joinpath("page.html").read_bytes()
        self.queries_json = json.dumps(list(config.named_queries), ensure_ascii=False).encode("utf-8")
        self._descriptions: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

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
    """The bound socket and the supervisor of the worker processes that answer on it.

    ``serve_forever`` forks the workers and returns on SIGTERM, SIGINT or :meth:`shutdown`;
    ``server_close`` stops every worker.
    """

    def __init__(self, endpoint: Endpoint, listener: socket.socket) -> None:
        self.endpoint = endpoint
        self.listener = listener
        self.server_address = listener.getsockname()
        workers = endpoint.config.workers or default_workers()
        self.supervisor = Supervisor(listener, workers, self._worker_main)

    @property
    def url(self) -> str:
        """``http://HOST:PORT/sparql`` for the address actually bound."""
        return f"http://{self.authority}/sparql"

    @property
    def authority(self) -> str:
        """``HOST:PORT`` of the bound socket (IPv6 hosts in brackets)."""
        return _authority(self.server_address)

    def serve_forever(self) -> None:
        self.supervisor.run()

    def shutdown(self) -> None:
        self.supervisor.stop()

    def server_close(self) -> None:
        self.supervisor.close()

    def _worker_main(self, listener: socket.socket, status_fd: int) -> None:
        """In a forked worker: answer on ``listener`` until the time limit makes it retire."""
        server = WorkerHTTPServer(self.endpoint, listener, self.authority, lambda: announce_retirement(status_fd))
        server.watchdog.start()
        server.serve_forever(poll_interval=0.1)
        server.drain()


class WorkerHTTPServer(ThreadingHTTPServer):
    """One worker's HTTP server on the shared socket: connection cap, watchdog, retirement."""

    daemon_threads = True

    def __init__(
        self, endpoint: Endpoint, listener: socket.socket, authority: str, announce: Any
    ) -> None:
        super().__init__(listener.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        listener.setblocking(False)  # several workers race for each connection; losers move on
        self.endpoint = endpoint
        self.authority = authority
        self.connections: set[socket.socket] = set()
        self.abandoned: set[socket.socket] = set()
        self.retiring = False
        self._announce = announce
        self._retire_lock = threading.Lock()
        workers = endpoint.config.workers or default_workers()
        self._slots = threading.BoundedSemaphore(max(8, endpoint.config.max_connections // workers))
        self.watchdog = Watchdog(endpoint.config.time_limit, self.retire)

    def retire(self) -> None:
        """Stop taking connections (called by the watchdog before it answers 503)."""
        with self._retire_lock:
            if self.retiring:
                return
            self.retiring = True
        self._announce()
        self.shutdown()  # waits for serve_forever to leave its loop: no connection is accepted after

    def drain(self) -> None:
        """After retiring: close idle keep-alive connections, let the queries in flight end, exit."""
        for connection in list(self.connections):
            with contextlib.suppress(OSError):  # a waiting handler reads end-of-file and closes
                connection.shutdown(socket.SHUT_RD)
        deadline = time.monotonic() + self.endpoint.config.time_limit + 2
        while time.monotonic() < deadline and not self.connections <= self.abandoned:
            time.sleep(0.02)
        self.watchdog.stop()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            finally:
                self.shutdown_request(request)
            return
        self.connections.add(request)
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.discard(request)
            self._slots.release()

    def server_close(self) -> None:
        pass  # the listening socket belongs to the supervisor and the other workers


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this, 40 ms stalls
    server_version = "cxgraph"
    timeout = 60
    server: WorkerHTTPServer

    # --- plumbing -------------------------------------------------------------------------

    @property
    def endpoint(self) -> Endpoint:
        return self.server.endpoint

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        if self.endpoint.config.access_log:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _cors_lines(self) -> list[str]:
        origins = self.endpoint.config.cors_origins
        if not origins:
            return []
        origin = self.headers.get("Origin")
        if origin is None:
            return []
        if "*" in origins:
            return ["Access-Control-Allow-Origin: *"]
        if origin in origins:
            return [f"Access-Control-Allow-Origin: {origin}", "Vary: Origin"]
        return []

    def _send(
        self, status: int, media_type: str, body: bytes, extra: dict[str, str] | None = None, head_only: bool = False
    ) -> None:
        """Write the whole response (status line, headers, body) in one system call."""
        self.wfile.write(self._response(status, media_type, body, extra, head_only))

    def _response(
        self, status: int, media_type: str, body: bytes, extra: dict[str, str] | None = None, head_only: bool = False
    ) -> bytes:
        self.log_request(status, len(body))
        if media_type.startswith("text/") or media_type.endswith("json") or media_type.endswith("xml"):
            media_type += "; charset=utf-8"
        lines = [
            f"{self.protocol_version} {status} {_PHRASES.get(status, '')}",
            f"Server: {self.server_version}",
            f"Date: {_http_date()}",
            f"Content-Type: {media_type}",
            f"Content-Length: {len(body)}",
            "X-Content-Type-Options: nosniff",
        ]
        for name, value in (extra or {}).items():
            lines.append(f"{name}: {value}")
            if name == "Connection" and value == "close":
                self.close_connection = True
        lines.extend(self._cors_lines())
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head if head_only else head + body

    def _error(self, status: int, message: str, close: bool = False) -> None:
        self.wfile.write(self._error_response(status, message, close))

    def _error_response(self, status: int, message: str, close: bool = False) -> bytes:
        return self._response(
            status,
            "text/plain",
            (message.rstrip("\n") + "\n").encode("utf-8"),
            {"Connection": "close"} if close else None,
        )

    def _path(self) -> tuple[str, str]:
        path, _, query = self.path.partition("?")
        return path, query

    def _endpoint_iri(self) -> str:
        """The endpoint's IRI as the client addressed it (Host header), else the bound address."""
        host = self.headers.get("Host", "")
        if not _HOST.fullmatch(host):
            host = self.server.authority
        return f"http://{host}/sparql"

    def _answer_timeout(self) -> None:
        """Called by the watchdog, from its thread, while this handler is stuck in the query."""
        response = self._error_response(
            503,
            f"the query ran longer than the time limit of {self.endpoint.config.time_limit:g} s "
            "and was stopped; narrow it (add LIMIT, bind more variables) or raise "
            "'cxgraph serve --time-limit'",
            close=True,
        )
        self.server.abandoned.add(self.connection)
        self.connection.sendall(response)
        self.connection.shutdown(socket.SHUT_RDWR)

    # --- methods --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._get(head_only=False)

    def do_HEAD(self) -> None:
        self._get(head_only=True)

    def _get(self, head_only: bool) -> None:
        path, query = self._path()
        if path in ("/", "/index.html"):
            self._send(
                200,
                "text/html",
                self.endpoint.page,
                {
                    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                    "style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                },
                head_only=head_only,
            )
        elif path == "/queries.json":
            self._send(200, "application/json", self.endpoint.queries_json, head_only=head_only)
        elif path == "/sparql":
            self._sparql("GET", query, b"", head_only=head_only)
        elif path.startswith(rest.PREFIX):
            limit = self.endpoint.config.max_result_bytes
            status, media_type, body = rest.answer(self.endpoint.store, path, query, limit)
            self._send(status, media_type, body, head_only=head_only)
        else:
            self._error(404, f"nothing at {path}; the SPARQL endpoint is /sparql and the query page is /")

    def do_POST(self) -> None:
        path, query = self._path()
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self._error(411, "send a Content-Length header with the request body", close=True)
            return
        try:
            length = int(length_header)
        except ValueError:
            self._error(400, "Content-Length is not a number", close=True)
            return
        if length < 0 or length > _MAX_BODY:
            self._error(413, f"the request body is larger than {_MAX_BODY:,} bytes", close=True)
            return
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True  # the client went away (or this worker is retiring)
            return
        if path != "/sparql":
            self._error(404, f"nothing at {path}; POST queries to /sparql")
            return
        self._sparql("POST", query, body, head_only=False)

    def do_OPTIONS(self) -> None:
        extra = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.endpoint.config.cors_origins and self.headers.get("Origin"):
            extra.update(
                {
                    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept",
                    "Access-Control-Max-Age": "600",
                }
            )
        self._send(204, "text/plain", b"", extra)

    def _read_only(self) -> None:
        self._error(405, "this endpoint is read-only; it answers GET, HEAD, POST (queries) and OPTIONS", close=True)

    do_PUT = do_DELETE = do_PATCH = _read_only

    # --- the SPARQL operation -------------------------------------------------------------

    def _sparql(self, method: str, url_query: str, body: bytes, head_only: bool) -> None:
        accept = self.headers.get("Accept")
        try:
            request = parse_request(method, url_query, self.headers.get("Content-Type"), body)
        except ProtocolError as error:
            self._error(error.status, error.message)
            return
        if request is None:
            self._describe(accept, head_only)
            return
        try:
            inspect_query(request.query)
        except Refused as refusal:
            self._error(403, refusal.message)
            return
        results_format, graph_format = choose_formats(request, accept)
        if results_format is None and graph_format is None:
            self._error(
                406,
                f"no acceptable format in Accept: {accept}. This endpoint answers SELECT/ASK as "
                f"{', '.join(RESULTS_TYPES)} and CONSTRUCT/DESCRIBE as {', '.join(GRAPH_TYPES)}",
            )
            return
        job = Job(request.query, results_format, graph_format, request.default_graphs, request.named_graphs)
        watchdog = self.server.watchdog
        token = watchdog.begin(self._answer_timeout)
        try:
            outcome = evaluate(self.endpoint.store, job, self.endpoint.config.max_result_bytes)
        finally:
            owned = watchdog.finish(token)
        if not owned:  # the watchdog answered 503 and this worker is retiring
            self.close_connection = True
            return
        if outcome.status != 200:
            self._error(outcome.status, outcome.body.decode("utf-8", "replace"))
            return
        self._send(200, outcome.media_type, outcome.body, {"Vary": "Accept"}, head_only=head_only)

    def _describe(self, accept: str | None, head_only: bool) -> None:
        if (
            accept
            and "text/html" in accept
            and negotiate(accept, ("text/html", *GRAPH_TYPES), graph=True) == "text/html"
        ):
            self._send(303, "text/plain", b"see the query page at /\n", {"Location": "/"}, head_only=head_only)
            return
        media_type = negotiate(accept, GRAPH_TYPES, graph=True)
        if media_type is None:
            self._error(406, f"the service description is offered as {', '.join(GRAPH_TYPES)}")
            return
        body = self.endpoint.description(self._endpoint_iri(), media_type)
        self._send(200, media_type, body, {"Vary": "Accept"}, head_only=head_only)


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
