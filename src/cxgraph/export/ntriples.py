"""Reading the snapshot's N-Triples lines as text, without an RDF term object per triple.

The JSON-LD and CSV writers look at every triple of the vocabulary. Building a pyoxigraph term
for each of them costs far more than the writing itself on large vocabularies, so these writers
read the snapshot's lines directly. That is safe because the snapshot is canonical N-Triples
written by Oxigraph: one triple per line ending in ``" .\\n"``, subjects and predicates without
spaces, IRIs without quotes or backslashes, and every quote, backslash and control character of
a literal escaped. A term stays in its N-Triples spelling (``<iri>``, ``_:name``, ``"text"@en``,
``"5"^^<datatype>``, as ``bytes``) until a writer needs its value; its first byte says what kind
of term it is (:data:`IRI`, :data:`BLANK`, :data:`LITERAL`).
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, groupby, repeat
from operator import itemgetter
from typing import BinaryIO

__all__ = [
    "BLANK",
    "IRI",
    "LITERAL",
    "Description",
    "collector_paused",
    "describe",
    "iri_of",
    "is_blank",
    "is_literal",
    "json_string",
    "literal_parts",
    "literal_text",
]

#: A subject's predicates, each with its objects, in the snapshot's order.
Description = dict[bytes, list[bytes]]

_LINE_END = b" .\n"
_CHUNK = 1 << 22
#: The first byte of an IRI, of a blank node and of a literal. In sorted lines, a subject's
#: objects of one predicate come in that order too: literals, then IRIs, then blank nodes.
IRI, BLANK, LITERAL = b"<"[0], b"_"[0], b'"'[0]
_ESCAPE = re.compile(rb"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {b"t": "\t", b"b": "\b", b"n": "\n", b"r": "\r", b"f": "\f", b'"': '"', b"'": "'", b"\\": "\\"}


def _chunks(ntriples: bytes) -> Iterator[list[bytes]]:
    """The lines (without their ``" ."`` terminator), a few megabytes at a time."""
    start, end = 0, len(ntriples)
    while start < end:
        stop = ntriples.rfind(b"\n", start, start + _CHUNK) + 1
        if stop <= start:  # one line longer than a chunk
            stop = ntriples.find(b"\n", start + _CHUNK) + 1 or end
        yield ntriples[start : stop - len(_LINE_END)].split(_LINE_END)
        start = stop


def _file_chunks(handle: BinaryIO) -> Iterator[list[bytes]]:
    """The lines of an open N-Triples file, as :func:`_chunks` gives them, read a block at a time."""
    rest = b""
    while block := handle.read(_CHUNK):
        data = rest + block if rest else block
        stop = data.rfind(b"\n") + 1
        if not stop:  # no line ends in this block yet
            rest = data
            continue
        rest = data[stop:]
        yield data[: stop - len(_LINE_END)].split(_LINE_END)
    if rest:  # a last line without its line break
        yield from _chunks(rest + b"\n")


def describe(ntriples: bytes | BinaryIO) -> Iterator[tuple[bytes, Description]]:
    """Each subject of sorted N-Triples with its predicates and their objects, as written.

    ``ntriples`` is the text itself or a file open for reading in binary mode, which is read a
    few megabytes at a time instead of whole. The lines are split and grouped by subject with
    Python's C-level tools (``bytes.split``, ``groupby``); only one chunk of lines is held at a
    time.
    """
    chunks = _chunks(ntriples) if isinstance(ntriples, bytes) else _file_chunks(ntriples)
    lines = chain.from_iterable(chunks)
    rows = map(bytes.split, lines, repeat(b" "), repeat(2))
    # One object per predicate, however many subjects use it: writers may keep descriptions.
    predicates: dict[bytes, bytes] = {}
    for subject, triples in groupby(rows, itemgetter(0)):
        description: Description = {}
        for _, p, o in triples:
            if p in description:
                description[p].append(o)
            else:
                description[predicates.setdefault(p, p)] = [o]
        yield subject, description


def is_literal(term: bytes) -> bool:
    """Whether an N-Triples term is a literal (IRIs and blank nodes never start with a quote)."""
    return term[0] == LITERAL


def is_blank(term: bytes) -> bool:
    """Whether an N-Triples term is a blank node."""
    return term[0] == BLANK


def iri_of(term: bytes) -> str:
    """The IRI of an N-Triples ``<iri>`` term (Oxigraph writes IRIs unescaped)."""
    return term[1:-1].decode()


def literal_parts(term: bytes) -> tuple[bytes, bytes]:
    """A literal's quoted text and what follows it: ``b""``, ``b"@en"`` or ``b"^^<datatype>"``.

    The closing quote is the last one: neither language tags nor datatype IRIs hold quotes.
    """
    cut = term.rindex(b'"') + 1
    return term[:cut], term[cut:]


def _unescape(match: re.Match[bytes]) -> bytes:
    short, long, char = match.groups()
    if char is not None:
        return _ECHAR[char].encode()
    return chr(int(short or long, 16)).encode()


def literal_text(quoted: bytes) -> str:
    """The text of a quoted N-Triples string, escapes decoded."""
    body = quoted[1:-1]
    if b"\\" in body:
        body = _ESCAPE.sub(_unescape, body)
    return body.decode()


def json_string(quoted: bytes) -> bytes:
    """A quoted N-Triples string as a JSON string, as ``json.dumps(..., ensure_ascii=False)`` writes it.

    Most literals need no work: N-Triples and JSON escape the same characters (quotes,
    backslashes, control characters; Oxigraph writes none of them bare), so a string without a
    backslash is spelt the same in both.
    """
    if b"\\" not in quoted:
        return quoted
    return json.dumps(literal_text(quoted), ensure_ascii=False).encode()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a writer keeps millions of small objects.

    The terms and descriptions read from a snapshot (bytes, and lists and tuples of them) never
    form reference cycles, so the collector would find nothing in them; left running, it would
    still re-examine every kept object each time it runs, which costs more than the writing.
    Memory is freed as usual meanwhile: only cycles wait for the collector's return.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
