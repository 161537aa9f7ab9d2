"""The shape of the shipped vocabulary: size, kind-of hierarchy, facets, label kinds, provenance."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from .conftest import CliRunner
from .shipped import rows

ROOT = Path(__file__).resolve().parent.parent
CXG = "https://w3id.org/cxgraph/"


def test_the_vocabulary_has_at_least_450_live_concepts(store: ox.Store) -> None:
    (row,) = rows(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a skos:Concept FILTER NOT EXISTS { ?c owl:deprecated true } }")
    assert int(row["n"] or 0) >= 450


def test_no_concept_has_more_than_25_narrower_concepts(store: ox.Store) -> None:
    wide = rows(store, "SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE { ?n skos:broader ?c } GROUP BY ?c HAVING (COUNT(DISTINCT ?n) > 25)")
    assert wide == []


def test_some_concepts_are_two_kinds_of_thing(store: ox.Store) -> None:
    poly = rows(store, "SELECT ?c WHERE { ?c skos:broader ?a, ?b . FILTER(STR(?a) < STR(?b)) "
                       "FILTER NOT EXISTS { ?c isothes:broaderPartitive|isothes:broaderInstantial ?a } "
                       "FILTER NOT EXISTS { ?c isothes:broaderPartitive|isothes:broaderInstantial ?b } }")
    assert CXG + "interactive-voice-response" in {r["c"] for r in poly}


def test_facets_are_collections_in_the_scheme_with_members(store: ox.Store) -> None:
    facets = rows(store, "SELECT ?f (COUNT(DISTINCT ?m) AS ?k) WHERE { ?f a skos:Collection ; skos:member ?m ; "
                         "skos:inScheme cxg:vocabulary ; skos:prefLabel ?l ; skos:definition ?d } GROUP BY ?f")
    big = [f for f in facets if int(f["k"] or 0) >= 5]
    assert len(big) >= 6, facets


def test_acronyms_are_marked_as_acronyms_in_the_source_files() -> None:
    initialism = re.compile(r'"([A-Z][A-Z0-9&/]{1,6})"@en')
    found = []
    for path in sorted((ROOT / "ontology" / "concepts").glob("*.ttl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith("skos:altLabel") and initialism.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == [], "write acronyms as cx:acronym:\n" + "\n".join(found)


def test_concepts_added_by_cxgraph_say_so_and_cite_a_reference(store: ox.Store) -> None:
    added = rows(store, "SELECT ?c WHERE { ?c a skos:Concept ; dct:creator cxg:project }")
    assert len(added) >= 250
    uncited = rows(store, "SELECT ?c WHERE { ?c a skos:Concept ; dct:creator cxg:project "
                          "FILTER NOT EXISTS { ?c dct:source ?s . ?s a cx:Reference } "
                          "FILTER NOT EXISTS { ?c dct:source ?g . ?g a cx:SourceGlossary } "
                          "FILTER NOT EXISTS { ?c skos:historyNote ?grouping } }")
    assert uncited == []
    undated = rows(store, "SELECT ?c WHERE { ?c a skos:Concept ; dct:creator cxg:project FILTER NOT EXISTS { ?c dct:created ?d } }")
    assert undated == []


def test_every_reference_names_its_title_publisher_and_address(store: ox.Store) -> None:
    incomplete = rows(store, "SELECT ?s WHERE { ?s a cx:Reference . FILTER NOT EXISTS { ?s dct:title ?t . ?s dct:publisher ?p . "
                             "?s rdfs:seeAlso|<https://schema.org/url> ?u } }")
    assert incomplete == []


def test_customer_satisfaction_the_outcome_is_not_the_csat_metric(store: ox.Store) -> None:
    labels = rows(store, "SELECT ?l WHERE { cxg:customer-satisfaction-score skos:prefLabel|skos:altLabel ?l }")
    assert "Customer Satisfaction" not in {r["l"] for r in labels}
    (ask,) = rows(store, "SELECT (EXISTS { cxg:customer-satisfaction-score cx:tracks cxg:customer-satisfaction } AS ?linked) "
                         "(EXISTS { cxg:customer-satisfaction skos:broader cxg:service-outcome } AS ?outcome) WHERE {}")
    assert ask == {"linked": "true", "outcome": "true"}


def test_facets_query_lists_every_facet_with_its_size(cli: CliRunner) -> None:
    done = cli("query", "facets", "--format", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split(",")[:2] == ["collection", "label"]
    assert any("Workforce management" in line for line in lines)


def test_concepts_in_facet_answers_with_the_facets_members(cli: CliRunner) -> None:
    done = cli("query", "concepts-in-facet", "--param", "facet=Workforce management and planning", "--format", "csv")
    assert done.returncode == 0, done.stderr
    members = done.stdout.strip().splitlines()[1:]
    assert len(members) >= 10
    assert any("https://w3id.org/cxgraph/workforce-management," in m or ",Workforce Management," in m for m in members)


def test_stats_report_depth_fan_out_and_polyhierarchy(cli: CliRunner) -> None:
    done = cli("stats")
    assert done.returncode == 0, done.stderr
    fan_out = re.search(r"largest fan-out\s+(\d+) narrower", done.stdout)
    poly = re.search(r"several broader concepts\s+(\d+)", done.stdout)
    depth = re.search(r"deepest level\s+(\d+)", done.stdout)
    assert fan_out and int(fan_out.group(1)) <= 25
    assert poly and int(poly.group(1)) >= 1
    assert depth and int(depth.group(1)) >= 3
