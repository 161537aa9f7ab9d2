"""The line-based reader: glossaries where a term sits on its own line or opens a bullet.

It covers the layouts support glossaries really use:

* a term line followed by its definition (paragraphs until the next term);
* letter headings ("A", "B" …) between entries;
* a short form line before "Full Name (ACR)" (the short form is absorbed);
* "ACR (Full Name)" term lines;
* bullets "- Term. Definition", "- Term: definition", "- Term - definition" (a lone "-" may
  stand on the line before its item);
* runs of unbulleted "Term: definition" lines;
* Markdown headings and definition lists, once :mod:`.markdown` has turned them into lines.

Page furniture is left out: a block whose text ends with ":" introduces a list and is a section
heading, not an entry; questions, calls to action and page titles never name a term. A bare
bulleted term with no definition (a table of contents) counts only when the whole glossary
gives no definitions at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .entries import Entry, acronym_after_term, clean, is_acronym, normalise, split_term
from .furniture import MAX_TERM_WORDS, is_furniture, is_letter_heading, looks_like_term

__all__ = ["Line", "read_lines", "split_text_lines"]

PLAIN, HEADING, BULLET, DEFLINE = "plain", "heading", "bullet", "defline"

_BULLET = re.compile(r"^(?:[-*•·\u2013\u2014▪◦‣]|\d{1,3}[.)])(?:\s+|$)")
_ITEM = re.compile(
    r"^(?P<term>[^.:;!?\u2013\u2014]{1,80}?)\s*(?:\.(?!\w\.)|:|\s[\u2013\u2014-]\s)\s*(?P<definition>\S.*)$"
)
_INTRO_VERBS = re.compile(r"\b(?:following|below|these|include|includes|such as|here|are|is)\b", re.IGNORECASE)
_INTRO_WORDS = re.compile(
    r"\b(?:terms?|glossary|definitions?|category|vocabulary|concepts"
    r"|términos|termes|begriffe|termos|definiciones|définitions|definitionen|definições)\b",
    re.IGNORECASE,
)
#: A first line that calls itself a glossary is the title even without an introduction after it.
_TITLE_WORDS = re.compile(
    r"\b(?:glossary|dictionary|terminology|lexicon|jargon|vocabulary"
    r"|glosario|glossaire|glossar|glossário|lexique|léxico|wörterbuch|diccionario|dictionnaire|dicionário)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Line:
    """One non-empty input line, and what its markup says it is."""

    no: int
    text: str
    kind: str = PLAIN


@dataclass
class _Draft:
    term_line: Line
    short_forms: list[str]
    paragraphs: list[str] = field(default_factory=list)


def split_text_lines(text: str) -> list[Line]:
    """The non-empty lines of plain text, with bullet markers recognised."""
    lines: list[Line] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        stripped = clean(raw)
        if not stripped:
            continue
        marker = _BULLET.match(stripped)
        if marker:
            lines.append(Line(no, stripped[marker.end() :].strip(), BULLET))
        else:
            lines.append(Line(no, stripped, PLAIN))
    return _join_lone_markers(lines)


def _join_lone_markers(lines: list[Line]) -> list[Line]:
    """A bullet marker alone on its line introduces the item on the next line."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == BULLET and not line.text and i + 1 < len(lines) and lines[i + 1].kind == PLAIN:
            out.append(Line(line.no, lines[i + 1].text, BULLET))
            i += 2
            continue
        if not (line.kind == BULLET and not line.text):
            out.append(line)
        i += 1
    return out


def _item_entry(line: Line) -> Entry | None:
    """An entry from "Term. Definition", "Term: definition" or "Term - definition"."""
    match = _ITEM.match(line.text)
    if not match:
        return None
    raw_term, definition = match.group("term"), clean(match.group("definition"))
    if not looks_like_term(raw_term) or len(definition) < 2:
        return None
    return _entry(raw_term, definition, line.no)


def _entry(raw_term: str, definition: str, no: int) -> Entry | None:
    term, acronym = split_term(raw_term)
    if not term or not any(ch.isalnum() for ch in term):
        return None
    if acronym is None and definition:
        acronym = acronym_after_term(term, definition)
    return Entry(term=term, acronym=acronym, definition=definition, line=no)


def _colon_mode(lines: list[Line]) -> bool:
    """Unbulleted "Term: definition" lines are a layout only when they make up the glossary."""
    plain = [line for line in lines if line.kind == PLAIN]
    hits = sum(1 for line in plain if ":" in line.text and _item_entry(line) is not None)
    return hits >= 3 and hits * 3 >= len(plain)


