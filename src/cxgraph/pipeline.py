"""The build pipeline: load → check → infer → export, each step its own module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .canonical import canonical_triples
from .infer import entail
from .vocab import Vocabulary, load_vocabulary

__all__ = ["CompleteGraph", "complete", "complete_store"]


@dataclass(frozen=True)
class CompleteGraph:
    """A vocabulary's asserted triples together with the SKOS triples they entail."""

    vocabulary: Vocabulary
    entailed: tuple[ox.Triple, ...]
    store: ox.Store

    def triples(self) -> list[ox.Triple]:
        """Every exported triple, with stable blank-node names, in a stable order."""
        return canonical_triples(q.triple for q in self.store)


def complete(vocabulary: Vocabulary) -> CompleteGraph:
    """Add the entailed triples to a copy of the vocabulary's store."""
    entailed = tuple(entail(vocabulary.store))
    store = ox.Store()
    store.bulk_extend(list(vocabulary.store))
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in entailed])
    return CompleteGraph(vocabulary=vocabulary, entailed=entailed, store=store)


def complete_store(ontology_dir: Path | None = None) -> ox.Store:
    """A store of the asserted and entailed triples of the vocabulary in ``ontology_dir``."""
    return complete(load_vocabulary(ontology_dir)).store
