"""``cxgraph push``: publish the vocabulary with the SPARQL 1.1 Graph Store Protocol.

One HTTP ``PUT`` of the whole graph to ``STORE?graph=IRI`` (or ``STORE?default``): the
protocol defines PUT as *replace*, so pushing twice leaves one copy, and the store applies
it as one operation. Only the standard library is used (``urllib``): a single request with
optional basic, digest or bearer authentication needs nothing more.

Three things keep a push from going wrong quietly:

* **A deadline for the whole push.** ``timeout`` bounds each wait (connecting, each read and
  write); ``max_time`` bounds the push as a whole, so a store that trickles its answer (or reads
  the upload) a byte at a time cannot hold it forever: when the deadline passes, the connection
  is shut down and the push fails saying so.
* **Credentials are never shown.** A user and password written in the URL
  (``http://user:pass@host/…``) are used for basic or digest authentication; every message
  shows the URL with the password replaced by ``***``, and any password or token is blanked
  out of the store's own error text too.
* **Redirects are reported, not followed.** Following one would send the data and the
  credentials to another URL, perhaps another host; the message names the redirect's target
  and says how to push there.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from ..errors import CxgraphError

__all__ = [
    "DEFAULT_GRAPH_IRI",
    "DEFAULT_MAX_TIME",
    "Credentials",
    "PushError",
    "PushResult",
    "graph_store_url",
    "push_graph",
    "redact_url",
]

#: The named graph the vocabulary is pushed into unless told otherwise.
DEFAULT_GRAPH_IRI = "https://w3id.org/cxgraph/vocabulary"
#: Seconds a whole push may take unless told otherwise.
DEFAULT_MAX_TIME = 600.0

_HINTS = {
    401: "the store asks for credentials: pass --user and --password (or CXGRAPH_PUSH_USER and "
    "CXGRAPH_PUSH_PASSWORD), --digest for stores that use digest authentication, or --token",
    403: "the store refused these credentials the right to write; check the user's write permission",
    404: "no Graph Store endpoint at this URL; check the dataset or repository name and the path "
    "(see 'cxgraph push --help' for each store's URL pattern)",
    405: "this URL does not accept PUT: it is not a Graph Store endpoint, or the store is read-only",
    413: "the store refused a request this large; raise its upload limit",
    415: "the store does not accept this RDF format; try --format ntriples",
}
_REDIRECTS = (301, 302, 303, 307, 308)
#: The 403 hint when the push carried no credentials at all.
_FORBIDDEN_ANONYMOUS = (
    "the store does not let anonymous clients write; pass --user and --password (or "
    "CXGRAPH_PUSH_USER and CXGRAPH_PUSH_PASSWORD, --digest for digest authentication) or --token "
    "for an account allowed to write"
)


def _hint(status: int, credentials: Credentials) -> str:
    """What to try after a refusal; a 403 only blames credentials that were given."""
    if status == 403 and credentials.user is None and not credentials.token:
        return _FORBIDDEN_ANONYMOUS
    return _HINTS.get(status, "")


class PushError(CxgraphError):
    """The store refused the push or could not be reached (exit 2)."""


@dataclass(frozen=True)
class Credentials:
    """Authentication for the store: basic or digest (user and password), or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None
    digest: bool = False


@dataclass(frozen=True)
class PushResult:
    """What the store answered; ``url`` is shown without any password."""

    url: str
    status: int
    size: int


def redact_url(url: str) -> str:
    """``url`` with the password of its user information (``user:pass@``) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}" if colon else f"{user}@{host}"))


def _without_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without ``user:pass@``, and the user and password it held (percent-decoded)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=host)), unquote(user), unquote(password) if colon else None


def graph_store_url(store_url: str, graph_iri: str | None) -> str:
    """``store_url`` with ``graph=IRI`` (or ``default`` when ``graph_iri`` is None) added."""
    parts = urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(
            f"{redact_url(store_url)}: give the store's Graph Store endpoint as an http:// or https:// URL"
        )
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("graph", "default")]
    query = urlencode(params)
    extra = urlencode({"graph": graph_iri}) if graph_iri is not None else "default"
    query = f"{query}&{extra}" if query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _store_part(url: str) -> str:
    """``url`` without the ``graph=`` / ``default`` parameters a push adds."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("graph", "default")]
    return urlunsplit(parts._replace(query=urlencode(params), fragment=""))


