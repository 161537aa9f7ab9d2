"""Turtle, N-Triples and RDF/XML, written by Oxigraph's serialisers from the snapshot."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .snapshot import Snapshot

__all__ = ["to_ntriples", "to_rdfxml", "to_turtle"]


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
