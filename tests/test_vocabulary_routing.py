"""Routing and telephony (ontology/concepts/routing-telephony.ttl) say what the field says.

Each test reads the shipped vocabulary: the named query ``routing-methods`` and its real answer,
IVR's two kinds and the tier it delivers, the dialing modes, ANI beside DNIS, and the corrections
made to the concepts that were moved into this facet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from cxgraph.query import select_rows

from .shipped import rows

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
FACET_FILE = ONTOLOGY / "concepts" / "routing-telephony.ttl"
QUERY = ROOT / "queries" / "routing-methods.rq"
CXG = "https://w3id.org/cxgraph/"


ROUTING_METHODS = {
    "skills-based-routing",
    "attribute-based-routing",
    "priority-routing",
    "first-in-first-out-routing",
    "longest-idle-agent-routing",
    "round-robin-routing",
    "fixed-order-routing",
    "simultaneous-ring-routing",
    "least-calls-routing",
    "weighted-routing",
    "predictive-routing",
    "predictive-behavioral-routing",
    "last-agent-routing",
    "direct-agent-routing",
    "conditional-routing",
    "time-of-day-routing",
    "geographic-routing",
    "overflow-routing",
}


def slug(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(CXG)


def slugs(store: ox.Store, sparql: str, var: str) -> set[str]:
    return {slug(r[var]) for r in rows(store, sparql)}


def file_concepts() -> set[str]:
    text = FACET_FILE.read_text(encoding="utf-8")
    return set(re.findall(r"^cxg:([a-z0-9-]+) a skos:Concept", text, flags=re.MULTILINE))


# --- The named query -------------------------------------------------------------------------


def test_routing_methods_query_opens_with_title_description_and_param():
    head = QUERY.read_text(encoding="utf-8").splitlines()[:3]
    assert head[0] == "# title: Routing methods"
    assert re.fullmatch(r"# description: \S.*", head[1])
    assert head[2].startswith("# param: ?lang")


def test_routing_methods_query_returns_every_kind_of_routing_method_once(store):
    answer = select_rows(store, QUERY.read_text(encoding="utf-8"))
    methods = [slug(r["method"]) for r in answer]
    assert len(methods) == len(set(methods))
    assert set(methods) == ROUTING_METHODS


def test_routing_methods_query_leaves_out_parts_of_a_method(store):
    methods = {slug(r["method"]) for r in select_rows(store, QUERY.read_text(encoding="utf-8"))}
    assert "routing-skill" not in methods  # part of skills-based routing, not a kind of routing method
    assert "overflow-threshold" not in methods


def test_routing_methods_query_gives_each_definition_starting_with_its_kind(store):
    answer = select_rows(store, QUERY.read_text(encoding="utf-8"))
    by_method = {slug(r["method"]): r for r in answer}
    for method, row in by_method.items():
        definition, kind = row["definition"] or "", row["kindOfLabel"] or ""
        assert definition.lower().startswith(kind.lower() + " "), (method, kind, definition)
    assert slug(by_method["time-of-day-routing"]["kindOf"]) == "conditional-routing"
    assert slug(by_method["overflow-routing"]["kindOf"]) == "conditional-routing"
    assert slug(by_method["predictive-behavioral-routing"]["kindOf"]) == "predictive-routing"
    assert slug(by_method["skills-based-routing"]["kindOf"]) == "routing-method"


def test_routing_methods_query_is_sorted_by_kind_then_label(store):
    answer = select_rows(store, QUERY.read_text(encoding="utf-8"))
    keys = [(r["kindOfLabel"], r["label"]) for r in answer]
    assert keys == sorted(keys)


def test_routing_methods_query_answers_from_the_asserted_graph_alone():
    plain = ox.Store()
    for path in sorted(ONTOLOGY.rglob("*.ttl")):
        plain.load(path=str(path), format=ox.RdfFormat.TURTLE)
    methods = {slug(r["method"]) for r in select_rows(plain, QUERY.read_text(encoding="utf-8"))}
    assert methods == ROUTING_METHODS


# --- IVR: polyhierarchy and tier 0 -----------------------------------------------------------


def test_ivr_is_both_a_telephony_system_and_a_self_service_mechanism(store):
    broader = slugs(store, "SELECT ?b WHERE { cxg:interactive-voice-response skos:broader ?b }", "b")
    assert broader == {"telephony-system", "self-service-mechanism"}


def test_ivr_is_no_longer_filed_under_customer_service_software_directly(store):
    # Correction: 0.1 had IVR only as a kind of customer service software.
    broader = slugs(store, "SELECT ?b WHERE { cxg:interactive-voice-response skos:broader ?b }", "b")
    assert "customer-service-software" not in broader


def test_ivr_delivers_tier_0_support(store):
    delivered = slugs(
        store,
        "SELECT ?t WHERE { { cxg:interactive-voice-response cx:delivers ?t } UNION"
        " { ?t cx:deliveredBy cxg:interactive-voice-response } }",
        "t",
    )
    assert "tier-0-support" in delivered


def test_ivr_kinds_are_kinds_of_ivr(store):
    kinds = slugs(store, "SELECT ?k WHERE { ?k skos:broader+ cxg:interactive-voice-response }", "k")
    assert {"touch-tone-ivr", "speech-enabled-ivr", "conversational-ivr", "visual-ivr"} <= kinds


# --- Dialers -----------------------------------------------------------------------------------


def test_the_dialing_modes_are_separate_kinds_of_dialer(store):
    answer = rows(
        store,
        'SELECT ?d ?label ?def WHERE { ?d skos:broader cxg:dialer ; skos:prefLabel ?label ;'
        ' skos:definition ?def FILTER(LANG(?def) = "en") }',
    )
    by_slug = {slug(r["d"]): r for r in answer}
    modes = {"predictive-dialer", "progressive-dialer", "preview-dialer"}
    assert modes <= set(by_slug)
    assert len({by_slug[m]["label"] for m in modes}) == 3
    assert len({by_slug[m]["def"] for m in modes}) == 3


def test_no_dialing_mode_is_filed_under_another(store):
    nested = rows(
        store,
        "SELECT ?a ?b WHERE { VALUES ?a { cxg:predictive-dialer cxg:progressive-dialer cxg:preview-dialer }"
        " VALUES ?b { cxg:predictive-dialer cxg:progressive-dialer cxg:preview-dialer }"
        " ?a skos:broader+ ?b }",
    )
    assert nested == []


def test_dialing_modes_that_are_confused_are_contrasted_with_a_note(store):
    pairs = {
        (slug(r["a"]), slug(r["b"]))
        for r in rows(store, "SELECT ?a ?b WHERE { ?a cx:contrastsWith ?b }")
    }
    assert ("predictive-dialer", "progressive-dialer") in pairs or ("progressive-dialer", "predictive-dialer") in pairs
    assert ("preview-dialer", "progressive-dialer") in pairs or ("progressive-dialer", "preview-dialer") in pairs
    noted = slugs(
        store,
        "SELECT ?d WHERE { VALUES ?d { cxg:predictive-dialer cxg:preview-dialer } ?d skos:scopeNote ?n }",
        "d",
    )
    assert noted == {"predictive-dialer", "preview-dialer"}


def test_predictive_dialer_states_the_us_abandonment_safe_harbor():
    text = FACET_FILE.read_text(encoding="utf-8")
    block = text.split("cxg:predictive-dialer a skos:Concept", 1)[1].split("\n\n", 1)[0]
    assert "3 per cent" in block and "2 seconds" in block and "30-day" in block


# --- ANI and DNIS ------------------------------------------------------------------------------


def test_ani_and_dnis_are_separate_concepts_with_their_own_acronyms(store):
    acronyms = {
        r["acronym"]: slug(r["c"])
        for r in rows(
            store,
            'SELECT ?c ?acronym WHERE { VALUES ?acronym { "ANI"@en "DNIS"@en } ?c cx:acronym ?acronym }',
        )
    }
    assert acronyms == {"ANI": "automatic-number-identification", "DNIS": "dialed-number-identification-service"}


def test_neither_ani_nor_dnis_is_filed_under_the_other(store):
    nested = rows(
        store,
        "SELECT ?a WHERE { { cxg:automatic-number-identification skos:broader+ cxg:dialed-number-identification-service }"
        " UNION { cxg:dialed-number-identification-service skos:broader+ cxg:automatic-number-identification } }",
    )
    assert nested == []


def test_ani_contrasts_with_dnis_and_with_caller_id(store):
    contrasted = slugs(
        store,
        "SELECT ?o WHERE { { cxg:automatic-number-identification cx:contrastsWith ?o } UNION"
        " { ?o cx:contrastsWith cxg:automatic-number-identification } }",
        "o",
    )
    assert {"dialed-number-identification-service", "caller-id"} <= contrasted


# --- Corrections to the concepts moved into this facet ---------------------------------------


def test_ticket_routing_is_a_step_of_ticket_management_not_a_component_quantity(store):
    # Correction: cx:componentOf is for quantities that add up to another (talk time -> handle time).
    component = rows(store, "SELECT ?x WHERE { cxg:ticket-routing cx:componentOf ?x }")
    assert component == []
    part_of = slugs(store, "SELECT ?x WHERE { cxg:ticket-routing cx:partOf ?x }", "x")
    assert part_of == {"ticket-management"}


def test_ticket_routing_is_a_kind_of_contact_routing(store):
    broader = slugs(store, "SELECT ?b WHERE { cxg:ticket-routing skos:broader ?b }", "b")
    assert broader == {"contact-routing"}


def test_no_concept_has_the_ambiguous_bare_label_routing(store):
    assert rows(store, 'SELECT ?c WHERE { ?c skos:altLabel|skos:prefLabel "Routing"@en }') == []


def test_warm_transfer_is_a_kind_of_call_transfer_beside_cold_transfer(store):
    broader = slugs(store, "SELECT ?b WHERE { cxg:warm-transfer skos:broader ?b }", "b")
    assert broader == {"call-transfer"}
    transfers = slugs(store, "SELECT ?t WHERE { ?t skos:broader cxg:call-transfer }", "t")
    assert {"warm-transfer", "cold-transfer"} <= transfers
    kinds_of_warm = slugs(store, "SELECT ?t WHERE { ?t skos:broader cxg:warm-transfer }", "t")
    assert kinds_of_warm == {"consult-transfer", "conference-transfer"}


def test_blind_transfer_is_the_cold_transfer(store):
    holders = slugs(store, 'SELECT ?c WHERE { ?c skos:altLabel "Blind transfer"@en }', "c")
    assert holders == {"cold-transfer"}


# --- Queues ------------------------------------------------------------------------------------


def test_acd_queue_is_a_kind_of_the_existing_support_queue_and_universal_queue_of_acd_queue(store):
    assert slugs(store, "SELECT ?b WHERE { cxg:acd-queue skos:broader ?b }", "b") == {"support-queue"}
    assert slugs(store, "SELECT ?b WHERE { cxg:universal-queue skos:broader ?b }", "b") == {"acd-queue"}


def test_virtual_queuing_links_to_the_callback_request_of_the_phone_channel(store):
    linked = slugs(
        store,
        "SELECT ?o WHERE { { cxg:virtual-queuing skos:related ?o } UNION { ?o skos:related cxg:virtual-queuing } }",
        "o",
    )
    assert "callback-request" in linked


# --- Structure of the whole facet --------------------------------------------------------------


def test_parts_are_partitive_not_kinds(store):
    partitive = {
        (slug(r["p"]), slug(r["w"]))
        for r in rows(store, "SELECT ?p ?w WHERE { ?p isothes:broaderPartitive ?w }")
    }
    assert {
        ("routing-skill", "skills-based-routing"),
        ("overflow-threshold", "overflow-routing"),
        ("pause-and-resume-recording", "call-recording"),
        ("voiceprint", "voice-biometrics"),
    } <= partitive


def test_no_concept_of_the_facet_has_more_than_25_narrower(store):
    counts = {
        slug(r["c"]): int(r["k"] or 0)
        for r in rows(store, "SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE { ?n skos:broader ?c } GROUP BY ?c")
    }
    assert all(counts.get(c, 0) <= 25 for c in file_concepts())


def test_every_concept_of_the_file_is_a_member_of_the_facet(store):
    members = slugs(store, "SELECT ?m WHERE { cxg:routing-and-telephony-facet skos:member ?m }", "m")
    assert file_concepts() <= members
    assert len(file_concepts()) >= 53


def test_every_new_concept_has_provenance_and_a_checked_reference(store):
    existing = {"ticket-routing", "warm-transfer", "interactive-voice-response"}
    answer = rows(
        store,
        "SELECT ?c ?created ?src ?url WHERE { ?c skos:inScheme cxg:vocabulary ;"
        " dct:creator cxg:project ; dct:created ?created ; dct:source ?src ."
        " OPTIONAL { ?src schema:url ?url } }",
    )
    referenced: dict[str, set[str]] = {}
    for r in answer:
        referenced.setdefault(slug(r["c"]), set()).add(r["url"] or "")
    for concept in file_concepts() - existing:
        assert concept in referenced, concept
        assert any(url.startswith("http") for url in referenced[concept]), concept


def test_contact_routing_sits_under_contact_center_operations(store):
    broader = slugs(store, "SELECT ?b WHERE { cxg:contact-routing skos:broader ?b }", "b")
    assert broader == {"contact-center-operations"}
