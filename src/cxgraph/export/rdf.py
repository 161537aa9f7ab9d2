"""Turtle, N-Triples and RDF/XML, written by Oxigraph's serialisers from canonical triples."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import PREFIXES

__all__ = ["to_ntriples", "to_rdfxml", "to_turtle"]


def to_turtle(triples: list[ox.Triple]) -> bytes:
    """Turtle with the project's prefixes; a subject's triples are grouped together."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)  # type: ignore[no-any-return]


def to_ntriples(triples: list[ox.Triple]) -> bytes:
    """One triple per line, the format every RDF tool reads."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[no-any-return]


def to_rdfxml(triples: list[ox.Triple]) -> bytes:
    """RDF/XML, the format Protégé and VocBench import most readily."""
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)  # type: ignore[no-any-return]
