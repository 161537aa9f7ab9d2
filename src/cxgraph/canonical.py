"""Stable blank-node names and a stable triple order, so every build writes identical bytes.

Parsers give blank nodes fresh random names on every run. :func:`rename_blank_nodes` renames
them in place from a hash of their surroundings (what they point at and what points at them,
refined round by round), so the same vocabulary always yields the same store.
:func:`canonical_ntriples` then writes the exportable triples as sorted N-Triples: one line per
triple, each subject's triples together, in the same order on every machine. Sorting lines of
bytes keeps the cost low on large vocabularies; the other exports are rendered from it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDFS, XSD

__all__ = ["blank_node_triples", "canonical_ntriples", "rename_blank_nodes"]

_ROUNDS = 64
#: Triples about these vocabularies' own terms are never exported.
_NOT_EXPORTED = tuple(f"<{ns}".encode() for ns in (RDF, RDFS, OWL, XSD))

_BLANK_QUADS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"


def _blank_node_names(triples: list[ox.Triple]) -> dict[ox.BlankNode, str]:
    out_edges: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    in_edges: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            out_edges[t.subject].append(t)
        if isinstance(t.object, ox.BlankNode):
            in_edges[t.object].append(t)
    nodes = set(out_edges) | set(in_edges)
    colour: dict[ox.BlankNode, str] = dict.fromkeys(nodes, "")

    def show(term: object) -> str:
        return "_:" + colour[term] if isinstance(term, ox.BlankNode) else str(term)

    distinct = 1
    for _ in range(_ROUNDS):
        new: dict[ox.BlankNode, str] = {}
        for b in nodes:
            parts = sorted(f">{t.predicate} {show(t.object)}" for t in out_edges[b])
            parts += sorted(f"<{show(t.subject)} {t.predicate}" for t in in_edges[b])
            new[b] = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
        colour = new
        now = len(set(colour.values()))
        if now in (distinct, len(nodes)):
            break
        distinct = now
    names: dict[ox.BlankNode, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for b in sorted(nodes, key=lambda n: colour[n]):
        c = colour[b]
        names[b] = f"b{c}" if seen[c] == 0 else f"b{c}x{seen[c]}"
        seen[c] += 1
    return names


def blank_node_triples(store: ox.Store) -> list[ox.Triple]:
    """The triples of ``store`` with a blank node as subject or object (usually few)."""
    result = store.query(_BLANK_QUADS)
    assert isinstance(result, ox.QuerySolutions)
    return [ox.Triple(row[0], row[1], row[2]) for row in result]


def rename_blank_nodes(store: ox.Store) -> None:
    """Give every blank node of the default graph a name derived from its surroundings."""
    triples = blank_node_triples(store)
    if not triples:
        return
    names = _blank_node_names(triples)
    renamed = {b: ox.BlankNode(n) for b, n in names.items()}

    def rename(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        return renamed.get(term, term) if isinstance(term, ox.BlankNode) else term

    for t in triples:
        store.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    store.extend(
        [ox.Quad(rename(t.subject), t.predicate, rename(t.object), ox.DefaultGraph()) for t in triples]  # type: ignore[arg-type]
    )


def canonical_ntriples(store: ox.Store) -> bytes:
    """The default graph's exportable triples as sorted N-Triples lines.

    Sorting groups each subject's triples, named subjects before blank ones, predicates and
    objects in IRI order. Triples whose subject is an RDF, RDFS, OWL or XSD term are dropped.
    """
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    lines = [line for line in data.split(b"\n") if line and not line.startswith(_NOT_EXPORTED)]
    del data  # free the unsorted copy before the sorted one is joined
    if not lines:
        return b""
    lines.sort()
    lines.append(b"")  # so that the join ends the last line, without copying the result again
    return b"\n".join(lines)
