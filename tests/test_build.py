"""`cxgraph build`: every export written, deterministic, clean and isomorphic."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .conftest import CliRunner

CXG = rdflib.Namespace("https://w3id.org/cxgraph/")
CX = rdflib.Namespace("https://w3id.org/cxgraph/ontology#")
RDF_EXPORTS = ["cxgraph.ttl", "cxgraph.jsonld", "context.jsonld", "cxgraph.nt", "cxgraph.rdf", "cxgraph.csv", "void.ttl"]
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def build(cli: CliRunner, ontology: Path, out: Path) -> None:
    done = cli("build", "--ontology", ontology, "--out", out, "--no-view")
    assert done.returncode == 0, done.stderr
    assert f"{out.resolve()}" in done.stdout


def read(out: Path, name: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(out / name, format=fmt)


def test_build_writes_every_export(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(RDF_EXPORTS)
    assert not list(out.glob(".*.tmp"))


def test_rebuild_gives_byte_identical_files(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    build(cli, mini_ontology, tmp_path / "a")
    build(cli, mini_ontology, tmp_path / "b")
    for name in RDF_EXPORTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_every_rdf_export_is_isomorphic_to_the_turtle(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    turtle = read(out, "cxgraph.ttl", "turtle")
    assert len(turtle) > 100
    for name, fmt in [("cxgraph.jsonld", "json-ld"), ("cxgraph.nt", "nt"), ("cxgraph.rdf", "xml")]:
        assert isomorphic(turtle, read(out, name, fmt)), name


def test_jsonld_reads_back_identically_with_the_reference_processor(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    document = json.loads((out / "cxgraph.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(read(out, "cxgraph.ttl", "turtle"), rdflib.Graph().parse(data=nquads, format="nt"))


def test_jsonld_context_is_inline_readable_and_also_written_alone(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    document = json.loads((out / "cxgraph.jsonld").read_text(encoding="utf-8"))
    context = document["@context"]
    assert isinstance(context, dict), "the context must be embedded, never fetched"
    assert json.loads((out / "context.jsonld").read_text(encoding="utf-8")) == {"@context": context}
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert context["broader"] == {"@id": "skos:broader", "@type": "@id"}
    csat = next(n for n in document["@graph"] if n["id"] == "cxg:customer-satisfaction-score")
    assert csat["prefLabel"] == {"en": "Customer Satisfaction Score"}
    assert csat["altLabel"] == {"en": ["CSAT", "Customer Satisfaction"]}
    assert csat["broader"] == "cxg:metrics"
    assert csat["higherIsBetter"] is True
    assert csat["scaleMax"] == 100
    tiers = next(n for n in document["@graph"] if n["id"] == "cxg:support-tier-sequence")
    assert tiers["memberList"] == ["cxg:support-tier-1", "cxg:support-tier-2"]


def test_turtle_holds_the_skos_entailments_users_need(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    g = read(out, "cxgraph.ttl", "turtle")
    assert (CXG["metrics"], SKOS.narrower, CXG["handle-time"]) in g
    assert (CXG["omnichannel-support"], SKOS.related, CXG["multichannel-support"]) in g  # symmetric
    assert (CXG["customer-satisfaction-score"], SKOS.related, CXG["survey"]) in g  # from cx:measuredBy
    assert (CXG["survey"], CX.measures, CXG["customer-satisfaction-score"]) in g  # inverse
    assert (CXG["survey"], SKOS.related, CXG["customer-satisfaction-score"]) in g
    assert (CXG["vocabulary"], SKOS.hasTopConcept, CXG["metrics"]) in g
    assert (CXG["support-tier-2"], CX.escalatedFrom, CXG["support-tier-1"]) in g


def test_turtle_has_no_reasoning_clutter(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    g = read(out, "cxgraph.nt", "nt")
    assert not list(g.triples((None, OWL.sameAs, None)))
    assert not list(g.triples((None, RDF.type, RDFS.Resource)))
    for s, _, _ in g:
        assert not isinstance(s, rdflib.Literal)
        assert not str(s).startswith((str(RDF), str(RDFS), str(OWL)))


def test_csv_has_one_row_per_concept(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    rows = list(csv.DictReader(io.StringIO((out / "cxgraph.csv").read_text(encoding="utf-8"))))
    concepts = set(read(out, "cxgraph.ttl", "turtle").subjects(RDF.type, SKOS.Concept))
    assert sorted(r["iri"] for r in rows) == sorted(str(c) for c in concepts)
    csat = next(r for r in rows if r["iri"].endswith("/customer-satisfaction-score"))
    assert csat["prefLabel"] == "Customer Satisfaction Score"
    assert csat["altLabels"] == "CSAT | Customer Satisfaction"
    assert csat["broader"] == str(CXG["metrics"])
    assert csat["sources"] == "https://w3id.org/cxgraph/source/test-glossary"


def test_malformed_turtle_names_file_and_line_and_writes_nothing(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    bad = mini_ontology / "themes" / "broken.ttl"
    bad.parent.mkdir()
    bad.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<urn:x> skos:prefLabel "open\n', "utf-8")
    out = tmp_path / "out"
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 1
    assert "broken.ttl:3" in done.stderr
    assert "invalid Turtle" in done.stderr
    assert not out.exists()


def test_failing_checks_leave_existing_exports_untouched(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    concepts = mini_ontology / "concepts.ttl"
    concepts.write_text(concepts.read_text("utf-8") + "\ncxg:metrics skos:broader cxg:customer-satisfaction-score .\n")
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 1
    assert "broader-cycle" in done.stderr
    assert "no exports were written" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_ontology_folder_is_a_clear_error(cli: CliRunner, tmp_path: Path) -> None:
    done = cli("build", "--ontology", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert done.returncode == 1
    assert "no such ontology folder" in done.stderr


def test_void_describes_the_dataset_and_its_files(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    dataset = (out / "void.ttl").resolve().as_uri() + "#dataset"
    triples = read(out, "cxgraph.nt", "nt")
    assert void.value(rdflib.URIRef(dataset), VOID.triples).toPython() == len(triples)
    concepts = set(triples.subjects(RDF.type, SKOS.Concept))
    assert void.value(rdflib.URIRef(dataset), VOID.entities).toPython() == len(concepts)
    dumps = {str(o) for o in void.objects(rdflib.URIRef(dataset), VOID.dataDump)}
    assert dumps == {(out / f).resolve().as_uri() for f in ["cxgraph.ttl", "cxgraph.nt", "cxgraph.rdf", "cxgraph.jsonld"]}
    for distribution in void.objects(rdflib.URIRef(dataset), DCAT.distribution):
        assert Path(str(distribution).removeprefix("file://")).is_file()


def test_failing_checks_create_no_export_folder_and_leave_no_temporary_files(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    concepts = mini_ontology / "concepts.ttl"
    concepts.write_text(concepts.read_text("utf-8") + '\ncxg:survey skos:altLabel "CSAT"@en .\n', encoding="utf-8")
    out = tmp_path / "new" / "out"
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 1
    assert "label-on-two-concepts" in done.stderr
    assert not out.exists()
    assert list(tmp_path.rglob("*.tmp")) == []


def test_unwritable_export_folder_is_a_clear_error(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export folder should be", encoding="utf-8")
    done = cli("build", "--ontology", mini_ontology, "--out", blocker / "out", "--no-view")
    assert done.returncode == 2
    assert "cannot write the exports" in done.stderr
    assert "Traceback" not in done.stderr
