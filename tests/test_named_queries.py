"""Each named query in queries/ answers its question correctly from the shipped vocabulary."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.pipeline import complete_store
from cxgraph.query import select_rows

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
CXG = "https://w3id.org/cxgraph/"
SRC = "https://w3id.org/cxgraph/source/"

NAMED = (
    "nps-categories",
    "metrics-measured-by-surveys",
    "metrics-by-unit",
    "support-tiers-in-order",
    "synonyms-of-term",
    "multichannel-vs-omnichannel",
    "help-desk-vs-service-desk",
    "after-call-work-part-of",
    "metrics-lower-is-better",
    "terms-by-source",
    "terms-shared-by-three-sources",
    "source-disagreements",
    "concepts-in-facet",
    "facets",
    "metric-formula-inputs",
    "priority-levels-in-order",
    "queue-metrics",
    "routing-methods",
    "self-service-mechanisms",
    "sla-metrics",
    "workforce-management",
)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return complete_store(ROOT / "ontology")


def query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def run(store: ox.Store, name: str, text: str | None = None) -> list[dict[str, str | None]]:
    return select_rows(store, text if text is not None else query(name))


def with_term(name: str, term: str) -> str:
    """The query with its VALUES default replaced by ``term``, as a caller would do."""
    text, count = re.subn(r'VALUES \?term \{ "[^"]*" \}', f'VALUES ?term {{ "{term}" }}', query(name))
    assert count == 1
    return text


def slug(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(CXG)


@pytest.mark.parametrize("name", NAMED)
def test_every_named_query_opens_with_title_description_and_param(name: str):
    head = query(name).splitlines()[:3]
    assert re.fullmatch(r"# title: \S.*", head[0])
    assert re.fullmatch(r"# description: \S.*", head[1])
    assert re.fullmatch(r"# param: (none|\?\w+ — .+)", head[2])


@pytest.mark.parametrize("name", NAMED)
def test_every_named_query_declares_its_prefixes_and_orders_its_rows(name: str):
    text = query(name)
    used = set(re.findall(r"\b(cx|cxg|dct|rdf|rdfs|skos|xsd):", text.split("SELECT", 1)[1]))
    declared = set(re.findall(r"^PREFIX (\w+):", text, flags=re.MULTILINE))
    assert used <= declared
    assert "ORDER BY" in text


@pytest.mark.parametrize("name", NAMED)
def test_every_named_query_runs_on_the_asserted_graph_alone_too(name: str):
    store = ox.Store()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert select_rows(store, query(name)), f"{name} finds nothing without inference"


def test_nps_categories_come_back_with_their_score_ranges(store):
    rows = run(store, "nps-categories")
    assert [(r["label"], int(r["min"]), int(r["max"])) for r in rows] == [
        ("Promoter", 9, 10),
        ("Passive", 7, 8),
        ("Detractor", 0, 6),
    ]


def test_csat_nps_ces_and_aes_are_the_metrics_measured_through_surveys(store):
    rows = run(store, "metrics-measured-by-surveys")
    pairs = {(slug(r["metric"]), slug(r["survey"])) for r in rows}
    assert {
        ("customer-satisfaction-score", "customer-satisfaction-survey"),
        ("net-promoter-score", "net-promoter-survey"),
        ("customer-effort-score", "customer-effort-survey"),
        ("agent-effort-score", "survey"),
        ("employee-net-promoter-score", "survey"),
        ("survey-response-rate", "survey"),
    } <= pairs
    assert {metric for metric, _ in pairs} <= {
        "survey-metric", "customer-satisfaction-score", "net-promoter-score", "customer-effort-score",
        "average-satisfaction-rating", "survey-response-rate", "agent-effort-score", "employee-net-promoter-score",
        "employee-satisfaction-score",
    }


def test_internal_quality_score_is_measured_by_review_not_by_survey(store):
    metrics = {slug(r["metric"]) for r in run(store, "metrics-measured-by-surveys")}
    assert "internal-quality-score" not in metrics


def test_metrics_by_unit_give_each_metric_exactly_one_unit(store):
    rows = run(store, "metrics-by-unit")
    units: dict[str, set[str]] = {}
    for r in rows:
        units.setdefault(slug(r["metric"]), set()).add(r["unitLabel"] or "")
    assert all(len(u) == 1 for u in units.values())
    labels = ("duration", "percentage", "score", "index", "count", "money", "ratio", "rate per period")
    by_unit = {label: {m for m, u in units.items() if label in u} for label in labels}
    assert {"average-handle-time", "first-response-time", "resolution-time", "after-call-work", "average-speed-of-answer"} <= by_unit["duration"]
    assert {"customer-satisfaction-score", "first-contact-resolution", "retention-rate", "service-level"} <= by_unit["percentage"]
    assert {"customer-effort-score", "agent-effort-score"} <= by_unit["score"]
    assert {"net-promoter-score", "employee-net-promoter-score"} <= by_unit["index"]
    assert {"ticket-volume", "ticket-backlog", "contacts-offered"} <= by_unit["count"]
    assert {"customer-lifetime-value", "support-costs", "cost-per-contact"} <= by_unit["money"]
    assert {"self-service-ratio", "replies-per-resolution"} <= by_unit["ratio"]
    assert {"contact-rate", "contacts-per-agent-hour"} <= by_unit["rate per period"]
    assert len(units) >= 80


def test_metrics_by_unit_report_the_nps_scale_and_directions(store):
    rows = {slug(r["metric"]): r for r in run(store, "metrics-by-unit")}
    assert (int(rows["net-promoter-score"]["scaleMin"]), int(rows["net-promoter-score"]["scaleMax"])) == (-100, 100)
    assert rows["customer-effort-score"]["scaleMin"] is None  # the scale varies: 1-5 or 1-7
    assert rows["net-promoter-score"]["directionLabel"] == "higher is better"
    assert rows["average-handle-time"]["directionLabel"] == "lower is better"
    assert rows["customer-effort-score"]["directionLabel"] == "depends on context"
    assert all(r["directionLabel"] for r in rows.values())


def test_metrics_by_unit_are_sorted_by_unit_then_label(store):
    rows = run(store, "metrics-by-unit")
    keys = [(r["unitLabel"], r["metricLabel"]) for r in rows]
    assert keys == sorted(keys)


def test_support_tiers_come_back_in_numeric_order(store):
    rows = run(store, "support-tiers-in-order")
    assert [int(r["notation"]) for r in rows] == [-1, 0, 1, 2, 3, 4]
    assert [slug(r["tier"]) for r in rows] == [
        "tier-minus-1-support",
        "tier-0-support",
        "tier-1-support",
        "tier-2-support",
        "tier-3-support",
        "tier-4-support",
    ]


def test_each_staffed_tier_escalates_to_the_next_and_tiers_minus_1_and_4_to_none(store):
    rows = run(store, "support-tiers-in-order")
    nexts = [r["escalatesTo"] for r in rows]
    # Tier -1 prevents issues before anyone reports them: nothing unresolved starts there.
    assert nexts[0] is None
    assert nexts[1:-1] == [r["tier"] for r in rows[2:]]
    assert nexts[-1] is None


def test_synonyms_of_agent_include_representative_and_agent_titles(store):
    rows = run(store, "synonyms-of-term")
    assert {slug(r["concept"]) for r in rows} == {"agent"}
    labels = {r["label"] for r in rows}
    assert {"Representative", "Customer service representative", "Contact center agent", "Call center agent"} <= labels
    assert all(r["prefLabel"] == "Agent" for r in rows)


def test_synonyms_lookup_is_case_insensitive_and_marks_acronyms(store):
    rows = run(store, "synonyms-of-term", with_term("synonyms-of-term", "lifetime value"))
    assert {r["prefLabel"] for r in rows} == {"Customer Lifetime Value"}
    kinds = {r["label"]: r["kind"] for r in rows}
    assert kinds["CLV"] == kinds["LTV"] == "acronym"
    assert kinds["Lifetime Value"] == "synonym or variant"


def test_synonyms_lookup_reports_the_sources_misspelling_as_hidden(store):
    rows = run(store, "synonyms-of-term", with_term("synonyms-of-term", "Degradation"))
    assert {(r["label"], r["kind"]) for r in rows if r["kind"].startswith("hidden")} == {("Degredation", "hidden (misspelling)")}


def test_multichannel_and_omnichannel_are_contrasted_with_a_note_on_shared_context(store):
    rows = run(store, "multichannel-vs-omnichannel")
    assert [slug(r["concept"]) for r in rows] == ["multichannel-support", "omnichannel-support"]
    assert "without necessarily carrying" in rows[0]["definition"]
    assert "context follow them" in rows[1]["definition"]
    assert rows[0]["note"] and "context" in rows[0]["note"]


def test_help_desk_and_service_desk_are_two_concepts_with_the_disagreement_stated(store):
    rows = run(store, "help-desk-vs-service-desk")
    assert [r["label"] for r in rows] == ["Help Desk", "Service Desk"]
    help_desk, service_desk = rows
    assert "general requests" in help_desk["disagreement"]
    assert "single point of contact" in service_desk["definition"]


def test_after_call_work_is_part_of_handle_time_which_aht_averages(store):
    rows = run(store, "after-call-work-part-of")
    assert [(slug(r["part"]), slug(r["whole"]), r["unitLabel"], slug(r["average"])) for r in rows] == [
        ("after-call-work", "handle-time", "duration", "average-handle-time")
    ]


def test_part_of_query_takes_other_parts_by_acronym(store):
    rows = run(store, "after-call-work-part-of", with_term("after-call-work-part-of", "acw"))
    assert [slug(r["whole"]) for r in rows] == ["handle-time"]
    hold = run(store, "after-call-work-part-of", with_term("after-call-work-part-of", "Hold Time"))
    assert [slug(r["whole"]) for r in hold] == ["handle-time"]


def test_metrics_where_lower_is_better_are_times_costs_backlog_and_churn(store):
    metrics = {slug(r["metric"]) for r in run(store, "metrics-lower-is-better")}
    assert {
        "average-first-response-time", "average-handle-time", "average-resolution-time", "average-response-time",
        "first-response-time", "handle-time", "hold-time", "resolution-time", "response-time", "time-to-value",
        "cost-per-ticket", "support-costs", "ticket-backlog", "churn-rate", "replies-per-resolution",
        "after-call-work", "average-speed-of-answer", "abandonment-rate", "cost-per-contact", "transfer-rate",
    } <= metrics
    assert not metrics & {
        "talk-time", "customer-effort-score", "agent-effort-score", "ticket-volume", "first-contact-resolution",
        "service-level", "agent-utilization",
    }


def test_terms_by_source_list_each_glossarys_own_terms(store):
    rows = run(store, "terms-by-source")
    by_source: dict[str, set[str]] = {}
    for r in rows:
        by_source.setdefault(r["source"].removeprefix(SRC), set()).add(r["label"])
    assert set(by_source) == {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"}
    assert {"Chat Widget", "Visitor", "Lead Generation"} <= by_source["vistachat"]
    assert {"Tier -1 Support", "Priority 0", "Degradation"} <= by_source["support-ops-glossary"]
    assert {"Replies per Resolution", "Ticket Volume", "Agent Experience"} <= by_source["gladly"]
    assert "Chat Widget" not in by_source["gladly"]


def test_terms_shared_by_three_or_more_sources_include_the_core_metrics(store):
    rows = run(store, "terms-shared-by-three-sources")
    counts = {slug(r["concept"]): int(r["sourceCount"]) for r in rows}
    assert all(n >= 3 for n in counts.values())
    for concept in ("net-promoter-score", "customer-satisfaction-score", "first-contact-resolution", "agent", "support-ticket", "customer-lifetime-value"):
        assert counts[concept] == 5
    assert counts["average-handle-time"] == 3
    assert "chat-widget" not in counts
    assert [int(r["sourceCount"]) for r in rows] == sorted((int(r["sourceCount"]) for r in rows), reverse=True)


def test_source_disagreements_cover_the_known_conflicts(store):
    rows = run(store, "source-disagreements")
    concepts = {slug(r["concept"]) for r in rows}
    assert {
        "net-promoter-score",  # the NPS range
        "self-service-ratio",  # what the ratio divides by
        "help-desk",  # help desk vs service desk
        "knowledge-base",  # knowledge base vs help center
        "first-contact-resolution",  # what counts as "first"
    } <= concepts
    nps = next(r for r in rows if slug(r["concept"]) == "net-promoter-score")
    assert "-100 to 100" in nps["disagreement"] and "0-10" in nps["disagreement"]
    assert all(r["sources"] for r in rows if slug(r["concept"]) != "net-promoter-score")
