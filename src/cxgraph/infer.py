"""Targeted SKOS inference: the entailments users need, and nothing else.

owlrl's OWL 2 RL closure derives these too, but slowly and with clutter (``owl:sameAs``
self-links, ``rdf:type rdfs:Resource``, axioms about RDF itself). This module applies just
three OWL 2 RL rules — sub-property (prp-spo1), inverse (prp-inv1/2) and symmetric
(prp-symp) — to a fixed point, reading the axioms from the vocabulary itself (the ``cx:``
properties of ``ontology/cx.ttl``) and from ``skos-entailment.ttl`` beside this file.
The test suite keeps owlrl as the oracle this closure must agree with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDFS

__all__ = ["PropertyAxioms", "entail", "read_axioms", "skos_axioms"]

_AXIOMS_FILE = Path(__file__).with_name("skos-entailment.ttl")

_SUB_PROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
_INVERSE = ox.NamedNode(OWL + "inverseOf")
_TYPE = ox.NamedNode(RDF + "type")
_SYMMETRIC = ox.NamedNode(OWL + "SymmetricProperty")

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Node = ox.NamedNode | ox.BlankNode


class PropertyAxioms:
    """Sub-property, inverse and symmetry axioms between named properties."""

    def __init__(self) -> None:
        self.supers: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        self.inverses: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        self.symmetric: set[ox.NamedNode] = set()

    def add_triples(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        """Record every axiom among ``triples``; other triples are ignored."""
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p == _SUB_PROPERTY and isinstance(o, ox.NamedNode):
                self.supers[s].add(o)
            elif p == _INVERSE and isinstance(o, ox.NamedNode):
                self.inverses[s].add(o)
                self.inverses[o].add(s)
            elif p == _TYPE and o == _SYMMETRIC:
                self.symmetric.add(s)

    def properties(self) -> set[ox.NamedNode]:
        """The properties whose triples can entail others."""
        return set(self.supers) | set(self.inverses) | self.symmetric


def read_axioms(path: Path) -> PropertyAxioms:
    """The property axioms of one Turtle file."""
    axioms = PropertyAxioms()
    axioms.add_triples(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return axioms


def skos_axioms() -> PropertyAxioms:
    """The SKOS axioms cxgraph materialises (``skos-entailment.ttl``)."""
    return read_axioms(_AXIOMS_FILE)


def entail(store: ox.Store) -> list[ox.Triple]:
    """The triples the default graph of ``store`` entails and does not already assert.

    The input is not modified. The result is sorted, so callers get the same list every time.
    """
    axioms = skos_axioms()
    axioms.add_triples(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    known: set[tuple[Node, ox.NamedNode, Term]] = set()
    work: list[tuple[Node, ox.NamedNode, Term]] = []
    for prop in axioms.properties():
        for q in store.quads_for_pattern(None, prop, None, ox.DefaultGraph()):
            key = (q.subject, prop, q.object)
            if key not in known:
                known.add(key)  # type: ignore[arg-type]
                work.append(key)  # type: ignore[arg-type]
    asserted = set(known)

    supers, inverses, symmetric = axioms.supers, axioms.inverses, axioms.symmetric
    while work:
        s, p, o = work.pop()
        derived: list[tuple[Node, ox.NamedNode, Term]] = [(s, q, o) for q in supers.get(p, ())]
        if not isinstance(o, ox.Literal):
            derived.extend((o, q, s) for q in inverses.get(p, ()))
            if p in symmetric:
                derived.append((o, p, s))
        for key in derived:
            if key not in known:
                known.add(key)
                work.append(key)

    new = (
        ox.Triple(s, p, o)
        for (s, p, o) in known - asserted
        if ox.Quad(s, p, o, ox.DefaultGraph()) not in store
    )
    return sorted(new, key=str)
