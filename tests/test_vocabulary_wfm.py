"""The workforce management facet says what the field says: its placement, its metrics' facts and its named query."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.query import select_rows

from .shipped import rows

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
WFM_FILE = ONTOLOGY / "concepts" / "workforce-management.ttl"
CXG = "https://w3id.org/cxgraph/"


# The concepts that were in this file before round 2; every other concept in it is new.
EXISTING = {"workforce-management", "support-staffing", "queue-management"}




@pytest.fixture(scope="module")
def wfm_file() -> ox.Store:
    graph = ox.Store()
    graph.load(path=str(WFM_FILE), format=ox.RdfFormat.TURTLE)
    return graph


def slug(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(CXG)


def concepts_in_file(wfm_file: ox.Store) -> set[str]:
    return {slug(r["c"]) for r in rows(wfm_file, "SELECT ?c WHERE { ?c a skos:Concept }")}


def named_query() -> str:
    return (ROOT / "queries" / "workforce-management.rq").read_text(encoding="utf-8")


# --- The named query -------------------------------------------------------------------------------


def test_wfm_query_lists_every_facet_concept_grouped_with_its_broader_concept(store, wfm_file):
    answer = select_rows(store, named_query())
    groups = [r["group"] for r in answer]
    order = [
        "Practice and phases",
        "Planning methods and queueing models",
        "Plans and schedules",
        "Agent states",
        "Tools",
        "Workforce metrics",
    ]
    # Rows come grouped, in the order a planner reads the facet: practice first, metrics last.
    assert [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g] == order
    listed = {slug(r["concept"]) for r in answer}
    assert concepts_in_file(wfm_file) <= listed
    assert "agent-utilization" in listed
    assert all(r["definition"] for r in answer)
    found = {(slug(r["concept"]), r["group"], r["relation"], r["broader"] and slug(r["broader"])) for r in answer}
    assert {
        ("erlang-c", "Planning methods and queueing models", "instance of", "queueing-model"),
        ("erlang-a", "Planning methods and queueing models", "instance of", "queueing-model"),
        ("support-staffing", "Practice and phases", "part of", "workforce-management"),
        ("forecasting", "Practice and phases", "part of", "workforce-management"),
        ("shift-bidding", "Practice and phases", "kind of", "rostering"),
        ("shift", "Plans and schedules", "part of", "agent-schedule"),
        ("volume-forecast", "Plans and schedules", "kind of", "workforce-plan"),
        ("not-ready-state", "Agent states", "kind of", "agent-state"),
        ("workforce-management-software", "Tools", "kind of", "customer-service-software"),
        ("occupancy", "Workforce metrics", "kind of", "workforce-metric"),
        ("planned-shrinkage", "Workforce metrics", "kind of", "shrinkage"),
        ("workforce-metric", "Workforce metrics", "kind of", "customer-service-metric"),
    } <= found
    # A part is listed as a part only, never also as a kind of the same whole.
    assert ("support-staffing", "Practice and phases", "kind of", "workforce-management") not in found


def test_wfm_query_gives_the_same_hierarchy_without_inference(store, asserted):
    def hierarchy(graph: ox.Store) -> set[tuple[str, str | None, str | None]]:
        return {(slug(r["concept"]), r["relation"], r["broader"]) for r in select_rows(graph, named_query())}

    assert hierarchy(asserted) == hierarchy(store)


def test_wfm_query_opens_with_title_description_and_param():
    head = named_query().splitlines()[:3]
    assert head[0] == "# title: WFM concepts"
    assert head[1].startswith("# description: ")
    assert head[2].startswith("# param: ?lang")
    assert "ORDER BY" in named_query()


# --- Key facts ---------------------------------------------------------------------------------------


def test_occupancy_is_a_target_band_with_a_numeric_band_not_a_direction(store):
    [row] = rows(
        store,
        """SELECT ?unit ?direction ?min ?max WHERE {
             cxg:occupancy cx:unit ?unit ; cx:direction ?direction ; cx:targetMin ?min ; cx:targetMax ?max }""",
    )
    assert row["unit"] == "https://w3id.org/cxgraph/ontology#percentage"
    assert row["direction"] == "https://w3id.org/cxgraph/ontology#targetBandDirection"
    low, high = float(row["min"] or "nan"), float(row["max"] or "nan")
    assert 0 < low < high <= 100
    assert (low, high) == (75, 85)
    directions = rows(store, "SELECT ?d WHERE { cxg:occupancy cx:direction ?d }")
    assert len(directions) == 1, "occupancy must not also claim higher or lower is better"


def test_occupancy_contrasts_with_agent_utilization_and_says_how(store):
    assert rows(store, "SELECT * WHERE { cxg:occupancy cx:contrastsWith cxg:agent-utilization }")
    assert rows(store, "SELECT * WHERE { cxg:agent-utilization cx:contrastsWith cxg:occupancy }")
    [note] = rows(store, "SELECT ?n WHERE { cxg:occupancy cx:implementationNote ?n }")
    assert "utilization" in (note["n"] or "")


def test_adherence_and_conformance_are_different_concepts_that_contrast(store):
    assert rows(store, "SELECT * WHERE { cxg:schedule-adherence cx:contrastsWith cxg:schedule-conformance }")
    assert rows(store, "SELECT * WHERE { cxg:schedule-conformance cx:contrastsWith cxg:schedule-adherence }")
    facts = {
        slug(r["c"]): r
        for r in rows(
            store,
            """SELECT ?c ?label ?formula WHERE {
                 VALUES ?c { cxg:schedule-adherence cxg:schedule-conformance }
                 ?c skos:prefLabel ?label ; cx:formula ?formula }""",
        )
    }
    adherence, conformance = facts["schedule-adherence"], facts["schedule-conformance"]
    assert adherence["label"] != conformance["label"]
    assert adherence["formula"] != conformance["formula"]
    assert "out of adherence" in (adherence["formula"] or "")
    assert "worked" in (conformance["formula"] or "")
    # Neither concept carries the other's label, so a search for one never lands on the other.
    labels = rows(
        store,
        """SELECT ?c ?l WHERE { VALUES ?c { cxg:schedule-adherence cxg:schedule-conformance }
             ?c skos:prefLabel|skos:altLabel ?l }""",
    )
    adherence_labels = {(r["l"] or "").lower() for r in labels if slug(r["c"]) == "schedule-adherence"}
    conformance_labels = {(r["l"] or "").lower() for r in labels if slug(r["c"]) == "schedule-conformance"}
    assert not adherence_labels & conformance_labels
    notes = rows(store, "SELECT ?n WHERE { cxg:schedule-adherence skos:scopeNote ?n }")
    assert any("conformance asks" in (r["n"] or "") for r in notes)


def test_erlang_c_is_a_named_instance_of_a_queueing_model(store, asserted):
    assert rows(asserted, "SELECT * WHERE { cxg:erlang-c isothes:broaderInstantial cxg:queueing-model }")
    assert not rows(asserted, "SELECT * WHERE { cxg:erlang-c skos:broader ?kind }"), "an instance, not a kind"
    # Erlang A and Erlang B are instances of the same class, and Erlang C is contrasted with both.
    siblings = rows(store, "SELECT ?e WHERE { ?e isothes:broaderInstantial cxg:queueing-model }")
    assert {slug(r["e"]) for r in siblings} == {"erlang-a", "erlang-b", "erlang-c"}
    contrasts = rows(store, "SELECT ?e WHERE { cxg:erlang-c cx:contrastsWith ?e }")
    assert {slug(r["e"]) for r in contrasts} >= {"erlang-a", "erlang-b"}
    notes = [r["n"] or "" for r in rows(store, "SELECT ?n WHERE { cxg:erlang-c skos:scopeNote ?n }")]
    assert any("Poisson" in n and "never abandon" in n for n in notes)


def test_every_workforce_metric_has_a_unit_and_a_direction(store):
    # Grouping concepts (a kind of workforce metric with narrower kinds and no unit of its own,
    # such as an agent productivity metric) are categories, not measures, and are left out.
    metrics = rows(
        store,
        """SELECT ?m (COUNT(DISTINCT ?u) AS ?units) (COUNT(DISTINCT ?d) AS ?directions) WHERE {
             ?m (skos:broader|isothes:broaderPartitive)+ cxg:workforce-metric .
             FILTER(EXISTS { ?m cx:unit ?any } || NOT EXISTS { ?narrower skos:broader ?m })
             OPTIONAL { ?m cx:unit ?u } OPTIONAL { ?m cx:direction ?d } } GROUP BY ?m""",
    )
    assert len(metrics) >= 19
    missing = [slug(r["m"]) for r in metrics if r["units"] != "1" or r["directions"] != "1"]
    assert missing == []


def test_workforce_metrics_in_this_file_have_a_formula_and_deprecated_facts_are_gone(wfm_file):
    metrics = rows(
        wfm_file,
        """SELECT ?m ?formula WHERE { ?m skos:broader+ cxg:workforce-metric . OPTIONAL { ?m cx:formula ?formula } }""",
    )
    assert len(metrics) >= 19
    assert [slug(r["m"]) for r in metrics if not r["formula"]] == []
    assert not rows(wfm_file, "SELECT * WHERE { ?m cx:higherIsBetter|cx:synchronous ?v }")
    # Target-band and context-dependent metrics say why in a note.
    unexplained = rows(
        wfm_file,
        """SELECT ?m WHERE { ?m cx:direction ?d .
             FILTER(?d IN (cx:contextDependentDirection, cx:targetBandDirection))
             FILTER NOT EXISTS { ?m skos:scopeNote|cx:implementationNote|cx:disagreementNote ?n } }""",
    )
    assert unexplained == []


def test_shrinkage_splits_into_planned_and_unplanned_and_grosses_up_the_requirement(store):
    kinds = rows(store, "SELECT ?k WHERE { ?k skos:broader cxg:shrinkage }")
    assert {slug(r["k"]) for r in kinds} == {"planned-shrinkage", "unplanned-shrinkage"}
    [formula] = rows(store, "SELECT ?f WHERE { cxg:shrinkage cx:formula ?f }")
    assert "1 - shrinkage" in (formula["f"] or "")
    [unplanned] = rows(store, "SELECT ?d WHERE { cxg:unplanned-shrinkage cx:direction ?d }")
    assert (unplanned["d"] or "").endswith("#lowerIsBetterDirection")


def test_required_and_scheduled_staff_are_different_measures_in_fte(store):
    assert rows(store, "SELECT * WHERE { cxg:staffing-requirement cx:contrastsWith cxg:scheduled-staff }")
    units = rows(
        store,
        """SELECT ?c ?u WHERE { VALUES ?c { cxg:staffing-requirement cxg:scheduled-staff cxg:net-staffing
             cxg:full-time-equivalent } ?c cx:unit ?u }""",
    )
    assert {(slug(r["c"]), (r["u"] or "").rsplit("#", 1)[-1]) for r in units} == {
        ("staffing-requirement", "fte"),
        ("scheduled-staff", "fte"),
        ("net-staffing", "fte"),
        ("full-time-equivalent", "fte"),
    }
    uses = rows(store, "SELECT ?q WHERE { cxg:net-staffing cx:formulaUses ?q }")
    assert {slug(r["q"]) for r in uses} == {"scheduled-staff", "staffing-requirement"}


# --- Corrections to the seed placement ---------------------------------------------------------


def test_wfm_and_queue_management_no_longer_sit_directly_under_customer_service_practice(asserted):
    wrong = rows(
        asserted,
        """SELECT ?c WHERE { VALUES ?c { cxg:workforce-management cxg:queue-management cxg:support-staffing }
             ?c skos:broader cxg:customer-service-practice }""",
    )
    assert wrong == []
    placed = rows(
        asserted,
        """SELECT ?c WHERE { VALUES ?c { cxg:workforce-management cxg:queue-management }
             ?c skos:broader cxg:contact-center-operations }""",
    )
    assert {slug(r["c"]) for r in placed} == {"workforce-management", "queue-management"}


def test_support_staffing_is_a_phase_of_wfm_not_a_kind_of_it(asserted):
    assert rows(asserted, "SELECT * WHERE { cxg:support-staffing isothes:broaderPartitive cxg:workforce-management }")
    assert not rows(asserted, "SELECT * WHERE { cxg:support-staffing skos:broader ?kind }")


def test_changed_seed_concepts_say_what_changed_and_keep_their_glossary(asserted):
    for concept, glossary in (
        ("workforce-management", "support-ops-glossary"),
        ("support-staffing", "ai-support-glossary"),
        ("queue-management", "support-ops-glossary"),
    ):
        found = rows(
            asserted,
            f"""SELECT ?note ?modified WHERE {{ cxg:{concept} skos:changeNote ?note ; dct:modified ?modified ;
                 dct:source <https://w3id.org/cxgraph/source/{glossary}> }}""",
        )
        assert found, concept
        assert found[0]["modified"] == "2026-12-01"


# --- Provenance, facet and shape -----------------------------------------------------------------


def test_new_concepts_carry_provenance_and_cite_a_reference(wfm_file, asserted):
    new = concepts_in_file(wfm_file) - EXISTING
    assert len(new) >= 40
    lacking = rows(
        wfm_file,
        """SELECT ?c WHERE { ?c a skos:Concept .
             FILTER NOT EXISTS { ?c dct:creator cxg:project ; dct:created "2026-12-01"^^xsd:date ; dct:source ?s } }""",
    )
    assert {slug(r["c"]) for r in lacking} <= EXISTING
    uncited = rows(
        asserted,
        """SELECT DISTINCT ?s WHERE { ?c dct:source ?s . FILTER(STRSTARTS(STR(?c), "https://w3id.org/cxgraph/"))
             FILTER NOT EXISTS { ?s dct:title ?t } }""",
    )
    wfm_sources = {r["s"] for r in rows(wfm_file, "SELECT DISTINCT ?s WHERE { ?c dct:source ?s }")}
    assert not wfm_sources & {r["s"] for r in uncited}


def test_facet_collection_holds_the_file_and_has_a_label_of_its_own(wfm_file, store):
    members = {
        slug(r["m"]) for r in rows(wfm_file, "SELECT ?m WHERE { cxg:workforce-management-facet skos:member ?m }")
    }
    assert concepts_in_file(wfm_file) | {"agent-utilization"} == members
    clash = rows(
        store,
        """SELECT ?c WHERE { cxg:workforce-management-facet skos:prefLabel ?l . ?c a skos:Concept ;
             skos:prefLabel|skos:altLabel|skos:hiddenLabel ?x . FILTER(LCASE(STR(?x)) = LCASE(STR(?l))) }""",
    )
    assert clash == []


def test_no_wfm_concept_has_more_than_25_narrower_concepts(store, wfm_file):
    crowded = rows(
        store,
        """SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE { ?n skos:broader|isothes:broaderPartitive|isothes:broaderInstantial ?c }
             GROUP BY ?c HAVING (COUNT(DISTINCT ?n) > 25)""",
    )
    assert not {slug(r["c"]) for r in crowded} & concepts_in_file(wfm_file)
