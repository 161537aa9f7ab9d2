"""People, organisation and quality in the shipped vocabulary: the corrections of round 2 and the
shape of the roles, organisation and quality facets.

Each correction test fails on the statement the vocabulary made before it was corrected (0.1.0):
a call center that was a sibling of the contact center "mainly by telephone", a help desk reached
"in person or online", and an outsourcing definition that said "often in another country".
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from .shipped import rows

ROOT = Path(__file__).resolve().parent.parent
CXG = "https://w3id.org/cxgraph/"
SRC = "https://w3id.org/cxgraph/source/"


def slug(iri: str | None) -> str:
    assert iri is not None
    return iri.removeprefix(CXG)


def definition(store: ox.Store, concept: str) -> str:
    (row,) = rows(store, f'SELECT ?d WHERE {{ cxg:{concept} skos:definition ?d FILTER(LANG(?d) = "en") }}')
    assert row["d"] is not None
    return row["d"]


def broader_closure(store: ox.Store, concept: str) -> set[str]:
    return {slug(r["b"]) for r in rows(store, f"SELECT ?b WHERE {{ cxg:{concept} skos:broader+ ?b }}")}


def sources(store: ox.Store, concept: str) -> set[str]:
    found = rows(store, f"SELECT ?s WHERE {{ cxg:{concept} dct:source ?s }}")
    return {str(r["s"]).removeprefix(SRC) for r in found}


# --- Corrections -----------------------------------------------------------------------------------


def test_call_center_is_a_voice_only_kind_of_contact_center(store):
    assert "contact-center" in broader_closure(store, "call-center")
    text = definition(store, "call-center")
    assert text.startswith("Contact center that handles customer contacts by voice only")
    assert "inbound" in text and "outbound" in text
    assert "mainly by telephone" not in text


def test_contact_center_handles_several_channels_and_call_center_does_not_contrast_with_its_broader(store):
    assert "several channels" in definition(store, "contact-center")
    linked = rows(store, "SELECT ?x WHERE { cxg:call-center cx:contrastsWith|^cx:contrastsWith cxg:contact-center BIND(1 AS ?x) }")
    assert linked == []


def test_voice_only_inbound_and_outbound_call_centers_are_both_call_centers_and_contact_centers_by_direction(store):
    assert {"call-center", "inbound-contact-center", "contact-center"} <= broader_closure(store, "inbound-call-center")
    assert {"call-center", "outbound-contact-center", "contact-center"} <= broader_closure(store, "outbound-call-center")


def test_help_desk_definition_includes_the_telephone(store):
    text = definition(store, "help-desk")
    assert "telephone" in text
    assert "reached in person or online" not in text


def test_outsourcing_definition_no_longer_folds_in_offshoring(store):
    (row,) = rows(store, 'SELECT ?c WHERE { ?c skos:altLabel "Outsourcing"@en }')
    outsourcing = slug(row["c"])
    assert outsourcing == "customer-service-outsourcing"
    text = definition(store, outsourcing)
    for phrase in ("another country", "abroad", "offshore", "overseas"):
        assert phrase not in text


def test_offshoring_is_about_where_and_outsourcing_about_who(store):
    assert "offshoring" not in broader_closure(store, "customer-service-outsourcing")
    assert "business-process-outsourcing" not in broader_closure(store, "offshoring")
    assert rows(store, "SELECT ?x WHERE { cxg:business-process-outsourcing cx:contrastsWith cxg:offshoring BIND(1 AS ?x) }")
    note = rows(store, "SELECT ?n WHERE { cxg:offshoring skos:scopeNote ?n }")
    assert any("location" in str(r["n"]) and "who" in str(r["n"]) for r in note)
    # offshore outsourcing is both at once; a captive center is offshore work that is not outsourced
    assert {"business-process-outsourcing", "offshoring"} <= broader_closure(store, "offshore-outsourcing")
    assert {"nearshoring", "business-process-outsourcing"} <= broader_closure(store, "nearshore-outsourcing")
    assert {"onshoring", "business-process-outsourcing"} <= broader_closure(store, "onshore-outsourcing")
    assert "in-house-contact-center" in broader_closure(store, "captive-center")
    assert "business-process-outsourcing" not in broader_closure(store, "captive-center")


@pytest.mark.parametrize(
    ("concept", "glossaries"),
    [
        ("call-center", {"helpdesk-vendor-blog", "gladly"}),
        ("contact-center", {"gladly"}),
        ("help-desk", {"helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"}),
        ("customer-service-outsourcing", {"helpdesk-vendor-blog"}),
        ("business-process-outsourcing", {"support-ops-glossary", "helpdesk-vendor-blog"}),
        ("quality-assurance", {"helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary"}),
        ("agent", {"vistachat", "helpdesk-vendor-blog", "ai-support-glossary", "support-ops-glossary", "gladly"}),
    ],
)
def test_corrected_and_moved_concepts_keep_their_seed_glossaries(store, concept, glossaries):
    assert glossaries <= sources(store, concept)


# --- Structure of the roles facet --------------------------------------------------------------


def test_role_or_team_has_a_role_facet_an_organisation_facet_and_the_customer_side(store):
    found = rows(store, "SELECT ?n WHERE { ?n skos:broader cxg:role-or-team }")
    assert {slug(r["n"]) for r in found} == {"customer-service-role", "support-organization", "customer", "customer-segment"}
    assert "customer-service-role" in broader_closure(store, "agent")
    assert "support-organization" in broader_closure(store, "contact-center")
    assert "support-organization" in broader_closure(store, "customer-success")


def test_nps_categories_are_kinds_of_customer_and_their_collection_is_in_the_scheme(store):
    for category in ("promoter", "passive", "detractor"):
        assert {"survey-respondent", "customer"} <= broader_closure(store, category)
    (row,) = rows(store, """SELECT ?creator ?note WHERE {
        cxg:nps-respondent-categories a skos:Collection ; skos:inScheme cxg:vocabulary ;
            dct:creator ?creator ; skos:historyNote ?note }""")
    assert slug(row["creator"]) == "project"


def test_no_concept_in_these_facets_has_more_than_25_narrower(store):
    found = rows(store, """SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE {
        VALUES ?facet { cxg:roles-and-teams-facet cxg:contact-center-organisation-facet cxg:quality-and-coaching-facet }
        ?facet skos:member ?c . ?n skos:broader ?c } GROUP BY ?c""")
    assert found and all(int(str(r["k"])) <= 25 for r in found)


def test_supervisor_and_team_lead_are_contrasted_with_the_difference_stated(store):
    assert rows(store, "SELECT ?x WHERE { cxg:team-lead cx:contrastsWith cxg:supervisor BIND(1 AS ?x) }")
    notes = rows(store, "SELECT ?n WHERE { cxg:team-lead skos:scopeNote ?n }")
    assert any("formal authority" in str(r["n"]) for r in notes)


def test_real_time_analyst_is_a_kind_of_workforce_analyst(store):
    assert "workforce-analyst" in broader_closure(store, "real-time-analyst")


# --- Quality facet -----------------------------------------------------------------------------


def test_quality_assurance_is_part_of_quality_management_and_has_its_steps_as_parts(store):
    assert rows(store, "SELECT ?x WHERE { cxg:quality-assurance isothes:broaderPartitive cxg:quality-management BIND(1 AS ?x) }")
    parts = rows(store, "SELECT ?p WHERE { ?p isothes:broaderPartitive cxg:quality-assurance }")
    assert {"quality-monitoring", "quality-evaluation", "calibration"} <= {slug(r["p"]) for r in parts}


def test_scorecard_evaluation_form_and_agent_scorecard_are_three_records_told_apart(store):
    for record in ("quality-scorecard", "evaluation-form", "agent-scorecard"):
        assert "support-record" in broader_closure(store, record)
    contrasts = rows(store, "SELECT ?o WHERE { cxg:quality-scorecard cx:contrastsWith ?o }")
    assert {"evaluation-form", "agent-scorecard"} <= {slug(r["o"]) for r in contrasts}


def test_fatal_error_is_a_label_of_critical_error_which_contrasts_with_non_critical_error(store):
    (row,) = rows(store, 'SELECT ?c WHERE { ?c skos:altLabel "Fatal error"@en }')
    assert slug(row["c"]) == "critical-error"
    assert rows(store, "SELECT ?x WHERE { cxg:critical-error cx:contrastsWith cxg:non-critical-error BIND(1 AS ?x) }")


def test_every_quality_metric_has_unit_direction_formula_and_inputs(store):
    found = rows(store, """SELECT ?m ?unit ?direction ?formula (COUNT(?input) AS ?inputs) WHERE {
        ?m skos:broader+ cxg:quality-metric .
        FILTER(STRSTARTS(STR(?m), "https://w3id.org/cxgraph/") && ?m NOT IN (cxg:agent-effort-score))
        OPTIONAL { ?m cx:unit ?unit } OPTIONAL { ?m cx:direction ?direction } OPTIONAL { ?m cx:formula ?formula }
        OPTIONAL { ?m cx:formulaUses ?input }
    } GROUP BY ?m ?unit ?direction ?formula""")
    metrics = {slug(r["m"]) for r in found}
    assert {"internal-quality-score", "critical-error-rate", "calibration-variance", "inter-rater-reliability",
            "evaluation-coverage", "evaluation-pass-rate"} <= metrics
    for r in found:
        assert r["unit"] and r["direction"] and r["formula"], r
        assert int(str(r["inputs"])) >= 1, r


def test_quality_score_is_a_percentage_where_higher_is_better_and_critical_error_rate_lower(store):
    (score,) = rows(store, "SELECT ?u ?d ?min ?max WHERE { cxg:internal-quality-score cx:unit ?u ; cx:direction ?d ; cx:scaleMin ?min ; cx:scaleMax ?max }")
    assert str(score["u"]).endswith("#percentage") and str(score["d"]).endswith("#higherIsBetterDirection")
    assert (int(str(score["min"])), int(str(score["max"]))) == (0, 100)
    (rate,) = rows(store, "SELECT ?d WHERE { cxg:critical-error-rate cx:direction ?d }")
    assert str(rate["d"]).endswith("#lowerIsBetterDirection")


@pytest.mark.parametrize("facet", ["roles-and-teams-facet", "contact-center-organisation-facet", "quality-and-coaching-facet"])
def test_new_concepts_in_these_facets_name_their_creator_date_and_a_public_reference(store, facet):
    found = rows(store, f"""SELECT ?c (SAMPLE(?s) AS ?source) WHERE {{
        cxg:{facet} skos:member ?c . ?c dct:created ?created ; dct:creator cxg:project .
        FILTER NOT EXISTS {{ ?c skos:historyNote ?grouping }}
        OPTIONAL {{ ?c dct:source ?s . ?s a cx:Reference }}
    }} GROUP BY ?c""")
    assert found
    assert [slug(r["c"]) for r in found if r["source"] is None] == []
