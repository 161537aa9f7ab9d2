"""The HTTP side of ``cxgraph serve``: routes, limits, CORS and the built-in query page.

Each worker process (see :mod:`cxgraph.server.prefork`) runs the standard library's
``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, one thread per connection) on the shared
listening socket and evaluates queries in the connection's own thread: pyoxigraph releases
the GIL while a query runs, and no query crosses a process boundary. The time limit is kept
by :mod:`cxgraph.server.watchdog`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import select
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
from .engine import Job, evaluate, evaluate_in_child
from .guard import Refused, TooComplex, check_structure, inspect_query, uses_order_by
from .prefork import Supervisor, announce_retirement
from .protocol import GRAPH_TYPES, RESULTS_TYPES, ProtocolError, choose_formats, negotiate, parse_request
from .sandbox import SandboxUnavailable, seal
from .watchdog import Watchdog

__all__ = ["Endpoint", "EndpointServer", "ServerConfig", "default_workers", "make_server"]

_MAX_BODY = 2 * 1024 * 1024
_QUERY_STACK = 256 * 1024 * 1024  # per connection thread; reserved, not used, until a query recurses
_RETIRE_IDLE_GRACE = 1.0  # after retiring, a keep-alive connection idle this long is closed


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
        try:
            seal(process=True)  # from here on, no thread of this worker can open a socket
        except SandboxUnavailable as exc:
            sys.stderr.write(
                f"cxgraph: warning: worker {os.getpid()} cannot be sealed from the network ({exc.strerror}); "
                "SERVICE is refused by the query lexer only\n"
            )
        threading.stack_size(_QUERY_STACK)  # deep (but allowed) queries recurse in the engine
        server.watchdog.start()
        server.serve()
        server.drain()


class WorkerHTTPServer(ThreadingHTTPServer):
    """One worker's HTTP server on the shared socket: connection caps, watchdog, retirement.

    A worker accepts a connection only while it has a free slot, and it holds back (a few
    milliseconds per connection over its fair share) while it serves more than its share, so
    the other workers take the next clients; no worker fills up while another idles. One client
    address may hold ``max_connections_per_client`` connections (split over the workers); more
    get 503 at once.
    """

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
        self.retired_at = 0.0
        self._announce = announce
        self._retire_lock = threading.Lock()
        self._stop_accepting = threading.Event()
        self._accepting_done = threading.Event()
        config = endpoint.config
        workers = config.workers or default_workers()
        self.capacity = max(8, config.max_connections // workers)
        self.fair_share = max(1, self.capacity // 2) if workers > 1 else self.capacity
        self.per_client = max(4, config.max_connections_per_client // workers)
        self._clients: dict[str, int] = {}
        self._count_lock = threading.Lock()
        self.watchdog = Watchdog(config.time_limit, self.retire, config.max_query_memory)

    def retire(self) -> None:
        """Stop taking connections (called by the watchdog before it answers 503)."""
        with self._retire_lock:
            if self.retiring:
                return
            self.retiring = True
            self.retired_at = time.monotonic()
        self._announce()
        self._stop_accepting.set()
        if threading.current_thread() is not self._accept_thread:
            self._accepting_done.wait(5)  # no connection is accepted after this returns

    def serve(self) -> None:
        """Accept connections until :meth:`retire`."""
        self._accept_thread = threading.current_thread()
        try:
            while not self._stop_accepting.is_set():
                active = len(self.connections)
                if active >= self.capacity:
                    self._stop_accepting.wait(0.01)  # full: leave new clients to the other workers
                    continue
                if active >= self.fair_share:  # busier than its share: let an idler worker go first
                    self._stop_accepting.wait(min(0.02, 0.001 * (active - self.fair_share + 1)))
                try:
                    ready, _, _ = select.select([self.socket], [], [], 0.1)
                except (OSError, ValueError):
                    return
                if not ready or self._stop_accepting.is_set():
                    continue
                try:
                    request, client_address = self.socket.accept()
                except (BlockingIOError, InterruptedError):
                    continue  # another worker took it
                except OSError:
                    continue
                request.setblocking(True)
                self.process_request(request, client_address)
        finally:
            self._accepting_done.set()

    def drain(self) -> None:
        """After retiring: finish the requests in flight, close keep-alive connections, exit.

        Each connection's next response says ``Connection: close``; a connection that stays
        idle is closed after a short grace. The runaway query's own connection was answered
        by the watchdog and is not waited for.
        """
        config = self.endpoint.config
        deadline = time.monotonic() + max(config.time_limit, config.header_timeout + config.body_timeout) + 5
        while time.monotonic() < deadline and not self.connections <= self.abandoned:
            time.sleep(0.02)
        self.watchdog.stop()

    def process_request(self, request: Any, client_address: Any) -> None:
        client = str(client_address[0]) if isinstance(client_address, tuple) else ""
        with self._count_lock:
            crowded = self._clients.get(client, 0) >= self.per_client
            if not crowded:
                self._clients[client] = self._clients.get(client, 0) + 1
        if crowded:
            with contextlib.suppress(OSError):
                request.send(_CROWDED, socket.MSG_DONTWAIT)
            self.shutdown_request(request)
            return
        self.connections.add(request)
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # no thread could be started
            self._release(request, client)
            self.shutdown_request(request)

    def _release(self, request: Any, client: str) -> None:
        self.connections.discard(request)
        with self._count_lock:
            left = self._clients.get(client, 1) - 1
            if left > 0:
                self._clients[client] = left
            else:
                self._clients.pop(client, None)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.watchdog.request_read(request)
            client = str(client_address[0]) if isinstance(client_address, tuple) else ""
            self._release(request, client)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line per failed connection, never a traceback."""
        error = sys.exc_info()[1]
        _log_connection_error(client_address, error)

    def server_close(self) -> None:
        pass  # the listening socket belongs to the supervisor and the other workers


