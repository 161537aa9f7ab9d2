"""Finding a concept by what a person types: a slug, ``cxg:slug``, an IRI, a label or an acronym.

Every command that takes a concept (``cxgraph view --concept``, ``cxgraph path``) and
:func:`cxgraph.concept` resolve names here. An exact slug or IRI wins; then a preferred label,
then any other label (alternative, hidden, acronym), compared without regard to case. A name
that matches nothing raises :class:`~cxgraph.errors.UsageError` with the closest slugs, labels
and acronyms as suggestions (fuzzy matching with rapidfuzz, so typos are forgiven).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import UsageError
from .namespaces import CXG

__all__ = ["ConceptName", "resolve_name", "suggestions"]

#: How similar (0-100) a label must be to what was typed to be suggested.
_SUGGEST_CUTOFF = 72.0


@dataclass(frozen=True)
class ConceptName:
    """The names one concept answers to: its slug and IRI, its preferred label, its other labels."""

    slug: str
    iri: str
    pref_label: str
    labels: tuple[str, ...] = ()


def _fold(text: str) -> str:
    """Case, accents and runs of spaces, hyphens or underscores ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").replace("_", " ").split())


def resolve_name(names: Sequence[ConceptName], ident: str) -> ConceptName:
    """The concept ``ident`` names; a :class:`UsageError` with suggestions when there is none."""
    wanted = ident.strip()
    if wanted.startswith("cxg:"):
        wanted = wanted[4:]
    if wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    for name in names:
        if wanted in (name.slug, name.iri) or (CXG + wanted) == name.iri:
            return name
    folded = _fold(wanted)
    if folded:
        for name in names:
            if _fold(name.pref_label) == folded:
                return name
        for name in names:
            if any(_fold(label) == folded for label in name.labels):
                return name
    near = suggestions(names, wanted)
    if near:
        hint = "; did you mean " + ", ".join(near) + "?"
    else:
        hint = "; give a slug such as net-promoter-score, an IRI, a label or an acronym"
    raise UsageError(f"no concept {ident!r} in the vocabulary{hint}")


def _candidates(names: Iterable[ConceptName]) -> tuple[list[str], list[tuple[ConceptName, str]]]:
    keys: list[str] = []
    owners: list[tuple[ConceptName, str]] = []
    for name in names:
        for text in (name.slug, name.pref_label, *name.labels):
            keys.append(_fold(text))
            owners.append((name, text))
    return keys, owners


def suggestions(names: Sequence[ConceptName], typed: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` concepts close to ``typed``, best first, each as ``slug`` or ``slug (label)``."""
    from rapidfuzz import fuzz, process

    folded = _fold(typed)
    if not folded:
        return []
    keys, owners = _candidates(names)
    # The plain ratio forgives typos ("Custmer", "NPSS"); token_set_ratio finds a name typed as
    # part of a longer label or with words swapped, and counts a little less so that a close
    # spelling of the whole name ranks above a name that merely shares a word.
    scored: dict[str, tuple[float, str]] = {}
    for scorer, weight in ((fuzz.ratio, 1.0), (fuzz.token_set_ratio, 0.9)):
        hits = process.extract(folded, keys, scorer=scorer, limit=limit * 6, score_cutoff=_SUGGEST_CUTOFF / weight)
        for _, raw, i in hits:
            if weight < 1 and len(keys[i]) < 4:
                continue  # short acronyms share tokens with too much to be useful suggestions
            name, text = owners[i]
            score = raw * weight
            shown = name.slug if text in (name.slug, name.pref_label) else f"{name.slug} ({text})"
            best = scored.get(name.slug)
            if best is None or score > best[0]:
                scored[name.slug] = (score, shown)
    # A name that begins with what was typed ("support" → support-channel) ranks just below an exact spelling.
    for key, (name, text) in zip(keys, owners, strict=True):
        if key.startswith(folded) and key != folded:
            shown = name.slug if text in (name.slug, name.pref_label) else f"{name.slug} ({text})"
            if scored.get(name.slug, (0.0, ""))[0] < 95.0:
                scored[name.slug] = (95.0, shown)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
    return [shown for _, (_, shown) in ranked[:limit]]
