"""The checks computed in Python find exactly what their SPARQL files find.

Each runs on the shipped vocabulary and on a copy of the small test vocabulary with violations
of every such check planted in it, among them the corners where SPARQL's rules decide: blank
nodes (whose ``STR`` is an error), resources used as labels, ``owl:deprecated`` written as
``"1"^^xsd:boolean``, ``"true"`` or ``false``, labels in two languages or two cases, acronyms,
plurals, cycles of one, two and three concepts, and languages declared partial, in upper case or
as an ISO 639 IRI. Two hundred small stores of random triples over the same properties follow.
"""

from __future__ import annotations

import random
import re

import pyoxigraph as ox
import pytest

from cxgraph.checks import run_checks
from cxgraph.namespaces import RDF, XSD
from cxgraph.native_checks import NATIVE_CHECKS, Reading
from cxgraph.pipeline import complete_store
from cxgraph.query import read_named_query, run_query

from .shipped import QUERIES, complete

PLANTED = """\
@prefix cx:   <https://w3id.org/cxgraph/ontology#> .
@prefix cxg:  <https://w3id.org/cxgraph/> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

# hierarchy: top > mid > leaf ; cycles
cxg:p-top a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:topConceptOf cxg:vocabulary ;
    skos:prefLabel "Planted Top"@en ; skos:definition "The top."@en ; rdfs:isDefinedBy cxg:vocabulary ;
    prov:wasDerivedFrom cxg:p-source ; skos:altLabel "Mots Partagés"@de .
cxg:p-mid a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-top ;
    skos:prefLabel "Planted Mid"@en, "Milieu"@fr ; skos:definition "The middle."@en, "Le milieu."@fr, "Un autre milieu."@fr ;
    skos:altLabel "shared words"@en, "Planted Mids"@en, "planted mid"@en, "PLANTED MID"@en, "Planted Mides"@en ;
    cx:acronym "PMS"@en, "Planted mid"@en ; skos:altLabel "planted mid"@fr ;
    rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:p-source .
cxg:p-leaf a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-mid ;
    skos:prefLabel "Key Performance Indicator"@en ; skos:definition "A leaf."@en ;
    skos:altLabel "Key Performance Indicators"@en, "Keys Performances Indicator"@en, "Shared Words"@en, "Mots partagés"@fr ;
    skos:altLabel "Key performance indicator"@en-gb, "key performance indicator" ;
    skos:hiddenLabel "Key Performance Indicator"@en , " Leaf"@en, "Leaf  two"@en, ""@en, "trailing\\n"@en ;
    skos:related cxg:p-top ; cx:contrastsWith cxg:p-mid ;
    rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:p-source .
cxg:p-leaf2 a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-mid, cxg:p-top ;
    skos:prefLabel "Leaf Two"@en, "Leaf Deux"@en ; skos:prefLabel "Feuille"@fr, "Feuille"@fr-ca ;
    skos:definition "Leaf two."@en, "Leaf two"@en ; skos:notation "L2" ;
    skos:altLabel "Leaf Two"@en ; skos:hiddenLabel "Leaf Two"@en ;
    skos:related cxg:p-nowhere, cxg:p-collection, [ skos:prefLabel "blank"@en ] ;
    skos:broader cxg:p-undefined ; skos:narrower cxg:p-undefined-narrow ;
    dct:creator cxg:project ; skos:historyNote "made"@en ;
    rdfs:isDefinedBy cxg:vocabulary .
cxg:p-cycle-a a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-cycle-b ;
    skos:prefLabel "Cycle A"@en ; skos:definition "A."@en ; rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:p-source .
cxg:p-cycle-b a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-cycle-c ;
    skos:prefLabel "Cycle B"@en ; skos:definition "B."@en ; rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:p-source ;
    skos:related cxg:p-cycle-a .
cxg:p-cycle-c a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-cycle-a ;
    skos:prefLabel "Cycle C"@en ; skos:definition "C."@en ; rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom cxg:p-source .
cxg:p-into-cycle a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-cycle-a ;
    skos:prefLabel "Into Cycle"@en ; skos:definition "Hangs under a cycle."@en ; dct:creator cxg:project .
cxg:p-self a skos:Concept ; skos:broader cxg:p-self ; skos:prefLabel "Self"@en ; skos:definition "Self."@en .
_:b1 skos:broader _:b2 . _:b2 skos:broader _:b1 .
_:b3 a skos:Concept ; skos:broader cxg:p-top ; skos:prefLabel "Blank Concept"@en ; skos:altLabel "blank concepts"@en ;
    skos:altLabel "Planted Top"@en .
cxg:p-orphan a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Orphan"@en ;
    skos:definition "Alone."@en ; skos:definition "Seul."@fr, "Seule."@fr, "Seul."@fr-ca ;
    skos:prefLabel "Orphan"@fr ; skos:altLabel "Orphan"@fr ; skos:hiddenLabel "orphan"@en .
cxg:p-nolabel a skos:Concept ; skos:broader cxg:p-top ; skos:definition "Unlabelled"@en .
cxg:p-candidate a skos:Concept, cx:Candidate ; skos:prefLabel "Candidate"@en .
cxg:p-old a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Planted Top"@en ;
    owl:deprecated true ; skos:broader cxg:p-top ; dct:isReplacedBy cxg:p-old2 .
cxg:p-old2 a skos:Concept ; skos:prefLabel "Old two"@en ; owl:deprecated true ; skos:topConceptOf cxg:vocabulary .
cxg:p-old3 a skos:Concept ; skos:prefLabel "Old three"@en ; owl:deprecated "1"^^xsd:boolean ; skos:altLabel "Orphan"@en .
cxg:p-old4 a skos:Concept ; skos:prefLabel "Old four"@en ; owl:deprecated "true" ; skos:altLabel "Cycle A"@en .
cxg:p-old5 a skos:Concept ; skos:prefLabel "Old five"@en ; owl:deprecated false ; skos:altLabel "Cycle B"@en .
cxg:p-user a skos:Concept ; skos:related cxg:p-old, cxg:p-old3 ; skos:broader cxg:p-old2 ; skos:prefLabel "User"@en ;
    dct:creator cxg:project ; dct:created "2024-01-01"^^xsd:date .
cxg:p-collection a skos:Collection ; skos:prefLabel "Planted Collection"@en .
cxg:p-ordered a skos:OrderedCollection ; skos:inScheme cxg:vocabulary ; skos:definition "Ordered."@en ;
    skos:memberList ( cxg:p-top cxg:p-mid ) ; skos:historyNote "Made."@en .
cxg:p-fan a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:p-top ; skos:prefLabel "Fan"@en ;
    skos:notation "L2" ; skos:definition "Fan"@en .
cxg:p-kid-0 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 0"@en ; skos:altLabel "Kid 0s"@en .
cxg:p-kid-1 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 1"@en ; skos:altLabel "Kid 1s"@en .
cxg:p-kid-2 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 2"@en ; skos:altLabel "Kid 2s"@en .
cxg:p-kid-3 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 3"@en ; skos:altLabel "Kid 3s"@en .
cxg:p-kid-4 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 4"@en ; skos:altLabel "Kid 4s"@en .
cxg:p-kid-5 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 5"@en ; skos:altLabel "Kid 5s"@en .
cxg:p-kid-6 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 6"@en ; skos:altLabel "Kid 6s"@en .
cxg:p-kid-7 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 7"@en ; skos:altLabel "Kid 7s"@en .
cxg:p-kid-8 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 8"@en ; skos:altLabel "Kid 8s"@en .
cxg:p-kid-9 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 9"@en ; skos:altLabel "Kid 9s"@en .
cxg:p-kid-10 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 10"@en ; skos:altLabel "Kid 10s"@en .
cxg:p-kid-11 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 11"@en ; skos:altLabel "Kid 11s"@en .
cxg:p-kid-12 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 12"@en ; skos:altLabel "Kid 12s"@en .
cxg:p-kid-13 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 13"@en ; skos:altLabel "Kid 13s"@en .
cxg:p-kid-14 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 14"@en ; skos:altLabel "Kid 14s"@en .
cxg:p-kid-15 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 15"@en ; skos:altLabel "Kid 15s"@en .
cxg:p-kid-16 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 16"@en ; skos:altLabel "Kid 16s"@en .
cxg:p-kid-17 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 17"@en ; skos:altLabel "Kid 17s"@en .
cxg:p-kid-18 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 18"@en ; skos:altLabel "Kid 18s"@en .
cxg:p-kid-19 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 19"@en ; skos:altLabel "Kid 19s"@en .
cxg:p-kid-20 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 20"@en ; skos:altLabel "Kid 20s"@en .
cxg:p-kid-21 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 21"@en ; skos:altLabel "Kid 21s"@en .
cxg:p-kid-22 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 22"@en ; skos:altLabel "Kid 22s"@en .
cxg:p-kid-23 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 23"@en ; skos:altLabel "Kid 23s"@en .
cxg:p-kid-24 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 24"@en ; skos:altLabel "Kid 24s"@en .
cxg:p-kid-25 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 25"@en ; skos:altLabel "Kid 25s"@en .
cxg:p-kid-26 skos:broader cxg:p-fan ; a skos:Concept ; skos:prefLabel "Kid 26"@en ; skos:altLabel "Kid 26s"@en .
cxg:p-kid-0 skos:broader cxg:p-fan .
[] skos:broader cxg:p-fan .
cxg:p-metrics a skos:Concept ; skos:broader cxg:customer-value-metric ; skos:prefLabel "Planted metrics"@en .
cxg:customer-value-metric a skos:Concept .
cxg:p-metric-1 a skos:Concept ; skos:broader cxg:p-metrics ; skos:prefLabel "Metric one"@en .
cxg:p-metric-2 a skos:Concept ; skos:broader cxg:p-metrics ; skos:prefLabel "Metric two"@en ; cx:unit cx:duration .
cxg:p-metric-3 a skos:Concept, cx:MetricGroup ; skos:broader cxg:p-metrics ; skos:prefLabel "Metric three"@en .
cxg:p-metric-4 a skos:Concept ; skos:broader cxg:p-metrics ; skos:prefLabel "Metric four"@en ; owl:deprecated true .
cxg:p-metric-5 skos:broader cxg:p-metrics ; skos:prefLabel "Metric five"@en .
cxg:p-metric-6 a skos:Concept ; skos:broader cxg:p-metric-1, cxg:customer-service-metric ; cx:direction cx:lowerIsBetterDirection .
cxg:p-top skos:hiddenLabel <https://example.org/Label> . cxg:p-mid skos:hiddenLabel <https://example.org/label> .
cxg:p-leaf skos:hiddenLabel [] . cxg:p-leaf2 skos:hiddenLabel [] .
cxg:vocabulary cx:partialLanguage "FR", "xx" ; dct:language <http://id.loc.gov/vocabulary/iso639-1/it> , "ES" .
cxg:p-ital a skos:Concept ; skos:prefLabel "Italiano"@it, "Ja"@ja ; skos:inScheme cxg:vocabulary .
"""