def _log_connection_error(client_address: Any, error: BaseException | None) -> None:
    client = client_address[0] if isinstance(client_address, tuple) else client_address
    if isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        what = "connection reset by the client"
    elif isinstance(error, TimeoutError):
        what = "connection timed out"
    else:
        what = f"connection failed: {type(error).__name__ if error else 'error'}: {error}"
    sys.stderr.write(f"cxgraph: {client}: {what}\n")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this, 40 ms stalls
    server_version = "cxgraph"
    timeout = 60  # for any single read or write; whole requests have their own deadlines
    server: WorkerHTTPServer

    # --- connection lifecycle -------------------------------------------------------------

    def handle(self) -> None:
        """Serve requests on this connection until it closes; resets and timeouts log one line."""
        self.close_connection = True
        try:
            while self._wait_for_request():
                config = self.endpoint.config
                self.server.watchdog.expect_request(self.connection, config.header_timeout, _TOO_SLOW)
                self.handle_one_request()
                self.server.watchdog.request_read(self.connection)
                if self.close_connection:
                    return
        except OSError as error:
            _log_connection_error(self.client_address, error)

    def _wait_for_request(self) -> bool:
        """Wait for the first byte of the next request; False to close the connection instead.

        Waiting costs no deadline: the request deadline starts with the first byte. A keep-alive
        connection may wait ``idle_timeout``; once the worker retires, only a short grace.
        """
        sock = self.connection
        idle_since = time.monotonic()
        while True:
            try:
                sock.settimeout(0)
                buffered = cast(io.BufferedReader, self.rfile).peek(1)
            finally:
                sock.settimeout(self.timeout)
            if buffered:
                return True
            now = time.monotonic()
            if self.server.retiring and now - max(idle_since, self.server.retired_at) >= _RETIRE_IDLE_GRACE:
                return False
            left = self.endpoint.config.idle_timeout - (now - idle_since)
            if left <= 0:
                return False
            ready, _, _ = select.select([sock], [], [], min(left, 0.25 if self.server.retiring else 1.0))
            if ready:
                return True

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        if parsed:
            self.server.watchdog.request_read(self.connection)  # headers in: the header deadline is met
        return parsed

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
        extra = dict(extra or {})
        if self.server.retiring:  # this worker is leaving: the client reconnects to another one
            extra["Connection"] = "close"
        for name, value in extra.items():
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

    def _timeout_message(self) -> str:
        return (
            f"the query ran longer than the time limit of {self.endpoint.config.time_limit:g} s "
            "and was stopped; narrow it (add LIMIT, bind more variables) or raise "
            "'cxgraph serve --time-limit'"
        )

    def _answer_timeout(self) -> None:
        """Called by the watchdog, from its thread, while this handler is stuck in the query."""
        self._answer_from_watchdog(self._timeout_message())

    def _answer_memory(self) -> None:
        """Called by the watchdog when this worker passed its memory cap during the query."""
        self._answer_from_watchdog(
            f"the worker passed its memory cap of {self.endpoint.config.max_query_memory:,} bytes while "
            "this query ran, and the query was stopped; narrow it (add LIMIT, bind more variables)"
        )

    def _answer_from_watchdog(self, message: str) -> None:
        response = self._error_response(503, message, close=True)
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
        if self.headers.get("Transfer-Encoding") or self.headers.get("Content-Length", "0").strip() != "0":
            self._error(400, f"a {self.command} request has no body; POST a query instead", close=True)
            return
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
        lengths = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding"):
            self._error(411 if not lengths else 400, "send the body with one Content-Length, not chunked", close=True)
            return
        if not lengths:
            self._error(411, "send a Content-Length header with the request body", close=True)
            return
        if len(lengths) > 1:
            self._error(400, "give Content-Length once", close=True)
            return
        length_header = lengths[0].strip()
        if not length_header.isascii() or not length_header.isdigit():
            self._error(400, "Content-Length is not a number", close=True)
            return
        length = int(length_header)
        if length > _MAX_BODY:
            self._error(413, f"the request body is larger than {_MAX_BODY:,} bytes", close=True)
            return
        self.server.watchdog.expect_request(self.connection, self.endpoint.config.body_timeout, _TOO_SLOW)
        body = self.rfile.read(length)
        self.server.watchdog.request_read(self.connection)
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
            check_structure(request.query)
        except TooComplex as refusal:
            self._error(400, refusal.message)
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
        config = self.endpoint.config
        if uses_order_by(request.query):  # the engine's sort can abort the process: run it in a child
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
                self._error(503, self._timeout_message())
                return
        else:
            token = watchdog.begin(self._answer_timeout, self._answer_memory)
            try:
                outcome = evaluate(self.endpoint.store, job, config.max_result_bytes)
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
