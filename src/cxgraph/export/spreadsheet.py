"""A CSV table with one row per concept, for people who live in spreadsheets."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from ..namespaces import DCT, RDF, SKOS
from .snapshot import Snapshot

__all__ = ["CSV_COLUMNS", "to_csv"]

CSV_COLUMNS = ("iri", "prefLabel", "altLabels", "definition", "broader", "related", "sources")
_SEPARATOR = " | "
_TYPE = RDF + "type"
_CONCEPT = SKOS + "Concept"
_COLUMN_OF = {
    SKOS + "prefLabel": 1,
    SKOS + "altLabel": 2,
    SKOS + "definition": 3,
    SKOS + "broader": 4,
    SKOS + "related": 5,
    DCT + "source": 6,
}


def to_csv(snapshot: Snapshot, language: str = "en") -> bytes:
    """Concepts in IRI order; several values in one cell are joined with " | "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for subject, pairs in snapshot.subjects():
        if not isinstance(subject, ox.NamedNode):
            continue
        is_concept = False
        cells: list[list[str]] = [[] for _ in CSV_COLUMNS]
        for p, o in pairs:
            if p.value == _TYPE:
                is_concept = is_concept or (isinstance(o, ox.NamedNode) and o.value == _CONCEPT)
                continue
            column = _COLUMN_OF.get(p.value)
            if column is None or isinstance(o, ox.BlankNode):
                continue
            if isinstance(o, ox.Literal) and o.language and o.language != language:
                continue
            cells[column].append(o.value)
        if is_concept:
            writer.writerow([subject.value, *(_SEPARATOR.join(sorted(c)) for c in cells[1:])])
    return buffer.getvalue().encode("utf-8")
