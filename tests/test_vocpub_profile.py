"""The exported vocabulary conforms to the VocPub publication profile, as a registry validates it.

The profile's SHACL shapes come from the voc4cat package (``voc4cat/profile/vocpub-5.2.ttl``);
pySHACL runs them over ``exports/cxgraph.ttl``. Every result counts, warnings included.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

pytestmark = pytest.mark.slow


def _profile() -> rdflib.Graph:
    shapes = importlib.resources.files("voc4cat") / "profile" / "vocpub-5.2.ttl"
    return rdflib.Graph().parse(data=shapes.read_text(encoding="utf-8"), format="turtle")


def _results(data: rdflib.Graph) -> list[tuple[str, str, str]]:
    from pyshacl import validate

    _, report, _ = validate(data, shacl_graph=_profile(), inference="none")
    return sorted(
        (str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1], str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultMessage)))
        for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    )


def test_the_export_has_no_vocpub_violation_or_warning() -> None:
    data = rdflib.Graph().parse(ROOT / "exports" / "cxgraph.ttl", format="turtle")
    results = _results(data)
    assert results == [], f"{len(results)} VocPub results, first: {results[:5]}"


def test_the_profile_does_catch_a_concept_without_provenance() -> None:
    data = rdflib.Graph().parse(ROOT / "exports" / "cxgraph.ttl", format="turtle")
    concept = rdflib.URIRef("https://w3id.org/cxgraph/net-promoter-score")
    data.remove((concept, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    data.remove((concept, rdflib.URIRef("http://purl.org/dc/terms/source"), None))
    results = _results(data)
    assert [r for r in results if r[1] == str(concept)], "removing provenance went unnoticed"
