"""The build pipeline: load → infer → check → export, each step its own module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .infer import materialise
from .vocab import Vocabulary, load_vocabulary

__all__ = ["CompleteGraph", "complete", "complete_store"]


@dataclass(frozen=True)
class CompleteGraph:
    """A vocabulary's asserted triples together with the SKOS triples they entail.

    ``store``'s default graph holds both; ``asserted`` and ``entailed`` count them.
    """

    store: ox.Store
    files: tuple[Path, ...]
    asserted: int
    entailed: int


def complete(vocabulary: Vocabulary) -> CompleteGraph:
    """Add the entailed triples to the vocabulary's store and return the complete graph.

    The store is completed in place rather than copied: on vocabularies of hundreds of
    thousands of concepts a copy would double the memory and the time of this step. Use
    :func:`cxgraph.infer.entail` to get the entailed triples without touching a store.
    """
    asserted = len(vocabulary.store)
    entailed = materialise(vocabulary.store)
    return CompleteGraph(store=vocabulary.store, files=vocabulary.files, asserted=asserted, entailed=entailed)


def complete_store(ontology_dir: Path | None = None, *, use_cache: bool | None = None,
                   progress: Callable[[str], None] | None = None) -> ox.Store:
    """A store of the asserted and entailed triples of the vocabulary in ``ontology_dir``.

    The store comes from the persistent cache (:mod:`cxgraph.cache`) and is then read-only;
    the first call on a set of files builds it there. ``use_cache=False`` (or the environment
    variable ``CXGRAPH_NO_CACHE=1`` when ``use_cache`` is None) builds a fresh in-memory store
    instead, which callers may modify.
    """
    from .cache import cache_enabled, cached_store
    from .resources import default_ontology_dir
    from .vocab import ontology_files

    if use_cache is None:
        use_cache = cache_enabled()
    if not use_cache:
        return complete(load_vocabulary(ontology_dir)).store
    directory = ontology_dir if ontology_dir is not None else default_ontology_dir()
    return cached_store(directory, ontology_files(directory), progress)
