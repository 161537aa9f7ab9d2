"""Matching glossary entries against a vocabulary, and the Turtle patch an import proposes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.glossary import Entry, VocabularyIndex, build_patch, match_entries, match_entry, read_glossary
from cxgraph.vocab import load_vocabulary

DATA = Path(__file__).resolve().parent / "data"
GLOSSARIES = DATA / "glossaries"
CXG = "https://w3id.org/cxgraph/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CX = "https://w3id.org/cxgraph/ontology#"


@pytest.fixture(scope="module")
def index() -> VocabularyIndex:
    return VocabularyIndex.from_store(load_vocabulary(GLOSSARIES / "vocabulary").store)


def entry(term: str, acronym: str | None = None) -> Entry:
    return Entry(term=term, acronym=acronym, definition="", line=1)


def test_same_label_ignoring_case_is_a_label_match(index: VocabularyIndex) -> None:
    found = match_entry(entry("average handle time", "AHT"), index)
    assert (found.kind, found.concept, found.score) == ("label", CXG + "average-handle-time", 100.0)


def test_acronym_alone_is_an_acronym_match(index: VocabularyIndex) -> None:
    found = match_entry(entry("Net Promoter", "NPS"), index)
    assert (found.kind, found.concept) == ("acronym", CXG + "net-promoter-score")


@pytest.mark.parametrize(
    ("term", "concept"),
    [
        ("Multi-channel supports", "multichannel-support"),
        ("Voice of Customer", "voice-of-the-customer"),
        ("customer portals", "customer-portal"),
        ("Live chat options", "live-chat"),
    ],
)
def test_hyphens_plurals_the_and_generic_words_are_normalised_away(
    index: VocabularyIndex, term: str, concept: str
) -> None:
    found = match_entry(entry(term), index)
    assert (found.kind, found.concept) == ("normalised", CXG + concept)


def test_misspelling_is_a_fuzzy_match_with_its_score(index: VocabularyIndex) -> None:
    found = match_entry(entry("Degredation"), index)
    assert (found.kind, found.concept) == ("fuzzy", CXG + "degradation")
    assert 88 <= found.score < 100


def test_labels_differing_only_in_a_number_never_fuzzy_match(index: VocabularyIndex) -> None:
    found = match_entry(entry("Tier 3 Support"), index)
    assert (found.kind, found.concept) == ("none", None)


def test_unknown_term_is_none(index: VocabularyIndex) -> None:
    found = match_entry(entry("Warm Transfer"), index)
    assert (found.kind, found.concept) == ("none", None)
    assert found.score < 88


def test_term_and_acronym_naming_two_concepts_is_ambiguous_not_guessed(index: VocabularyIndex) -> None:
    found = match_entry(entry("Customer Satisfaction", "CSAT"), index)
    assert (found.kind, found.concept) == ("ambiguous", None)
    assert set(found.candidates) == {CXG + "customer-satisfaction", CXG + "customer-satisfaction-score"}


def test_acronym_on_two_concepts_is_ambiguous() -> None:
    store = ox.Store()
    store.load(
        b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix cxg: <https://w3id.org/cxgraph/> .
        cxg:service-level-agreement a skos:Concept ; skos:prefLabel "Service Level Agreement"@en ;
            skos:altLabel "SLA"@en .
        cxg:service-level-agreement-report a skos:Concept ; skos:prefLabel "Service Level Report"@en ;
            skos:altLabel "SLA"@en .""",
        format=ox.RdfFormat.TURTLE,
    )
    found = match_entry(entry("Service agreement", "SLA"), VocabularyIndex.from_store(store))
    assert found.kind == "ambiguous"
    assert len(found.candidates) == 2


def patch_graph(text: str) -> ox.Store:
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)}


@pytest.fixture(scope="module")
def team_patch(index: VocabularyIndex) -> ox.Store:
    glossary = read_glossary(GLOSSARIES / "team.txt")
    patch = build_patch(match_entries(glossary.entries, index), index, "Our Team Glossary")
    assert patch.source_slug == "our-team-glossary"
    return patch_graph(patch.text)


