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

from ..languages import Languages, declared_languages
from ..namespaces import DCT, RDF, SKOS
from .ntriples import BLANK, IRI, LITERAL, Description, collector_paused, literal_parts, literal_text
from .snapshot import Snapshot

__all__ = ["CSV_COLUMNS", "CsvWriter", "csv_columns", "to_csv"]

CSV_COLUMNS = ("iri", "prefLabel", "altLabels", "definition", "broader", "related", "sources")
#: The columns one language adds, in order.
LANGUAGE_COLUMNS = ("prefLabel", "altLabels", "definition")
_SEPARATOR = b" | "
_TYPE = f"<{RDF}type>".encode()
_CONCEPT = f"<{SKOS}Concept>".encode()
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


def csv_columns(languages: Languages) -> list[str]:
    """The header row for a vocabulary that speaks ``languages``."""
    others = [tag for tag in languages.declared if tag != languages.fallback]
    return [*CSV_COLUMNS, *(f"{column}@{tag}" for tag in others for column in LANGUAGE_COLUMNS)]


class CsvWriter:
    """Builds the table one subject at a time; subjects that are not concepts are skipped.

    ``languages`` are the ones the scheme declares (:func:`cxgraph.languages.declared_languages`);
    they lay out the columns, so each concept's row is complete as soon as it is added.
    """

    def __init__(self, languages: Languages) -> None:
        self._languages = languages
        self._columns = csv_columns(languages)
        position = {name: i for i, name in enumerate(self._columns)}
        self._links = {p: position[column] for p, column in _LINKS.items()}
        #: predicate → what follows a literal's quotes (b"@es", b"") → output column, or None.
        self._text = {p: _TextColumns(self._slot, column, position) for p, column in _TEXT.items()}
        self._rows: list[list[bytes]] = []

    def _slot(self, column: str, tag: str, position: dict[str, int]) -> int | None:
        """The output column of a value of ``column`` in ``tag`` (``None``: not shown)."""
        languages = self._languages
        owner = languages.resolve(tag) if tag else languages.fallback
        # A preferred label or definition belongs to its exact language only.
        if owner is None or (column != "altLabels" and tag and tag.lower() != owner.lower()):
            return None
        return position[column if owner == languages.fallback else f"{column}@{owner}"]

    def add(self, subject: bytes, description: Description) -> None:
        """Take in one subject: a row if it is a concept."""
        if subject[0] != BLANK and _CONCEPT in description.get(_TYPE, ()):
            self._rows.append(self._row(subject, description))

    def _row(self, subject: bytes, description: Description) -> list[bytes]:
        """The concept's cells as UTF-8 text; several values in one cell are sorted and joined with " | ".

        The cells stay bytes (UTF-8 orders text as its characters do): most values are copied
        from the N-Triples as they are, and never decoded.
        """
        row = [b""] * len(self._columns)
        row[0] = subject[1:-1]
        for p, index in self._links.items():
            objects = description.get(p)
            if not objects:
                continue
            values = [o[1:-1] if o[0] == IRI else _text(o) for o in objects if o[0] != BLANK]
            row[index] = _SEPARATOR.join(sorted(set(values))) if len(values) > 1 else b"".join(values)
        texts: dict[int, list[bytes]] = {}
        for p, columns in self._text.items():
            for o in description.get(p, ()):
                if o[0] != LITERAL:
                    continue
                cut = o.rindex(b'"')
                slot = columns[o[cut + 1 :]]
                if slot is not None:
                    text = o[1:cut] if b"\\" not in o else literal_text(o[: cut + 1]).encode()
                    texts.setdefault(slot, []).append(text)
        for slot, values in texts.items():
            row[slot] = values[0] if len(values) == 1 else _SEPARATOR.join(sorted(set(values)))
        return row

    def finish(self) -> bytes:
        """The table: a header, then the concepts in IRI order."""
        lines = [_csv_line(self._columns)]
        commas = len(self._columns) - 1
        for row in sorted(self._rows, key=itemgetter(0)):
            line = b",".join(row)
            # The csv module quotes a field only for a comma, a quote or a line break in it;
            # most rows have none, and are written as they are.
            if line.count(b",") == commas and b'"' not in line and b"\n" not in line and b"\r" not in line:
                lines.append(line + b"\n")
            else:
                lines.append(_csv_line([cell.decode() for cell in row]))
        self._rows.clear()
        return b"".join(lines)


def _csv_line(fields: list[str]) -> bytes:
    """One row as Python's csv module writes it (quoted where needed), in UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue().encode("utf-8")


def _text(literal: bytes) -> bytes:
    return literal_text(literal_parts(literal)[0]).encode()


class _TextColumns(dict[bytes, "int | None"]):
    """What follows a literal's quotes → the column its text goes to, worked out once per tag."""

    def __init__(self, slot: Callable[[str, str, dict[str, int]], int | None], column: str,
                 position: dict[str, int]) -> None:
        super().__init__()
        self._slot, self._column, self._position = slot, column, position

    def __missing__(self, suffix: bytes) -> int | None:
        tag = suffix[1:].decode() if suffix.startswith(b"@") else ""
        self[suffix] = index = self._slot(self._column, tag, self._position)
        return index


def to_csv(snapshot: Snapshot) -> bytes:
    """One row per concept of the snapshot."""
    with collector_paused():
        writer = CsvWriter(declared_languages(snapshot.store))
        for subject, description in snapshot.descriptions():
            writer.add(subject, description)
        return writer.finish()
