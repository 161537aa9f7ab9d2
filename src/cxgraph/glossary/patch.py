"""The reviewable Turtle patch an import proposes.

It describes the new source, and for each entry:

* matched (label, acronym, normalised, fuzzy): ``dct:source`` the new source on the concept,
  plus the glossary's spellings the vocabulary lacks: its acronym and, for an acronym match,
  its term as ``skos:altLabel``; a variant spelling (normalised or fuzzy match) as
  ``skos:hiddenLabel``. A label some concept already has (ignoring case) is never added again.
* new (none): a candidate concept, typed ``skos:Concept, cx:Candidate``, in ``cxg:vocabulary``
  but not yet in the hierarchy, with the term as ``skos:prefLabel``, the acronym as
  ``skos:altLabel`` and ``dct:source`` the new source. The glossary's definition is kept as a
  sourced structured note, ``skos:note [ rdf:value "…"@en ; dct:source src:… ]`` (a SKOS note
  whose value and provenance travel together), and a ``skos:editorialNote`` tells the editor
  what to do next. The definition is not a ``skos:definition``: cxgraph's definitions are
  written in its own words.
* ambiguous: only a comment naming the candidates, for a person to decide.

Every entry is introduced by a comment saying which line it came from and why it matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import CXG, SRC
from .match import Match, VocabularyIndex

__all__ = ["Patch", "build_patch", "slugify"]

#: The language of the literals a patch writes unless the glossary's language is given.
LANG = "en"
_SAFE_LOCAL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True)
class Patch:
    """A Turtle patch and what it adds."""

    text: str
    source_iri: str
    source_slug: str
    source_title: str
    candidates: tuple[str, ...] = ()
    sourced: tuple[str, ...] = ()
    labels_added: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def data(self) -> bytes:
        return self.text.encode("utf-8")


def slugify(text: str, fallback: str = "term") -> str:
    """The project's slug convention: lower case ASCII words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    plain = plain.replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:80].rstrip("-") or fallback


def _literal(text: str, language: str = LANG) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"@{language}'


def _iri(value: str) -> str:
    for prefix, base in (("cxg", CXG), ("src", SRC)):
        if value.startswith(base) and _SAFE_LOCAL.match(value[len(base) :]):
            return f"{prefix}:{value[len(base) :]}"
    return "<" + re.sub(r"[<>\"{}|^`\\\s]", lambda m: f"%{ord(m.group()):02X}", value) + ">"


def _comment(text: str) -> str:
    return "# " + re.sub(r"[\r\n]+", " ", text)


def _describe(match: Match) -> str:
    entry = match.entry
    acronym = f" ({entry.acronym})" if entry.acronym else ""
    return f'"{entry.term}"{acronym}, line {entry.line}: {match.kind}: {match.reason}'


class _Labels:
    """Labels taken in the vocabulary or already added by this patch (ignoring case)."""

    def __init__(self, index: VocabularyIndex) -> None:
        self.index = index
        self.added: set[str] = set()

    def free(self, label: str | None) -> bool:
        if not label or not label.strip():
            return False
        folded = label.casefold()
        return not self.index.has_label(label) and folded not in self.added

    def take(self, label: str) -> None:
        self.added.add(label.casefold())


