"""`cxgraph check`: each integrity check catches what it is named for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import CliRunner

PREFIXES = """
@prefix cx:   <https://w3id.org/cxgraph/ontology#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cxg:  <https://w3id.org/cxgraph/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def add(ontology: Path, turtle: str) -> None:
    (ontology / "extra.ttl").write_text(PREFIXES + turtle, encoding="utf-8")


def test_clean_vocabulary_passes(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("check", "--ontology", mini_ontology)
    assert done.returncode == 0, done.stdout
    assert "check passed" in done.stdout
    assert "0 errors" in done.stdout


@pytest.mark.parametrize(
    ("turtle", "check"),
    [
        ("cxg:metrics skos:broader cxg:handle-time .", "broader-cycle"),
        ('cxg:survey skos:prefLabel "Questionnaire"@en .', "preflabel-not-unique-per-language"),
        ('cxg:survey skos:altLabel "Survey"@en .', "label-kinds-overlap"),
        ('cxg:handle-time skos:altLabel "csat"@en .', "label-on-two-concepts"),
        ("cxg:handle-time skos:related cxg:metrics .", "related-and-broader"),
        ('cxg:lonely a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Lonely"@en ;'
         ' skos:definition "A test concept."@en .', "orphan-concept"),
        ('cxg:stray a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Stray"@en ;'
         ' skos:definition "A test concept."@en ; skos:related cxg:survey .', "no-path-to-top-concept"),
        ('cxg:undefined a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Undefined"@en ;'
         " skos:broader cxg:metrics .", "concept-without-definition"),
        ("cxg:handle-time skos:broader cxg:metircs .", "link-to-undefined-concept"),
        ('cxg:survey skos:altLabel " Poll"@en .', "label-whitespace"),
        ('cxg:survey skos:altLabel "Poll" .', "text-without-language"),
        ('cxg:handle-time cx:higherIsBetter "no" .', "metric-facts-malformed"),
        ("cxg:handle-time cx:scaleMin 10 ; cx:scaleMax 1 .", "metric-facts-malformed"),
        ("cxg:survey skos:broader cxg:metrics .", "top-concept-with-broader"),
        ('cxg:unnamed a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:metrics ;'
         ' skos:definition "A test concept."@en .', "concept-without-preflabel"),
        ('cxg:outside a skos:Concept ; skos:prefLabel "Outside"@en ; skos:definition "A test concept."@en ;'
         " skos:broader cxg:metrics .", "concept-not-in-scheme"),
        ('cxg:handle-time skos:definition "Another definition."@en .', "definition-not-unique-per-language"),
        ('cxg:seq a skos:OrderedCollection ; skos:memberList ( cxg:survey ) .', "ordered-collection-notation"),
        ("cxg:handle-time cx:direction cx:percentage .", "metric-facts-malformed"),
        ("cxg:handle-time cx:higherIsBetter false .", "metric-facts-malformed"),
        ("cxg:handle-time cx:direction cx:targetBandDirection .", "metric-facts-malformed"),
        ('cxg:survey skos:notation "1"^^xsd:integer .', "notation-shared"),
        ("\n".join(f'cxg:kind-{i} a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:survey ;'
                   f' skos:prefLabel "Kind {i}"@en ; skos:definition "Test kind {i}."@en .' for i in range(26)),
         "concept-fan-out"),
        ('cxg:bare a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:metrics ; skos:prefLabel "Bare"@en ;'
         ' skos:definition "A test concept."@en .', "concept-without-provenance"),
        ('cxg:facet a skos:Collection ; skos:prefLabel "Facet"@en ; skos:definition "A test facet."@en ;'
         ' skos:member cxg:survey ; rdfs:isDefinedBy cxg:vocabulary ; skos:historyNote "Test."@en .', "collection-not-in-scheme"),
        ("cxg:vocabulary dct:publisher cxg:someone-else .", "scheme-agent-not-described"),
        ('cxg:old-survey a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Old Survey"@en ;'
         ' skos:definition "A test concept."@en ; owl:deprecated true ; rdfs:isDefinedBy cxg:vocabulary ;'
         ' prov:wasDerivedFrom cxg:survey . cxg:handle-time skos:related cxg:old-survey .', "deprecated-concept-in-use"),
        ('cxg:old-survey a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Old Survey"@en ;'
         ' skos:definition "A test concept."@en ; owl:deprecated true ; rdfs:isDefinedBy cxg:vocabulary ;'
         ' prov:wasDerivedFrom cxg:survey .', "deprecated-concept-in-use"),
        ('cxg:customer-service-metric a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:metrics ;'
         ' skos:prefLabel "Service Metric"@en ; skos:definition "A test group."@en ; rdfs:isDefinedBy cxg:vocabulary ;'
         ' prov:wasDerivedFrom cxg:survey . cxg:wait a skos:Concept ; skos:inScheme cxg:vocabulary ;'
         ' skos:broader cxg:customer-service-metric ; skos:prefLabel "Wait"@en ; skos:definition "A test metric."@en ;'
         ' rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:survey ; cx:unit cx:duration .', "metric-without-facts"),
    ],
)
def test_each_check_catches_its_violation(cli: CliRunner, mini_ontology: Path, turtle: str, check: str) -> None:
    add(mini_ontology, turtle)
    done = cli("check", "--ontology", mini_ontology)
    assert done.returncode == 1, done.stdout
    assert f"ERROR {check}:" in done.stdout
    assert "check FAILED" in done.stdout


@pytest.mark.parametrize("label", ["Surveys", "survey", "SURVEY"])
def test_alt_label_that_only_changes_case_or_plural_is_a_warning(cli: CliRunner, mini_ontology: Path, label: str) -> None:
    add(mini_ontology, f'cxg:survey skos:altLabel "{label}"@en .')
    done = cli("check", "--ontology", mini_ontology)
    assert "WARNING alt-label-only-case-or-plural:" in done.stdout, done.stdout
    assert f'"{label}" differs from "Survey"' in done.stdout


def test_missing_scheme_metadata_is_reported_by_name(cli: CliRunner, mini_ontology: Path) -> None:
    cx = mini_ontology / "cx.ttl"
    cx.write_text(re.sub(r'owl:versionInfo "[^"]*" ;', "", cx.read_text("utf-8")), encoding="utf-8")
    done = cli("check", "--ontology", mini_ontology)
    assert done.returncode == 1
    assert "has no owl:versionInfo" in done.stdout


def test_a_deprecated_concept_with_its_replacement_and_no_links_passes(cli: CliRunner, mini_ontology: Path) -> None:
    add(mini_ontology, 'cxg:old-survey a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Questionnaire"@en ;'
        ' skos:definition "A test concept."@en ; owl:deprecated true ; dct:isReplacedBy cxg:survey ;'
        ' rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:survey .')
    done = cli("check", "--ontology", mini_ontology)
    assert done.returncode == 0, done.stdout


def test_candidates_are_exempt_from_hierarchy_checks(cli: CliRunner, mini_ontology: Path) -> None:
    add(mini_ontology, 'cxg:new-term a skos:Concept, cx:Candidate ; skos:inScheme cxg:vocabulary ;'
        ' skos:prefLabel "New Term"@en .')
    done = cli("check", "--ontology", mini_ontology)
    assert done.returncode == 0, done.stdout


def test_shipped_vocabulary_passes_every_check(cli: CliRunner) -> None:
    done = cli("check")
    assert done.returncode == 0, done.stdout
    assert "0 errors" in done.stdout
