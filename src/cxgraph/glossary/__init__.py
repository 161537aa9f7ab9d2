"""Importing a team's glossary: read its entries, match them to the vocabulary, propose a patch.

    glossary = read_glossary(Path("our-glossary.txt"))
    index = VocabularyIndex.from_store(load_vocabulary().store)
    matches = match_entries(glossary.entries, index)
    patch = build_patch(matches, index, source_title="Our support glossary")

Readers live in :mod:`.lines` (term lines, bullets, letter headings), :mod:`.inline` (one long
"Term Definition: …" line), :mod:`.markdown` and :mod:`.tabular` (CSV); :mod:`.read` picks one.
"""

from __future__ import annotations

from .apply import ApplyResult, apply_patch, import_path
from .entries import Entry, normalise
from .match import FUZZY_THRESHOLD, MATCH_KINDS, Match, VocabularyIndex, match_entries, match_entry
from .patch import Patch, build_patch, slugify
from .read import FORMATS, Glossary, detect_format, read_glossary, read_glossary_text
from .report import match_record, render_json, render_report

__all__ = [
    "FORMATS",
    "FUZZY_THRESHOLD",
    "MATCH_KINDS",
    "ApplyResult",
    "Entry",
    "Glossary",
    "Match",
    "Patch",
    "VocabularyIndex",
    "apply_patch",
    "build_patch",
    "detect_format",
    "import_path",
    "match_entries",
    "match_entry",
    "match_record",
    "normalise",
    "read_glossary",
    "read_glossary_text",
    "render_json",
    "render_report",
    "slugify",
]
