"""JSON-LD with a compact context a person can read.

Every predicate gets a short term (``prefLabel``, ``broader``, ``measuredBy``): labels and notes
become language maps (``"prefLabel": {"en": "Agent"}``), links become IRIs written as compact
IRIs (``"broader": "cxg:support-tiers"``), integers and booleans are plain JSON values, and
ordered collections are JSON arrays. The context is derived from the triples, so the document
always reads back to exactly the triples it was written from; it is embedded in the document
(no remote context to fetch) and also written on its own as ``context.jsonld``.

The document is written in two streaming passes over the snapshot (first the context, then one
node per line), so memory stays flat however large the vocabulary is. One node per line also
makes the file easy to diff and to grep.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..canonical import blank_node_triples
from ..namespaces import PREFIXES, RDF, XSD, compact_iri
from .snapshot import Node, Snapshot, Term

__all__ = ["JsonLdDocument", "JsonLdWriter", "to_jsonld"]

_TYPE = RDF + "type"
_FIRST = RDF + "first"
_REST = RDF + "rest"
_NIL = RDF + "nil"
_STRING = XSD + "string"
_INTEGER = XSD + "integer"
_BOOLEAN = XSD + "boolean"
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_TERM_NAME = re.compile(r"[A-Za-z_][\w-]*")
_RESERVED_TERMS = {"id", "type"} | set(PREFIXES)


@dataclass(frozen=True)
class JsonLdDocument:
    """The document and its context, serialised."""

    document: bytes
    context: bytes


def _compact(iri: str) -> str:
    return compact_iri(iri) or iri


def _node_ref(term: Node) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)


def _is_native(literal: ox.Literal) -> bool:
    dt = literal.datatype.value
    if dt == _INTEGER:
        return bool(_CANONICAL_INTEGER.fullmatch(literal.value)) and literal.value != "-0"
    return dt == _BOOLEAN and literal.value in ("true", "false")


@dataclass
class _PredicateProfile:
    """What kinds of value one predicate takes, across the whole graph."""

    nodes: int = 0
    list_heads: int = 0
    literals: int = 0
    tagged: int = 0
    native: int = 0
    datatypes: set[str] = field(default_factory=set)


@dataclass
class _Profile:
    predicates: dict[str, _PredicateProfile]
    lists: dict[ox.BlankNode, list[Term]]
    list_cells: set[ox.BlankNode]


def _read_lists(
    cells: dict[ox.BlankNode, tuple[Term, Term]], uses: dict[ox.BlankNode, int]
) -> tuple[dict[ox.BlankNode, list[Term]], set[ox.BlankNode]]:
    """Heads of well-formed RDF lists → their items; and every blank node the lists are made of."""
    rest_of = {rest for _, rest in cells.values()}
    lists: dict[ox.BlankNode, list[Term]] = {}
    used_cells: set[ox.BlankNode] = set()
    for head in cells:
        if head in rest_of or uses.get(head, 0) != 1:
            continue
        items: list[Term] = []
        node: Term = head
        seen: set[ox.BlankNode] = set()
        while (
            isinstance(node, ox.BlankNode)
            and node in cells
            and node not in seen
            and (node == head or uses.get(node, 0) == 1)
        ):
            seen.add(node)
            first, node = cells[node]
            items.append(first)
        if isinstance(node, ox.NamedNode) and node.value == _NIL and items:
            lists[head] = items
            used_cells |= seen
    return lists, used_cells


_PREDICATE_KINDS = """
SELECT ?p ?kind ?dt (COUNT(*) AS ?n) (SUM(?native) AS ?natives) WHERE {
  ?s ?p ?o .
  BIND(IF(isLiteral(?o), IF(LANG(?o) != "", "tagged", "literal"), IF(isBlank(?o), "blank", "iri")) AS ?kind)
  BIND(IF(?kind = "literal", STR(DATATYPE(?o)), "") AS ?dt)
  BIND(IF(?dt = "http://www.w3.org/2001/XMLSchema#integer",
          IF(REGEX(STR(?o), "^-?(0|[1-9][0-9]*)$") && STR(?o) != "-0", 1, 0),
          IF(?dt = "http://www.w3.org/2001/XMLSchema#boolean" && STR(?o) IN ("true", "false"), 1, 0)) AS ?native)
}
GROUP BY ?p ?kind ?dt
"""


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _profile(snapshot: Snapshot) -> _Profile:
    """What each predicate's values look like, and the RDF lists, computed inside Oxigraph."""
    predicates: dict[str, _PredicateProfile] = defaultdict(_PredicateProfile)
    for row in _select(snapshot.store, _PREDICATE_KINDS):
        prof = predicates[row["p"].value]
        kind, n = row["kind"].value, int(row["n"].value)
        if kind in ("iri", "blank"):
            prof.nodes += n
        else:
            prof.literals += n
            if kind == "tagged":
                prof.tagged += n
            else:
                prof.datatypes.add(row["dt"].value)
                prof.native += int(row["natives"].value)

    cells: dict[ox.BlankNode, dict[str, Term]] = defaultdict(dict)
    outgoing: dict[ox.BlankNode, int] = defaultdict(int)
    uses: dict[ox.BlankNode, int] = defaultdict(int)
    blank_objects: list[tuple[str, ox.BlankNode]] = []
    for t in blank_node_triples(snapshot.store):
        subj, pred, obj = t.subject, t.predicate.value, t.object
        if isinstance(obj, ox.Triple):
            continue
        if isinstance(subj, ox.BlankNode):
            outgoing[subj] += 1
            if pred in (_FIRST, _REST):
                cells[subj][pred] = obj
        if isinstance(obj, ox.BlankNode):
            uses[obj] += 1
            blank_objects.append((pred, obj))
    pairs = {b: (c[_FIRST], c[_REST]) for b, c in cells.items() if outgoing[b] == 2 and len(c) == 2}
    lists, list_cells = _read_lists(pairs, uses)
    for p, o in blank_objects:
        if o in lists:
            predicates[p].list_heads += 1
    # The cells of lists are written as JSON arrays, never as rdf:first/rdf:rest.
    for prop in (_FIRST, _REST):
        if prop not in predicates:
            continue
        if predicates[prop].nodes + predicates[prop].literals == len(list_cells):
            del predicates[prop]
        else:  # some rdf:first/rest outside well-formed lists: write them plainly
            predicates[prop] = _PredicateProfile(nodes=1, literals=1)
    return _Profile(predicates=dict(predicates), lists=lists, list_cells=list_cells)