def test_patch_describes_the_new_source(team_patch: ox.Store) -> None:
    source = "https://w3id.org/cxgraph/source/our-team-glossary"
    assert objects(team_patch, source, DCT + "title") == {"Our Team Glossary"}


def test_patch_cites_the_source_on_matched_concepts_and_adds_their_missing_spellings(team_patch: ox.Store) -> None:
    source = "https://w3id.org/cxgraph/source/our-team-glossary"
    assert objects(team_patch, CXG + "average-handle-time", DCT + "source") == {source}
    assert objects(team_patch, CXG + "net-promoter-score", SKOS + "altLabel") == {"Net Promoter"}
    assert objects(team_patch, CXG + "degradation", SKOS + "hiddenLabel") == {"Degredation"}
    assert objects(team_patch, CXG + "average-handle-time", SKOS + "altLabel") == set()


def test_patch_proposes_new_terms_as_candidates_outside_the_hierarchy(team_patch: ox.Store) -> None:
    concept = CXG + "salvage-offer"
    assert objects(team_patch, concept, RDF + "type") == {SKOS + "Concept", CX + "Candidate"}
    assert objects(team_patch, concept, SKOS + "prefLabel") == {"Salvage Offer"}
    assert objects(team_patch, concept, SKOS + "altLabel") == {"SO"}
    assert objects(team_patch, concept, SKOS + "inScheme") == {CXG + "vocabulary"}
    assert objects(team_patch, concept, SKOS + "broader") == set()
    assert objects(team_patch, concept, SKOS + "definition") == set()
    assert len(objects(team_patch, concept, SKOS + "editorialNote")) == 1


def test_candidate_keeps_the_glossary_definition_as_a_sourced_note(team_patch: ox.Store) -> None:
    (note,) = [
        q.object
        for q in team_patch.quads_for_pattern(ox.NamedNode(CXG + "salvage-offer"), ox.NamedNode(SKOS + "note"), None)
    ]
    values = {q.object.value for q in team_patch.quads_for_pattern(note, ox.NamedNode(RDF + "value"), None)}
    sources = {q.object.value for q in team_patch.quads_for_pattern(note, ox.NamedNode(DCT + "source"), None)}
    assert values == {"A discount that keeps a customer from cancelling."}
    assert sources == {"https://w3id.org/cxgraph/source/our-team-glossary"}


def test_ambiguous_entries_stay_out_of_the_patch(team_patch: ox.Store) -> None:
    labels = {q.object.value for q in team_patch.quads_for_pattern(None, ox.NamedNode(SKOS + "altLabel"), None)}
    assert "CSAT" not in labels
    assert not objects(team_patch, CXG + "customer-satisfaction", DCT + "source")


def test_candidate_slug_never_reuses_an_existing_iri(index: VocabularyIndex) -> None:
    from cxgraph.glossary.match import Match

    clash = Match(entry("Metric (new)"), "none", None, 0.0, "no match")
    patch = build_patch([clash], index, "Clash")
    assert "cxg:metric-new a skos:Concept" in patch.text
    index.subjects.add(CXG + "metric-new")
    try:
        assert "cxg:metric-new-2 a skos:Concept" in build_patch([clash], index, "Clash").text
    finally:
        index.subjects.discard(CXG + "metric-new")


def test_a_deprecated_concepts_labels_do_not_match() -> None:
    store = ox.Store()
    store.load(
        b'@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .'
        b' <https://w3id.org/cxgraph/old> a skos:Concept ; skos:prefLabel "Old Name"@en ; owl:deprecated true .'
        b' <https://w3id.org/cxgraph/new> a skos:Concept ; skos:prefLabel "New Name"@en ; skos:altLabel "Old Name"@en .',
        format=ox.RdfFormat.TURTLE,
    )
    index = VocabularyIndex.from_store(store)
    assert index.exact["old name"] == {"https://w3id.org/cxgraph/new"}
