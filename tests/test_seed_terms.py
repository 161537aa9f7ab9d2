"""Every term of every source glossary, and every acronym it gives, is a label of exactly one concept.

The seed list (tests/data/seed_terms.tsv) was made by hand from the five source glossaries; the
glossaries themselves are not part of the project. These tests read only the shipped ontology.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.glossary.entries import normalised_key

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
SEED_TERMS = Path(__file__).resolve().parent / "data" / "seed_terms.tsv"

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
CX = "https://w3id.org/cxgraph/ontology#"
CXG = "https://w3id.org/cxgraph/"
SRC = "https://w3id.org/cxgraph/source/"
LABELS = {SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel", CX + "acronym"}
OWL_DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"

#: Seed rows whose term and acronym the field gives to two different concepts. The glossary's
#: reading loses ("the field wins"): the term labels one concept, the acronym another, the two
#: are linked, and the term's concept says so in a disagreement note.
FIELD_WINS = {
    ("vistachat", "Customer Satisfaction"): "the outcome is Customer Satisfaction; CSAT is the score that measures it",
    ("support-ops-glossary", "Customer Satisfaction"): "the outcome is Customer Satisfaction; CSAT is the score that measures it",
}
SOURCES = ("vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly")


@dataclass(frozen=True)
class SeedTerm:
    source: str
    term: str
    acronym: str

    def labels(self) -> list[str]:
        return [self.term] + ([self.acronym] if self.acronym else [])


def _read_seed_terms() -> list[SeedTerm]:
    rows = []
    with SEED_TERMS.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            source, term, acronym = ([*row, "", ""])[:3]
            rows.append(SeedTerm(source.strip(), term.strip(), acronym.strip()))
    return rows


SEEDS = _read_seed_terms()


@dataclass(frozen=True)
class Ontology:
    by_label: dict[str, set[str]]  # normalised label (case, plurals, hyphens ignored) -> live concepts carrying it
    sources: dict[str, set[str]]  # concept -> source slugs
    related: set[tuple[str, str]]  # (a, b) for every associative link, both directions
    concepts: set[str]
    notes: dict[str, list[str]]  # concept -> its cx:disagreementNote texts


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    by_label: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    related: set[tuple[str, str]] = set()
    concepts: set[str] = set()
    deprecated: set[str] = set()
    labelled: list[tuple[str, str]] = []
    notes: dict[str, list[str]] = defaultdict(list)
    related_properties = {SKOS + "related"} | {
        CX + name
        for name in (
            "measuredBy", "measures", "contrastsWith", "escalatesTo", "escalatedFrom", "componentOf",
            "hasComponent", "averageOf", "averagedBy", "tracks", "trackedBy", "usesTool", "toolFor",
            "formulaUses", "usedInFormulaOf", "commitsTo", "committedIn", "delivers", "deliveredBy", "partOf", "hasPart",
        )
    }
    for path in sorted(ONTOLOGY.rglob("*.ttl")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and o.value == SKOS + "Concept":
                concepts.add(s.value)
            elif p in LABELS and isinstance(o, ox.Literal):
                labelled.append((normalised_key(o.value), s.value))
            elif p == OWL_DEPRECATED and o.value == "true":
                deprecated.add(s.value)
            elif p == CX + "disagreementNote":
                notes[s.value].append(o.value)
            elif p == DCT + "source" and o.value.startswith(SRC):
                sources[s.value].add(o.value.removeprefix(SRC))
            elif p in related_properties:
                related.add((s.value, o.value))
                related.add((o.value, s.value))
    for key, concept in labelled:
        if concept in concepts and concept not in deprecated:  # collections' labels are not terms
            by_label[key].add(concept)
    return Ontology(dict(by_label), dict(sources), related, concepts - deprecated, dict(notes))


def _resolve(ontology: Ontology, label: str) -> set[str]:
    """The live concepts a label names, ignoring case, plurals, hyphens and spacing, as search does."""
    return ontology.by_label.get(normalised_key(label), set())


def test_seed_list_covers_all_five_glossaries_and_uses_known_slugs():
    assert {seed.source for seed in SEEDS} == set(SOURCES)
    assert len(SEEDS) > 200


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s.source}:{s.term}")
def test_every_seed_term_and_its_acronym_label_exactly_one_concept(ontology: Ontology, seed: SeedTerm):
    found = {label: _resolve(ontology, label) for label in seed.labels()}
    for label, concepts in found.items():
        assert len(concepts) == 1, f"{label!r} labels {len(concepts)} concepts: {sorted(concepts)}"
    if (seed.source, seed.term) in FIELD_WINS:
        return  # checked by test_where_the_field_wins_the_split_is_linked_and_noted
    # the term and its acronym name the same concept
    assert len(set().union(*found.values())) == 1, f"term and acronym split across {found}"


@pytest.mark.parametrize(("source", "term"), sorted(FIELD_WINS))
def test_where_the_field_wins_the_split_is_linked_and_noted(ontology: Ontology, source: str, term: str):
    (seed,) = [s for s in SEEDS if (s.source, s.term) == (source, term)]
    (by_term,) = _resolve(ontology, seed.term)
    (by_acronym,) = _resolve(ontology, seed.acronym)
    assert by_term != by_acronym
    assert (by_term, by_acronym) in ontology.related
    assert any(seed.acronym in note for note in ontology.notes.get(by_term, [])), "no note names the disagreement"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s.source}:{s.term}")
def test_every_seed_term_resolves_to_a_concept_citing_its_glossary(ontology: Ontology, seed: SeedTerm):
    (concept,) = _resolve(ontology, seed.term) or {None}
    assert concept in ontology.concepts
    assert seed.source in ontology.sources.get(concept, set()), f"{concept} lacks dct:source src:{seed.source}"


def test_every_cited_source_is_described_in_sources_ttl(ontology: Ontology):
    described = {
        quad.subject.value.removeprefix(SRC)
        for path in [ONTOLOGY / "sources.ttl", *sorted((ONTOLOGY / "languages").glob("*/sources-*.ttl"))]
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        if quad.predicate.value == DCT + "title"
    }
    cited = set().union(*ontology.sources.values())
    assert set(SOURCES) <= described
    assert cited <= described, f"cited but not described in sources.ttl: {sorted(cited - described)}"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Agent", "Representative"),
        ("CLV", "LTV"),
        ("Customer Lifetime Value", "Lifetime Value"),
        ("Support Ticket", "Ticket"),
        ("Multi-Channel Support", "Multichannel Support"),
        ("First Contact Resolution", "First Contact Resolution Rate"),
        ("Average Response Time", "Average Reply Time"),
        ("Escalation", "Ticket Escalation"),
        ("Knowledge Base", "Support Knowledge Base"),
        ("Voice of the Customer", "Voice of Customer"),
        ("Onboarding", "Customer Onboarding"),
        ("Self-Service", "Self-serve solutions"),
        ("Degradation", "Degredation"),
    ],
)
def test_synonyms_across_glossaries_are_one_concept(ontology: Ontology, one: str, other: str):
    assert _resolve(ontology, one) == _resolve(ontology, other) != set()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Handle Time", "Average Handle Time"),
        ("Help Desk", "Service Desk"),
        ("Knowledge Base", "Help Center"),
        ("Multichannel Support", "Omnichannel Support"),
        ("Self-Service Rate", "Self-Service Ratio"),
        ("Customer Relationship Management", "CRM Software"),
        ("Chatbot", "Live Chat"),
        ("Customer Retention", "Retention Rate"),
        ("After-Call Work", "Handle Time"),
        ("Customer Satisfaction", "Customer Satisfaction Score"),
    ],
)
def test_terms_that_differ_are_separate_concepts_with_a_link(ontology: Ontology, one: str, other: str):
    (a,) = _resolve(ontology, one)
    (b,) = _resolve(ontology, other)
    assert a != b
    assert (a, b) in ontology.related, f"{one} and {other} are not linked"


def test_the_sources_misspelling_is_a_hidden_label_only():
    store = ox.Store()
    store.load(path=str(ONTOLOGY / "concepts" / "incidents.ttl"), format=ox.RdfFormat.TURTLE)
    hidden = [t.object.value for t in store.quads_for_pattern(ox.NamedNode(CXG + "degradation"), ox.NamedNode(SKOS + "hiddenLabel"), None)]
    assert hidden == ["Degredation"]
