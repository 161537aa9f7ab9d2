"""A CSV table with one row per concept, for people who live in spreadsheets."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pyoxigraph as ox

from ..namespaces import DCT, RDF, SKOS

__all__ = ["CSV_COLUMNS", "to_csv"]

CSV_COLUMNS = ("iri", "prefLabel", "altLabels", "definition", "broader", "related", "sources")
_SEPARATOR = " | "
_CONCEPT = SKOS + "Concept"


def to_csv(triples: list[ox.Triple], language: str = "en") -> bytes:
    """Concepts sorted by IRI; several values in one cell are joined with " | "."""
    concepts: set[str] = set()
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    wanted = {
        SKOS + "prefLabel": "prefLabel",
        SKOS + "altLabel": "altLabels",
        SKOS + "definition": "definition",
        SKOS + "broader": "broader",
        SKOS + "related": "related",
        DCT + "source": "sources",
    }
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        p = t.predicate.value
        if p == RDF + "type" and isinstance(t.object, ox.NamedNode) and t.object.value == _CONCEPT:
            concepts.add(t.subject.value)
            continue
        column = wanted.get(p)
        if column is None:
            continue
        o = t.object
        if isinstance(o, ox.Literal):
            if o.language and o.language != language:
                continue
            cells[t.subject.value][column].append(o.value)
        elif isinstance(o, ox.NamedNode):
            cells[t.subject.value][column].append(o.value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for iri in sorted(concepts):
        row = cells[iri]
        writer.writerow([iri, *(_SEPARATOR.join(sorted(row[c])) for c in CSV_COLUMNS[1:])])
    return buffer.getvalue().encode("utf-8")
