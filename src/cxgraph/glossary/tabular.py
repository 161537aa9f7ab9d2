"""Glossaries kept as tables: CSV/TSV files and Markdown pipe tables.

The header row names the columns. The term column is the one called term, name, word, label,
concept, keyword or phrase (any case, "Term name" too); the definition column is definition,
description, meaning, explanation, details or notes; an acronym column is acronym,
abbreviation, abbr or short form. Without a term column there is nothing to import, and the
error says which columns the file has.
"""

from __future__ import annotations

import csv
import io
import re

from ..errors import InputError
from .entries import Entry, acronym_after_term, clean, is_acronym, split_term

__all__ = ["find_columns", "read_csv", "read_rows"]

_TERM = ("term", "terms", "name", "word", "label", "concept", "keyword", "phrase", "title", "glossary term")
_DEFINITION = ("definition", "definitions", "description", "meaning", "explanation", "details", "notes", "desc")
_ACRONYM = ("acronym", "acronyms", "abbreviation", "abbreviations", "abbr", "abbrev", "short form", "short name")


def _key(cell: str) -> str:
    return re.sub(r"[\s_\-]+", " ", cell.strip().casefold()).strip()


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [_key(cell) for cell in header]
    for name in names:
        if name in keys:
            return keys.index(name)
    for name in names:
        for i, key in enumerate(keys):
            if key.startswith(name + " ") or key.endswith(" " + name):
                return i
    return None


def find_columns(header: list[str]) -> tuple[int | None, int | None, int | None]:
    """Indexes of the (term, definition, acronym) columns of a header row."""
    return _find(header, _TERM), _find(header, _DEFINITION), _find(header, _ACRONYM)


def read_rows(rows: list[list[str]], source: str, first_line: int = 1) -> list[Entry]:
    """Entries of a table given as rows of cells, header first."""
    if not rows:
        raise InputError(f"{source}: the table has no header row; add one naming a 'term' column")
    header = rows[0]
    term_col, definition_col, acronym_col = find_columns(header)
    if term_col is None:
        shown = ", ".join(repr(clean(c)) for c in header if clean(c)) or "none"
        raise InputError(
            f"{source}: no term column in the header row (line {first_line}; columns found: {shown}); "
            "name the column of terms 'term' (and the definitions 'definition')"
        )
    entries: list[Entry] = []
    for offset, row in enumerate(rows[1:], start=1):

        def cell(col: int | None, row: list[str] = row) -> str:
            return clean(row[col]) if col is not None and col < len(row) else ""

        raw_term = cell(term_col)
        if not raw_term or not any(ch.isalnum() for ch in raw_term):
            continue
        definition, acronym_cell = cell(definition_col), cell(acronym_col)
        term, acronym = split_term(raw_term)
        if acronym_cell:
            acronym = acronym_cell if is_acronym(acronym_cell) or acronym is None else acronym
        if acronym is None and definition:
            acronym = acronym_after_term(term, definition)
        if term:
            entries.append(Entry(term=term, acronym=acronym, definition=definition, line=first_line + offset))
    return entries


def read_csv(text: str, source: str) -> list[Entry]:
    """Entries of CSV or TSV text; the delimiter (comma, semicolon, tab or bar) is detected."""
    sample = text[:8192]
    first = sample.splitlines()[0] if sample.splitlines() else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{source}: not readable as CSV: {exc}; check the quoting") from exc
    rows = [row for row in rows if any(c.strip() for c in row)]
    return read_rows(rows, source)
