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

from ..namespaces import PREFIXES, RDF, XSD
from .snapshot import Node, Snapshot, Term

__all__ = ["JsonLdDocument", "to_jsonld"]

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
_PREFIX_ITEMS = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


@dataclass(frozen=True)
class JsonLdDocument:
    """The document and its context, serialised."""

    document: bytes
    context: bytes


def _compact(iri: str) -> str:
    for prefix, namespace in _PREFIX_ITEMS:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri


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
        while isinstance(node, ox.BlankNode) and node in cells and node not in seen and (node == head or uses.get(node, 0) == 1):
            seen.add(node)
            first, node = cells[node]
            items.append(first)
        if isinstance(node, ox.NamedNode) and node.value == _NIL and items:
            lists[head] = items
            used_cells |= seen
    return lists, used_cells


def _count(prof: _PredicateProfile, o: Term) -> None:
    if isinstance(o, ox.Literal):
        prof.literals += 1
        if o.language:
            prof.tagged += 1
        else:
            prof.datatypes.add(o.datatype.value)
            if _is_native(o):
                prof.native += 1
    else:
        prof.nodes += 1


def _profile(snapshot: Snapshot) -> _Profile:
    predicates: dict[str, _PredicateProfile] = defaultdict(_PredicateProfile)
    cells: dict[ox.BlankNode, tuple[Term, Term]] = {}
    uses: dict[ox.BlankNode, int] = defaultdict(int)
    blank_objects: list[tuple[str, ox.BlankNode]] = []
    for subject, pairs in snapshot.subjects():
        for p, o in pairs:
            if isinstance(o, ox.BlankNode):
                uses[o] += 1
                blank_objects.append((p.value, o))
        if isinstance(subject, ox.BlankNode) and len(pairs) == 2:
            by = {p.value: o for p, o in pairs}
            if set(by) == {_FIRST, _REST}:
                cells[subject] = (by[_FIRST], by[_REST])
                continue  # counted below, unless it turns out not to be part of a list
        for p, o in pairs:
            _count(predicates[p.value], o)
    lists, list_cells = _read_lists(cells, uses)
    for cell, (first, rest) in cells.items():
        if cell not in list_cells:
            _count(predicates[_FIRST], first)
            _count(predicates[_REST], rest)
    for p, o in blank_objects:
        if o in lists:
            predicates[p].list_heads += 1
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


def to_jsonld(snapshot: Snapshot) -> JsonLdDocument:
    """Serialise the snapshot as a compact, deterministic JSON-LD document."""
    profile = _profile(snapshot)
    renderer = _Renderer(profile)
    context = renderer.context()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    parts = ['{\n"@context": ', json.dumps(context, ensure_ascii=False, indent=2), ',\n"@graph": [\n']
    first = True
    for subject, pairs in snapshot.subjects():
        if isinstance(subject, ox.BlankNode) and subject in renderer.list_cells:
            continue
        if not first:
            parts.append(",\n")
        parts.append(dumps(renderer.node(subject, pairs)))
        first = False
    parts.append("\n]\n}\n")
    context_doc = json.dumps({"@context": context}, ensure_ascii=False, indent=2) + "\n"
    return JsonLdDocument(document="".join(parts).encode("utf-8"), context=context_doc.encode("utf-8"))
