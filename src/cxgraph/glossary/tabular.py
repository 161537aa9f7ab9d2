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


def read_rows(
    rows: list[list[str]], source: str, first_line: int = 1, lines: list[int] | None = None
) -> list[Entry]:
    """Entries of a table given as rows of cells, header first.

    ``lines`` gives the line each row starts on; without it rows are taken to be consecutive
    lines from ``first_line``.
    """
    if lines is not None and rows:
        first_line = lines[0]
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
            line = lines[offset] if lines is not None else first_line + offset
            entries.append(Entry(term=term, acronym=acronym, definition=definition, line=line))
    return entries


def _unclosed_quote(text: str, delimiter: str, first_line: int) -> int | None:
    """The line on which a quoted field opens and is never closed, reading as :mod:`csv` does.

    A field is quoted when its first character is ``"``; inside it ``""`` stands for a quote
    and a lone ``"`` ends it. Returns None when every quoted field is closed.
    """
    token = re.compile(rf'"|{re.escape(delimiter)}|\n|\r|[^"{re.escape(delimiter)}\r\n]+')
    line, quoted, opened, field_start, pos = first_line, False, 0, True, 0
    while pos < len(text):
        match = token.match(text, pos)
        assert match is not None
        piece, pos = match.group(), match.end()
        if quoted:
            if piece == '"':
                if text.startswith('"', pos):
                    pos += 1
                else:
                    quoted = False
            elif piece == "\n":
                line += 1
        elif piece == '"' and field_start:
            quoted, opened, field_start = True, line, False
        elif piece in (delimiter, "\n", "\r"):
            field_start = True
            line += piece == "\n"
        else:
            field_start = False
    return opened if quoted else None


def read_csv(text: str, source: str) -> list[Entry]:
    """Entries of CSV or TSV text; the delimiter (comma, semicolon, tab or bar) is detected.

    A quoted field that is never closed would swallow the rest of the file into one cell; it is
    refused, naming the line where the quote opens.
    """
    sample = text[:8192]
    first = sample.splitlines()[0] if sample.splitlines() else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if any(c.strip() for c in row):
                rows.append(row)
                lines.append(start)
    except csv.Error as exc:
        _refuse_unclosed_quote(text, delimiter, start, source)
        raise InputError(f"{source}: line {start}: not readable as CSV: {exc}; check the quoting") from exc
    if rows:
        _refuse_unclosed_quote(text, delimiter, lines[-1], source)
    return read_rows(rows, source, lines=lines)


def _refuse_unclosed_quote(text: str, delimiter: str, from_line: int, source: str) -> None:
    """Raise :class:`InputError` if a quoted field opened on or after ``from_line`` never closes."""
    tail = "".join(io.StringIO(text).readlines()[from_line - 1 :])
    opened = _unclosed_quote(tail, delimiter, from_line)
    if opened is not None:
        raise InputError(
            f"{source}: line {opened}: a quoted field opens here and is never closed, so everything "
            "after it would be read as one cell; add the closing quote (write a quote inside a quoted "
            'field twice: "")'
        )
