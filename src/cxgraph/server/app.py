"""The HTTP side of ``cxgraph serve``: routes, limits, CORS and the built-in query page.

Built on the standard library's ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, one thread
per connection). The threads only parse requests and copy bytes; queries run in the
worker processes of :mod:`cxgraph.server.pool`, so the GIL is not what limits throughput.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any, cast

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .description import service_description
from .guard import Refused, inspect_query
from .pool import Job, PoolBusy, QueryTimeout, WorkerPool
from .protocol import GRAPH_TYPES, RESULTS_TYPES, ProtocolError, choose_formats, negotiate, parse_request

__all__ = ["Endpoint", "EndpointServer", "ServerConfig", "make_server"]

_MAX_BODY = 2 * 1024 * 1024
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


@dataclass(frozen=True)
class ServerConfig:
    """How the endpoint listens and protects itself."""

    host: str = "127.0.0.1"
    port: int = 8000
    time_limit: float = 10.0
    max_result_bytes: int = 32 * 1024 * 1024
    workers: int = 2
    cors_origins: tuple[str, ...] = ()
    max_connections: int = 256
    access_log: bool = False
    named_queries: tuple[dict[str, str], ...] = field(default_factory=tuple)


class Endpoint:
    """Everything a request handler needs: the worker pool and the prepared static answers."""

    def __init__(self, store: ox.Store, config: ServerConfig) -> None:
        self.config = config
        self.triple_count = len(store)
        dump = cast(bytes, store.dump(format=ox.RdfFormat.N_QUADS))
        self.pool = WorkerPool(
            dump, size=config.workers, time_limit=config.time_limit, max_bytes=config.max_result_bytes
        )
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

    def close(self) -> None:
        self.pool.close()


class EndpointServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the :class:`Endpoint` and caps open connections."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._slots = threading.BoundedSemaphore(endpoint.config.max_connections)
        super().__init__((endpoint.config.host, endpoint.config.port), _Handler)

    @property
    def url(self) -> str:
        """``http://HOST:PORT/sparql`` for the address actually bound."""
        return f"http://{self.authority}/sparql"

    @property
    def authority(self) -> str:
        """``HOST:PORT`` of the bound socket (IPv6 hosts in brackets)."""
        host, port = self.server_address[:2]
        shown = host.decode() if isinstance(host, bytes) else str(host)
        return f"[{shown}]:{port}" if ":" in shown else f"{shown}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            finally:
                self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self.endpoint.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this, 40 ms stalls
    server_version = "cxgraph"
    timeout = 60
    server: EndpointServer

    # --- plumbing -------------------------------------------------------------------------

    @property
    def endpoint(self) -> Endpoint:
        return self.server.endpoint

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        if self.endpoint.config.access_log:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _cors_headers(self) -> None:
        origins = self.endpoint.config.cors_origins
        origin = self.headers.get("Origin")
        if not origins or origin is None:
            return
        if "*" in origins:
            self.send_header("Access-Control-Allow-Origin", "*")
        elif origin in origins:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _send(
        self, status: int, media_type: str, body: bytes, extra: dict[str, str] | None = None, head_only: bool = False
    ) -> None:
        self.send_response(status)
        if media_type.startswith("text/") or media_type.endswith("json") or media_type.endswith("xml"):
            media_type += "; charset=utf-8"
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self._cors_headers()
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _error(self, status: int, message: str, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._send(
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
        try:
            outcome = self.endpoint.pool.run(job)
        except QueryTimeout:
            self._error(
                503,
                f"the query ran longer than the time limit of {self.endpoint.config.time_limit:g} s "
                "and was stopped; narrow it (add LIMIT, bind more variables) or raise "
                "'cxgraph serve --time-limit'",
            )
            return
        except PoolBusy:
            self._error(
                503,
                "every query worker is busy; try again shortly",
            )
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


def make_server(store: ox.Store, config: ServerConfig) -> EndpointServer:
    """Start the workers and bind the socket (port 0 picks a free port); call ``serve_forever``."""
    endpoint = Endpoint(store, config)
    try:
        return EndpointServer(endpoint)
    except OSError:
        endpoint.close()
        raise
