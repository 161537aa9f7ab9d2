"""Matching glossary entries against the vocabulary, each with the reason and a score.

The steps, in order; the first that finds anything decides:

1. ``label``: the term is a preferred, alternative or hidden label of a concept (ignoring case);
2. ``acronym``: the entry's acronym is a label of a concept;
3. ``normalised``: the term equals a label once case, accents, hyphens, spaces, "&", plurals,
   "the" and parenthesised asides are ignored;
   (a trailing generic word such as "options" or "software" is also tried without it, score 95);
4. ``fuzzy``: the closest label by rapidfuzz's token-sort ratio scores at least
   :data:`FUZZY_THRESHOLD` (labels that differ in a number, such as "Tier 1" and "Tier 2",
   never match this way);
5. otherwise ``none``.

A glossary is matched in one language: the labels of that language (its regional variants
included) and untagged labels. :func:`detect_language` picks the declared language whose labels
the most entries meet exactly (English on a tie), unless the caller names one. An entry that
finds nothing in the glossary's language still matches an exact label or acronym of another
language (a Spanish glossary that writes "Chatbot" or "NPS"); :attr:`Match.language` says in
which language the matching label is.

When the term and the acronym name two different concepts the entry is ambiguous, unless the
vocabulary has settled it: the two concepts are linked and the term's concept carries a
``cx:disagreementNote`` (the field's reading of "Customer Satisfaction (CSAT)": the term names the
outcome, the acronym the score that measures it), in which case the term's concept wins. When
a label or acronym belongs to a label or acronym belongs to
two concepts, or two concepts tie for the best fuzzy score, the entry is ``ambiguous`` and the
candidates are listed, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from ..languages import Languages, canonical_tag, declared_languages, primary_subtag
from ..namespaces import CX, DCT, RDF, SKOS
from ..vocab import deprecated_concepts
from .entries import Entry, normalise, normalised_key

__all__ = [
    "FUZZY_THRESHOLD",
    "MATCH_KINDS",
    "Match",
    "StoreReading",
    "VocabularyIndex",
    "detect_language",
    "match_entries",
    "match_entry",
]

#: The lowest rapidfuzz score (0-100) that counts as a fuzzy match.
FUZZY_THRESHOLD = 88.0
#: Fuzzy scores closer than this to the best one make the entry ambiguous.
FUZZY_TIE = 1.0
MATCH_KINDS = ("label", "acronym", "normalised", "fuzzy", "none", "ambiguous")

#: The label properties matched; cx:acronym is read as written (the store need not be inferred).
_LABELS = (SKOS + "prefLabel", SKOS + "altLabel", CX + "acronym", SKOS + "hiddenLabel")
_DIGITS = re.compile(r"\d+")
#: Words a list item may add to a term without changing the concept ("Live chat options").
_GENERIC_WORDS = {"option", "solution", "software", "tool", "system", "platform", "program", "feature"}


@dataclass(frozen=True)
class Match:
    """How one entry maps onto the vocabulary."""

    entry: Entry
    kind: str
    concept: str | None
    score: float
    reason: str
    label: str | None = None
    """The vocabulary label that matched (for label, acronym, normalised and fuzzy)."""
    candidates: tuple[str, ...] = ()
    """The concepts an ambiguous entry could mean."""
    language: str = ""
    """The language tag of the label that matched (empty for no match or an untagged label)."""


@dataclass(frozen=True)
class StoreReading:
    """What matching needs from a store, read once: live concepts' labels, sources and links."""

    labels: list[tuple[str, str, str, bool]]
    """(concept, label, language tag, is preferred) for every label of a live concept."""
    sources: dict[str, set[str]]
    subjects: set[str]
    linked: set[frozenset[str]]
    noted: set[str]
    languages: Languages

    @classmethod
    def of(cls, store: ox.Store) -> StoreReading:
        deprecated = deprecated_concepts(store)
        concepts = {
            q.subject.value
            for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SKOS + "Concept"))
            if isinstance(q.subject, ox.NamedNode)
        } - deprecated
        labels: list[tuple[str, str, str, bool]] = []
        for predicate in _LABELS:
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
                subject, label = quad.subject, quad.object
                if isinstance(subject, ox.NamedNode) and subject.value in concepts and isinstance(label, ox.Literal):
                    labels.append((subject.value, label.value, label.language or "", predicate.endswith("prefLabel")))
        sources: dict[str, set[str]] = defaultdict(set)
        for quad in store.quads_for_pattern(None, ox.NamedNode(DCT + "source"), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                sources[quad.subject.value].add(quad.object.value)
        linked: set[frozenset[str]] = set()
        noted: set[str] = set()
        for concept in concepts:
            for quad in store.quads_for_pattern(ox.NamedNode(concept), None, None):
                other = quad.object
                if isinstance(other, ox.NamedNode) and other.value in concepts and other.value != concept:
                    linked.add(frozenset((concept, other.value)))
                elif quad.predicate.value == CX + "disagreementNote":
                    noted.add(concept)
        subjects = {q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)}
        return cls(labels, sources, subjects, linked, noted, declared_languages(store))


