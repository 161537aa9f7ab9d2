"""The HTTP side of ``cxgraph serve``: routes, limits, CORS and the built-in query page.

The supervisor (see :mod:`cxgraph.server.prefork`) accepts the connections and hands each one
to a worker process. A worker runs one thread per connection (HTTP/1.1 keep-alive, the
standard library's request parsing) and evaluates queries in the connection's own thread:
pyoxigraph releases the GIL while a query runs, and no query crosses a process boundary. Each
request is read without being taken off the connection and consumed only once its answer is
written, so a worker that dies leaves it for another worker to answer. The time limit is kept
by :mod:`cxgraph.server.watchdog`.
"""

from __future__ import annotations

import contextlib
import html
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
from http.server import BaseHTTPRequestHandler
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
from .guard import Refused, TooComplex, check_structure, inspect_query, uses_order_by
from .prefork import Supervisor, WorkerLink, stream_offsets
from .protocol import GRAPH_TYPES, RESULTS_TYPES, ProtocolError, choose_formats, negotiate, parse_request
from .sandbox import SandboxUnavailable, seal
from .watchdog import Watchdog

__all__ = ["Endpoint", "EndpointServer", "ServerConfig", "default_workers", "make_server"]

_MAX_BODY = 2 * 1024 * 1024
_QUERY_STACK = 256 * 1024 * 1024  # per connection thread; reserved, not used, until a query recurses
_MAX_HEAD = 65536  # request line and headers


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
        threading.stack_size(_QUERY_STACK)  # deep (but allowed) queries recurse in the engine
        server.watchdog.start()
        server.serve()
        server.drain()


