"""Reading a glossary file: pick the layout, run its reader, merge repeated terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from .decode import DEFAULT_MAX_SIZE, decode_glossary, read_glossary_bytes
from .entries import Entry, normalised_key
from .inline import is_inline_layout, read_inline
from .lines import read_lines, split_text_lines
from .markdown import markdown_lines, markdown_tables
from .tabular import find_columns, read_csv, read_rows

__all__ = ["FORMATS", "Glossary", "detect_format", "read_glossary", "read_glossary_text"]

#: Values of ``--format``.
FORMATS = ("auto", "text", "markdown", "csv")

_MD_SIGNS = re.compile(r"^(?:\s{0,3}#{1,6}\s+\S|\s{0,3}:\s+\S|\s*\|.*\|\s*$|\s*[-*]\s+\*\*)", re.MULTILINE)


@dataclass(frozen=True)
class Glossary:
    """What was read from one glossary file."""

    source: str
    format: str
    layout: str
    title: str | None
    entries: tuple[Entry, ...]


def detect_format(text: str, name: str = "") -> str:
    """``csv``, ``markdown`` or ``text``, from the file name first and then the content."""
    suffix = Path(name).suffix.casefold()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    if len(_MD_SIGNS.findall(text)) >= 2:
        return "markdown"
    first = next((line for line in text.splitlines() if line.strip()), "")
    if any(d in first for d in (",", "\t", ";")) and find_columns(re.split(r"[,\t;]", first))[0] is not None:
        return "csv"
    return "text"


def _merge(entries: list[Entry]) -> list[Entry]:
    """One entry per term: a repeated term keeps its first place, acronym and definition."""
    merged: dict[str, Entry] = {}
    for entry in entries:
        key = normalised_key(entry.term) or entry.term.casefold()
        known = merged.get(key)
        if known is None:
            merged[key] = entry
        elif (not known.definition and entry.definition) or (known.acronym is None and entry.acronym):
            merged[key] = Entry(
                term=known.term,
                acronym=known.acronym or entry.acronym,
                definition=known.definition or entry.definition,
                line=known.line,
            )
    return list(merged.values())


def read_glossary_text(text: str, source: str = "<text>", fmt: str = "auto") -> Glossary:
    """Read glossary ``text`` in format ``fmt`` (``auto`` detects it from ``source`` and the text)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    chosen = detect_format(text, source) if fmt == "auto" else fmt
    title: str | None = None
    if chosen == "csv":
        entries, layout = read_csv(text, source), "table (CSV)"
    elif chosen == "markdown":
        entries, title = read_lines(markdown_lines(text))
        layout = "Markdown headings, lists and definition lists"
        for line_no, rows in markdown_tables(text):
            if find_columns(rows[0])[0] is not None:
                entries.extend(read_rows(rows, f"{source}: table at line {line_no}", first_line=line_no + 1))
                layout = "Markdown"
    elif is_inline_layout(text):
        entries, layout = read_inline(text), "inline 'Term Definition: …' text"
    else:
        entries, title = read_lines(split_text_lines(text))
        layout = "term lines and bullet lists"
    entries = _merge(entries)
    if not entries:
        raise InputError(
            f"{source}: no glossary entries found (read as {chosen}); a glossary needs terms each followed "
            "by a definition, or a CSV with a 'term' column; try --format"
        )
    return Glossary(source=source, format=chosen, layout=layout, title=title, entries=tuple(entries))


def read_glossary(path: Path, fmt: str = "auto", max_size: int = DEFAULT_MAX_SIZE) -> Glossary:
    """Read the glossary file at ``path`` (at most ``max_size`` bytes); bad input raises :class:`InputError`."""
    text = decode_glossary(read_glossary_bytes(path, max_size), str(path))
    return read_glossary_text(text, str(path), fmt)