class _Deadline:
    """Shuts down every connection of one push once its time is up."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire) if seconds is not None else None
        if self._timer is not None:
            self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        if self._timer is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def connection(self, base: type[http.client.HTTPConnection]) -> Callable[..., http.client.HTTPConnection]:
        """A connection class like ``base`` whose sockets this deadline can shut down."""
        deadline = self

        def create(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
            connection = base(*args, **kwargs)
            opener = connection._create_connection  # type: ignore[attr-defined]

            def create_connection(*a: Any, **k: Any) -> socket.socket:
                sock: socket.socket = opener(*a, **k)
                deadline.track(sock)
                return sock

            connection._create_connection = create_connection  # type: ignore[attr-defined]
            return connection

        return create


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._deadline.connection(http.client.HTTPConnection), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._deadline.connection(http.client.HTTPSConnection), req)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: the caller reports it with its target."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(url: str, credentials: Credentials, deadline: _Deadline) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [_HTTPHandler(deadline), _HTTPSHandler(deadline), _NoRedirects()]
    if credentials.digest and credentials.user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, credentials.user, credentials.password or "")
        handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
    return urllib.request.build_opener(*handlers)


def _redactor(secrets: Iterable[str | None]) -> Callable[[str], str]:
    hidden = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(text: str) -> str:
        for secret in hidden:
            text = text.replace(secret, "***")
        return text

    return redact


def _merge_credentials(url_user: str | None, url_password: str | None, given: Credentials) -> Credentials:
    if url_user is None:
        return given
    if given.user is not None or given.password is not None:
        raise PushError("give the user and password either in the URL or with --user/--password, not both")
    if given.token:
        raise PushError("give either --token or a user and password in the URL, not both")
    if not url_user:
        raise PushError("the URL has a password but no user; write it as http://USER:PASSWORD@HOST/…")
    return Credentials(user=url_user, password=url_password, token=None, digest=given.digest)


def _redirect_message(shown: str, url: str, error: urllib.error.HTTPError, redact: Callable[[str], str]) -> str:
    location = error.headers.get("Location") if error.headers is not None else None
    if not location:
        return f"{shown}: the store answered HTTP {error.code} {error.reason}, a redirect without a target"
    target = urljoin(url, location.strip())
    elsewhere = (urlsplit(target).hostname or "") != (urlsplit(url).hostname or "")
    where = "another host" if elsewhere else "another URL on this host"
    return redact(
        f"{shown}: the store answered HTTP {error.code} {error.reason}, a redirect to {redact_url(target)} "
        f"({where}); cxgraph does not follow redirects of an upload, so the data and credentials go only "
        f"where you say\n  hint: if that is the store's Graph Store endpoint, push to it: "
        f"cxgraph push {redact_url(_store_part(target))}"
    )


def push_graph(
    store_url: str,
    data: bytes,
    content_type: str,
    graph_iri: str | None = DEFAULT_GRAPH_IRI,
    credentials: Credentials | None = None,
    timeout: float = 120.0,
    max_time: float | None = DEFAULT_MAX_TIME,
) -> PushResult:
    """Replace one graph of the store with ``data`` by HTTP PUT; raises :class:`PushError`.

    ``timeout`` bounds each wait for the store, ``max_time`` (None: no limit) the whole push.
    """
    given = credentials or Credentials()
    shown_store = redact_url(store_url)
    bare_url, url_user, url_password = _without_userinfo(store_url)
    credentials = _merge_credentials(url_user, url_password, given)
    raw_password = urlsplit(store_url).netloc.rpartition("@")[0].partition(":")[2]
    redact = _redactor([credentials.password, credentials.token, raw_password])
    if credentials.token and credentials.user:
        raise PushError("give either --token or --user/--password, not both")
    if credentials.password is not None and credentials.user is None:
        raise PushError("a password was given without a user; pass --user too")
    url = graph_store_url(bare_url, graph_iri)
    shown = redact(redact_url(graph_store_url(store_url, graph_iri)))
    request = urllib.request.Request(url, data=data, method="PUT")
    request.add_header("Content-Type", content_type)
    request.add_header("User-Agent", "cxgraph-push")
    if credentials.token:
        request.add_header("Authorization", f"Bearer {credentials.token}")
    elif credentials.user is not None and not credentials.digest:
        pair = f"{credentials.user}:{credentials.password or ''}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
    if credentials.digest and credentials.user is not None:
        _answer_digest_challenge_first(request, url, credentials, min(timeout, 30.0))
    deadline = _Deadline(max_time)
    with deadline:
        try:
            status = _send(request, url, shown, credentials, deadline, timeout, redact)
        except PushError:
            raise
        except Exception as error:
            if deadline.expired:
                raise PushError(
                    f"{shown}: the push did not finish within {max_time:g} s (--max-time): the store is "
                    "answering or reading too slowly, or has stalled; raise --max-time for a very large "
                    "vocabulary or a slow link"
                ) from None
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
                raise PushError(f"{shown}: the store did not answer within {timeout:g} s (--timeout)") from None
            reason = getattr(error, "reason", error)
            if isinstance(reason, BrokenPipeError | ConnectionResetError):
                # Virtuoso refuses a push without credentials, or with wrong digest credentials,
                # by answering before it has read the upload and closing the connection.
                if credentials.user is not None or credentials.token:
                    why = "to refuse credentials (a wrong user or password, or one not allowed to write)"
                    hint = "check --user and --password (or CXGRAPH_PUSH_USER and CXGRAPH_PUSH_PASSWORD)"
                else:
                    why = "when they ask for credentials that were not given"
                    hint = _HINTS[401]
                raise PushError(redact(
                    f"{shown}: the store closed the connection during the upload; stores such as Virtuoso "
                    f"do this {why}\n  hint: {hint}"
                )) from None
            if isinstance(error, urllib.error.URLError):
                raise PushError(redact(f"{shown_store}: cannot reach the store: {error.reason}")) from None
            if isinstance(error, OSError | http.client.HTTPException):
                raise PushError(redact(f"{shown_store}: the connection failed: {error}")) from None
            raise
    return PushResult(url=shown, status=status, size=len(data))


def _answer_digest_challenge_first(
    request: urllib.request.Request, url: str, credentials: Credentials, timeout: float
) -> None:
    """Fetch the store's digest challenge with a bodiless HEAD and sign the PUT before sending it.

    Otherwise the upload is sent unauthenticated first, and a store that answers 401 before
    reading the body and closes the connection (Virtuoso does) breaks the upload mid-way.
    Any failure here leaves the request as it was, to be answered the usual way.
    """
    probe = urllib.request.Request(url, method="HEAD")
    probe.add_header("User-Agent", "cxgraph-push")
    try:
        with urllib.request.build_opener(_NoRedirects()).open(probe, timeout=timeout):
            return  # no challenge: the store does not ask HEAD for credentials
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
    except (OSError, http.client.HTTPException):
        return
    scheme, _, params = challenge.partition(" ")
    if scheme.lower() != "digest":
        return
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, credentials.user or "", credentials.password or "")
    handler = urllib.request.HTTPDigestAuthHandler(manager)
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
    signed = handler.get_authorization(request, fields)
    if signed:
        request.add_unredirected_header("Authorization", f"Digest {signed}")


def _send(
    request: urllib.request.Request,
    url: str,
    shown: str,
    credentials: Credentials,
    deadline: _Deadline,
    timeout: float,
    redact: Callable[[str], str],
) -> int:
    try:
        with _opener(url, credentials, deadline).open(request, timeout=timeout) as response:
            while response.read(1 << 16):
                pass
            return int(response.status)
    except urllib.error.HTTPError as error:
        if error.code in _REDIRECTS:
            raise PushError(_redirect_message(shown, url, error, redact)) from None
        detail = error.read(600).decode("utf-8", "replace").strip()
        hint = _hint(error.code, credentials)
        message = f"{shown}: the store refused the push with HTTP {error.code} {error.reason}"
        if detail:
            message += f": {detail.splitlines()[0][:300]}"
        if hint:
            message += f"\n  hint: {hint}"
        raise PushError(redact(message)) from None
