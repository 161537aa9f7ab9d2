"""Channels, self-service mechanisms, tools, support models, tiers and standards read from the shipped vocabulary.

Each correction made in vocabulary round 2 has a test here that fails on the old statement:
ITIL credited with numbering support tiers, ITIL filed as a support model and named by its old
expansion, tier -1 escalating to tier 0, tiers filed as kinds of tiered support, and channels
described with the deprecated boolean cx:synchronous.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pyoxigraph as ox

from cxgraph.query import select_rows

from .shipped import rows

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
QUERY = ROOT / "queries" / "self-service-mechanisms.rq"
CXG = "https://w3id.org/cxgraph/"
CX = "https://w3id.org/cxgraph/ontology#"


TIERS = [
    "tier-minus-1-support",
    "tier-0-support",
    "tier-1-support",
    "tier-2-support",
    "tier-3-support",
    "tier-4-support",
]




def slug(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(CXG)


def values(store: ox.Store, concept: str, prop: str) -> list[str]:
    return [r["v"] or "" for r in rows(store, f"SELECT ?v WHERE {{ cxg:{concept} {prop} ?v FILTER(!isLiteral(?v) || LANG(?v) = '' || LANGMATCHES(LANG(?v), 'en')) }}")]


# --- The named query -------------------------------------------------------------------------


def test_self_service_mechanisms_query_opens_with_title_description_and_param():
    head = QUERY.read_text(encoding="utf-8").splitlines()[:3]
    assert re.fullmatch(r"# title: \S.*", head[0])
    assert re.fullmatch(r"# description: \S.*", head[1])
    assert head[2].startswith("# param: ?lang")
    assert "ORDER BY" in QUERY.read_text(encoding="utf-8")


def test_self_service_mechanisms_query_lists_the_mechanisms_with_what_they_deliver(store):
    answer = select_rows(store, QUERY.read_text(encoding="utf-8"))
    mechanisms = {slug(r["mechanism"]) for r in answer}
    assert {
        "knowledge-base", "faq-page", "help-center", "customer-portal", "chatbot", "ai-chatbot",
        "rule-based-chatbot", "virtual-agent", "ai-agent", "interactive-voice-response", "community-forum",
        "self-healing", "in-product-guidance", "self-service-password-reset", "status-page",
    } <= mechanisms
    assert "self-service-mechanism" not in mechanisms  # the kinds, not the class itself
    assert "live-chat" not in mechanisms and "agent-assist" not in mechanisms  # assisted, not self-service
    delivered = {(slug(r["mechanism"]), slug(r["delivers"])) for r in answer if r["delivers"]}
    assert ("knowledge-base", "tier-0-support") in delivered
    assert ("self-healing", "tier-minus-1-support") in delivered
    assert ("community-forum", "community-support") in delivered
    assert all(r["definition"] for r in answer)
    labels = [r["label"] or "" for r in answer]
    assert labels == sorted(labels, key=str.lower)
    by_mechanism: dict[str, list[str]] = {}
    for r in answer:
        by_mechanism.setdefault(slug(r["mechanism"]), []).append(r["deliversLabel"] or "")
    assert by_mechanism["status-page"] == ["Tier -1 Support", "Tier 0 Support"]  # ordered by the tier's rank


def test_self_service_mechanisms_query_runs_on_the_asserted_graph_too(asserted):
    assert select_rows(asserted, QUERY.read_text(encoding="utf-8"))


# --- Facts as data -----------------------------------------------------------------------------


def test_every_self_service_mechanism_delivers_tier_0(store):
    missing = rows(store, """
        SELECT ?m WHERE {
          ?m skos:broader+ cxg:self-service-mechanism .
          FILTER NOT EXISTS { ?m owl:deprecated true }
          FILTER NOT EXISTS { ?m cx:delivers|^cx:deliveredBy cxg:tier-0-support }
        } ORDER BY ?m""")
    assert [slug(r["m"]) for r in missing] == []


def test_every_channel_has_exactly_one_channel_mode_and_none_uses_the_boolean(store):
    answer = rows(store, """
        SELECT ?c (COUNT(DISTINCT ?mode) AS ?modes) (COUNT(?old) AS ?booleans) WHERE {
          ?c skos:broader+ cxg:contact-channel .
          FILTER NOT EXISTS { ?c owl:deprecated true }
          OPTIONAL { ?c cx:channelMode ?mode }
          OPTIONAL { ?c cx:synchronous ?old }
        } GROUP BY ?c ORDER BY ?c""")
    assert len(answer) >= 18
    assert [slug(r["c"]) for r in answer if int(r["modes"] or 0) != 1] == []
    assert [slug(r["c"]) for r in answer if int(r["booleans"] or 0) != 0] == []


def test_messaging_sms_and_social_messaging_are_used_both_ways(store):
    for channel in ("messaging-support", "messaging-app-support", "sms-support", "social-messaging", "in-app-messaging"):
        assert values(store, channel, "cx:channelMode") == [CX + "eitherMode"], channel
    assert values(store, "phone-support", "cx:channelMode") == [CX + "synchronousMode"]
    assert values(store, "email-support", "cx:channelMode") == [CX + "asynchronousMode"]
    assert values(store, "asynchronous-messaging", "cx:channelMode") == [CX + "asynchronousMode"]


def test_channels_sit_under_the_voice_and_digital_facets(store):
    assert {slug(v) for v in values(store, "video-support", "skos:broader")} == {"voice-channel", "digital-channel"}
    assert "voice-channel" in {slug(v) for v in values(store, "phone-support", "skos:broader")}
    assert "digital-channel" in {slug(v) for v in values(store, "email-support", "skos:broader")}
    narrower = rows(store, "SELECT (COUNT(DISTINCT ?n) AS ?k) WHERE { ?n skos:broader cxg:contact-channel }")
    assert int(narrower[0]["k"] or 0) <= 25


def test_social_messaging_and_public_social_media_support_are_contrasted_with_a_note(store):
    assert CXG + "social-media-support" in values(store, "social-messaging", "cx:contrastsWith")
    assert any("public" in note for note in values(store, "social-messaging", "skos:scopeNote"))


def test_no_concept_in_these_areas_has_more_than_25_narrower(store):
    answer = rows(store, """
        SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE {
          VALUES ?top { cxg:contact-channel cxg:support-tool-or-system cxg:support-model cxg:standard-or-framework }
          ?c skos:broader* ?top . ?n skos:broader ?c .
        } GROUP BY ?c HAVING (COUNT(DISTINCT ?n) > 25)""")
    assert answer == []


# --- Tiers -------------------------------------------------------------------------------------


def test_tier_minus_1_escalates_to_no_tier(store):
    """Tier -1 prevents issues; nothing unresolved starts there, so it hands nothing up."""
    assert values(store, "tier-minus-1-support", "cx:escalatesTo") == []
    assert rows(store, "SELECT ?t WHERE { ?t cx:escalatedFrom cxg:tier-minus-1-support }") == []
    assert CXG + "tier-1-support" in values(store, "tier-0-support", "cx:escalatesTo")


def test_tiers_keep_their_sequence_integer_notations_and_ranks(store):
    members = rows(store, "SELECT ?t WHERE { cxg:support-tier-sequence skos:memberList/rdf:rest*/rdf:first ?t }")
    assert sorted(slug(r["t"]) for r in members) == sorted(TIERS)  # list order is checked through the ranks
    for expected, tier in enumerate(TIERS, start=-1):
        (notation,) = rows(store, f"SELECT ?n WHERE {{ cxg:{tier} skos:notation ?n }}")
        (rank,) = rows(store, f"SELECT ?r (DATATYPE(?r) AS ?type) WHERE {{ cxg:{tier} cx:rank ?r }}")
        assert int(notation["n"] or "x") == expected
        assert int(rank["r"] or "x") == expected and rank["type"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_each_tier_from_0_escalates_to_the_next(store):
    for lower, higher in itertools.pairwise(TIERS[1:]):
        assert CXG + higher in values(store, lower, "cx:escalatesTo"), lower
    assert values(store, "tier-4-support", "cx:escalatesTo") == []


def test_support_tier_is_a_part_of_tiered_support_not_a_kind(asserted):
    assert values(asserted, "support-tier", "isothes:broaderPartitive") == [CXG + "tiered-support"]
    assert values(asserted, "support-tier", "skos:broader") == []


def test_tiers_carry_itils_line_names(store):
    labels = {tier: {v.lower() for v in values(store, tier, "skos:altLabel")} for tier in TIERS[2:5]}
    assert "first-line support" in labels["tier-1-support"]
    assert "second-line support" in labels["tier-2-support"]
    assert "third-line support" in labels["tier-3-support"]


def test_tier_0_is_delivered_by_self_service_and_tier_minus_1_by_prevention(store):
    tier0 = {slug(r["m"]) for r in rows(store, "SELECT ?m WHERE { ?m cx:delivers cxg:tier-0-support }")}
    assert {"knowledge-base", "chatbot", "customer-portal", "interactive-voice-response"} <= tier0
    tier_minus_1 = {slug(r["m"]) for r in rows(store, "SELECT ?m WHERE { ?m cx:delivers cxg:tier-minus-1-support }")}
    assert {"self-healing", "proactive-notification", "status-page"} <= tier_minus_1


# --- ITIL --------------------------------------------------------------------------------------

ITIL = "information-technology-infrastructure-library"


def test_itil_is_not_credited_with_numbering_support_tiers(store):
    definition = " ".join(values(store, ITIL, "skos:definition")).lower()
    assert "tier" not in definition
    for tier in ("tier-minus-1-support", "support-tier"):
        notes = " ".join(values(store, tier, "skos:scopeNote|cx:disagreementNote")).lower()
        assert "official tier of the itil" not in notes and "itil-style" not in notes, tier
    it_note = " ".join(values(store, "information-technology", "skos:scopeNote")).lower()
    assert "itil support tiers build on" not in it_note


def test_the_itil_support_tiering_model_label_stays_on_tiered_support_with_a_disagreement_note(store):
    holders = rows(store, """SELECT DISTINCT ?c WHERE {
        ?c skos:prefLabel|skos:altLabel ?l . FILTER(LCASE(STR(?l)) = "itil support tiering model") }""")
    assert [slug(r["c"]) for r in holders] == ["tiered-support"]
    note = " ".join(values(store, "tiered-support", "cx:disagreementNote"))
    assert "ITIL" in note and "line" in note


def test_itil_is_a_named_framework_not_a_support_model(store, asserted):
    assert values(asserted, ITIL, "isothes:broaderInstantial") == [CXG + "service-management-framework"]
    assert rows(store, f"SELECT ?x WHERE {{ cxg:{ITIL} skos:broader+ cxg:support-model BIND(1 AS ?x) }}") == []
    assert rows(store, f"SELECT ?x WHERE {{ cxg:{ITIL} skos:broader+ cxg:standard-or-framework BIND(1 AS ?x) }}")
    assert values(store, "standard-or-framework", "skos:topConceptOf") == [CXG + "vocabulary"]


def test_itil_is_named_itil_and_the_expansion_is_an_alternative_label(store):
    assert values(store, ITIL, "skos:prefLabel") == ["ITIL"]
    alt = values(store, ITIL, "skos:altLabel")
    assert "Information Technology Infrastructure Library" in alt
    assert values(store, ITIL, "cx:acronym") == []  # the name itself, not an acronym beside it


def test_standards_are_instances_of_kinds_of_standard(asserted):
    instances = {slug(r["s"]): slug(r["k"]) for r in rows(asserted, "SELECT ?s ?k WHERE { ?s isothes:broaderInstantial ?k }")
                 if (r["k"] or "").startswith(CXG)}
    assert instances["copc-cx-standard"] == "customer-service-standard"
    assert instances["iso-10002"] == "customer-service-standard"
    assert instances["iso-18295"] == "customer-service-standard"
    assert instances["iso-iec-20000"] == "management-system-standard"
    parts = {slug(r["p"]) for r in rows(asserted, "SELECT ?p WHERE { ?p isothes:broaderPartitive cxg:iso-18295 }")}
    assert parts == {"iso-18295-1", "iso-18295-2"}


# --- Tools -------------------------------------------------------------------------------------


def test_deflection_practices_are_practices_that_use_self_service(store):
    assert values(store, "ticket-deflection", "skos:broader") == [CXG + "customer-service-practice"]
    assert CXG + "self-service-mechanism" in values(store, "ticket-deflection", "cx:usesTool")
    assert values(store, "chatbot-deflection", "skos:broader") == [CXG + "ticket-deflection"]
    assert CXG + "ticket-deflection" in values(store, "channel-deflection", "cx:contrastsWith")


def test_reply_templates_and_automations_are_features_of_support_software(store):
    for feature in ("canned-response", "macro", "automated-response", "automation-rule"):
        assert values(store, feature, "skos:broader") == [CXG + "support-software-feature"], feature
    assert CXG + "screen-sharing" in values(store, "co-browsing", "cx:contrastsWith")
