"""Which of the vocabulary's prefixes the endpoint hands the engine with a query."""

from __future__ import annotations

import pyoxigraph as ox

from cxgraph.namespaces import PREFIXES
from cxgraph.server.engine import Job, evaluate, prefixes_in

SKOS = PREFIXES["skos"]


def _labels(store: ox.Store, text: str) -> bytes:
    outcome = evaluate(store, Job(text, "text/csv", None), 1 << 20)
    assert outcome.status == 200, outcome.body
    return outcome.body


def test_a_prefix_is_given_only_when_its_name_is_used_and_not_declared() -> None:
    assert prefixes_in("SELECT * { ?s skos:prefLabel ?l }") == {"skos": SKOS}
    assert prefixes_in("SELECT * { ?s ?p ?o }") == {}
    declared = f"PREFIX skos: <{SKOS}>\nprefix cx:<urn:other#> SELECT * {{ ?s skos:prefLabel ?l ; cx:unit ?u ; dct:source ?d }}"
    assert prefixes_in(declared) == {"dct": PREFIXES["dct"]}
    # A declaration that is not among the opening ones (here inside a string) does not count.
    assert prefixes_in('SELECT * { ?s skos:prefLabel "PREFIX skos: <urn:x>" }') == {"skos": SKOS}


def test_the_querys_own_declaration_wins_over_the_vocabularys_prefix() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode(SKOS + "prefLabel"), ox.Literal("vocabulary")))
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:other#prefLabel"), ox.Literal("own")))
    assert _labels(store, "SELECT ?l { ?s skos:prefLabel ?l }") == b"l\r\nvocabulary\r\n"
    assert _labels(store, "PREFIX skos: <urn:other#> SELECT ?l { ?s skos:prefLabel ?l }") == b"l\r\nown\r\n"
