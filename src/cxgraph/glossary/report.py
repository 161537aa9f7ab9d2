"""What an import tells the glossary's owner: a readable report, or JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..languages import language_name
from ..namespaces import CXG
from .match import Match, VocabularyIndex
from .read import Glossary

__all__ = ["match_record", "render_json", "render_report"]


def match_record(match: Match) -> dict[str, Any]:
    """One entry as the JSON object ``--json`` prints."""
    entry = match.entry
    return {
        "term": entry.term,
        "acronym": entry.acronym,
        "definition": entry.definition,
        "match": match.concept,
        "match_kind": match.kind,
        "score": match.score,
        "reason": match.reason,
        "candidates": list(match.candidates),
        "language": match.language or None,
        "line": entry.line,
    }


def render_json(matches: Sequence[Match]) -> str:
    """A JSON array, one object per entry, in glossary order."""
    return json.dumps([match_record(m) for m in matches], ensure_ascii=False, indent=2) + "\n"


def _short(iri: str) -> str:
    return "cxg:" + iri[len(CXG) :] if iri.startswith(CXG) and "/" not in iri[len(CXG) :] else f"<{iri}>"


def _term(match: Match) -> str:
    entry = match.entry
    return f"{entry.term} ({entry.acronym})" if entry.acronym else entry.term


def _language_line(language: str, counts: dict[str, int], total: int) -> str:
    name = f"{language_name(language)} ({language})"
    if not counts:
        return f"  matched in {name}, as asked (--lang)"
    others = ", ".join(f"{tag} {n}" for tag, n in counts.items() if tag != language)
    return (
        f"  matched in {name}: {counts.get(language, 0)} of {total} terms are labels in it"
        f"{f' (other languages: {others})' if others else ''}; --lang chooses another"
    )


def render_report(
    glossary: Glossary,
    matches: Sequence[Match],
    index: VocabularyIndex,
    source_title: str,
    language: str = "en",
    language_counts: dict[str, int] | None = None,
) -> str:
    """The readable report: a summary, then matched, new and ambiguous entries with the reasons."""
    kinds = {k: [m for m in matches if m.kind == k] for k in ("label", "acronym", "normalised", "fuzzy")}
    matched = [m for m in matches if m.concept is not None]
    new = [m for m in matches if m.kind == "none"]
    ambiguous = [m for m in matches if m.kind == "ambiguous"]
    by_kind = ", ".join(f"{len(v)} by {k}" for k, v in kinds.items() if v)
    lines = [
        f'{glossary.source}: {len(matches)} {"entry" if len(matches) == 1 else "entries"} read as {glossary.layout}, '
        f'for the source "{source_title}"',
        f"  matched {len(matched)}{f' ({by_kind})' if by_kind else ''}, new {len(new)}, ambiguous {len(ambiguous)}",
        _language_line(language, language_counts or {}, len(matches)),
    ]
    width = min(44, max((len(_term(m)) for m in matches), default=0))
    if matched:
        lines += ["", f"MATCHED ({len(matched)})"]
        for m in matched:
            assert m.concept is not None
            in_language = f", {m.language}" if m.language else ""
            lines.append(f"  {_term(m):<{width}}  → {_short(m.concept)} [{m.kind} {m.score:g}{in_language}] {m.reason}")
    if new:
        lines += ["", f"NEW ({len(new)}): proposed as candidate concepts"]
        for m in new:
            lines.append(f"  {_term(m):<{width}}  line {m.entry.line}; {m.reason}")
    if ambiguous:
        lines += ["", f"AMBIGUOUS ({len(ambiguous)}): decide by hand"]
        for m in ambiguous:
            options = ", ".join(f"{_short(c)} ({index.name(c)})" for c in m.candidates)
            lines.append(f"  {_term(m):<{width}}  {m.reason}: {options}")
    return "\n".join(lines) + "\n"
