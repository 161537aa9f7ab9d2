"""Targeted SKOS inference: the entailments users need, and nothing else.

owlrl's OWL 2 RL closure derives these too, but slowly and with clutter (``owl:sameAs``
self-links, ``rdf:type rdfs:Resource``, axioms about RDF itself). This module applies just
three OWL 2 RL rules — sub-property (prp-spo1), inverse (prp-inv1/2) and symmetric
(prp-symp) — reading the axioms from the vocabulary itself (the ``cx:`` properties of
``ontology/cx.ttl``) and from ``skos-entailment.ttl`` beside this file.

None of the three rules joins two data triples, so the closure can be computed on properties
first: each property gets the list of (property, direction) forms its triples entail, and one
SPARQL ``INSERT`` per form writes them, entirely inside Oxigraph. The test suite keeps owlrl as
the oracle this closure must agree with.

Ordered collections get two more entailments first: each is a ``skos:Collection`` and has a
``skos:member`` for every item of its ``skos:memberList`` (SKOS S36), so tools that only read
``skos:member`` still list the support tiers and priority levels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDFS, SKOS

__all__ = ["PropertyAxioms", "entail", "entailment_forms", "materialise", "skos_axioms"]

_AXIOMS_FILE = Path(__file__).with_name("skos-entailment.ttl")

_SUB_PROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
_INVERSE = ox.NamedNode(OWL + "inverseOf")
_TYPE = ox.NamedNode(RDF + "type")
_SYMMETRIC = ox.NamedNode(OWL + "SymmetricProperty")


@dataclass
class PropertyAxioms:
    """Sub-property, inverse and symmetry axioms between named properties."""

    supers: dict[str, set[str]]
    inverses: dict[str, set[str]]
    symmetric: set[str]

    @classmethod
    def empty(cls) -> PropertyAxioms:
        return cls(defaultdict(set), defaultdict(set), set())

    def add_triples(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        """Record every axiom among ``triples``; other triples are ignored."""
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p == _SUB_PROPERTY and isinstance(o, ox.NamedNode):
                self.supers[s.value].add(o.value)
            elif p == _INVERSE and isinstance(o, ox.NamedNode):
                self.inverses[s.value].add(o.value)
                self.inverses[o.value].add(s.value)
            elif p == _TYPE and o == _SYMMETRIC:
                self.symmetric.add(s.value)

    def add_store(self, store: ox.Store) -> None:
        """Record the axioms stated in the default graph of ``store``."""
        for predicate in (_SUB_PROPERTY, _INVERSE):
            self.add_triples(store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()))
        self.add_triples(store.quads_for_pattern(None, _TYPE, _SYMMETRIC, ox.DefaultGraph()))


def skos_axioms() -> PropertyAxioms:
    """The SKOS axioms cxgraph materialises (``skos-entailment.ttl``)."""
    axioms = PropertyAxioms.empty()
    axioms.add_triples(ox.parse(path=str(_AXIOMS_FILE), format=ox.RdfFormat.TURTLE))
    return axioms


Form = tuple[str, bool]  # (property entailed, True when subject and object swap)


def entailment_forms(axioms: PropertyAxioms) -> dict[str, set[Form]]:
    """For each property with axioms, every (property, swapped) its triples entail."""
    starts = set(axioms.supers) | set(axioms.inverses) | axioms.symmetric
    forms: dict[str, set[Form]] = {}
    for start in starts:
        seen: set[Form] = {(start, False)}
        work = [(start, False)]
        while work:
            prop, swapped = work.pop()
            nxt = [(sup, swapped) for sup in axioms.supers.get(prop, ())]
            nxt += [(inv, not swapped) for inv in axioms.inverses.get(prop, ())]
            if prop in axioms.symmetric:
                nxt.append((prop, not swapped))
            for form in nxt:
                if form not in seen:
                    seen.add(form)
                    work.append(form)
        seen.discard((start, False))
        if seen:
            forms[start] = seen
    return forms


def _updates(forms: dict[str, set[Form]]) -> list[str]:
    """One ``INSERT`` per form: the triples each property's triples entail."""
    updates = []
    for prop in sorted(forms):
        for target, swapped in sorted(forms[prop]):
            if swapped:
                updates.append(
                    f"INSERT {{ ?o <{target}> ?s }} WHERE {{ ?s <{prop}> ?o FILTER(!isLiteral(?o)) }}"
                )
            else:
                updates.append(f"INSERT {{ ?s <{target}> ?o }} WHERE {{ ?s <{prop}> ?o }}")
    return updates


#: SKOS S36 (an ordered collection's list items are its members) and the class axiom that an
#: ordered collection is a collection. owlrl derives the second but not the first, which reads
#: an RDF list; both are what tools such as pyLODE and Skosmos look for.
_COLLECTION_UPDATES = (
    f"INSERT {{ ?c a <{SKOS}Collection> }} WHERE {{ ?c a <{SKOS}OrderedCollection> }}",
    f"INSERT {{ ?c <{SKOS}member> ?m }} WHERE {{ ?c <{SKOS}memberList>/<{RDF}rest>*/<{RDF}first> ?m }}",
)


def materialise(store: ox.Store) -> int:
    """Add to ``store``'s default graph every triple it entails; returns how many were new.

    Each form is one ``INSERT`` evaluated inside Oxigraph, keeping the store's own blank nodes
    (serialising a form's triples and loading them back would give blank nodes fresh names).
    """
    axioms = skos_axioms()
    axioms.add_store(store)
    before = len(store)
    for update in _COLLECTION_UPDATES:
        store.update(update)
    for update in _updates(entailment_forms(axioms)):
        store.update(update)
    return len(store) - before


def entail(store: ox.Store) -> list[ox.Triple]:
    """The triples ``store``'s default graph entails and does not assert, sorted.

    ``store`` is not modified: the closure is computed on a copy.
    """
    copy = ox.Store()
    copy.extend(store)  # the same blank nodes (loading a dump would give them fresh names)
    materialise(copy)
    new = (q.triple for q in copy if q not in store)
    return sorted(new, key=str)
