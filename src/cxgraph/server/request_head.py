"""Reading an HTTP/1.x request's line and headers, and telling where the request ends.

The endpoint reads each request from the bytes waiting on the connection (see
:mod:`cxgraph.server.loop`): :func:`head_end` finds the blank line after the headers,
:func:`parse_head` reads the request line and the headers, and :attr:`RequestHead.body_length`
says how many bytes of body belong to the request. The body length is decided from the same
reading of the headers the answer is made from, so a request cannot be framed one way and
answered another. Only a ``POST`` has a body here: a body on any other method, a chunked body,
or a missing, repeated or oversized ``Content-Length`` is refused (and the connection closed)
before any body is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from .protocol import ProtocolError

__all__ = ["MAX_BODY", "MAX_HEAD", "MAX_HEADERS", "BadHead", "RequestHead", "head_end", "parse_head"]

#: Largest request body (a POSTed query or form) the endpoint reads.
MAX_BODY = 2 * 1024 * 1024
#: Longest request line and headers, together.
MAX_HEAD = 65536
#: Most header lines in one request.
MAX_HEADERS = 100

_COMMON = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"})
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class BadHead(ProtocolError):
    """A request line or header block that cannot be read (answered with ``status``, then closed)."""


@dataclass(slots=True)
class RequestHead:
    """A request's line and headers; header names are lower-case, values as sent (trimmed)."""

    method: str
    target: str
    version: str
    headers: dict[str, str]  # the first value of each header
    lengths: list[str]  # every Content-Length value given
    size: int  # bytes of the request line and headers, blank line included

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of header ``name`` (lower-case), or ``default``."""
        return self.headers.get(name, default)

    @property
    def keep_alive(self) -> bool:
        """Whether the client lets the connection stay open after the answer."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection

    @property
    def body_length(self) -> int:
        """The bytes of body that belong to this request (0 when it will be refused unread)."""
        if self.method != "POST" or "transfer-encoding" in self.headers or len(self.lengths) != 1:
            return 0
        value = self.lengths[0]
        if not value.isascii() or not value.isdigit():
            return 0
        length = int(value)
        return length if length <= MAX_BODY else 0


def head_end(data: bytes) -> int:
    """Where the request line and headers end in ``data`` (just after the blank line), or -1."""
    crlf = data.find(b"\r\n\r\n")
    lf = data.find(b"\n\n")
    if crlf < 0:
        return lf + 2 if lf >= 0 else -1
    return crlf + 4 if lf < 0 or crlf + 4 <= lf + 2 else lf + 2


def parse_head(data: bytes, end: int) -> RequestHead:
    """Read the request line and headers in ``data[:end]``; raises :class:`BadHead`."""
    text = data[:end].decode("latin-1")
    lines = text.split("\n")
    request_line = lines[0].rstrip("\r")
    words = request_line.split()
    if len(words) != 3:
        raise BadHead(400, f"bad request line: {request_line[:200]!r}")
    method, target, version = words
    if not version.startswith("HTTP/") or version not in ("HTTP/1.1", "HTTP/1.0"):
        if version.startswith("HTTP/") and version[5:6].isdigit() and version[5:6] >= "2":
            raise BadHead(505, f"HTTP version {version[5:]} is not supported; use HTTP/1.1")
        raise BadHead(400, f"bad HTTP version: {version[:40]!r}")
    if method not in _COMMON and (not method.isascii() or not all(byte in _TOKEN for byte in method.encode("ascii"))):
        raise BadHead(400, f"bad method: {method[:40]!r}")
    headers: dict[str, str] = {}
    lengths: list[str] = []
    count = 0
    for line in lines[1:]:
        line = line.rstrip("\r")
        if not line:
            continue
        count += 1
        if count > MAX_HEADERS:
            raise BadHead(431, f"more than {MAX_HEADERS} header lines")
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[0] in " \t":
            raise BadHead(400, f"bad header line: {line[:200]!r}")
        name = name.lower()
        value = value.strip(" \t")
        if name == "content-length":
            lengths.append(value)
        if name not in headers:
            headers[name] = value
    if target.startswith("//"):  # a path, never a network location
        target = "/" + target.lstrip("/")
    return RequestHead(method, target, version, headers, lengths, end)
