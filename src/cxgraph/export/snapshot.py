"""One canonical snapshot of the complete graph that every export is rendered from.

The snapshot is sorted N-Triples (see :mod:`cxgraph.canonical`); it is itself the N-Triples
export. Oxigraph's serialisers re-parse it as a stream, and the JSON-LD and CSV writers read its
lines as text (:mod:`cxgraph.export.ntriples`), so no renderer holds a Python object per triple.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ..canonical import canonical_ntriples
from .ntriples import Description, describe

__all__ = ["Snapshot", "take_snapshot"]


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

    def descriptions(self) -> Iterator[tuple[bytes, Description]]:
        """Each subject with its predicates and their objects, as N-Triples terms, in canonical order."""
        return describe(self.ntriples)


def take_snapshot(store: ox.Store) -> Snapshot:
    """Snapshot the default graph of ``store``."""
    return Snapshot(store=store, ntriples=canonical_ntriples(store))
