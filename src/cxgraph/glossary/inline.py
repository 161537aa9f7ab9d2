"""The inline reader: a whole glossary on one long line, "… Term Term Definition: text …".

Pages flattened to one line keep the shape "What is X? X Definition: …" or "X X Definition: …":
the term is written just before the word "Definition:", usually twice (a heading, then the
term again). The reader takes, before each "Definition:", the longest run of words that repeats
the run before it (ignoring case and punctuation); failing that, the words after the last
sentence end. A definition runs until the next term and keeps only its complete sentences, so
headings and "Coming Soon!" announcements between entries are dropped.
"""

from __future__ import annotations

import re

from .entries import Entry, acronym_after_term, clean, split_term
from .furniture import MAX_TERM_WORDS, looks_like_term

__all__ = ["is_inline_layout", "read_inline"]

_MARKER = re.compile(r"\bDefinition\s*:\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?…])[\"\u201d\u2019)]*\s+")


def is_inline_layout(text: str) -> bool:
    """True when some line holds two or more "Definition:" markers."""
    return any(len(_MARKER.findall(line)) >= 2 for line in text.splitlines())


def _bare(word: str) -> str:
    return re.sub(r"[^\w\-/&+]", "", word).casefold()


def _term_words(before: str) -> tuple[list[str], int]:
    """The words naming the term at the end of ``before``, and where in ``before`` they start."""
    spans = [(m.start(), m.group()) for m in re.finditer(r"\S+", before)]
    words = [w for _, w in spans]
    for k in range(min(MAX_TERM_WORDS, len(words) // 2), 0, -1):
        last, previous = words[-k:], words[-2 * k : -k]
        if [_bare(w) for w in last] == [_bare(w) for w in previous] and all(_bare(w) for w in last):
            return last, spans[-2 * k][0]
    taken: list[str] = []
    for word in reversed(words):
        if word.endswith((".", "!", "?", "…")) or len(taken) >= MAX_TERM_WORDS:
            break
        taken.insert(0, word)
    start = spans[len(words) - len(taken)][0] if taken else len(before)
    return taken, start


def _complete_sentences(text: str) -> str:
    """The leading sentences of ``text`` that end with a full stop."""
    kept: list[str] = []
    for sentence in _SENTENCE.split(clean(text)):
        if not sentence.rstrip('"\u201d\u2019)').endswith("."):
            break
        kept.append(sentence)
    return " ".join(kept)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read_inline(text: str) -> list[Entry]:
    """Entries of an inline glossary."""
    markers = list(_MARKER.finditer(text))
    heads: list[tuple[str, int, int]] = []  # (raw term, where the term starts, where its text starts)
    previous_end = 0
    for marker in markers:
        words, start = _term_words(text[previous_end : marker.start()])
        heads.append((" ".join(words), previous_end + start, marker.end()))
        previous_end = marker.end()
    entries: list[Entry] = []
    for i, (raw_term, term_start, body_start) in enumerate(heads):
        body_end = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        definition = _complete_sentences(text[body_start:body_end])
        if not raw_term or not looks_like_term(raw_term) or not definition:
            continue
        term, acronym = split_term(raw_term)
        if acronym is None:
            acronym = acronym_after_term(term, definition)
        entries.append(Entry(term=term, acronym=acronym, definition=definition, line=_line_of(text, term_start)))
    return entries
