"""Markdown glossaries: headings, definition lists, bold terms and tables become reader lines.

* ``## Term`` headings are term lines (``# A`` letter headings and the page title are skipped
  by the line reader's furniture rules);
* ``Term`` followed by ``: definition`` is a definition list;
* ``**Term**: definition`` and ``- **Term** - definition`` are items;
* a table whose header names a term column is read like a CSV file.

Inline markup (emphasis, code, links, images, HTML tags) is reduced to its text.
"""

from __future__ import annotations

import re

from .entries import clean
from .furniture import looks_like_term
from .lines import BULLET, DEFLINE, HEADING, PLAIN, Line, split_text_lines

__all__ = ["markdown_lines", "markdown_tables", "strip_inline"]

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_DEFLINE = re.compile(r"^\s{0,3}:\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_BOLD_ITEM = re.compile(r"^(?:\*\*|__)(?P<term>[^*_]{1,80}?)(?:\*\*|__)\s*(?P<sep>[:.\u2013\u2014-])?\s*(?P<rest>.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def strip_inline(text: str) -> str:
    """Markdown inline markup reduced to plain text."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]{1,200}>", "", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_]([^*_]+)[*_](?![\w*])", r"\1", text)
    return clean(text.replace("\\", ""))


def _bold_item(text: str, no: int, kind: str) -> Line | None:
    """``**Term**: definition`` as an item line "Term: definition"."""
    match = _BOLD_ITEM.match(text)
    if not match or not match.group("rest"):
        return None
    rest = strip_inline(match.group("rest"))
    if not rest:
        return None
    return Line(no, f"{clean(match.group('term'))}: {rest}", BULLET if kind in (PLAIN, BULLET) else kind)


def _continues_paragraph(raw: str, after_blank: bool, out: list[Line]) -> bool:
    """A soft-wrapped line continues the paragraph above it (but never a term line)."""
    if after_blank or not raw.strip() or not out or out[-1].kind not in (PLAIN, DEFLINE):
        return False
    if _HEADING.match(raw) or _DEFLINE.match(raw):
        return False
    lines = split_text_lines(raw)
    if not lines or lines[0].kind != PLAIN:
        return False
    return not looks_like_term(out[-1].text)


def markdown_lines(text: str) -> list[Line]:
    """The reader lines of a Markdown glossary (tables and code blocks left out)."""
    raw_lines = text.splitlines()
    keep: list[str] = []
    in_fence = False
    for raw in raw_lines:
        if _FENCE.match(raw):
            in_fence = not in_fence
            keep.append("")
            continue
        keep.append("" if in_fence or raw.lstrip().startswith("|") else raw)
    out: list[Line] = []
    previous_blank = True
    for no, raw in enumerate(keep, start=1):
        blank, previous_blank = previous_blank, not raw.strip()
        if _continues_paragraph(raw, blank, out):
            last = out[-1]
            out[-1] = Line(last.no, clean(f"{last.text} {strip_inline(raw)}"), last.kind)
            continue
        heading = _HEADING.match(raw)
        if heading:
            out.append(Line(no, strip_inline(heading.group(2)), HEADING))
            continue
        defline = _DEFLINE.match(raw)
        if defline:
            out.append(Line(no, strip_inline(defline.group(1)), DEFLINE))
            continue
        for line in split_text_lines(raw):
            item = _bold_item(line.text, no, line.kind)
            out.append(item if item is not None else Line(no, strip_inline(line.text), line.kind))
    return [line for line in out if line.text or line.kind == BULLET]


def markdown_tables(text: str) -> list[tuple[int, list[list[str]]]]:
    """Each pipe table of ``text`` as (line of its header, rows of cells), header row first."""
    tables: list[tuple[int, list[list[str]]]] = []
    lines = text.splitlines()
    i = 0
    while i + 1 < len(lines):
        if lines[i].lstrip().startswith("|") and _TABLE_RULE.match(lines[i + 1]):
            start = i
            rows = [_cells(lines[i])]
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables.append((start + 1, rows))
            continue
        i += 1
    return tables


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [strip_inline(cell) for cell in re.split(r"(?<!\\)\|", body)]