@dataclass
class VocabularyIndex:
    """The labels of a vocabulary, indexed for the matching steps."""

    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    keyed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    keyed_label: dict[tuple[str, str], str] = field(default_factory=dict)
    shown: dict[tuple[str, str], str] = field(default_factory=dict)
    pref: dict[str, str] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subjects: set[str] = field(default_factory=set)
    choices: list[str] = field(default_factory=list)
    choice_owner: list[tuple[str, str]] = field(default_factory=list)
    tags: dict[tuple[str, str], str] = field(default_factory=dict)
    language: str | None = None
    """The language indexed (``None``: every language)."""
    others: VocabularyIndex | None = None
    """Every language's labels, for the exact matches an entry may make outside ``language``."""
    linked: set[frozenset[str]] = field(default_factory=set)
    """Pairs of concepts joined by any link (broader, related or a cx: relation)."""
    noted: set[str] = field(default_factory=set)
    """Concepts that carry a cx:disagreementNote."""

    @classmethod
    def from_store(cls, store: ox.Store, language: str | None = None, with_others: bool = True) -> VocabularyIndex:
        """Index every live skos:Concept of ``store`` with its labels and sources.

        With ``language``, only labels in that language (or a regional variant of it) and
        untagged ones are indexed, and :attr:`others` holds every language's labels. Deprecated
        concepts (``owl:deprecated true``) are left out: a term should match the concept that
        replaced them.
        """
        return cls.from_reading(StoreReading.of(store), language, with_others)

    @classmethod
    def from_reading(
        cls, reading: StoreReading, language: str | None = None, with_others: bool = True
    ) -> VocabularyIndex:
        """:meth:`from_store` from a store already read (one reading serves every language)."""
        index = cls(
            language=language, sources=reading.sources, subjects=reading.subjects,
            linked=reading.linked, noted=reading.noted,
        )
        if language is not None and with_others:
            index.others = cls.from_reading(reading)
        for concept, text, tag, preferred in reading.labels:
            if language is not None and tag and primary_subtag(tag) != primary_subtag(language):
                continue
            index.add_label(concept, text, preferred=preferred, language=tag)
        return index

    def add_label(self, concept: str, label: str, preferred: bool = False, language: str = "") -> None:
        """Index one label of ``concept`` (``language``: its tag)."""
        folded = label.casefold()
        self.exact[folded].add(concept)
        self.shown.setdefault((concept, folded), label)
        self.tags.setdefault((concept, folded), language)
        key = normalised_key(label)
        if key:
            self.keyed[key].add(concept)
            self.keyed_label.setdefault((concept, key), label)
        wanted = (self.language or "en").lower()
        if preferred and (concept not in self.pref or (language and language.lower() == wanted)):
            self.pref[concept] = label
        spaced = normalise(label)
        if len(spaced) >= 4:
            self.choices.append(spaced)
            self.choice_owner.append((concept, label))

    def has_label(self, label: str) -> bool:
        """True when any concept already carries ``label`` (ignoring case)."""
        return label.casefold() in self.exact

    def label_of(self, concept: str, text: str) -> str:
        return self.shown.get((concept, text.casefold()), text)

    def tag_of(self, concept: str, text: str) -> str:
        """The language tag of the label ``text`` of ``concept``."""
        return self.tags.get((concept, text.casefold()), "")

    def name(self, concept: str) -> str:
        """The preferred label of ``concept`` (or its IRI)."""
        return self.pref.get(concept, concept)


def _ambiguous(entry: Entry, candidates: Iterable[str], reason: str, score: float = 100.0) -> Match:
    return Match(entry, "ambiguous", None, score, reason, candidates=tuple(sorted(candidates)))


def _fuzzy(entry: Entry, index: VocabularyIndex) -> Match:
    query = normalise(entry.term)
    if len(query) < 4 or not index.choices:
        return Match(entry, "none", None, 0.0, "no label in the vocabulary is close to this term")
    digits = _DIGITS.findall(query)
    found = process.extract(query, index.choices, scorer=fuzz.token_sort_ratio, limit=10)
    best: dict[str, tuple[float, str]] = {}
    for _choice, score, position in found:
        concept, label = index.choice_owner[position]
        if _DIGITS.findall(index.choices[position]) != digits:
            continue
        if concept not in best or score > best[concept][0]:
            best[concept] = (float(score), label)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    if not ranked:
        return Match(entry, "none", None, 0.0, "no label in the vocabulary is close to this term")
    top_concept, (top_score, top_label) = ranked[0]
    score = round(top_score, 1)
    if top_score < FUZZY_THRESHOLD:
        return Match(
            entry,
            "none",
            None,
            score,
            f'no match; the closest label is "{top_label}" ({score:g} < {FUZZY_THRESHOLD:g})',
            label=top_label,
        )
    ties = [c for c, (s, _) in ranked if top_score - s < FUZZY_TIE]
    if len(ties) > 1:
        return _ambiguous(entry, ties, f"fuzzy score {score:g} is shared by {len(ties)} concepts", score)
    return Match(entry, "fuzzy", top_concept, score, f'close to the label "{top_label}" (score {score:g})', top_label)


