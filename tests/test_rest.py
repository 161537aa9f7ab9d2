"""The Skosmos-compatible REST API of ``cxgraph serve``: every route, its JSON shape as the Skosmos
REST API (v1) describes it, and its content compared with ``cxgraph query`` on the same graph.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from cxgraph.namespaces import CXG, SKOS

from .test_server import Server, start_server, stop_server

pytestmark = pytest.mark.server

ORIGIN = "https://widgets.example.org"
CSAT = CXG + "customer-satisfaction-score"
TIER = CXG + "support-tier"

#: Required keys of each answer, and of the items of its list, from the Skosmos API description.
SHAPES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "vocabularies": (("uri", "vocabularies"), "vocabularies", ("uri", "id", "title")),
    "search": (("uri", "results"), "results", ("uri", "type", "prefLabel", "lang", "vocab")),
    "types": (("uri", "types"), "types", ("uri",)),
    "cxgraph/": (("uri", "id", "title", "defaultLanguage", "languages", "conceptschemes"), "conceptschemes", ("uri",)),
    "cxgraph/types": (("uri", "types"), "types", ("uri",)),
    "cxgraph/topConcepts": (("uri", "topconcepts"), "topconcepts", ("uri", "hasChildren")),
    "cxgraph/search": (("uri", "results"), "results", ("uri", "type", "prefLabel")),
    "cxgraph/lookup": (("result",), "result", ("uri", "prefLabel")),
    "cxgraph/label": (("uri", "prefLabel"), "", ()),
    "cxgraph/broader": (("uri", "broader"), "broader", ("uri", "prefLabel")),
    "cxgraph/broaderTransitive": (("uri", "broaderTransitive"), "broaderTransitive", ("uri", "prefLabel")),
    "cxgraph/narrower": (("uri", "narrower"), "narrower", ("uri", "prefLabel")),
    "cxgraph/narrowerTransitive": (("uri", "narrowerTransitive"), "narrowerTransitive", ("uri", "prefLabel")),
    "cxgraph/related": (("uri", "related"), "related", ("uri", "prefLabel")),
    "cxgraph/children": (("uri", "narrower"), "narrower", ("uri", "prefLabel", "hasChildren")),
    "cxgraph/hierarchy": (("uri", "broaderTransitive"), "broaderTransitive", ("uri", "prefLabel", "hasChildren")),
    "cxgraph/vocabularyStatistics": (("id", "title", "concepts", "conceptGroups"), "", ()),
}
PARAMS: dict[str, dict[str, str]] = {
    "vocabularies": {"lang": "en"},
    "search": {"query": "CSAT", "lang": "en"},
    "types": {"lang": "en"},
    "cxgraph/search": {"query": "cust*"},
    "cxgraph/lookup": {"label": "CSAT"},
    "cxgraph/label": {"uri": CSAT},
    "cxgraph/broader": {"uri": CSAT},
    "cxgraph/broaderTransitive": {"uri": CSAT},
    "cxgraph/narrower": {"uri": TIER},
    "cxgraph/narrowerTransitive": {"uri": TIER},
    "cxgraph/related": {"uri": CSAT},
    "cxgraph/children": {"uri": TIER},
    "cxgraph/hierarchy": {"uri": CSAT},
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--workers", "1", "--cors-origin", ORIGIN)
    try:
        yield running
    finally:
        stop_server(running)


def rest(server: Server, route: str, **params: str) -> Any:
    response = requests.get(f"{server.base}rest/v1/{route}", params=params, timeout=30)
    assert response.status_code == 200, (route, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def sparql(text: str) -> list[dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "cxgraph", "query", "--sparql", text, "--format", "json"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(done.stdout)["results"]["bindings"]]


def iris(text: str, var: str = "x") -> set[str]:
    return {row[var] for row in sparql(text)}


@pytest.mark.parametrize("route", list(SHAPES))
def test_every_route_answers_in_the_documented_shape(server: Server, route: str) -> None:
    answer = rest(server, route, **PARAMS.get(route, {}))
    top_keys, list_key, item_keys = SHAPES[route]
    for key in top_keys:
        assert key in answer, (route, key)
    if list_key:
        items = answer[list_key]
        if route.endswith(("Transitive", "hierarchy")):
            # Skosmos servers key these by concept IRI (a JSON-LD @index container)
            assert isinstance(items, dict) and items, (route, list_key)
            assert all(key == item["uri"] for key, item in items.items())
            assert answer["@context"][list_key]["@container"] == "@index"
            items = list(items.values())
        assert isinstance(items, list) and items, (route, list_key)
        for item in items:
            for key in item_keys:
                assert key in item, (route, key, item)


def test_top_concepts_match_the_graph(server: Server) -> None:
    answer = rest(server, "cxgraph/topConcepts")
    expected = iris("SELECT ?x WHERE { cxg:vocabulary skos:hasTopConcept ?x FILTER NOT EXISTS { ?x owl:deprecated true } }")
    assert {t["uri"] for t in answer["topconcepts"]} == expected
    assert all(t["topConceptOf"] == CXG + "vocabulary" for t in answer["topconcepts"])


def test_narrower_children_and_transitive_match_the_graph(server: Server) -> None:
    expected = iris(f"SELECT ?x WHERE {{ ?x skos:broader <{TIER}> FILTER NOT EXISTS {{ ?x owl:deprecated true }} }}")
    assert {n["uri"] for n in rest(server, "cxgraph/narrower", uri=TIER)["narrower"]} == expected
    assert {n["uri"] for n in rest(server, "cxgraph/children", uri=TIER)["narrower"]} == expected
    below = iris(f"SELECT ?x WHERE {{ ?x skos:broader+ <{TIER}> FILTER NOT EXISTS {{ ?x owl:deprecated true }} }}")
    got = set(rest(server, "cxgraph/narrowerTransitive", uri=TIER)["narrowerTransitive"])
    assert got == below | {TIER}


def test_broader_and_related_match_the_graph(server: Server) -> None:
    assert {b["uri"] for b in rest(server, "cxgraph/broader", uri=CSAT)["broader"]} == iris(
        f"SELECT ?x WHERE {{ <{CSAT}> skos:broader ?x }}"
    )
    above = iris(f"SELECT ?x WHERE {{ <{CSAT}> skos:broader+ ?x }}")
    got = set(rest(server, "cxgraph/broaderTransitive", uri=CSAT)["broaderTransitive"])
    assert got == above | {CSAT}
    related = iris(f"SELECT ?x WHERE {{ <{CSAT}> skos:related ?x . ?x a skos:Concept }}")
    assert {r["uri"] for r in rest(server, "cxgraph/related", uri=CSAT)["related"]} == related
    hierarchy = list(rest(server, "cxgraph/hierarchy", uri=CSAT)["broaderTransitive"].values())
    assert {h["uri"] for h in hierarchy} == above | {CSAT}
    assert any("top" in h for h in hierarchy)


def test_label_lookup_and_search(server: Server) -> None:
    (label,) = sparql(f'SELECT ?l WHERE {{ <{CSAT}> skos:prefLabel ?l FILTER(lang(?l) = "en") }}')
    assert rest(server, "cxgraph/label", uri=CSAT)["prefLabel"] == label["l"]
    assert [r["uri"] for r in rest(server, "cxgraph/lookup", label="csat")["result"]] == [CSAT]
    hits = rest(server, "search", query="CSAT", lang="en")["results"]
    assert [h["uri"] for h in hits] == [CSAT] and hits[0]["altLabel"] == "CSAT"
    # Without lang= every language's labels are searched: the acronym is shared, the concept one.
    everywhere = rest(server, "search", query="CSAT")["results"]
    assert {h["uri"] for h in everywhere} == {CSAT} and "en" in {h["lang"] for h in everywhere}
    # Wildcards: every concept with a label starting "customer" (case-insensitive), as SPARQL finds them.
    expected = iris(
        "SELECT ?x WHERE { ?x a skos:Concept ; skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l "
        'FILTER(STRSTARTS(LCASE(STR(?l)), "customer")) FILTER NOT EXISTS { ?x owl:deprecated true } }'
    )
    found = rest(server, "cxgraph/search", query="Customer*", type="skos:Concept", maxhits="1000")["results"]
    assert {h["uri"] for h in found} == expected
    first = rest(server, "cxgraph/search", query="customer*", type="skos:Concept", maxhits="3")["results"]
    second = rest(server, "cxgraph/search", query="customer*", type="skos:Concept", maxhits="3", offset="3")["results"]
    assert len(first) == 3 and first + second == found[:6]
    under = rest(server, "search", query="*", parent=TIER, maxhits="1000", unique="true")["results"]
    assert {h["uri"] for h in under} == iris(
        f"SELECT ?x WHERE {{ ?x skos:broader+ <{TIER}> FILTER NOT EXISTS {{ ?x owl:deprecated true }} }}"
    )
    assert rest(server, "search", query="CSAT", lang="it")["results"] == []  # a language the vocabulary lacks
    collections = rest(server, "cxgraph/search", query="*", type="skos:Collection")["results"]
    assert {c["uri"] for c in collections} == iris("SELECT ?x WHERE { ?x a skos:Collection }")


def test_statistics_and_vocabulary_match_the_graph(server: Server) -> None:
    stats = rest(server, "cxgraph/vocabularyStatistics")
    (count,) = sparql(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a skos:Concept FILTER NOT EXISTS { ?c owl:deprecated true } }"
    )
    assert stats["concepts"]["count"] == int(count["n"]) and stats["concepts"]["class"] == SKOS + "Concept"
    info = rest(server, "cxgraph/")
    assert info["id"] == "cxgraph" and info["conceptschemes"][0]["uri"] == CXG + "vocabulary"
    assert rest(server, "vocabularies", lang="en")["vocabularies"][0]["id"] == "cxgraph"


@pytest.mark.parametrize(
    ("media_type", "marker"), [("text/turtle", b"skos:prefLabel"), ("application/rdf+xml", b"<rdf:RDF"),
                               ("application/ld+json", b'"@id"')]
)
def test_data_returns_the_concepts_triples(server: Server, media_type: str, marker: bytes) -> None:
    response = requests.get(f"{server.base}rest/v1/cxgraph/data", params={"uri": CSAT, "format": media_type}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    assert marker in response.content and b"CSAT" in response.content


def test_errors_limits_cors_and_read_only(server: Server) -> None:
    base = f"{server.base}rest/v1/"
    assert requests.get(base + "cxgraph/label", params={"uri": CXG + "nope"}, timeout=30).status_code == 404
    assert requests.get(base + "other/topConcepts", timeout=30).status_code == 404
    assert requests.get(base + "cxgraph/nothing", timeout=30).status_code == 404
    assert requests.get(base + "cxgraph/search", timeout=30).status_code == 400
    assert requests.get(base + "cxgraph/search", params={"query": "a", "maxhits": "x"}, timeout=30).status_code == 400
    allowed = requests.get(base + "vocabularies", headers={"Origin": ORIGIN}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ORIGIN
    other = requests.get(base + "vocabularies", headers={"Origin": "https://elsewhere.example"}, timeout=30)
    assert "Access-Control-Allow-Origin" not in other.headers
    for method in ("PUT", "DELETE", "PATCH"):
        assert requests.request(method, base + "cxgraph/", timeout=30).status_code == 405
    assert requests.post(base + "cxgraph/search", data=b"x", timeout=30).status_code == 404


def test_result_limit_applies_to_rest(tmp_path: object) -> None:
    small = start_server("--workers", "1", "--max-result-bytes", "2048")
    try:
        response = requests.get(f"{small.base}rest/v1/cxgraph/data", timeout=60)
        assert response.status_code == 413
        assert requests.get(f"{small.base}rest/v1/cxgraph/label", params={"uri": CSAT}, timeout=30).status_code == 200
    finally:
        stop_server(small)
