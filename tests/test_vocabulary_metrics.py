"""The customer-service and customer-value metrics: facets, facts as data, corrections, named queries.

Each correction test fails on the statement the vocabulary made before round 2 (named in its
docstring). The tests read the shipped vocabulary, complete (with inferred inverses) where links may
be written in either direction, and the two metric files alone where a file's own content matters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.query import bind_parameters, select_rows

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
QUERIES = ROOT / "queries"
METRIC_FILES = (ONTOLOGY / "concepts" / "metrics.ttl", ONTOLOGY / "concepts" / "queue-metrics.ttl")
CXG = "https://w3id.org/cxgraph/"
CX = "https://w3id.org/cxgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SRC = "https://w3id.org/cxgraph/source/"


@pytest.fixture(scope="module")
def own() -> ox.Store:
    """The two metric files alone, as written."""
    graph = ox.Store()
    for path in METRIC_FILES:
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return graph


def rows(store: ox.Store, sparql: str) -> list[dict[str, str | None]]:
    return select_rows(store, sparql)


def values(store: ox.Store, slug: str, prop: str) -> set[str]:
    """The values (IRI slugs or literal text) of ``prop`` on ``cxg:slug``."""
    found = rows(store, f"SELECT ?v WHERE {{ cxg:{slug} {prop} ?v FILTER(!isLiteral(?v) || LANG(?v) = '' || LANGMATCHES(LANG(?v), 'en')) }}")
    return {(r["v"] or "").removeprefix(CX).removeprefix(SRC).removeprefix(CXG) for r in found}


def ask(store: ox.Store, sparql: str) -> bool:
    return bool(store.query(sparql, prefixes={"cx": CX, "cxg": CXG, "skos": SKOS}))


def query(name: str, **params: str) -> str:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    return bind_parameters(text, params) if params else text


def slug(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(CXG)


def own_concepts(own: ox.Store) -> set[str]:
    return {slug(r["c"]) for r in rows(own, "SELECT ?c WHERE { ?c a skos:Concept }")}


# --- Structure ---------------------------------------------------------------------------------

FACETS = {
    "queue-metric", "contact-volume-metric", "handling-time-metric", "resolution-metric", "survey-metric",
    "cost-metric", "self-service-metric", "responsiveness-metric", "employee-experience-metric",
    "backlog-metric", "outbound-metric",
}


def test_the_planned_facets_sit_directly_under_customer_service_metric(store):
    narrower = {slug(r["n"]) for r in rows(store, "SELECT ?n WHERE { ?n skos:broader cxg:customer-service-metric }")}
    assert narrower >= FACETS
    assert len(narrower) <= 25


def test_no_metric_concept_has_more_than_25_direct_narrower_concepts(store, own):
    for concept in own_concepts(own):
        (row,) = rows(store, f"SELECT (COUNT(DISTINCT ?n) AS ?k) WHERE {{ ?n skos:broader cxg:{concept} }}")
        assert int(row["k"] or 0) <= 25, concept


def test_every_metric_concept_reaches_a_top_concept(store, own):
    for concept in own_concepts(own):
        assert ask(store, f"ASK {{ cxg:{concept} skos:broader* ?top . ?top skos:topConceptOf cxg:vocabulary }}"), concept


def test_agent_utilization_and_the_quality_scores_are_filed_with_their_owners(store):
    assert "workforce-metric" in values(store, "agent-utilization", "skos:broader")
    # review: Quality Score (new) and Internal Quality Score (seed) were one measure, merged on the seed IRI
    assert "quality-metric" in values(store, "internal-quality-score", "skos:broader")
    assert "employee-experience-metric" in values(store, "agent-effort-score", "skos:broader")


def test_at_least_forty_metrics_are_new_in_this_round(own):
    new = rows(own, 'SELECT DISTINCT ?c WHERE { ?c cx:unit ?u ; dct:created "2026-12-01"^^xsd:date }')
    assert len(new) >= 40


# --- Facts as data ------------------------------------------------------------------------------

def test_the_deprecated_boolean_direction_is_gone_from_the_metric_files(own):
    assert not rows(own, "SELECT ?c WHERE { ?c cx:higherIsBetter ?v }")


def test_every_metric_with_a_unit_states_a_direction(own):
    missing = rows(own, "SELECT ?c WHERE { ?c cx:unit ?u FILTER NOT EXISTS { ?c cx:direction ?d } }")
    assert not missing, [r["c"] for r in missing]


def test_every_formula_names_what_it_uses_unless_the_metric_is_a_measured_quantity(own):
    # a formula with no inputs is allowed only for a raw measurement (a time difference, a maximum)
    unlinked = {slug(r["c"]) for r in rows(own, "SELECT ?c WHERE { ?c cx:formula ?f FILTER NOT EXISTS { ?c cx:formulaUses ?x } }")}
    measured = {
        "queue-time", "response-time", "first-response-time", "resolution-time", "first-resolution-time",
        "full-resolution-time", "requester-wait-time", "top-two-box-score", "average-satisfaction-rating",
        "customer-effort-score", "agent-effort-score", "net-promoter-score", "transactional-nps", "relational-nps",
        "employee-net-promoter-score", "employee-satisfaction-score", "survey-response-rate", "resolution-rate",
        "containment-rate", "ivr-containment-rate", "deflection-rate", "self-service-rate", "agent-utilization",
        "average-chat-concurrency", "connect-rate", "conversion-rate", "retention-rate", "churn-rate",
        "gross-revenue-retention", "net-revenue-retention", "customer-lifetime-value", "internal-quality-score",
    }
    assert unlinked <= measured, unlinked - measured


def test_new_concepts_carry_provenance_and_a_reference(own):
    for r in rows(own, 'SELECT ?c WHERE { ?c a skos:Concept ; dct:created "2026-12-01"^^xsd:date }'):
        concept = slug(r["c"])
        assert values(own, concept, "dct:creator") == {"project"}, concept
        assert values(own, concept, "dct:source"), concept
        assert values(own, concept, "skos:definition"), concept


def test_no_alternative_label_differs_from_another_label_only_by_case_or_plural(own):
    def key(label: str) -> str:
        return re.sub(r"(?<=\w)s\b", "", label.casefold())

    for concept in own_concepts(own):
        labels = values(own, concept, "skos:prefLabel") | values(own, concept, "cx:acronym")
        alts = values(own, concept, "skos:altLabel")
        for alt in alts:
            others = (labels | alts) - {alt}
            assert key(alt) not in {key(o) for o in others}, (concept, alt)


SEED_SOURCES = {
    "customer-satisfaction-score": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"},
    "net-promoter-score": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"},
    "customer-effort-score": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary"},
    "first-contact-resolution": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"},
    "customer-lifetime-value": {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"},
    "after-call-work": {"ai-support-glossary", "vistachat"},
    "talk-time": {"vistachat", "ai-support-glossary"},
    "hold-time": {"ai-support-glossary"},
    "average-handle-time": {"vistachat", "ai-support-glossary", "support-ops-glossary"},
    "agent-effort-score": {"support-ops-glossary"},
    "conversion-rate": {"vistachat"},
    "gross-revenue-retention": {"support-ops-glossary"},
    "key-performance-indicator": {"vistachat", "helpdesk-vendor-blog", "support-ops-glossary"},
    "customer-engagement-metric": {"gladly"},
}


@pytest.mark.parametrize("concept", sorted(SEED_SOURCES))
def test_restructured_seed_concepts_keep_their_glossary_sources(own, concept):
    assert SEED_SOURCES[concept] <= values(own, concept, "dct:source")


# --- Corrections -------------------------------------------------------------------------------

def test_fcr_no_longer_requires_that_nothing_was_escalated(store, own):
    """Before: FCR was defined "with no follow-up contact or escalation needed"."""
    (definition,) = values(store, "first-contact-resolution", "skos:definition")
    assert "escalation" not in definition.casefold()
    assert "whoever resolves" in definition
    (flr,) = values(store, "first-level-resolution", "skos:definition")
    assert "without escalating" in flr
    assert "first-level-resolution" in values(store, "first-contact-resolution", "cx:contrastsWith")
    assert "first-contact-resolution" in values(store, "first-level-resolution", "cx:contrastsWith")  # symmetric
    (note,) = values(own, "first-contact-resolution", "skos:scopeNote")
    assert "warm-transferred" in note and "first level" in note


def test_customer_effort_score_records_its_scale_variants_instead_of_one_fixed_scale(own):
    """Before: CES had cx:scaleMin 1, cx:scaleMax 7 and cx:higherIsBetter true as facts."""
    assert not values(own, "customer-effort-score", "cx:scaleMin")
    assert not values(own, "customer-effort-score", "cx:scaleMax")
    assert values(own, "customer-effort-score", "cx:typicalScale") == {"1-5", "1-7"}
    assert values(own, "customer-effort-score", "cx:direction") == {"contextDependentDirection"}
    (note,) = values(own, "customer-effort-score", "cx:implementationNote")
    assert "lower is better" in note and "higher is better" in note and "made it easy" in note


def test_agent_effort_score_direction_depends_on_the_question(own):
    """Before: AES had cx:higherIsBetter true and a note saying teams 'usually mirror' CES."""
    assert values(own, "agent-effort-score", "cx:direction") == {"contextDependentDirection"}
    assert values(own, "agent-effort-score", "cx:typicalScale") == {"1-5"}
    (note,) = values(own, "agent-effort-score", "cx:implementationNote")
    assert "very difficult" in note and "lower is better" in note


def test_after_call_work_is_a_handling_time_metric_measured_as_a_duration(store):
    """Before: after-call work was a customer service practice with no unit."""
    assert values(store, "after-call-work", "skos:broader") == {"handling-time-metric"}
    assert values(store, "after-call-work", "cx:unit") == {"duration"}
    assert values(store, "after-call-work", "cx:direction") == {"lowerIsBetterDirection"}
    assert "handle-time" in values(store, "after-call-work", "cx:componentOf")
    (note,) = values(store, "after-call-work", "cx:implementationNote")
    assert "too short" in note
    by_unit = {slug(r["metric"]) for r in rows(store, query("metrics-by-unit")) if r["unitLabel"] == "duration"}
    assert "after-call-work" in by_unit


BUSINESS_METRICS = (
    "conversion-rate", "customer-lifetime-value", "gross-revenue-retention", "net-revenue-retention",
    "retention-rate", "churn-rate", "time-to-value", "customer-engagement-metric",
)


@pytest.mark.parametrize("concept", BUSINESS_METRICS)
def test_business_metrics_are_customer_value_metrics_not_service_metrics(store, concept):
    """Before: website conversion rate, lifetime value, revenue retention were customer service metrics."""
    assert ask(store, f"ASK {{ cxg:{concept} skos:broader+ cxg:customer-value-metric }}")
    assert not ask(store, f"ASK {{ cxg:{concept} skos:broader+ cxg:customer-service-metric }}")


def test_customer_value_metric_is_a_top_concept(store):
    assert ask(store, "ASK { cxg:customer-value-metric skos:topConceptOf cxg:vocabulary }")
    assert ask(store, "ASK { cxg:vocabulary skos:hasTopConcept cxg:customer-value-metric }")


def test_net_promoter_score_is_an_index_not_a_rating_score(store):
    """Before: NPS had cx:unit cx:score."""
    assert values(store, "net-promoter-score", "cx:unit") == {"index"}
    assert (values(store, "net-promoter-score", "cx:scaleMin"), values(store, "net-promoter-score", "cx:scaleMax")) == ({"-100"}, {"100"})
    assert values(store, "employee-net-promoter-score", "cx:unit") == {"index"}


def test_csat_no_longer_carries_the_outcome_label_and_tracks_the_outcome(store):
    """Before: CSAT had the alternative labels "Customer Satisfaction" and "Customer satisfaction scores"."""
    labels = {label.casefold() for label in values(store, "customer-satisfaction-score", "skos:altLabel")}
    assert "customer satisfaction" not in labels and "customer satisfaction scores" not in labels
    assert "customer-satisfaction" in values(store, "customer-satisfaction-score", "cx:tracks")
    (note,) = values(store, "customer-satisfaction-score", "cx:disagreementNote")
    assert "VistaChat" in note and "support-operations glossary" in note
    assert '"Customer Satisfaction (CSAT)"' in note and "outcome" in note


def test_talk_time_states_that_sources_disagree_about_hold(store):
    """Before: talk time excluded hold with no note that other sources include it."""
    (note,) = values(store, "talk-time", "cx:disagreementNote")
    assert "hold" in note and "NICE" in note and "Genesys" in note


def test_talk_hold_and_after_call_work_are_the_components_of_handle_time(store):
    parts = {slug(r["p"]) for r in rows(store, "SELECT ?p WHERE { ?p cx:componentOf cxg:handle-time }")}
    assert parts == {"talk-time", "hold-time", "after-call-work"}
    assert values(store, "handle-time", "cx:hasComponent") == parts  # inferred inverse
    assert values(store, "handle-time", "cx:formulaUses") == parts


def test_hold_time_is_told_apart_from_queue_time(store):
    assert "queue-time" in values(store, "hold-time", "cx:contrastsWith")


def test_service_level_records_the_80_20_example_and_the_abandon_variants(store):
    examples = values(store, "service-level", "skos:example")
    assert any(e.startswith("80/20") for e in examples)
    (note,) = values(store, "service-level", "cx:implementationNote")
    assert note.count("(") >= 5 and "ignoring abandons" in note
    assert {"contacts-answered", "contacts-offered", "contacts-abandoned"} <= values(store, "service-level", "cx:formulaUses")
    assert "response-time" in values(store, "service-level", "cx:contrastsWith")


# --- Named queries -----------------------------------------------------------------------------

OWN_QUERIES = ("queue-metrics", "metric-formula-inputs")


@pytest.mark.parametrize("name", OWN_QUERIES)
def test_own_queries_open_with_title_description_and_param(name):
    head = query(name).splitlines()[:3]
    assert re.fullmatch(r"# title: \S.*", head[0])
    assert re.fullmatch(r"# description: \S.*", head[1])
    assert re.fullmatch(r"# param: (none|\?\w+ — .+)", head[2])


@pytest.mark.parametrize("name", OWN_QUERIES)
def test_own_queries_answer_on_the_asserted_graph_alone(name):
    asserted = ox.Store()
    for path in sorted(ONTOLOGY.rglob("*.ttl")):
        asserted.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert select_rows(asserted, query(name))


QUEUE_METRICS = {
    "queue-time", "average-speed-of-answer", "average-wait-time", "longest-wait-time", "longest-delay-to-abandon",
    "oldest-contact-in-queue", "contacts-in-queue", "service-level", "answer-rate", "abandonment-rate",
    "average-time-to-abandon",
}


def test_queue_metrics_query_lists_every_queue_metric_with_unit_direction_and_formula(store):
    found = rows(store, query("queue-metrics"))
    by_metric = {slug(r["metric"]): r for r in found}
    assert set(by_metric) == QUEUE_METRICS
    assert len(found) == len(by_metric)  # one row per metric
    asa = by_metric["average-speed-of-answer"]
    assert (asa["unitLabel"], asa["directionLabel"]) == ("duration", "lower is better")
    assert "answered contacts" in (asa["formula"] or "")
    level = by_metric["service-level"]
    assert (level["unitLabel"], level["directionLabel"], level["scaleMin"], level["scaleMax"]) == ("percentage", "higher is better", "0", "100")
    assert "threshold" in (level["formula"] or "")
    assert by_metric["abandonment-rate"]["directionLabel"] == "lower is better"
    assert by_metric["average-time-to-abandon"]["directionLabel"] == "depends on context"
    assert by_metric["contacts-in-queue"]["formula"] is None
    assert all(r["directionLabel"] for r in found)
    assert [r["label"] for r in found] == sorted((r["label"] or "" for r in found), key=str.casefold)


def test_formula_inputs_of_average_speed_of_answer_by_default(store):
    found = rows(store, query("metric-formula-inputs"))
    assert {slug(r["concept"]) for r in found} == {"average-speed-of-answer"}
    assert [(slug(r["input"]), r["inputUnitLabel"]) for r in found] == [("contacts-answered", "count"), ("queue-time", "duration")]
    assert found[0]["formula"].startswith("Total queue time of answered contacts")


def test_formula_inputs_look_the_metric_up_by_acronym_case_insensitively(store):
    found = rows(store, query("metric-formula-inputs", metric="aht"))
    assert {r["label"] for r in found} == {"Average Handle Time"}
    assert {slug(r["input"]) for r in found} == {"handle-time", "contacts-handled"}
    handle = rows(store, query("metric-formula-inputs", metric="Handle Time"))
    assert {slug(r["input"]) for r in handle} == {"talk-time", "hold-time", "after-call-work"}


def test_formula_inputs_of_service_level_include_the_abandoned_contacts(store):
    found = rows(store, query("metric-formula-inputs", metric="service level"))
    assert {slug(r["input"]) for r in found} == {"contacts-answered", "contacts-offered", "contacts-abandoned", "short-abandons"}


def test_formula_inputs_of_a_metric_without_a_formula_is_empty(store):
    assert rows(store, query("metric-formula-inputs", metric="Contacts in Queue")) == []
