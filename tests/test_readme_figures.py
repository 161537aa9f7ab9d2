"""The figures the README gives about the shipped vocabulary are the vocabulary's own."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.checks import list_checks
from cxgraph.pipeline import complete_store
from cxgraph.query import select_rows

from .shipped import PREFIXES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## The vocabulary\n")
    return " ".join(text[start:text.index("\n## ", start + 1)].split())


def count(store: ox.Store, where: str, what: str = "*") -> int:
    (row,) = select_rows(store, f"{PREFIXES} SELECT (COUNT({what}) AS ?n) WHERE {{ {where} }}")
    return int(row["n"] or 0)


def figure(section: str, pattern: str) -> int:
    found = re.search(pattern, section)
    assert found, f"the README no longer says {pattern!r}"
    return int(found.group(1).replace(",", ""))


def test_concept_and_top_concept_counts(store: ox.Store, section: str) -> None:
    live = "?c a skos:Concept FILTER NOT EXISTS { ?c owl:deprecated true }"
    assert figure(section, r"holds ([\d,]+) concepts") == count(store, live, "DISTINCT ?c")
    assert figure(section, r"concepts under (\d+) top concepts") == count(store, "?c skos:topConceptOf cxg:vocabulary")


def test_collection_metric_and_label_counts(store: ox.Store, section: str) -> None:
    assert figure(section, r"grouped into (\d+) collections") == count(store, "?c a skos:Collection")
    assert figure(section, r"(\d+) metrics carry their unit") == count(store, "?c cx:unit ?u", "DISTINCT ?c")
    assert figure(section, r"\((\d+) in English, a sub-property of `skos:altLabel`\)") == count(store, '?c cx:acronym ?a FILTER(LANG(?a) = "en")')


def test_hierarchy_link_counts(store: ox.Store, section: str) -> None:
    assert figure(section, r"\((\d+) links: forecasting") == count(store, "?c isothes:broaderPartitive ?w")
    assert figure(section, r"instance `isothes:broaderInstantial` \((\d+):") == count(store, "?c isothes:broaderInstantial ?k")


def test_provenance_and_note_counts(store: ox.Store, section: str) -> None:
    assert figure(section, r"the (\d+) concepts cxgraph added itself") == count(store, "?c a skos:Concept ; dct:creator cxg:project")
    assert figure(section, r"references \((\d+) in `sources.ttl`\)") == count(store, "?s a cx:Reference FILTER NOT EXISTS { ?s dct:language ?l }")
    assert figure(section, r"(\d+) `cx:disagreementNote`s") == count(store, '?c cx:disagreementNote ?n FILTER(LANG(?n) = "en")')
    assert figure(section, r"(\d+) `cx:implementationNote`s") == count(store, '?c cx:implementationNote ?n FILTER(LANG(?n) = "en")')


def test_check_count(section: str) -> None:
    assert figure(section, r"`cxgraph check` runs (\d+) checks") == len(list_checks())


def test_shape_figures_match_cxgraph_stats(section: str) -> None:
    from cxgraph.network import network_stats
    from cxgraph.view.model import build_model

    stats = network_stats(build_model(complete_store(ROOT / "ontology")))
    assert figure(section, r"hierarchy (\d+) levels deep") == stats.deepest
    assert figure(section, r"at most (\d+) narrower concepts under any concept") == stats.widest[1]
    assert figure(section, r"(\d+) concepts with more than one broader concept") == stats.polyhierarchy