def _term_definition(iri: str, prof: _PredicateProfile, lists: dict[ox.BlankNode, list[Term]]) -> dict[str, str]:
    definition = {"@id": _compact(iri)}
    total = prof.nodes + prof.literals
    if prof.list_heads == total:
        definition.update({"@container": "@list", "@type": "@id"})
    elif prof.nodes == total and prof.list_heads == 0:
        definition["@type"] = "@id"
    elif prof.literals == total and prof.tagged == total:
        definition["@container"] = "@language"
    elif prof.literals == total and prof.tagged == 0 and len(prof.datatypes) == 1:
        (dt,) = prof.datatypes
        if dt != _STRING and prof.native < total:
            definition["@type"] = _compact(dt)
    return definition


def _choose_terms(predicates: list[str]) -> dict[str, str]:
    """A short, unique JSON key per predicate IRI: its local name, else its compact IRI."""
    by_local: dict[str, list[str]] = defaultdict(list)
    for iri in predicates:
        by_local[re.split(r"[#/]", iri)[-1]].append(iri)
    terms: dict[str, str] = {}
    for local, iris in by_local.items():
        for iri in iris:
            clean = len(iris) == 1 and local not in _RESERVED_TERMS and _TERM_NAME.fullmatch(local)
            terms[iri] = local if clean else _compact(iri)
    return terms


def _literal_object(v: ox.Literal) -> dict[str, str]:
    if v.language:
        return {"@value": v.value, "@language": v.language}
    if v.datatype.value == _STRING:
        return {"@value": v.value}
    return {"@value": v.value, "@type": _compact(v.datatype.value)}


