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
from collections.abc import Callable
from operator import itemgetter

import pyoxigraph as ox

from ..languages import Languages, languages_from, tag_of
from ..namespaces import DCT, RDF, SKOS
from .ntriples import BLANK, IRI, LITERAL, Description, iri_of, literal_parts, literal_text
from .snapshot import Snapshot

__all__ = ["CSV_COLUMNS", "CsvWriter", "csv_columns", "to_csv"]

CSV_COLUMNS = ("iri", "prefLabel", "altLabels", "definition", "broader", "related", "sources")
#: The columns one language adds, in order.
LANGUAGE_COLUMNS = ("prefLabel", "altLabels", "definition")
_SEPARATOR = " | "
_TYPE = f"<{RDF}type>".encode()
_CONCEPT = f"<{SKOS}Concept>".encode()
_SCHEME = f"<{SKOS}ConceptScheme>".encode()
#: Predicates, as N-Triples terms, → their columns.
_TEXT = {
    f"<{SKOS}prefLabel>".encode(): "prefLabel",
    f"<{SKOS}altLabel>".encode(): "altLabels",
    f"<{SKOS}definition>".encode(): "definition",
}
_LINKS = {
    f"<{SKOS}broader>".encode(): "broader",
    f"<{SKOS}related>".encode(): "related",
    f"<{DCT}source>".encode(): "sources",
}
_LINK_COLUMNS = frozenset(_LINKS.values())
_DECLARED = f"<{DCT}language>".encode()


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
        self._rows: list[tuple[str, dict[tuple[str, bytes], list[str]]]] = []
        self._declared: list[str] = []
        self._iris = _Iris()

    def add(self, subject: bytes, description: Description) -> None:
        """Take in one subject: a row if it is a concept, its languages if it is the scheme."""
        if subject[0] == BLANK:
            return
        types = description.get(_TYPE, ())
        if _SCHEME in types:
            self._declared.extend(tag_of(_term(o)) for o in description.get(_DECLARED, ()))
        if _CONCEPT in types:
            self._rows.append((self._iris[subject], self._cells(description)))

    def _cells(self, predicates: Description) -> dict[tuple[str, bytes], list[str]]:
        """(column, language tag) → the concept's values for it, in the snapshot's order."""
        cells: dict[tuple[str, bytes], list[str]] = {}
        iris = self._iris
        for p, column in _LINKS.items():
            objects = predicates.get(p)
            if not objects:
                continue
            if objects[0][0] == IRI == objects[-1][0]:  # sorted: nothing but IRIs in between
                cells[column, b""] = list(map(iris.__getitem__, objects))
            else:
                values = [iris[o] if o[0] == IRI else _text(o) for o in objects if o[0] != BLANK]
                if values:
                    cells[column, b""] = values
        for p, column in _TEXT.items():
            for o in predicates.get(p, ()):
                if o[0] == LITERAL:
                    cut = o.rindex(b'"')
                    tag = o[cut + 2 :] if o[cut + 1 : cut + 2] == b"@" else b""
                    text = o[1:cut].decode() if b"\\" not in o else literal_text(o[: cut + 1])
                    cells.setdefault((column, tag), []).append(text)
        return cells

    def finish(self) -> bytes:
        """Concepts in IRI order; several values in one cell are joined with " | "."""
        languages = languages_from(self._declared)
        columns = csv_columns(languages)
        position = {name: i for i, name in enumerate(columns)}

        def slot(column: str, tag: str) -> int | None:
            """The output column of a value of ``column`` in ``tag`` (``None``: not shown)."""
            if column in _LINK_COLUMNS:
                return position[column]
            owner = languages.resolve(tag) if tag else languages.fallback
            # A preferred label or definition belongs to its exact language only.
            if owner is None or (column != "altLabels" and tag and tag.lower() != owner.lower()):
                return None
            return position[column if owner == languages.fallback else f"{column}@{owner}"]

        slots = _Slots(slot)
        width = len(columns)

        def row(iri: str, cells: dict[tuple[str, bytes], list[str]]) -> list[str]:
            buckets: dict[int, list[str]] = {}
            for key, values in cells.items():
                index = slots[key]
                if index is not None:
                    buckets[index] = buckets[index] + values if index in buckets else values
            out = [""] * width
            out[0] = iri
            for index, values in buckets.items():
                out[index] = values[0] if len(values) == 1 else _SEPARATOR.join(sorted(set(values)))
            return out

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(row(iri, cells) for iri, cells in sorted(self._rows, key=itemgetter(0)))
        self._rows.clear()
        return buffer.getvalue().encode("utf-8")


def _text(literal: bytes) -> str:
    return literal_text(literal_parts(literal)[0])


class _Iris(dict[bytes, str]):
    """N-Triples ``<iri>`` term → the IRI, decoded once however many rows link to it."""

    def __missing__(self, term: bytes) -> str:
        self[term] = iri = iri_of(term)
        return iri


class _Slots(dict[tuple[str, bytes], "int | None"]):
    """(column, language tag) → the output column, or ``None`` when the value is not shown."""

    def __init__(self, slot: Callable[[str, str], int | None]) -> None:
        super().__init__()
        self._slot = slot

    def __missing__(self, key: tuple[str, bytes]) -> int | None:
        column, tag = key
        self[key] = index = self._slot(column, tag.decode())
        return index


def _term(term: bytes) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One N-Triples term as a pyoxigraph term."""
    (quad,) = ox.parse(b"<urn:s> <urn:p> " + term + b" .\n", format=ox.RdfFormat.N_TRIPLES)
    term_object: ox.NamedNode | ox.BlankNode | ox.Literal = quad.object
    return term_object


def to_csv(snapshot: Snapshot) -> bytes:
    """One row per concept of the snapshot."""
    writer = CsvWriter()
    for subject, description in snapshot.descriptions():
        writer.add(subject, description)
    return writer.finish()
