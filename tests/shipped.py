"""The shipped vocabulary as tests read it: the complete store, the files as written, and SPARQL.

``tests/conftest.py`` offers the two stores as the session fixtures ``store`` and ``asserted``;
``rows`` runs a SELECT with every prefix cxgraph knows declared.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from cxgraph.namespaces import PREFIXES as NAMESPACES
from cxgraph.pipeline import complete_store
from cxgraph.query import select_rows

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
QUERIES = ROOT / "queries"

#: SPARQL prologue declaring cxgraph's prefixes (cx:, cxg:, src:, skos:, dct:, isothes: …).
PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in NAMESPACES.items())


@cache
def complete() -> ox.Store:
    """The shipped vocabulary with its entailments (built once per test process; do not modify)."""
    return complete_store(ONTOLOGY)


@cache
def as_written() -> ox.Store:
    """Every shipped ontology file loaded as written, without inference (do not modify)."""
    graph = ox.Store()
    for path in sorted(ONTOLOGY.rglob("*.ttl")):
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return graph


def rows(store: ox.Store, sparql: str) -> list[dict[str, str | None]]:
    """The rows of a SELECT over ``store``, with cxgraph's prefixes declared."""
    return select_rows(store, PREFIXES + sparql)
