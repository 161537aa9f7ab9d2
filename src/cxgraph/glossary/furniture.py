"""Telling terms from page furniture: titles, letter headings, calls to action, FAQ questions.

Glossaries copied from the web carry the page around them. These rules decide whether a short
line can name a term; they are deliberately about the *shape* of the line, so they work on
glossaries cxgraph has never seen.
"""

from __future__ import annotations

import re

__all__ = ["MAX_TERM_CHARS", "MAX_TERM_WORDS", "is_furniture", "is_letter_heading", "looks_like_term"]

MAX_TERM_WORDS = 9
MAX_TERM_CHARS = 80

_LETTER_HEADING = re.compile(r"^(?:[A-Z]|[0-9]|#|0-9|[A-Z]\s*[-\u2013]\s*[A-Z])$")

_FURNITURE = [
    # the page's own headings: "Customer Service Glossary", "Customer Service Metrics Definitions"
    r"\b(?:glossary|glossaries|dictionary|terminology|vocabulary)\b",
    # … and their names in the vocabulary's other languages ("Glosario", "Glossaire", "Glossar", "Glossário")
    r"\b(?:glosario|glossaire|glossar|glossário|glossario|lexique|léxico|wörterbuch|diccionario|dictionnaire"
    r"|dicionário|terminología|terminologie|terminologia|vocabulario|vocabulaire|vokabular|vocabulário)\b",
    r"\b(?:terms|definitions|terms faq|faqs?)$",
    r"^\d+\s+(?:terms?|entries|definitions)\b",
    r"\bterms in this\b",
    # announcements and calls to action
    r"\bcoming soon\b",
    r"^(?:share|tweet|print|back to top|table of contents|contents|menu|home|next|previous)$",
    r"\b(?:read more|learn more|find out more|sign up|log in|get started|free trial|free plan|book a demo|"
    r"request a demo|schedule a demo|see a demo|contact us|subscribe|minute read|min read)\b",
    r"^(?:start|try|get|book|download|join|discover|explore|watch|register)\b",
    r"^(?:related|see also|posted|published|updated|written by|by)\b",
    r"^#",
]
_FURNITURE_RE = [re.compile(p, re.IGNORECASE) for p in _FURNITURE]
_SENTENCE_END = (".", "!", "?", ",", ";", "…")


def is_letter_heading(line: str) -> bool:
    """True for the index letters glossaries put between entries ("A", "B", "0-9", "#")."""
    return bool(_LETTER_HEADING.match(line.strip()))


def is_furniture(line: str) -> bool:
    """True for lines that belong to the page, not the glossary."""
    text = line.strip().rstrip(":").strip()
    if text.endswith(("?", "!")):
        return True
    return any(p.search(text) for p in _FURNITURE_RE)


def looks_like_term(line: str) -> bool:
    """True for a short line that could name a term: no sentence end, not furniture."""
    text = line.strip()
    if text.endswith(":"):
        text = text[:-1].rstrip()
    if not text or len(text) > MAX_TERM_CHARS or text.endswith(_SENTENCE_END):
        return False
    if not text[0].isalnum() and text[0] not in "\"'\u201c\u2018(":
        return False
    if len(text.split()) > MAX_TERM_WORDS or is_letter_heading(text):
        return False
    return not is_furniture(text)
