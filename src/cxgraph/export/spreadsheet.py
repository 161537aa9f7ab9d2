"""A CSV table with one row per concept, for people who live in spreadsheets.

The first seven columns are the same for every vocabulary: ``iri``, then ``prefLabel``,
``altLabels`` and ``definition`` in the fallback language (English), then ``broader``,
``related`` and ``sources``. Each further language the scheme declares adds its own column set at
the end, ``prefLabel@es``, ``altLabels@es``, ``definition@es`` and so on, so a table keeps its
meaning when a language is added. Regional variants (``en-GB``, ``es-419``, ``pt-PT``) are
alternative labels of their language's set.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from ..languages import Languages, languages_from, tag_of
from ..namespaces import DCT, RDF, SKOS
from .snapshot import Node, Snapshot, Term

__all__ = ["CSV_COLUMNS", "CsvWriter", "csv_columns", "to_csv"]

CSV_COLUMNS = ("iri", "prefLabel", "altLabels", "definition", "broader", "related", "sources")
#: The columns one language adds, in order.
LANGUAGE_COLUMNS = ("prefLabel", "altLabels", "definition")
_SEPARATOR = " | "
_TYPE = RDF + "type"
_CONCEPT = SKOS + "Concept"
_SCHEME = SKOS + "ConceptScheme"
_TEXT = {SKOS + "prefLabel": "prefLabel", SKOS + "altLabel": "altLabels", SKOS + "definition": "definition"}
_LINKS = {SKOS + "broader": "broader", SKOS + "related": "related", DCT + "source": "sources"}
_DECLARED = DCT + "language"


def csv_columns(languages: Languages) -> list[str]:
    """The header row for a vocabulary that speaks ``languages``."""
    others = [tag for tag in languages.declared if tag != languages.fallback]
    return [*CSV_COLUMNS, *(f"{column}@{tag}" for tag in others for column in LANGUAGE_COLUMNS)]


class CsvWriter:
    """Builds the table one subject at a time; subjects that are not concepts are skipped.

    The declared languages are read from the scheme as its subject passes by, so the column
    sets are laid out only in :meth:`finish`.
    """

    def __init__(self) -> None:
        self._rows: list[tuple[str, dict[tuple[str, str], list[str]]]] = []
        self._declared: list[str] = []

    def add(self, subject: Node, pairs: list[tuple[ox.NamedNode, Term]]) -> None:
        if not isinstance(subject, ox.NamedNode):
            return
        is_concept = is_scheme = False
        cells: dict[tuple[str, str], list[str]] = {}
        for p, o in pairs:
            predicate = p.value
            if predicate == _TYPE:
                is_concept = is_concept or o.value == _CONCEPT
                is_scheme = is_scheme or o.value == _SCHEME
            elif isinstance(o, ox.BlankNode):
                continue
            elif predicate in _LINKS:
                cells.setdefault((_LINKS[predicate], ""), []).append(o.value)
            elif predicate in _TEXT and isinstance(o, ox.Literal):
                cells.setdefault((_TEXT[predicate], o.language or ""), []).append(o.value)
        if is_scheme:
            for p, o in pairs:
                if p.value == _DECLARED:
                    self._declared.append(tag_of(o))
        if is_concept:
            self._rows.append((subject.value, cells))

    def finish(self) -> bytes:
        """Concepts in IRI order; several values in one cell are joined with " | "."""
        languages = languages_from(self._declared)
        columns = csv_columns(languages)
        position = {name: i for i, name in enumerate(columns)}
        slots: dict[tuple[str, str], int | None] = {}

        def slot(column: str, tag: str) -> int | None:
            """The output column of a value of ``column`` in ``tag`` (``None``: not shown)."""
            if column in _LINKS.values():
                return position[column]
            owner = languages.resolve(tag) if tag else languages.fallback
            # A preferred label or definition belongs to its exact language only.
            if owner is None or (column != "altLabels" and tag and tag.lower() != owner.lower()):
                return None
            return position[column if owner == languages.fallback else f"{column}@{owner}"]

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        width = len(columns)
        for iri, cells in sorted(self._rows, key=lambda row: row[0]):
            buckets: list[list[str]] = [[] for _ in range(width)]
            for key, values in cells.items():
                if key not in slots:
                    slots[key] = slot(*key)
                index = slots[key]
                if index is not None:
                    buckets[index].extend(values)
            row = [_SEPARATOR.join(sorted(set(b))) if len(b) > 1 else (b[0] if b else "") for b in buckets]
            row[0] = iri
            writer.writerow(row)
        return buffer.getvalue().encode("utf-8")


def to_csv(snapshot: Snapshot) -> bytes:
    """One row per concept of the snapshot."""
    writer = CsvWriter()
    for subject, pairs in snapshot.subjects():
        writer.add(subject, pairs)
    return writer.finish()