def match_entry(entry: Entry, index: VocabularyIndex) -> Match:
    """Match one entry (see the module documentation for the steps)."""
    found = _match_in(entry, index)
    if found.kind == "none" and index.others is not None:
        elsewhere = _match_in(entry, index.others, exact_only=True)
        if elsewhere.kind in ("label", "acronym"):
            found = elsewhere
    if found.concept is not None and found.label is not None:
        tag = index.tag_of(found.concept, found.label)
        if not tag and index.others is not None:
            tag = index.others.tag_of(found.concept, found.label)
        return Match(found.entry, found.kind, found.concept, found.score, found.reason, found.label,
                     found.candidates, canonical_tag(tag) if tag else "")
    return found


def _match_in(entry: Entry, index: VocabularyIndex, exact_only: bool = False) -> Match:
    by_label = index.exact.get(entry.term.casefold(), set())
    by_acronym = index.exact.get(entry.acronym.casefold(), set()) if entry.acronym else set()
    if by_label and by_acronym and by_label != by_acronym:
        settled = _settled(entry, index, by_label, by_acronym)
        if settled is not None:
            return settled
        return _ambiguous(
            entry,
            by_label | by_acronym,
            f'the term "{entry.term}" and the acronym "{entry.acronym}" name different concepts',
        )
    if len(by_label) > 1:
        return _ambiguous(entry, by_label, f'the label "{entry.term}" belongs to {len(by_label)} concepts')
    if by_label:
        concept = next(iter(by_label))
        label = index.label_of(concept, entry.term)
        return Match(entry, "label", concept, 100.0, f'has the label "{label}"', label)
    if len(by_acronym) > 1:
        return _ambiguous(entry, by_acronym, f'the acronym "{entry.acronym}" belongs to {len(by_acronym)} concepts')
    if by_acronym and entry.acronym:
        concept = next(iter(by_acronym))
        label = index.label_of(concept, entry.acronym)
        return Match(entry, "acronym", concept, 100.0, f'has the acronym "{label}" as a label', label)
    if exact_only:
        return Match(entry, "none", None, 0.0, "no label in the vocabulary is this term")
    keyed = index.keyed.get(normalised_key(entry.term), set()) if normalised_key(entry.term) else set()
    if len(keyed) > 1:
        return _ambiguous(entry, keyed, f'"{entry.term}" normalises to a label of {len(keyed)} concepts')
    if keyed:
        concept = next(iter(keyed))
        label = index.keyed_label.get((concept, normalised_key(entry.term)), index.name(concept))
        return Match(entry, "normalised", concept, 100.0, f'same as the label "{label}" once normalised', label)
    trimmed = _without_generic_word(entry.term)
    if trimmed is not None:
        concepts = index.keyed.get(normalised_key(trimmed), set())
        if len(concepts) == 1:
            concept = next(iter(concepts))
            label = index.keyed_label.get((concept, normalised_key(trimmed)), index.name(concept))
            dropped = entry.term[len(trimmed) :].strip()
            return Match(
                entry, "normalised", concept, 95.0, f'same as the label "{label}" once "{dropped}" is dropped', label
            )
    return _fuzzy(entry, index)


def _settled(entry: Entry, index: VocabularyIndex, by_label: set[str], by_acronym: set[str]) -> Match | None:
    """The term's concept, when the vocabulary keeps it apart from the acronym's on purpose."""
    if len(by_label) != 1 or len(by_acronym) != 1:
        return None
    (concept,), (other,) = by_label, by_acronym
    if frozenset((concept, other)) not in index.linked or concept not in index.noted:
        return None
    label = index.label_of(concept, entry.term)
    return Match(
        entry, "label", concept, 100.0,
        f'has the label "{label}"; the acronym "{entry.acronym}" names the linked concept '
        f'{index.name(other)}, which the vocabulary keeps apart (see its disagreement note)',
        label,
    )


def _without_generic_word(term: str) -> str | None:
    """The term without a trailing generic word ("Live chat options" → "Live chat"), if it has one."""
    words = term.split()
    if len(words) >= 2 and normalise(words[-1]) in _GENERIC_WORDS:
        return " ".join(words[:-1])
    return None


def match_entries(entries: Iterable[Entry], index: VocabularyIndex) -> list[Match]:
    """Match each entry, in order."""
    return [match_entry(entry, index) for entry in entries]


def detect_language(entries: Iterable[Entry], store: ox.Store | StoreReading) -> tuple[str, dict[str, int]]:
    """The declared language whose labels the most entries meet, and each language's count.

    An entry counts for a language when its term is a label of that language exactly or once
    normalised; English wins a tie, then the language listed first.
    """
    reading = store if isinstance(store, StoreReading) else StoreReading.of(store)
    listed = list(entries)
    counts: dict[str, int] = {}
    for tag in reading.languages.declared:
        index = VocabularyIndex.from_reading(reading, tag, with_others=False)
        counts[tag] = sum(
            1 for e in listed if index.exact.get(e.term.casefold()) or index.keyed.get(normalised_key(e.term))
        )
    best = max(counts, key=lambda tag: (counts[tag], tag == "en"))
    return best, counts
