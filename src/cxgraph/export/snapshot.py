"""One canonical snapshot of the complete graph that every export is rendered from.

The snapshot is sorted N-Triples (see :mod:`cxgraph.canonical`); it is itself the N-Triples
export. Other formats re-parse it as a stream, so no renderer holds a Python object per triple.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

import pyoxigraph as ox

from ..canonical import canonical_ntriples

__all__ = ["Snapshot", "take_snapshot"]

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Snapshot:
    """The exportable triples of a complete graph, as canonical sorted N-Triples.

    ``store`` is the complete graph the snapshot was taken from, for renderers that let
    Oxigraph aggregate (it must not change while the snapshot is in use).
    """

    store: ox.Store
    ntriples: bytes

    def triples(self) -> Iterator[ox.Triple]:
        """The triples in canonical order (each subject's triples together)."""
        for quad in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple

    def subjects(self) -> Iterator[tuple[Node, list[tuple[ox.NamedNode, Term]]]]:
        """Each subject with its (predicate, object) pairs, in canonical order."""
        for subject, triples in groupby(self.triples(), key=lambda t: t.subject):
            yield subject, [(t.predicate, t.object) for t in triples]  # type: ignore[misc]


def take_snapshot(store: ox.Store) -> Snapshot:
    """Snapshot the default graph of ``store``."""
    return Snapshot(store=store, ntriples=canonical_ntriples(store))
