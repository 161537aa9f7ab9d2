"""A CSV table with one row per concept, for people who live in spreadsheets."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from ..namespaces import DCT, RDF, SKOS
from .snapshot import Node, Snapshot, Term

__all__ = ["CSV_COLUMNS", "CsvWriter", "to_csv"]

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


class CsvWriter:
    """Builds the table one subject at a time; subjects that are not concepts are skipped."""

    def __init__(self, language: str = "en") -> None:
        self._language = language
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self._rows: list[list[str]] = []

    def add(self, subject: Node, pairs: list[tuple[ox.NamedNode, Term]]) -> None:
        if not isinstance(subject, ox.NamedNode):
            return
        is_concept = False
        cells: list[list[str]] = [[] for _ in CSV_COLUMNS]
        for p, o in pairs:
            if p.value == _TYPE:
                is_concept = is_concept or (isinstance(o, ox.NamedNode) and o.value == _CONCEPT)
                continue
            column = _COLUMN_OF.get(p.value)
            if column is None or isinstance(o, ox.BlankNode):
                continue
            if isinstance(o, ox.Literal) and o.language and o.language != self._language:
                continue
            cells[column].append(o.value)
        if is_concept:
            self._rows.append([subject.value, *(_SEPARATOR.join(sorted(c)) for c in cells[1:])])

    def finish(self) -> bytes:
        """Concepts in IRI order; several values in one cell are joined with " | "."""
        self._writer.writerow(CSV_COLUMNS)
        self._writer.writerows(sorted(self._rows))
        return self._buffer.getvalue().encode("utf-8")


def to_csv(snapshot: Snapshot, language: str = "en") -> bytes:
    """One row per concept of the snapshot."""
    writer = CsvWriter(language)
    for subject, pairs in snapshot.subjects():
        writer.add(subject, pairs)
    return writer.finish()
