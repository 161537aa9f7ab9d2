"""A stable order and stable blank-node names, so that every build writes identical bytes.

Parsers give blank nodes fresh random names on every run; this module renames them from a hash
of their surroundings (what they point at and what points at them, refined round by round), and
sorts triples so that a subject's triples stay together in a readable order.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from .namespaces import DCT, OWL, RDF, RDFS, SKOS, XSD

__all__ = ["canonical_triples", "is_export_triple", "triple_sort_key"]

_ROUNDS = 64

# Predicates listed in the order a reader expects them (the order of a concept page).
_PREDICATE_ORDER = [
    RDF + "type",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
    SKOS + "notation",
    SKOS + "definition",
    SKOS + "inScheme",
    SKOS + "topConceptOf",
    SKOS + "hasTopConcept",
    SKOS + "broader",
    SKOS + "narrower",
    SKOS + "related",
]
_PREDICATE_RANK = {iri: i for i, iri in enumerate(_PREDICATE_ORDER)}

_NOT_EXPORTED = (RDF, RDFS, OWL, XSD)


def is_export_triple(t: ox.Triple) -> bool:
    """False for triples about RDF, RDFS, OWL or XSD terms themselves."""
    s = t.subject
    if isinstance(s, ox.NamedNode) and s.value.startswith(_NOT_EXPORTED):
        return False
    return True


def _term_key(term: object) -> str:
    return str(term)


def triple_sort_key(t: ox.Triple) -> tuple[int, str, int, str, str]:
    """Blank nodes after named subjects; predicates in reading order; then objects."""
    s = t.subject
    p = t.predicate.value
    return (
        1 if isinstance(s, ox.BlankNode) else 0,
        str(s),
        _PREDICATE_RANK.get(p, len(_PREDICATE_RANK)),
        p,
        _term_key(t.object),
    )


def _blank_node_names(triples: list[ox.Triple]) -> dict[ox.BlankNode, str]:
    out_edges: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    in_edges: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            out_edges[t.subject].append(t)
        if isinstance(t.object, ox.BlankNode):
            in_edges[t.object].append(t)
    nodes = set(out_edges) | set(in_edges)
    if not nodes:
        return {}
    colour: dict[ox.BlankNode, str] = {b: "" for b in nodes}

    def show(term: object) -> str:
        return "_:" + colour[term] if isinstance(term, ox.BlankNode) else str(term)

    distinct = 1
    for _ in range(_ROUNDS):
        new: dict[ox.BlankNode, str] = {}
        for b in nodes:
            parts = sorted(f">{t.predicate} {show(t.object)}" for t in out_edges[b])
            parts += sorted(f"<{show(t.subject)} {t.predicate}" for t in in_edges[b])
            new[b] = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]
        colour = new
        now = len(set(colour.values()))
        if now == distinct or now == len(nodes):
            break
        distinct = now
    names: dict[ox.BlankNode, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for b in sorted(nodes, key=lambda n: colour[n]):
        c = colour[b]
        names[b] = f"b{c}" if seen[c] == 0 else f"b{c}x{seen[c]}"
        seen[c] += 1
    return names


def canonical_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The exportable triples, with stable blank-node names, in a stable readable order."""
    kept = [t for t in triples if is_export_triple(t)]
    names = _blank_node_names(kept)
    if names:
        renamed = {b: ox.BlankNode(n) for b, n in names.items()}

        def rename(term: ox.Triple | ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
            return renamed.get(term, term) if isinstance(term, ox.BlankNode) else term

        kept = [ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in kept]  # type: ignore[arg-type]
    kept = list(dict.fromkeys(kept))
    kept.sort(key=triple_sort_key)
    return kept
