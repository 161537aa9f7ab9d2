"""The targeted SKOS closure agrees exactly with owlrl's OWL 2 RL closure (the oracle)."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
import rdflib.collection
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from cxgraph.infer import entail
from cxgraph.pipeline import complete
from cxgraph.vocab import load_vocabulary

from .conftest import ONTOLOGY

AXIOMS = Path(__file__).resolve().parent.parent / "src" / "cxgraph" / "skos-entailment.ttl"
OBSERVED = ("http://www.w3.org/2004/02/skos/core#", "https://w3id.org/cxgraph/ontology#")
NOT_ABOUT = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
             "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")


def to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def skos_part(graph: rdflib.Graph) -> rdflib.Graph:
    """Triples with a SKOS or cx: predicate about the vocabulary's own resources."""
    kept = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(s, rdflib.Literal) or str(s).startswith(NOT_ABOUT):
            continue
        if str(p).startswith(OBSERVED):
            kept.add((s, p, o))
    return kept


def owlrl_closure(asserted: rdflib.Graph) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in asserted:
        graph.add(t)
    graph.parse(AXIOMS, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    # SKOS S36 reads an RDF list, which OWL 2 RL has no rule for: the oracle adds it with rdflib.
    for collection, head in list(graph.subject_objects(SKOS.memberList)):
        for item in rdflib.collection.Collection(graph, head):
            graph.add((collection, SKOS.member, item))
    return graph


def assert_same_skos_triples(ontology: Path) -> None:
    asserted = to_rdflib([q.triple for q in load_vocabulary(ontology).store])
    ours = skos_part(to_rdflib([q.triple for q in complete(load_vocabulary(ontology)).store]))
    oracle = skos_part(owlrl_closure(asserted))
    if not isomorphic(ours, oracle):
        _, only_ours, only_oracle = graph_diff(to_isomorphic(ours), to_isomorphic(oracle))
        pytest.fail(f"only ours: {sorted(only_ours)[:10]}\nonly owlrl: {sorted(only_oracle)[:10]}")


def test_closure_matches_owlrl_on_the_test_vocabulary(mini_ontology: Path) -> None:
    assert_same_skos_triples(mini_ontology)


@pytest.mark.slow
def test_closure_matches_owlrl_on_the_shipped_vocabulary() -> None:
    assert_same_skos_triples(ONTOLOGY)


def test_entail_does_not_modify_its_input(mini_ontology: Path) -> None:
    vocabulary = load_vocabulary(mini_ontology)
    before = len(vocabulary.store)
    assert entail(vocabulary.store)
    assert len(vocabulary.store) == before


def test_entail_returns_only_new_triples(mini_ontology: Path) -> None:
    vocabulary = load_vocabulary(mini_ontology)
    for t in entail(vocabulary.store):
        assert ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) not in vocabulary.store


def test_ordered_collections_are_collections_with_a_member_per_list_item(mini_ontology: Path) -> None:
    store = complete(load_vocabulary(mini_ontology)).store
    sequence = ox.NamedNode("https://w3id.org/cxgraph/support-tier-sequence")
    members = {q.object.value for q in store.quads_for_pattern(sequence, ox.NamedNode(str(SKOS.member)), None)}
    assert members == {"https://w3id.org/cxgraph/support-tier-1", "https://w3id.org/cxgraph/support-tier-2"}
    assert list(store.quads_for_pattern(sequence, ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode(str(SKOS.Collection))))


def _one_at_a_time(store: ox.Store) -> int:
    """The closure form by form from the rules, in Python (what ``materialise`` must equal)."""
    from cxgraph.infer import _COLLECTION_UPDATES, entailment_forms, skos_axioms

    axioms = skos_axioms()
    axioms.add_store(store)
    before = len(store)
    for update in _COLLECTION_UPDATES:
        store.update(update)
    asserted = list(store)
    for prop, forms in entailment_forms(axioms).items():
        for quad in asserted:
            if quad.predicate.value != prop:
                continue
            for target, swapped in forms:
                if not swapped:
                    store.add(ox.Quad(quad.subject, ox.NamedNode(target), quad.object))
                elif not isinstance(quad.object, ox.Literal):
                    store.add(ox.Quad(quad.object, ox.NamedNode(target), quad.subject))  # type: ignore[arg-type]
    return len(store) - before


def test_blank_nodes_keep_their_names_in_entailed_triples() -> None:
    """An entailed triple names the same blank node as the triple it comes from."""
    from cxgraph.infer import materialise

    skos = "http://www.w3.org/2004/02/skos/core#"
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("b0"), ox.NamedNode(skos + "broader"), ox.NamedNode("urn:top")))
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode(skos + "related"), ox.NamedNode("urn:b")))
    assert materialise(store) == 2
    assert ox.Quad(ox.NamedNode("urn:top"), ox.NamedNode(skos + "narrower"), ox.BlankNode("b0")) in store
    assert ox.Quad(ox.NamedNode("urn:b"), ox.NamedNode(skos + "related"), ox.NamedNode("urn:a")) in store


@pytest.mark.parametrize("seed", range(40))
def test_the_closure_equals_the_rules_applied_in_python_on_random_stores(seed: int) -> None:
    import random

    skos = "http://www.w3.org/2004/02/skos/core#"
    properties = [ox.NamedNode(skos + name) for name in ("broader", "narrower", "related", "exactMatch",
                                                          "topConceptOf", "hasTopConcept")]
    properties += [ox.NamedNode(f"urn:p{index}") for index in range(4)]
    axioms = [ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"),
              ox.NamedNode("http://www.w3.org/2002/07/owl#inverseOf")]
    nodes = [ox.NamedNode(f"urn:n{index}") for index in range(6)] + [ox.BlankNode(f"b{index}") for index in range(3)]
    objects = [*nodes, ox.Literal("x"), ox.Literal("_:not a blank node", language="en")]

    def make() -> ox.Store:
        pick = random.Random(seed)
        store = ox.Store()
        for _ in range(pick.randint(0, 25)):
            store.add(ox.Quad(pick.choice(nodes), pick.choice(properties), pick.choice(objects)))
        for _ in range(pick.randint(0, 5)):
            store.add(ox.Quad(pick.choice(properties[6:]), pick.choice(axioms), pick.choice(properties)))
        return store

    from cxgraph.infer import materialise

    ours, reference = make(), make()
    assert materialise(ours) == _one_at_a_time(reference)
    assert set(ours) == set(reference)


def test_entail_leaves_out_asserted_triples_with_blank_nodes() -> None:
    skos = "http://www.w3.org/2004/02/skos/core#"
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("b0"), ox.NamedNode(skos + "broader"), ox.NamedNode("urn:top")))
    assert entail(store) == [ox.Triple(ox.NamedNode("urn:top"), ox.NamedNode(skos + "narrower"), ox.BlankNode("b0"))]