def _item(i: Term) -> Any:
    return _literal_object(i) if isinstance(i, ox.Literal) else {"@id": _node_ref(i)}


class _Renderer:
    def __init__(self, profile: _Profile) -> None:
        self.lists = profile.lists
        self.terms = _choose_terms(sorted(p for p in profile.predicates if p != _TYPE))
        self.definitions = {
            iri: _term_definition(iri, prof, self.lists) for iri, prof in profile.predicates.items() if iri != _TYPE
        }
        self.list_cells = profile.list_cells

    def context(self) -> dict[str, Any]:
        context: dict[str, Any] = {"id": "@id", "type": "@type"}
        context.update(PREFIXES)
        for iri in sorted(self.definitions, key=lambda i: self.terms[i].lower()):
            definition = self.definitions[iri]
            term = self.terms[iri]
            if term == definition["@id"] and len(definition) == 1:
                continue
            context[term] = definition if len(definition) > 1 else definition["@id"]
        return context

    def value(self, v: Term, definition: dict[str, str]) -> Any:
        container = definition.get("@container")
        if container == "@list":
            return [_node_ref(i) for i in self.lists[v]]  # type: ignore[index,arg-type]
        if isinstance(v, ox.Literal):
            if container == "@language" or "@type" in definition or v.datatype.value == _STRING:
                return v.value
            if _is_native(v):
                return int(v.value) if v.datatype.value == _INTEGER else v.value == "true"
            return _literal_object(v)
        if isinstance(v, ox.BlankNode) and v in self.lists:
            return {"@list": [_item(i) for i in self.lists[v]]}
        if definition.get("@type") == "@id":
            return _node_ref(v)
        return {"@id": _node_ref(v)}

    def node(self, subject: Node, pairs: list[tuple[ox.NamedNode, Term]]) -> dict[str, Any]:
        node: dict[str, Any] = {"id": _node_ref(subject)}
        grouped: dict[str, list[Term]] = {}
        for p, o in pairs:
            grouped.setdefault(p.value, []).append(o)
        types = grouped.pop(_TYPE, [])
        if types:
            refs = [_node_ref(t) for t in types]  # type: ignore[arg-type]
            node["type"] = refs[0] if len(refs) == 1 else refs
        for iri, objects in grouped.items():
            definition = self.definitions[iri]
            if definition.get("@container") == "@language":
                by_lang: dict[str, list[str]] = {}
                for v in objects:
                    by_lang.setdefault(v.language, []).append(v.value)  # type: ignore[union-attr,arg-type]
                value: Any = {lang: vals[0] if len(vals) == 1 else vals for lang, vals in sorted(by_lang.items())}
            else:
                values = [self.value(v, definition) for v in objects]
                value = values[0] if len(values) == 1 else values
            node[self.terms[iri]] = value
        return node


class JsonLdWriter:
    """Builds the document one subject at a time, in the snapshot's order."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._renderer = _Renderer(_profile(snapshot))
        self._context = self._renderer.context()
        self._encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        self._nodes: list[str] = []

    def add(self, subject: Node, pairs: list[tuple[ox.NamedNode, Term]]) -> None:
        """Write one subject's node (the cells of RDF lists are written inside their list)."""
        if isinstance(subject, ox.BlankNode) and subject in self._renderer.list_cells:
            return
        self._nodes.append(self._encode(self._renderer.node(subject, pairs)))

    def finish(self) -> JsonLdDocument:
        context = json.dumps(self._context, ensure_ascii=False, indent=2)
        document = '{\n"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(self._nodes) + "\n]\n}\n"
        context_doc = '{\n"@context": ' + context + "\n}\n"
        return JsonLdDocument(document=document.encode("utf-8"), context=context_doc.encode("utf-8"))


def to_jsonld(snapshot: Snapshot) -> JsonLdDocument:
    """Serialise the snapshot as a compact, deterministic JSON-LD document."""
    writer = JsonLdWriter(snapshot)
    for subject, pairs in snapshot.subjects():
        writer.add(subject, pairs)
    return writer.finish()
