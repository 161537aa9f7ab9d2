"""The Python API: build, check, write_view, import_glossary, graph and concept."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

import cxgraph
from cxgraph import ChecksFailed, ConceptRecord, UsageError
from cxgraph.namespaces import CXG, SKOS

from .conftest import DATA


def test_every_public_name_is_exported() -> None:
    for name in ("build", "check", "write_view", "import_glossary", "graph", "concept", "BuildResult",
                 "ConceptRecord", "ChecksFailed"):
        assert name in cxgraph.__all__
        assert getattr(cxgraph, name) is not None


def test_build_writes_every_export_and_reports_progress(mini_ontology: Path, tmp_path: Path) -> None:
    steps: list[str] = []
    result = cxgraph.build(tmp_path / "out", mini_ontology, view=False, progress=steps.append,
                           base_url="https://example.org/cx/")
    names = {p.name for p in result.files}
    assert {"cxgraph.ttl", "cxgraph.nt", "cxgraph.jsonld", "void.ttl"} <= names
    assert "cxgraph.html" not in names and result.view is None
    assert result.report.ok
    nt = (tmp_path / "out" / "cxgraph.nt").read_text(encoding="utf-8").splitlines()
    assert result.triples == len(nt)
    assert any(s.startswith("loaded ") for s in steps) and any(s.startswith("ran ") for s in steps)
    assert "https://example.org/cx/cxgraph.ttl" in (tmp_path / "out" / "void.ttl").read_text(encoding="utf-8")


def test_build_raises_checks_failed_and_writes_nothing(mini_ontology: Path, tmp_path: Path) -> None:
    (mini_ontology / "cycle.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix cxg: <https://w3id.org/cxgraph/> .\n"
        "cxg:survey skos:broader cxg:customer-satisfaction-score .\n"
        "cxg:customer-satisfaction-score skos:broader cxg:survey .\n",
        encoding="utf-8",
    )
    with pytest.raises(ChecksFailed) as caught:
        cxgraph.build(tmp_path / "out", mini_ontology, view=False)
    assert caught.value.exit_code == 1
    assert not caught.value.report.ok
    assert not (tmp_path / "out").exists()


def test_check_returns_the_report(mini_ontology: Path) -> None:
    report = cxgraph.check(mini_ontology)
    assert report.checks
    assert isinstance(report.ok, bool)


def test_write_view_opens_on_a_concept_and_refuses_an_unknown_one(mini_ontology: Path, tmp_path: Path) -> None:
    result = cxgraph.write_view(tmp_path / "v.html", mini_ontology, concept="CSAT")
    assert result.path.read_bytes()[:15].lower().startswith(b"<!doctype html")
    assert result.concepts > 5
    with pytest.raises(UsageError, match="did you mean customer-satisfaction-score"):
        cxgraph.write_view(tmp_path / "w.html", mini_ontology, concept="Custmer Satisfaction Scor")
    assert not (tmp_path / "w.html").exists()


def test_import_glossary_takes_the_title_and_builds_a_patch(mini_ontology: Path, tmp_path: Path) -> None:
    result = cxgraph.import_glossary(DATA / "glossaries" / "team.txt", mini_ontology, out_file=tmp_path / "p.ttl")
    assert result.matches
    assert (tmp_path / "p.ttl").read_bytes() == result.patch.data()
    assert result.report().strip() and result.json().startswith("[")


def test_graph_is_the_complete_vocabulary_with_prefixes(mini_ontology: Path, tmp_path: Path) -> None:
    graph = cxgraph.graph(mini_ontology)
    assert isinstance(graph, rdflib.Graph)
    csat, survey = rdflib.URIRef(CXG + "customer-satisfaction-score"), rdflib.URIRef(CXG + "survey")
    assert (csat, rdflib.URIRef(SKOS + "related"), survey) in graph  # entailed from cx:measuredBy
    assert dict(graph.namespaces())["cxg"] == rdflib.URIRef(CXG)
    result = cxgraph.build(tmp_path / "out", mini_ontology, view=False)
    exported = rdflib.Graph().parse(tmp_path / "out" / "cxgraph.nt", format="nt")
    assert len(graph) == len(exported) == result.triples


@pytest.mark.parametrize("ident", ["CSAT", "csat", "customer-satisfaction-score", "cxg:customer-satisfaction-score",
                                   CXG + "customer-satisfaction-score", "Customer Satisfaction Score",
                                   "customer satisfaction"])
def test_concept_resolves_slugs_names_iris_labels_and_acronyms(mini_ontology: Path, ident: str) -> None:
    record = cxgraph.concept(ident, mini_ontology)
    assert isinstance(record, ConceptRecord)
    assert record.iri == CXG + "customer-satisfaction-score"


def test_concept_record_holds_labels_definitions_links_and_facts(mini_ontology: Path) -> None:
    record = cxgraph.concept("CSAT", mini_ontology)
    assert record.slug == "customer-satisfaction-score"
    assert record.pref_label == "Customer Satisfaction Score"
    assert record.labels["acronym"] == {"en": ("CSAT",)}
    assert "CSAT" not in record.labels["altLabel"].get("en", ())  # acronyms are not repeated as altLabels
    assert record.acronyms == ("CSAT",)
    assert record.definition and "en" in record.definitions
    assert [b.slug for b in record.broader] == ["metrics"]
    assert [r.slug for r in record.related["cx:measuredBy"]] == ["survey"]
    assert "skos:related" not in record.related or all(
        r.slug != "survey" for r in record.related["skos:related"])
    with pytest.raises(AttributeError):
        record.iri = "x"  # type: ignore[misc]


def test_unknown_concepts_get_fuzzy_suggestions_by_label_and_acronym(mini_ontology: Path) -> None:
    with pytest.raises(UsageError, match=r"no concept 'CSATT'.*customer-satisfaction-score \(CSAT\)"):
        cxgraph.concept("CSATT", mini_ontology)
    with pytest.raises(UsageError, match=r"did you mean customer-satisfaction-score"):
        cxgraph.concept("Customer Satisfaction Scor", mini_ontology)


def test_concept_on_the_shipped_vocabulary_has_facts() -> None:
    record = cxgraph.concept("NPS")
    assert record.slug == "net-promoter-score"
    csat = cxgraph.concept("CSAT")
    assert csat.facts["cx:unit"] == ("cx:percentage",)
    assert "cx:formula" in csat.facts and "cx:direction" in csat.facts
