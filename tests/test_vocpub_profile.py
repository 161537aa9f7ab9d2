"""The exported vocabulary conforms to the VocPub publication profile, as a registry validates it.

The profile's SHACL shapes come from the voc4cat package; pySHACL runs them over
``exports/cxgraph.ttl``. Every result counts, warnings included.

VocPub 5.2 allows one ``skos:prefLabel`` per resource in total (``sh:maxCount 1`` beside
``sh:uniqueLang``), which no multilingual vocabulary can meet. The multilingual export is held to
vp4cat 5.3, the same shapes with that one limit removed (one preferred label *per language*
remains required); the English projection of the export (every literal in another language left
out) is still held to VocPub 5.2 itself, and the only VocPub 5.2 results on the full export are
that limit.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")

pytestmark = pytest.mark.slow


def _profile(name: str) -> rdflib.Graph:
    shapes = importlib.resources.files("voc4cat") / "profile" / name
    return rdflib.Graph().parse(data=shapes.read_text(encoding="utf-8"), format="turtle")


def _results(data: rdflib.Graph, profile: str = "vp4cat-5.3.ttl") -> list[tuple[str, str, str, str]]:
    from pyshacl import validate

    _, report, _ = validate(data, shacl_graph=_profile(profile), inference="none")
    return sorted(
        (
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
            str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        )
        for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    )


@pytest.fixture(scope="module")
def export() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "exports" / "cxgraph.ttl", format="turtle")


def _english(data: rdflib.Graph) -> rdflib.Graph:
    kept = rdflib.Graph()
    for s, p, o in data:
        if isinstance(o, rdflib.Literal) and o.language and o.language.split("-")[0] != "en":
            continue
        kept.add((s, p, o))
    return kept


def test_the_export_has_no_vp4cat_violation_or_warning(export: rdflib.Graph) -> None:
    results = _results(export)
    assert results == [], f"{len(results)} vp4cat results, first: {results[:5]}"


def test_the_english_projection_has_no_vocpub_5_2_result(export: rdflib.Graph) -> None:
    english = _english(export)
    assert len(english) < len(export)
    results = _results(english, "vocpub-5.2.ttl")
    assert results == [], f"{len(results)} VocPub 5.2 results, first: {results[:5]}"


def test_vocpub_5_2_objects_only_to_one_preferred_label_per_language(export: rdflib.Graph) -> None:
    results = _results(export, "vocpub-5.2.ttl")
    multilingual = {
        s for s in export.subjects(SKOS.prefLabel, None)
        if len({o.language for o in export.objects(s, SKOS.prefLabel)}) > 1
    }
    assert len(multilingual) > 500
    assert {(r[1], r[2], r[3]) for r in results} == {
        (str(s), str(SKOS.prefLabel), "MaxCountConstraintComponent") for s in multilingual
    }


def test_the_profile_does_catch_a_concept_without_provenance(export: rdflib.Graph) -> None:
    data = rdflib.Graph()
    for triple in export:
        data.add(triple)
    concept = rdflib.URIRef("https://w3id.org/cxgraph/net-promoter-score")
    data.remove((concept, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    data.remove((concept, rdflib.URIRef("http://purl.org/dc/terms/source"), None))
    results = _results(data)
    assert [r for r in results if r[1] == str(concept)], "removing provenance went unnoticed"


def test_the_profile_does_catch_two_preferred_labels_in_one_language(export: rdflib.Graph) -> None:
    data = rdflib.Graph()
    for triple in export:
        data.add(triple)
    concept = rdflib.URIRef("https://w3id.org/cxgraph/net-promoter-score")
    data.add((concept, SKOS.prefLabel, rdflib.Literal("Índice de recomendación neta", lang="es")))
    data.add((concept, SKOS.prefLabel, rdflib.Literal("Puntuación neta del promotor", lang="es")))
    results = _results(data)
    assert [r for r in results if r[1] == str(concept) and r[2] == str(SKOS.prefLabel)]
