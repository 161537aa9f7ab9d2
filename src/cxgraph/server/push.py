"""``cxgraph push``: publish the vocabulary with the SPARQL 1.1 Graph Store Protocol.

One HTTP ``PUT`` of the whole graph to ``STORE?graph=IRI`` (or ``STORE?default``): the
protocol defines PUT as *replace*, so pushing twice leaves one copy, and the store applies
it as one operation. Only the standard library is used (``urllib``): a single request with
optional basic, digest or bearer authentication needs nothing more.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import CxgraphError

__all__ = ["DEFAULT_GRAPH_IRI", "Credentials", "PushError", "PushResult", "graph_store_url", "push_graph"]

#: The named graph the vocabulary is pushed into unless told otherwise.
DEFAULT_GRAPH_IRI = "https://w3id.org/cxgraph/vocabulary"

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
    """What the store answered."""

    url: str
    status: int
    size: int


def graph_store_url(store_url: str, graph_iri: str | None) -> str:
    """``store_url`` with ``graph=IRI`` (or ``default`` when ``graph_iri`` is None) added."""
    parts = urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"{store_url}: give the store's Graph Store endpoint as an http:// or https:// URL")
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("graph", "default")]
    query = urlencode(params)
    extra = urlencode({"graph": graph_iri}) if graph_iri is not None else "default"
    query = f"{query}&{extra}" if query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _opener(url: str, credentials: Credentials) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if credentials.digest and credentials.user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, credentials.user, credentials.password or "")
        handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
    return urllib.request.build_opener(*handlers)


def push_graph(
    store_url: str,
    data: bytes,
    content_type: str,
    graph_iri: str | None = DEFAULT_GRAPH_IRI,
    credentials: Credentials | None = None,
    timeout: float = 120.0,
) -> PushResult:
    """Replace one graph of the store with ``data`` by HTTP PUT; raises :class:`PushError`."""
    credentials = credentials or Credentials()
    if credentials.token and credentials.user:
        raise PushError("give either --token or --user/--password, not both")
    if credentials.password is not None and credentials.user is None:
        raise PushError("a password was given without a user; pass --user too")
    url = graph_store_url(store_url, graph_iri)
    request = urllib.request.Request(url, data=data, method="PUT")
    request.add_header("Content-Type", content_type)
    request.add_header("User-Agent", "cxgraph-push")
    if credentials.token:
        request.add_header("Authorization", f"Bearer {credentials.token}")
    elif credentials.user is not None and not credentials.digest:
        pair = f"{credentials.user}:{credentials.password or ''}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
    try:
        with _opener(url, credentials).open(request, timeout=timeout) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        detail = error.read(600).decode("utf-8", "replace").strip()
        hint = _HINTS.get(error.code, "")
        message = f"{url}: the store refused the push with HTTP {error.code} {error.reason}"
        if detail:
            message += f": {detail.splitlines()[0][:300]}"
        if hint:
            message += f"\n  hint: {hint}"
        raise PushError(message) from error
    except urllib.error.URLError as error:
        raise PushError(f"{store_url}: cannot reach the store: {error.reason}") from error
    except (TimeoutError, ConnectionError) as error:
        raise PushError(f"{store_url}: the connection failed: {error}") from error
    return PushResult(url=url, status=status, size=len(data))