def _is_title_block(lines: list[Line]) -> bool:
    """The first line is the page title when an introduction about the glossary follows it."""
    if len(lines) < 3 or lines[0].kind == BULLET:
        return False
    first, second = lines[0].text, lines[1].text
    short = len(first.split()) <= MAX_TERM_WORDS and not first.endswith((".", "?", "!", ":"))
    if short and _TITLE_WORDS.search(first):
        return True
    return lines[1].kind == PLAIN and short and not looks_like_term(second) and bool(_INTRO_WORDS.search(second))


def _is_short_form(short: str, term_line: str) -> bool:
    """True when ``short`` repeats, abbreviates or shortens the term line after it."""
    term, acronym = split_term(term_line)
    if acronym is not None and short == acronym:
        return True
    short_n, term_n = normalise(short), normalise(term)
    return bool(short_n) and (term_n == short_n or term_n.startswith(short_n + " ") or is_acronym(short))


def _is_announcement(text: str) -> bool:
    """A short question or exclamation: an FAQ question, a call to action, "Coming soon!"."""
    return len(text.split()) <= 14 and (text.endswith(("?", "!")) or "coming soon" in text.casefold())


def _is_list_intro(text: str) -> bool:
    """A sentence that announces a list ("The following terms describe …:"), not a "Term:" line."""
    if not text.endswith(":"):
        return False
    words = text[:-1].split()
    lowercase = sum(1 for w in words[1:] if w[:1].islower())
    return bool(_INTRO_VERBS.search(text)) or (len(words) >= 5 and lowercase >= 2)


def _finish(draft: _Draft) -> Entry | None:
    if not draft.paragraphs or draft.paragraphs[-1].endswith(":"):
        return None
    entry = _entry(draft.term_line.text, draft.paragraphs[0], draft.term_line.no)
    if entry is not None and entry.acronym is None:
        for short in draft.short_forms:
            if is_acronym(short) and _is_short_form(short, draft.term_line.text) and _initials(entry.term, short):
                return Entry(entry.term, short, entry.definition, entry.line)
    return entry


def _initials(term: str, acronym: str) -> bool:
    """True when ``acronym`` is the initials of ``term`` ("AES" for "Agent Effort Score")."""
    letters = "".join(word[0] for word in re.findall(r"[^\W_]+", term)).casefold()
    return letters == acronym.casefold()


def read_lines(lines: list[Line]) -> tuple[list[Entry], str | None]:
    """Entries of a line-based glossary, and its title if its first line is one."""
    title: str | None = None
    if _is_title_block(lines):
        title = lines[0].text
        # The introduction after the title is furniture too; a term line right after it is not.
        names_itself = _TITLE_WORDS.search(title) and (looks_like_term(lines[1].text) or lines[1].kind != PLAIN)
        lines = lines[1:] if names_itself else lines[2:]
    colon_mode = _colon_mode(lines)
    defined: list[Entry] = []
    bare: list[Entry] = []
    pending: list[Line] = []
    draft: _Draft | None = None

    def close() -> None:
        nonlocal draft
        if draft is not None:
            entry = _finish(draft)
            if entry is not None:
                defined.append(entry)
        draft = None

    for line in lines:
        text = line.text
        if line.kind in (PLAIN, HEADING) and is_letter_heading(text):
            close()
            pending = []
            continue
        if line.kind == BULLET or (colon_mode and line.kind == PLAIN and _item_entry(line) is not None):
            close()
            pending = []
            item = _item_entry(line)
            if item is not None:
                defined.append(item)
            elif looks_like_term(text):
                entry = _entry(text, "", line.no)
                if entry is not None:
                    bare.append(entry)
            continue
        if line.kind == DEFLINE:
            if pending:
                close()
                draft = _Draft(pending[-1], [p.text for p in pending[:-1]], [text])
                pending = []
            elif draft is not None:
                draft.paragraphs.append(text)
            continue
        if _is_list_intro(text):
            if draft is not None:
                draft.paragraphs.append(text)
            pending = []
            continue
        if looks_like_term(text) or (line.kind == HEADING and not is_furniture(text)):
            close()
            pending.append(line)
            continue
        if _is_announcement(text):
            close()
            pending = []
            continue
        if pending:
            close()
            draft = _Draft(pending[-1], [p.text for p in pending[:-1]], [text])
            pending = []
        elif draft is not None:
            draft.paragraphs.append(text)
    close()
    return (defined if defined else bare), title
