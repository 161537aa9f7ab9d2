"""The languages a vocabulary speaks, and picking the right literal for one of them.

A concept scheme declares its languages with ``dct:language`` (BCP 47 tags such as ``"pt-BR"``,
or ISO 639 IRIs whose last path segment is the code) and marks the ones still being written with
``cx:partialLanguage``. Every output that shows one language (the CSV column sets, ``cxgraph
query --lang``, the endpoint's ``Accept-Language``, the graph view, the glossary import) reads the
declaration through :func:`declared_languages` and :meth:`Languages.resolve`, so they agree on
what belongs to a language: its own tag first, then its regional variants (``es-419`` counts for
``es``, ``pt-PT`` for ``pt-BR`` when ``pt-PT`` is not declared itself).

Language tags are compared case-insensitively, as RDF does; RDF stores keep them in lower case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import CX, DCT, RDF, SKOS

__all__ = [
    "LANGUAGE_NAMES",
    "Languages",
    "declared_languages",
    "language_name",
    "parse_accept_language",
    "primary_subtag",
    "tag_of",
]

#: The names a language switch shows, each in its own language.
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "pt": "Português",
    "pt-br": "Português (Brasil)",
    "pt-pt": "Português (Portugal)",
    "it": "Italiano",
    "nl": "Nederlands",
}
#: The language literals fall back to when one is missing in the language asked for.
FALLBACK = "en"
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DEFAULT = ox.DefaultGraph()


def primary_subtag(tag: str) -> str:
    """``"pt-BR"`` → ``"pt"``, lower case."""
    return tag.split("-", 1)[0].lower()


def language_name(tag: str) -> str:
    """The name of a language in that language, or the tag when it is not known."""
    return LANGUAGE_NAMES.get(tag.lower()) or LANGUAGE_NAMES.get(primary_subtag(tag)) or tag


def canonical_tag(tag: str) -> str:
    """BCP 47 case: ``pt-br`` → ``pt-BR``, ``es-419`` stays, ``zh-hant`` → ``zh-Hant``."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part.lower())
    return "-".join(out)


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` has the shape of a BCP 47 tag."""
    return bool(_TAG.match(tag))


@dataclass(frozen=True)
class Languages:
    """The declared languages of a vocabulary, English (the fallback) first, then by tag."""

    declared: tuple[str, ...] = (FALLBACK,)
    partial: frozenset[str] = frozenset()

    @property
    def fallback(self) -> str:
        """The language shown where another one has no text: English if declared, else the first."""
        return FALLBACK if FALLBACK in self.declared else self.declared[0]

    def is_partial(self, tag: str) -> bool:
        return tag.lower() in self.partial

    def resolve(self, asked: str) -> str | None:
        """The declared language that ``asked`` names (exactly, or by its primary subtag)."""
        lowered = asked.lower()
        for tag in self.declared:
            if tag.lower() == lowered:
                return tag
        for tag in self.declared:
            if primary_subtag(tag) == primary_subtag(asked):
                return tag
        return None


def declared_languages(store: ox.Store) -> Languages:
    """The languages the store's concept schemes declare; English alone when none does."""
    declared: dict[str, str] = {}
    partial: set[str] = set()
    schemes = store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SKOS + "ConceptScheme"), _DEFAULT)
    for scheme in schemes:
        subject = scheme.subject
        for q in store.quads_for_pattern(subject, ox.NamedNode(DCT + "language"), None, _DEFAULT):
            tag = tag_of(q.object)
            if tag:
                declared.setdefault(tag.lower(), tag)
        for q in store.quads_for_pattern(subject, ox.NamedNode(CX + "partialLanguage"), None, _DEFAULT):
            tag = tag_of(q.object)
            if tag:
                partial.add(tag.lower())
    return languages_from(declared.values(), partial)


def languages_from(tags: Iterable[str], partial: Iterable[str] = ()) -> Languages:
    """A :class:`Languages` from tags as written; English first, then the rest by tag."""
    unique = {t.lower(): canonical_tag(t) for t in tags if is_language_tag(t)}
    if not unique:
        return Languages()
    ordered = sorted(unique.values(), key=lambda t: (t.lower() != FALLBACK, t.lower()))
    return Languages(tuple(ordered), frozenset(p.lower() for p in partial if p.lower() in unique))


def tag_of(term: object) -> str:
    """The tag a ``dct:language`` value names: a literal's text, an ISO 639 IRI's last segment."""
    if isinstance(term, ox.Literal):
        return term.value.strip()
    if isinstance(term, ox.NamedNode):
        return re.split(r"[/#]", term.value.rstrip("/"))[-1]
    return ""


def parse_accept_language(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, most preferred first (``q=0`` left out)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        tag = fields[0]
        if not tag or tag == "*" or not is_language_tag(tag):
            continue
        quality = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    quality = float(f[2:])
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]
