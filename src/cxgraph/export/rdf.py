"""Turtle, N-Triples and RDF/XML, written by Oxigraph's serialisers from the snapshot.

Each renderer also has a form that reads the snapshot from the N-Triples file it is written
to (:func:`turtle_from_file`, :func:`rdfxml_from_file`), for a second process that renders
them while the build process goes on with other work (:mod:`cxgraph.export.side`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_bytes_atomic
from ..namespaces import PREFIXES
from .snapshot import Snapshot

__all__ = ["rdfxml_from_file", "to_ntriples", "to_rdfxml", "to_turtle", "turtle_from_file"]


def to_turtle(snapshot: Snapshot) -> bytes:
    """Turtle with the project's prefixes; each subject's triples form one paragraph."""
    data = ox.serialize(snapshot.triples(), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return _paragraphs(data)


#: The end of a line that ends a statement, where the next line starts another one.
_STATEMENT_END = re.compile(rb"\.([ \t\r\v\f]*\n)(?=[\s\S])(?!\t|@prefix|PREFIX)")


def _paragraphs(turtle: bytes) -> bytes:
    """Put a blank line between statements, for people reading the file.

    Oxigraph writes each statement's continuation lines indented with a tab and escapes line
    breaks inside literals, so an unindented line (other than a prefix declaration) that
    follows a line ending in ``.`` always starts a new statement.
    """
    return _STATEMENT_END.sub(rb".\1\n", turtle)


def to_ntriples(snapshot: Snapshot) -> bytes:
    """One triple per line, sorted, the format every RDF tool reads."""
    return snapshot.ntriples


def to_rdfxml(snapshot: Snapshot) -> bytes:
    """RDF/XML, the format Protégé and VocBench import most readily."""
    data = ox.serialize(snapshot.triples(), format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES) or b""
    return data


def _triples_of_file(ntriples: Path) -> Iterator[ox.Triple]:
    return (quad.triple for quad in ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES))


def turtle_from_file(ntriples: Path, out: Path) -> None:
    """Write to ``out`` what :func:`to_turtle` gives for the snapshot in the file ``ntriples``."""
    data = ox.serialize(_triples_of_file(ntriples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    write_bytes_atomic(out, _paragraphs(data))


def rdfxml_from_file(ntriples: Path, out: Path) -> None:
    """Write to ``out`` what :func:`to_rdfxml` gives for the snapshot in the file ``ntriples``.

    The document is streamed to the file as it is serialised, never held in memory.
    """
    with open(out, "wb") as handle:
        ox.serialize(_triples_of_file(ntriples), handle, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        handle.flush()
        os.fsync(handle.fileno())
