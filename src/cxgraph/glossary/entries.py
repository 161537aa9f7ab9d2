"""A glossary entry, and the small text rules every reader shares.

An entry is what a glossary says about one term: the term as written, its acronym if the
glossary gives one, and its definition. The helpers here split "Full Name (ACR)" and
"ACR (Full Name)", recognise acronyms, and normalise labels for matching.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Entry",
    "acronym_after_term",
    "clean",
    "first_acronym",
    "is_acronym",
    "normalise",
    "normalised_key",
    "split_term",
]


@dataclass(frozen=True)
class Entry:
    """One term of a glossary, as the glossary gives it."""

    term: str
    acronym: str | None
    definition: str
    line: int
    """The 1-based line of the input where the term appears."""


_SPACES = re.compile(r"\s+")
_ACRONYM = re.compile(r"[A-Za-z][A-Za-z0-9&\-]{1,9}")
_LOWER_RUN = re.compile(r"[a-z]{3,}")
_PAREN = re.compile(r"^(?P<before>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*(?P<after>[^()]*)$")
_ALIAS_PREFIX = re.compile(
    r"^(?:or|aka|a\.k\.a\.|also|also known as|also called|also referred to as|short for|i\.e\.|e\.g\.)\s+",
    re.IGNORECASE,
)
_TRIM = " \t-\u2013\u2014:;,•*·"


def clean(text: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def is_acronym(token: str) -> bool:
    """True for tokens shaped like an acronym: CSAT, VoC, P0, eNPS, B2B (not Self-Service)."""
    if not _ACRONYM.fullmatch(token) or _LOWER_RUN.search(token):
        return False
    uppers = sum(ch.isupper() for ch in token)
    return uppers >= 2 or (uppers == 1 and token[0].isupper() and any(ch.isdigit() for ch in token))


def first_acronym(inner: str) -> str | None:
    """The acronym a parenthesis gives, as in "(CSAT)", "(CLV or LTV)", "(also referred to as CSAT)"."""
    text = clean(inner)
    while True:
        stripped = _ALIAS_PREFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    if not text or len(text.split()) > 6:
        return None
    for part in re.split(r"\s+or\s+|[/,;]\s*|\s+", text):
        token = part.strip(" .")
        if is_acronym(token):
            return token
    return None


def split_term(raw: str) -> tuple[str, str | None]:
    """Split a term line into (term, acronym).

    "Average Handle Time (AHT)" → ("Average Handle Time", "AHT");
    "SLA (Service Level Agreement)" → ("Service Level Agreement", "SLA");
    "Interactive voice response (IVR) software" → ("Interactive voice response software", "IVR").
    """
    text = clean(raw).strip(_TRIM)
    match = _PAREN.match(text)
    if not match:
        return text, None
    before, inner, after = (clean(match.group(g)) for g in ("before", "inner", "after"))
    if not before:
        return text, None
    if is_acronym(before) and not after and len(inner.split()) >= 2 and first_acronym(inner) is None:
        return inner.strip(_TRIM), before
    acronym = first_acronym(inner)
    if acronym is not None and not is_acronym(before):
        return clean(f"{before} {after}").strip(_TRIM), acronym
    return text, None


def acronym_after_term(term: str, definition: str) -> str | None:
    """The acronym a definition gives right after repeating the term.

    "After-call work (ACW) is …" gives "ACW" for the term "After-Call Work"; so does
    "Net promoter score (or NPS) is …" for "Net Promoter Score".
    """
    pattern = r"^(?:the\s+|an?\s+|your\s+)?" + re.escape(term) + r"s?\s*\(([^()]{1,60})\)"
    match = re.match(pattern, definition, re.IGNORECASE)
    return first_acronym(match.group(1)) if match else None


_STOP = {"the"}
_LEADING = {"a", "an"}


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_ACRONYM_PLURAL = re.compile(r"\b([A-Z][A-Z0-9&]+)s\b")


def normalise(text: str) -> str:
    """A label reduced for comparison: case, accents, hyphens, "&", plurals and "the" ignored.

    Parenthesised asides are dropped and a leading minus sign is kept ("Tier -1" stays apart
    from "Tier 1").
    """
    # The plural of an acronym is its letters plus a lower-case "s" ("KPIs", "SLAs").
    text = _ACRONYM_PLURAL.sub(r"\1", text)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"\([^)]*\)", " ", plain).replace("&", " and ")
    plain = re.sub(r"(?<![\w])[-\u2212\u2013](?=\d)", " minus ", plain)
    words = re.findall(r"[^\W_]+", plain)
    words = [w for w in words if w not in _STOP]
    while words and words[0] in _LEADING and len(words) > 1:
        words = words[1:]
    return " ".join(_singular(w) for w in words)


def normalised_key(text: str) -> str:
    """:func:`normalise` without spaces, so "multi-channel" and "multichannel" agree."""
    return normalise(text).replace(" ", "")