class WorkerServer:
    """One worker: a thread per connection the supervisor hands it, the watchdog, retirement.

    The supervisor balances connections over the workers and applies the connection caps; a
    worker answers what it is given. Once it retires it takes no new request: each connection
    goes back to the supervisor between two requests (it gives them to another worker), and
    the worker exits when the requests in flight are answered.
    """

    def __init__(self, endpoint: Endpoint, link: WorkerLink, authority: str) -> None:
        self.endpoint = endpoint
        self.link = link
        self.slots = link.slots
        self.authority = authority
        self.connections: set[socket.socket] = set()
        self.abandoned: set[socket.socket] = set()
        self.retiring = False
        self._retire_lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()  # readable once the worker retires: idle waits end
        self.watchdog = Watchdog(endpoint.config.time_limit, self.retire, endpoint.config.max_query_memory)

    def retire(self) -> None:
        """Take no more requests (called by the watchdog before it answers 503)."""
        with self._retire_lock:
            if self.retiring:
                return
            self.retiring = True
        self.link.retiring()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def serve(self) -> None:
        """Start a thread for each connection handed over, until retired and idle (or orphaned)."""
        while True:
            received = self.link.receive(0.25)
            if received is None:  # the supervisor is gone
                return
            for slot, sock in received:
                if self.retiring:
                    self.link.hand_back(slot)
                    sock.close()
                    continue
                self._start(slot, sock)
            if self.retiring and self.connections <= self.abandoned:
                return

    def _start(self, slot: int, sock: socket.socket) -> None:
        try:
            client_address = sock.getpeername()
        except OSError:
            client_address = ("", 0)
        self.connections.add(sock)
        thread = threading.Thread(target=self._connection, args=(slot, sock, client_address), daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread could be started: another worker takes the connection
            self.connections.discard(sock)
            self.link.hand_back(slot)
            sock.close()

    def _connection(self, slot: int, sock: socket.socket, client_address: Any) -> None:
        handler: _Handler | None = None
        try:
            handler = _Handler(sock, client_address, self, slot)
        except Exception as error:
            _log_connection_error(client_address, error)
        finally:
            self.connections.discard(sock)
            if sock in self.abandoned:
                pass  # the watchdog answered and shut it down; the supervisor closes it when we exit
            elif handler is not None and handler.handed_back:
                self.link.hand_back(slot)
                sock.close()
            else:
                _close_gently(sock)
                self.link.closed(slot)

    def drain(self) -> None:
        """After retiring: wait for the requests in flight (not the runaway query's), then return."""
        config = self.endpoint.config
        deadline = time.monotonic() + config.time_limit + 5
        while time.monotonic() < deadline and not self.connections <= self.abandoned:
            time.sleep(0.02)
        self.watchdog.stop()

    def wait_readable(self, sock: socket.socket, timeout: float) -> bool:
        """True when ``sock`` has data (or end of file); False on timeout or retirement."""
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        events = poller.poll(max(0, int(timeout * 1000)))
        return any(fd == sock.fileno() for fd, _ in events)


def _close_gently(sock: socket.socket) -> None:
    """Close a connection: take what the client sent (no reset that could destroy our answer), then FIN."""
    with contextlib.suppress(OSError):
        for _ in range(64):
            if not sock.recv(65536, socket.MSG_DONTWAIT):
                break
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
    sock.close()


def _request_length(head: bytes) -> int:
    """The bytes of body that belong to the request with these headers (0 if it will be refused)."""
    lines = head.split(b"\n")
    method = lines[0].split(b" ", 1)[0].strip()
    if method != b"POST":
        return 0  # a body on anything else is refused (and the connection closed) before it is read
    lengths = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            continue
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return 0
        if name == b"content-length":
            lengths.append(value.strip())
    if len(lengths) != 1 or not lengths[0].isdigit():
        return 0
    length = int(lengths[0])
    return length if length <= _MAX_BODY else 0


def _head_end(data: bytes) -> int:
    """Where the request line and headers end in ``data`` (after the blank line), or -1."""
    ends = [i + 4 for i in (data.find(b"\r\n\r\n"),) if i >= 0] + [i + 2 for i in (data.find(b"\n\n"),) if i >= 0]
    return min(ends) if ends else -1


class _ResponseBuffer:
    """The handler's ``wfile``: the whole response is collected, then written in one system call."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


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
    server_version = "cxgraph"
    timeout = 60  # for any single read or write; whole requests have their own deadlines
    server: WorkerServer  # type: ignore[assignment]

    def __init__(self, request: socket.socket, client_address: Any, server: WorkerServer, slot: int) -> None:
        self.slot = slot
        self.handed_back = False
        super().__init__(request, client_address, server)  # type: ignore[arg-type]

    # --- connection lifecycle -------------------------------------------------------------

    def setup(self) -> None:
        self.connection = self.request
        self.connection.settimeout(self.timeout)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
        self.rfile = io.BytesIO()
        self.wfile = _ResponseBuffer()  # type: ignore[assignment]
        # Where this connection's streams stand as it arrives: from here on this worker counts
        # what it writes and consumes, so the supervisor can tell what a dead worker left undone.
        offsets = stream_offsets(self.connection)
        self._sent, self._consumed = offsets if offsets is not None else (-1, -1)

    def finish(self) -> None:
        pass  # the connection is closed or handed back by WorkerServer

    def handle(self) -> None:
        """Serve requests on this connection until it closes; resets and timeouts log one line."""
        self.close_connection = True
        try:
            while True:
                request = self._next_request()
                if request is None or not self._answer(request):
                    return
        except OSError as error:
            _log_connection_error(self.client_address, error)

    def _next_request(self) -> bytes | None:
        """The next complete request, read but left in the kernel's buffer; None to end here.

        Waiting for the first byte costs no deadline (a keep-alive connection may wait
        ``idle_timeout``); from the first byte the line and headers must arrive within
        ``header_timeout``, and the body within ``body_timeout`` after them. A retiring worker
        hands the connection back instead, whatever part of a request has arrived.
        """
        server, config, sock = self.server, self.endpoint.config, self.connection
        idle_since = time.monotonic()
        while True:
            if server.retiring:
                self.handed_back = True
                return None
            left = config.idle_timeout - (time.monotonic() - idle_since)
            if left <= 0:
                return None
            if server.wait_readable(sock, min(left, 5.0)):
                break
        deadline = time.monotonic() + config.header_timeout
        need = 0  # the request's whole length, once its headers are in
        end = -1  # where its headers end
        peek = 16384
        lowat = 1
        pause = 0.001
        seen = -1
        continued = False
        try:
            while True:
                data: bytes = sock.recv(max(need, peek), socket.MSG_PEEK | socket.MSG_DONTWAIT)
                if not data:
                    return None  # the client closed the connection
                if not need:
                    end = _head_end(data)
                    if end < 0:
                        if len(data) > _MAX_HEAD:
                            self._write(self._error_response(431, "the request line and headers are too long",
                                                             close=True))
                            return None
                        if len(data) >= peek:
                            peek = _MAX_HEAD + 1
                    else:
                        need = end + _request_length(data[:end])
                        if need > end:
                            deadline = time.monotonic() + config.body_timeout
                if need and len(data) >= need:
                    return data[:need]
                if need and not continued and len(data) == end and b"100-continue" in data[:end].lower():
                    continued = True  # the client waits for this before it sends the body
                    sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                    if self._sent >= 0:
                        self._sent += 25
                if server.retiring:  # another worker reads this request from where it stands
                    self.handed_back = True
                    return None
                now = time.monotonic()
                if now >= deadline:
                    self._write(_TOO_SLOW)
                    return None
                want = need if need else len(data) + 1
                if want != lowat:  # be woken when that many bytes are there, not at every packet
                    with contextlib.suppress(OSError):
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, want)
                        lowat = want
                if len(data) == seen:  # woken without progress (the kernel caps the mark): back off
                    time.sleep(pause)
                    pause = min(0.05, pause * 2)
                seen = len(data)
                server.wait_readable(sock, deadline - now)
        finally:
            if lowat != 1:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1)

    def _answer(self, request: bytes) -> bool:
        """Answer one request, then consume it; True to go on with the connection."""
        slots, slot = self.server.slots, self.slot
        slots.busy(slot, max(self._consumed, 0), len(request))
        self.rfile = io.BytesIO(request)
        self.wfile = _ResponseBuffer()  # type: ignore[assignment]
        self.close_connection = True
        self.handle_one_request()
        if self.connection in self.server.abandoned:  # the watchdog answered (and closed) it
            return False
        response = b"".join(cast(_ResponseBuffer, self.wfile).parts)
        if not response:
            return False
        self._write(response)
        left = len(request)
        while left > 0:  # the answer is out: now the request may leave the kernel's buffer
            chunk = self.connection.recv(left)
            if not chunk:
                return False
            left -= len(chunk)
        if self._consumed >= 0:
            self._consumed += len(request)
        slots.idle(slot)
        return not self.close_connection

    def _write(self, data: bytes) -> None:
        """Write a whole response, saying first (for the supervisor) where it starts and how long it is."""
        self.server.slots.writing(self.slot, max(self._sent, 0), len(data) if self._sent >= 0 else 1 << 62)
        self.connection.sendall(data)
        if self._sent >= 0:
            self._sent += len(data)

    def handle_expect_100(self) -> bool:
        return True  # the interim answer was sent while the body was awaited (if it was needed)

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
        """The whole response (status line, headers, body), written in one system call after the handler."""
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
        self._write(response)
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
                self.endpoint.page(self.headers.get("Accept-Language")),
                {
                    "Vary": "Accept-Language",
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
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
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
        text, language = request.query, None
        if request.language and request.language.lower() != "all":
            try:
                language = resolve_language(self.endpoint.languages, request.language)
            except UsageError as error:
                self._error(400, f"lang=: {error} (or 'all')")
                return
            text = bind_language(text, language)
        job = Job(text, results_format, graph_format, request.default_graphs, request.named_graphs, language)
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