def _unique_slug(base: str, index: VocabularyIndex, used: set[str]) -> str:
    slug, n = base, 2
    while CXG + slug in index.subjects or slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def build_patch(
    matches: Sequence[Match], index: VocabularyIndex, source_title: str, origin: str = "", language: str = LANG
) -> Patch:
    """The Turtle patch for ``matches``; ``source_title`` names (and gives the slug of) the new source.

    The glossary's terms, acronyms, definitions and title are written in ``language`` (its tag).
    """

    def lit(text: str) -> str:
        return _literal(text, language)

    source_slug = slugify(source_title, fallback="glossary")
    source = SRC + source_slug
    src = _iri(source)
    labels = _Labels(index)
    warnings: list[str] = []
    counts = {kind: sum(1 for m in matches if m.kind == kind) for kind in ("label", "acronym", "normalised", "fuzzy")}
    new = [m for m in matches if m.kind == "none"]
    ambiguous = [m for m in matches if m.kind == "ambiguous"]
    out = [
        f"# cxgraph import patch: {source_title}",
        _comment(
            f"{len(matches)} entries{f' read from {origin}' if origin else ''}: "
            f"{sum(counts.values())} matched, {len(new)} new, {len(ambiguous)} ambiguous."
        ),
        "# Review it, then apply it with 'cxgraph import FILE --apply', which writes it to ontology/imports/.",
        "",
        "@prefix cx:   <https://w3id.org/cxgraph/ontology#> .",
        "@prefix cxg:  <https://w3id.org/cxgraph/> .",
        "@prefix dct:  <http://purl.org/dc/terms/> .",
        "@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix src:  <https://w3id.org/cxgraph/source/> .",
        "",
        "# The glossary this import reads.",
        f"{src} a dct:BibliographicResource ;",
        f"    dct:title {lit(source_title)} .",
    ]
    if source in index.subjects:
        warnings.append(f"the source <{source}> is already described in the vocabulary; the patch adds to it")

    # Matched concepts, grouped by concept in the order the glossary first names them.
    grouped: dict[str, list[Match]] = {}
    for m in matches:
        if m.concept is not None and m.kind in counts:
            grouped.setdefault(m.concept, []).append(m)
    sourced: list[str] = []
    labels_added = 0
    if grouped:
        out += ["", "# ---- Matched: the glossary uses these concepts ----"]
    for concept, found in grouped.items():
        statements: list[str] = []
        out.append("")
        for m in found:
            out.append(_comment(_describe(m)))
            entry = m.entry
            if m.kind == "acronym" and labels.free(entry.term):
                statements.append(f"skos:altLabel {lit(entry.term)}")
                labels.take(entry.term)
            elif m.kind in ("normalised", "fuzzy") and labels.free(entry.term):
                statements.append(f"skos:hiddenLabel {lit(entry.term)}")
                labels.take(entry.term)
            if entry.acronym and labels.free(entry.acronym):
                statements.append(f"skos:altLabel {lit(entry.acronym)}")
                labels.take(entry.acronym)
        labels_added += len(statements)
        if source not in index.sources.get(concept, set()):
            statements.insert(0, f"dct:source {src}")
            sourced.append(concept)
        if statements:
            out.append(f"{_iri(concept)} " + " ;\n    ".join(statements) + " .")
        else:
            out.append(_comment("nothing to add: the concept already cites this source and has these labels"))

    # New concepts: candidates for an editor to review and place.
    used: set[str] = set()
    candidates: list[str] = []
    if new:
        out += ["", "# ---- New: candidate concepts, not yet placed in the hierarchy ----"]
    for m in new:
        entry = m.entry
        if not labels.free(entry.term):
            warnings.append(f'"{entry.term}" (line {entry.line}) repeats a label already in this patch; left out')
            continue
        concept = CXG + _unique_slug(slugify(entry.term), index, used)
        candidates.append(concept)
        labels.take(entry.term)
        statements = [
            "a skos:Concept, cx:Candidate",
            f"skos:prefLabel {lit(entry.term)}",
        ]
        if entry.acronym and labels.free(entry.acronym):
            statements.append(f"skos:altLabel {lit(entry.acronym)}")
            labels.take(entry.acronym)
        statements += ["skos:inScheme cxg:vocabulary", f"dct:source {src}"]
        statements.append(
            "skos:editorialNote "
            + _literal(
                f"Candidate from the glossary import of {source_title}: write a definition in cxgraph's own "
                "words, place it under a broader concept, then remove cx:Candidate."
            )
        )
        if entry.definition:
            statements.append(f"skos:note [ rdf:value {lit(entry.definition)} ; dct:source {src} ]")
        out += ["", _comment(_describe(m)), f"{_iri(concept)} " + " ;\n    ".join(statements) + " ."]

    if ambiguous:
        out += ["", "# ---- Ambiguous: left out, for a person to decide ----"]
    for m in ambiguous:
        out.append(_comment(_describe(m) + "; candidates: " + ", ".join(f"<{c}>" for c in m.candidates)))
    text = "\n".join(out) + "\n"
    ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)  # the patch is always valid Turtle
    return Patch(
        text=text,
        source_iri=source,
        source_slug=source_slug,
        source_title=source_title,
        candidates=tuple(candidates),
        sourced=tuple(sourced),
        labels_added=labels_added,
        warnings=tuple(warnings),
    )
