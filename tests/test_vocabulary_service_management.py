"""Service management, incidents, priorities and records: the corrections of round 2 and the two
named queries of the area (sla-metrics, priority-levels-in-order), read from the shipped vocabulary."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.query import select_rows

from .shipped import rows

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
CXG = "https://w3id.org/cxgraph/"
SRC = "https://w3id.org/cxgraph/source/"


PRIORITIES = ("priority-0", "priority-1", "priority-2", "priority-3", "priority-4")
NAMED = ("sla-metrics", "priority-levels-in-order")




def values(store: ox.Store, sparql: str, var: str = "x") -> set[str]:
    return {str(r[var]).removeprefix(CXG) for r in rows(store, sparql)}


def broader(store: ox.Store, slug: str) -> set[str]:
    return values(store, f"SELECT ?x WHERE {{ cxg:{slug} skos:broader ?x }}")


def ancestors(store: ox.Store, slug: str) -> set[str]:
    return values(store, f"SELECT ?x WHERE {{ cxg:{slug} skos:broader+ ?x }}")


def text(store: ox.Store, slug: str, prop: str) -> str:
    found = rows(store, f'SELECT ?x WHERE {{ cxg:{slug} {prop} ?x . FILTER(LANG(?x) = "en") }}')
    return " ".join(str(r["x"]) for r in found)


def query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


# --- Correction: priority levels are ratings of issues, not kinds of issue ------------------------


@pytest.mark.parametrize("level", PRIORITIES)
def test_priority_levels_are_kinds_of_priority_level_not_support_issues(asserted, store, level):
    assert broader(asserted, level) == {"priority-level"}
    assert "support-issue" not in ancestors(store, level)
    assert {"priority-level", "priority", "issue-classification"} <= ancestors(store, level)


def test_issue_classification_is_a_top_concept_holding_impact_urgency_priority_and_severity(store):
    tops = values(store, "SELECT ?x WHERE { cxg:vocabulary skos:hasTopConcept ?x }")
    assert "issue-classification" in tops
    for slug in ("impact", "urgency", "priority", "severity", "priority-matrix", "priority-level"):
        assert "issue-classification" in ancestors(store, slug), slug


def test_priority_1_is_not_called_second_highest_without_naming_the_scheme(store):
    definition = text(store, "priority-1", "skos:definition")
    # the seed definition said "Support issue of the second-highest priority, ..." without qualification
    assert not definition.startswith("Support issue of the second-highest priority")
    assert "highest level in schemes that start at P1" in definition
    assert "second highest in schemes that start at P0" in definition
    note = text(store, "priority-level", "cx:disagreementNote")
    assert "P1 is the top level and P0 does not exist" in note


def test_tier_and_priority_notations_are_disjoint_and_priorities_are_ranked(asserted):
    tiers = rows(
        asserted, "SELECT ?n WHERE { cxg:support-tier-sequence skos:memberList/rdf:rest*/rdf:first/skos:notation ?n }"
    )
    prios = rows(
        asserted, "SELECT ?n WHERE { cxg:priority-sequence skos:memberList/rdf:rest*/rdf:first/skos:notation ?n }"
    )
    tier_notations = {str(r["n"]) for r in tiers}
    prio_notations = {str(r["n"]) for r in prios}
    # the old vocabulary gave P0 and P1 the integer notations 0 and 1, which tiers 0 and 1 also carry
    assert tier_notations and not tier_notations & prio_notations
    assert prio_notations == {"P0", "P1", "P2", "P3", "P4"}
    plain = rows(
        asserted,
        "SELECT ?lvl WHERE { cxg:priority-sequence skos:memberList/rdf:rest*/rdf:first ?lvl . "
        "?lvl skos:notation ?n . FILTER(DATATYPE(?n) = xsd:string) }",
    )
    assert len(plain) == 5
    ranks = rows(
        asserted,
        "SELECT ?lvl ?r WHERE { cxg:priority-sequence skos:memberList/rdf:rest*/rdf:first ?lvl . "
        "?lvl cx:rank ?r . FILTER(DATATYPE(?r) = xsd:integer) }",
    )
    assert sorted(int(str(r["r"])) for r in ranks) == [0, 1, 2, 3, 4]


# --- Correction: priority is impact x urgency; complexity only informs routing -------------------


def test_triage_sets_priority_from_impact_and_urgency_not_complexity(store):
    definition = text(store, "triage", "skos:definition")
    # the seed definition assessed tickets "by urgency, complexity and impact, to set their priority"
    assert "complexity" not in definition.lower()
    assert "priority from its impact and urgency" in definition
    assert "not its priority" in text(store, "triage", "skos:scopeNote")
    assert values(store, "SELECT ?x WHERE { cxg:priority cx:formulaUses ?x }") == {"impact", "urgency"}


def test_severity_contrasts_with_priority_and_says_how(store):
    assert "priority" in values(store, "SELECT ?x WHERE { cxg:severity cx:contrastsWith ?x }")
    assert "severity" in values(store, "SELECT ?x WHERE { cxg:priority cx:contrastsWith ?x }")
    note = text(store, "severity", "skos:scopeNote")
    assert "how bad" in note and "how soon" in note


# --- Correction: an outage can be planned, so it is not a kind of incident ------------------------


def test_outage_is_a_service_disruption_and_only_the_unplanned_kind_an_incident(asserted, store):
    assert broader(asserted, "outage") == {"service-disruption"}
    assert "incident" not in ancestors(store, "outage")
    assert broader(asserted, "unplanned-outage") == {"outage", "incident"}
    assert "incident" not in ancestors(store, "planned-maintenance")
    assert "service-disruption" in ancestors(store, "planned-maintenance")
    assert "service-disruption" in ancestors(store, "incident")
    assert "unplanned" in text(store, "incident", "skos:definition").lower() or "nobody planned" in text(
        store, "incident", "skos:definition"
    )


# --- Correction: what is and is not a support record -----------------------------------------------


def test_tags_and_feedback_are_no_longer_filed_as_support_records(store):
    for slug in ("tag", "tag-taxonomy", "customer-feedback"):
        assert "support-record" not in ancestors(store, slug), slug
    assert "issue-classification" in ancestors(store, "tag")
    assert "issue-classification" in ancestors(store, "tag-taxonomy")
    assert "customer-interaction" in ancestors(store, "customer-feedback")
    assert values(store, "SELECT ?x WHERE { cxg:tag cx:partOf ?x }") == {"tag-taxonomy"}
    for slug in ("support-ticket", "chat-transcript", "support-persona", "service-level-agreement"):
        assert "support-record" in ancestors(store, slug), slug


SEED_SOURCES = {
    "support-ticket": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"},
    "chat-transcript": {"ai-support-glossary"},
    "tag": {"support-ops-glossary"},
    "tag-taxonomy": {"support-ops-glossary"},
    "service-level-agreement": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary"},
    "support-persona": {"ai-support-glossary"},
    "customer-feedback": {"ai-support-glossary", "helpdesk-vendor-blog"},
    "incident": {"support-ops-glossary"},
    "outage": {"support-ops-glossary"},
    "priority-0": {"support-ops-glossary"},
    "priority-1": {"support-ops-glossary"},
    "triage": {"ai-support-glossary", "support-ops-glossary"},
    "escalation": {"support-ops-glossary", "ai-support-glossary", "helpdesk-vendor-blog"},
}


@pytest.mark.parametrize("slug", sorted(SEED_SOURCES))
def test_moved_and_corrected_concepts_keep_their_seed_sources(asserted, slug):
    cited = {str(r["s"]).removeprefix(SRC) for r in rows(asserted, f"SELECT ?s WHERE {{ cxg:{slug} dct:source ?s }}")}
    assert SEED_SOURCES[slug] <= cited


@pytest.mark.parametrize(
    "slug", ["priority-0", "priority-1", "outage", "triage", "tag", "tag-taxonomy", "customer-feedback"]
)
def test_corrected_concepts_say_what_changed(asserted, slug):
    assert rows(asserted, f'SELECT ?n WHERE {{ cxg:{slug} skos:changeNote ?n ; dct:modified "2026-12-01"^^xsd:date }}')


# --- Structure of the area ------------------------------------------------------------------------


PROCESSES = (
    "incident-management",
    "problem-management",
    "change-management",
    "request-fulfilment",
    "service-level-management",
    "configuration-management",
)


@pytest.mark.parametrize("slug", PROCESSES)
def test_itsm_processes_are_service_management_processes_and_parts_of_itsm(asserted, store, slug):
    assert "service-management-process" in broader(asserted, slug)
    assert "customer-service-practice" in ancestors(store, "service-management-process")
    assert "it-service-management" in values(store, f"SELECT ?x WHERE {{ cxg:{slug} cx:partOf ?x }}")


def test_escalation_has_functional_hierarchical_and_automatic_kinds(store):
    kinds = values(store, "SELECT ?x WHERE { ?x skos:broader cxg:escalation }")
    assert {"functional-escalation", "hierarchical-escalation", "automatic-escalation"} <= kinds
    assert "hierarchical-escalation" in values(
        store, "SELECT ?x WHERE { cxg:functional-escalation cx:contrastsWith ?x }"
    )


def test_mttr_names_one_concept_and_its_ambiguity_is_noted(store):
    owners = values(store, 'SELECT ?x WHERE { ?x cx:acronym ?a . FILTER(LCASE(STR(?a)) = "mttr") }')
    # review: Mean Time to Resolve was merged into Average Resolution Time, the same measure
    assert owners == {"average-resolution-time"}
    note = text(store, "average-resolution-time", "cx:disagreementNote")
    assert "repair" in note and "recovery" in note
    assert {"mean-time-to-repair", "mean-time-to-recovery"} <= values(
        store, "SELECT ?x WHERE { cxg:average-resolution-time cx:contrastsWith ?x }"
    )


def test_service_management_metrics_carry_unit_direction_and_formula(store):
    metrics = values(store, "SELECT ?x WHERE { ?x skos:broader cxg:service-management-metric }")
    assert {
        "sla-compliance-rate",
        "mean-time-to-acknowledge",
        "mean-time-between-failures",
        "incident-volume",
        "change-success-rate",
    } <= metrics
    assert "customer-service-metric" in ancestors(store, "service-management-metric")
    for slug in metrics:
        facts = rows(store, f"SELECT ?u ?d ?f WHERE {{ cxg:{slug} cx:unit ?u ; cx:direction ?d ; cx:formula ?f }}")
        assert facts, f"{slug} lacks unit, direction or formula"


def test_new_concepts_of_the_area_fan_out_at_most_25(store):
    found = rows(
        store,
        """
        SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE {
          ?n skos:broader ?c .
          VALUES ?c { cxg:support-issue cxg:issue-classification cxg:support-record cxg:service-management-process
                      cxg:service-management-metric cxg:escalation cxg:incident cxg:change cxg:priority-level
                      cxg:service-agreement cxg:service-disruption }
        } GROUP BY ?c""",
    )
    assert found
    assert all(int(str(r["k"])) <= 25 for r in found), found


def test_every_concept_created_in_this_area_has_provenance(asserted):
    files = [
        ROOT / "ontology" / "concepts" / name for name in ("service-management.ttl", "incidents.ttl", "records.ttl")
    ]
    graph = ox.Store()
    for path in files:
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    missing = rows(
        graph,
        """
        SELECT ?c WHERE {
          ?c a skos:Concept ; dct:created "2026-12-01"^^xsd:date .
          FILTER NOT EXISTS { ?c dct:creator cxg:project ; dct:source ?s ; skos:definition ?d }
        }""",
    )
    assert not missing
    created = rows(graph, 'SELECT ?c WHERE { ?c a skos:Concept ; dct:created "2026-12-01"^^xsd:date }')
    assert len(created) >= 45
    cited = {str(r["s"]) for r in rows(graph, "SELECT DISTINCT ?s WHERE { ?c dct:source ?s }")}
    described = {str(r["s"]) for r in rows(asserted, "SELECT ?s WHERE { ?s dct:title ?t }")}
    assert cited <= described, sorted(cited - described)


# --- Named queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMED)
def test_named_query_opens_with_title_description_and_param_and_orders_rows(name):
    text_ = query(name)
    head = text_.splitlines()[:3]
    assert re.fullmatch(r"# title: \S.*", head[0])
    assert re.fullmatch(r"# description: \S.*", head[1])
    assert re.fullmatch(r"# param: (none|\?\w+ — .+)", head[2])
    used = set(re.findall(r"\b(cx|cxg|dct|rdf|rdfs|skos|xsd):", text_.split("SELECT", 1)[1]))
    declared = set(re.findall(r"^PREFIX (\w+):", text_, flags=re.MULTILINE))
    assert used <= declared
    assert "ORDER BY" in text_


@pytest.mark.parametrize("name", NAMED)
def test_named_query_answers_on_the_asserted_graph_alone(asserted, name):
    assert select_rows(asserted, query(name))


def test_sla_metrics_are_the_metrics_sla_and_ola_commit_to_with_units(store):
    found = select_rows(store, query("sla-metrics"))
    pairs = {(str(r["agreement"]).removeprefix(CXG), str(r["metric"]).removeprefix(CXG)) for r in found}
    assert {
        ("service-level-agreement", "first-response-time"),
        ("service-level-agreement", "resolution-time"),
        ("service-level-agreement", "service-availability"),
        ("service-level-agreement", "service-level"),
        ("service-level-agreement", "average-speed-of-answer"),
        ("service-level-agreement", "abandonment-rate"),
        ("operational-level-agreement", "first-response-time"),
        ("operational-level-agreement", "resolution-time"),
    } <= pairs
    assert {a for a, _ in pairs} == {"service-level-agreement", "operational-level-agreement"}
    units = {str(r["metric"]).removeprefix(CXG): r["unitLabel"] for r in found}
    assert all(units.values()), units
    assert units["resolution-time"] == "duration"
    assert units["service-availability"] == "percentage"
    directions = {str(r["metric"]).removeprefix(CXG): r["directionLabel"] for r in found}
    assert directions["service-availability"] == "higher is better"
    assert directions["abandonment-rate"] == "lower is better"
    assert units["average-speed-of-answer"] == "duration"


def test_priority_levels_come_back_in_rank_order_with_notation_and_meaning(store):
    found = select_rows(store, query("priority-levels-in-order"))
    assert [str(r["level"]).removeprefix(CXG) for r in found] == list(PRIORITIES)
    assert [int(str(r["rank"])) for r in found] == [0, 1, 2, 3, 4]
    assert [r["notation"] for r in found] == ["P0", "P1", "P2", "P3", "P4"]
    assert [r["label"] for r in found] == ["Priority 0", "Priority 1", "Priority 2", "Priority 3", "Priority 4"]
    assert all(str(r["definition"]).startswith("Priority level") for r in found)