Rows = set[tuple[str, str]]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    from .conftest import DATA, ontology_copy

    ontology = ontology_copy(tmp_path_factory.mktemp("planted"), DATA / "mini" / "concepts.ttl")
    (ontology / "planted.ttl").write_text(PLANTED, encoding="utf-8")
    return complete_store(ontology, use_cache=False)


def _show(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return ""  # unbound


def _sparql(store: ox.Store, name: str) -> Rows:
    check = read_named_query(QUERIES / "checks" / f"{name}.rq")
    return {(_show(row["focus"]), _show(row["message"])) for row in run_query(store, check.text, isolated=False)}


def _comparable(name: str, rows: Rows) -> set[tuple[str, frozenset[str], str]]:
    """A row as focus, the resources its message names, and the rest of the message.

    label-on-two-concepts lists the resources sharing a label in no fixed order, and shows the
    label in any of the cases it is written in, so those two parts are compared as sets and in
    lower case.
    """
    out = set()
    for focus, message in rows:
        if name == "label-on-two-concepts":
            quoted = re.match(r'label "(.*)" is shared', message)
            rest = quoted.group(1).lower() if quoted else message
            out.add((focus, frozenset(re.findall(r"<([^>]+)>", message)), rest))
        else:
            out.add((focus, frozenset(), message))
    return out


@pytest.mark.parametrize("name", sorted(NATIVE_CHECKS))
def test_native_check_equals_its_query_on_planted_violations(planted: ox.Store, name: str) -> None:
    native = set(NATIVE_CHECKS[name](planted))
    assert native, "the planted violations went unnoticed"
    assert _comparable(name, native) == _comparable(name, _sparql(planted, name))


@pytest.mark.parametrize("name", sorted(NATIVE_CHECKS))
def test_native_check_equals_its_query_on_the_shipped_vocabulary(name: str) -> None:
    store = complete()
    assert _comparable(name, set(NATIVE_CHECKS[name](store))) == _comparable(name, _sparql(store, name))


def test_one_reading_serves_every_check_alike(planted: ox.Store) -> None:
    shared = Reading(planted)
    for name, check in sorted(NATIVE_CHECKS.items()):
        assert set(check(shared)) == set(check(planted)), name


def test_planted_corners_are_reported_as_the_queries_report_them(planted: ox.Store) -> None:
    report = run_checks(planted)
    found = {(v.check, v.focus) for v in report.violations}
    cxg = "https://w3id.org/cxgraph/"
    assert ("broader-cycle", cxg + "p-cycle-b") in found and ("broader-cycle", cxg + "p-into-cycle") not in found
    assert ("related-and-broader", cxg + "p-leaf") in found
    assert ("link-to-undefined-concept", cxg + "p-leaf2") in found
    # a label shared with a blank node: the query's row has neither focus nor message
    assert ("label-on-two-concepts", "") in found
    # "1"^^xsd:boolean is owl:deprecated true; the string "true" is not
    assert ("deprecated-concept-in-use", cxg + "p-old4") not in found
    shared = [v.message for v in report.violations if v.check == "label-on-two-concepts"]
    assert any("p-old4" in message for message in shared) and not any("p-old3" in message for message in shared)


def _random_store(seed: int) -> ox.Store:
    """A small store of random triples over the properties the checks read, corners included."""
    rng = random.Random(seed)
    iri = ox.NamedNode
    skos, cx, xsd = "http://www.w3.org/2004/02/skos/core#", "https://w3id.org/cxgraph/ontology#", XSD
    dct, owl = "http://purl.org/dc/terms/", "http://www.w3.org/2002/07/owl#"
    nodes: list[ox.NamedNode | ox.BlankNode] = [iri(f"https://w3id.org/cxgraph/n{i}") for i in range(rng.randint(1, 8))]
    nodes += [ox.BlankNode("b0"), iri("https://w3id.org/cxgraph/customer-service-metric"), iri("HTTP://UPPER/x")]
    words = ["Survey", "survey", "Surveys", "SURVEY", "Surveyes", "Key Performance Indicator", "Key performance indicators",
             "Keys Performance Indicator", " Lead", "tail ", "a  b", "", "x\u00a0", "\u2003y", "ok\x1c", "buses", "bus", "İS"]

    def literal() -> ox.Literal:
        roll = rng.random()
        if roll < 0.08:
            return ox.Literal(rng.choice(["1", "01"]), datatype=iri(xsd + "integer"))
        language = rng.choice(["en", "fr", "en-gb", "EN", "de", "xx", "", ""])
        return ox.Literal(rng.choice(words), language=language) if language else ox.Literal(rng.choice(words))

    store = ox.Store()

    def add(subject: ox.NamedNode | ox.BlankNode, predicate: str, value: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        store.add(ox.Quad(subject, iri(predicate), value, ox.DefaultGraph()))

    classes = [skos + "Concept"] * 5 + [cx + "Candidate", skos + "Collection", skos + "OrderedCollection",
                                        skos + "ConceptScheme", cx + "MetricGroup"]
    for _ in range(rng.randint(3, 25)):
        add(rng.choice(nodes), RDF + "type", iri(rng.choice(classes)))
    links = [skos + p for p in ("broader", "narrower", "related", "topConceptOf", "inScheme", "member", "memberList")]
    links += [dct + "isReplacedBy", "http://www.w3.org/ns/prov#wasDerivedFrom", dct + "creator", cx + "unit",
              "http://www.w3.org/2000/01/rdf-schema#isDefinedBy", cx + "direction"]
    for _ in range(rng.randint(3, 40)):
        add(rng.choice(nodes), rng.choice(links), rng.choice(nodes) if rng.random() > 0.05 else literal())
    texts = [skos + p for p in ("prefLabel", "altLabel", "hiddenLabel", "definition", "scopeNote", "historyNote")]
    texts += [cx + "acronym", dct + "created", dct + "provenance", skos + "notation", skos + "notation"]
    for _ in range(rng.randint(3, 40)):
        add(rng.choice(nodes), rng.choice(texts), literal() if rng.random() > 0.06 else rng.choice(nodes))
    for _ in range(rng.randint(0, 8)):  # the same label again, elsewhere
        add(rng.choice(nodes), rng.choice(texts[:4]), rng.choice(list(store)).object)  # type: ignore[arg-type]
    labelled = [q for q in store if q.predicate.value in texts[:2] and isinstance(q.object, ox.Literal)]
    for _ in range(rng.randint(0, 4) if labelled else 0):  # a variant of a label on the same resource
        quad = rng.choice(labelled)
        text = quad.object.value  # type: ignore[union-attr]
        variant = rng.choice([text.upper(), text.lower(), text + "s", text + "es", text.replace(" ", "s ", 1)])
        language = quad.object.language  # type: ignore[union-attr]
        add(quad.subject, rng.choice([skos + "altLabel", cx + "acronym"]),  # type: ignore[arg-type]
            ox.Literal(variant, language=language) if language else ox.Literal(variant))
    deprecated = [ox.Literal(v, datatype=iri(xsd + "boolean")) for v in ("true", "1", "false")] + [ox.Literal("true")]
    for _ in range(rng.randint(0, 4)):
        add(rng.choice(nodes), owl + "deprecated", rng.choice(deprecated))
    languages = [ox.Literal("en", datatype=iri(xsd + "language")), ox.Literal("FR"), ox.Literal("en-GB"),
                 iri("http://id.loc.gov/vocabulary/iso639-1/de"), ox.BlankNode("language"), ox.Literal("es", language="en")]
    for _ in range(rng.randint(0, 4)):
        add(rng.choice(nodes), rng.choice([dct + "language", dct + "language", cx + "partialLanguage"]), rng.choice(languages))
    for node in nodes:
        if rng.random() < 0.4:
            add(node, skos + "inScheme", rng.choice(nodes[-3:]))
    if rng.random() < 0.3:
        parent = rng.choice(nodes)
        for i in range(rng.randint(24, 28)):
            add(iri(f"https://w3id.org/cxgraph/kid{i}"), skos + "broader", parent)
    return store


def test_native_checks_equal_their_queries_on_random_stores() -> None:
    for seed in range(200):
        store = _random_store(seed)
        reading = Reading(store)
        for name, check in sorted(NATIVE_CHECKS.items()):
            found = _comparable(name, set(check(reading)))
            assert found == _comparable(name, _sparql(store, name)), f"{name} differs on random store {seed}"
