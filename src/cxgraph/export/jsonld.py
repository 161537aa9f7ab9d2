"""JSON-LD with a compact context a person can read.

Every predicate gets a short term (``prefLabel``, ``broader``, ``measuredBy``): labels and notes
become language maps (``"prefLabel": {"en": "Agent"}``), links become IRIs written as compact
IRIs (``"broader": "cxg:support-tiers"``), integers and booleans are plain JSON values, and
ordered collections are JSON arrays. The context is derived from the triples, so the document
always reads back to exactly the triples it was written from; it is embedded in the document
(no remote context to fetch) and also written on its own as ``context.jsonld``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..namespaces import PREFIXES, RDF, XSD

__all__ = ["JsonLdDocument", "to_jsonld"]

_TYPE = RDF + "type"
_FIRST = RDF + "first"
_REST = RDF + "rest"
_NIL = RDF + "nil"
_STRING = XSD + "string"
_LANG_STRING = RDF + "langString"
_INTEGER = XSD + "integer"
_BOOLEAN = XSD + "boolean"
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_RESERVED_TERMS = {"id", "type"} | set(PREFIXES)

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class JsonLdDocument:
    """The document and its context, serialised."""

    document: bytes
    context: bytes


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri


def _node_ref(term: Node) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _is_native(literal: ox.Literal) -> bool:
    dt = literal.datatype.value
    if dt == _INTEGER:
        return bool(_CANONICAL_INTEGER.fullmatch(literal.value)) and literal.value != "-0"
    return dt == _BOOLEAN and literal.value in ("true", "false")


def _native(literal: ox.Literal) -> int | bool:
    if literal.datatype.value == _INTEGER:
        return int(literal.value)
    return literal.value == "true"


def _find_lists(triples: list[ox.Triple]) -> dict[ox.BlankNode, list[Term]]:
    """Heads of well-formed RDF lists (blank nodes with only first/rest, used once) → items."""
    out: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    uses: dict[ox.BlankNode, int] = defaultdict(int)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            out[t.subject].append(t)
        if isinstance(t.object, ox.BlankNode):
            uses[t.object] += 1

    def cell(b: ox.BlankNode) -> tuple[Term, Term] | None:
        edges = out.get(b, [])
        if len(edges) != 2 or uses[b] != 1:
            return None
        by_pred = {t.predicate.value: t.object for t in edges}
        if set(by_pred) != {_FIRST, _REST}:
            return None
        return by_pred[_FIRST], by_pred[_REST]

    lists: dict[ox.BlankNode, list[Term]] = {}
    rest_targets = {t.object for t in triples if t.predicate.value == _REST}
    for head in out:
        if head in rest_targets:
            continue
        items: list[Term] = []
        node: Term = head
        seen: set[ox.BlankNode] = set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            c = cell(node)
            if c is None:
                break
            items.append(c[0])
            node = c[1]
        else:
            if isinstance(node, ox.NamedNode) and node.value == _NIL and items:
                lists[head] = items
    return lists


def _list_cells(head: ox.BlankNode, triples_by_subject: dict[Node, list[ox.Triple]]) -> list[ox.BlankNode]:
    cells = [head]
    while True:
        rest = next(t.object for t in triples_by_subject[cells[-1]] if t.predicate.value == _REST)
        if not isinstance(rest, ox.BlankNode):
            return cells
        cells.append(rest)


def _term_definition(iri: str, values: list[Term], lists: dict[ox.BlankNode, list[Term]]) -> dict[str, str]:
    definition = {"@id": _compact(iri)}
    if all(isinstance(v, ox.BlankNode) and v in lists for v in values):
        items = [i for v in values for i in lists[v]]  # type: ignore[index]
        if all(isinstance(i, ox.NamedNode | ox.BlankNode) for i in items):
            definition.update({"@container": "@list", "@type": "@id"})
            return definition
    if all(isinstance(v, ox.NamedNode | ox.BlankNode) for v in values):
        if not any(isinstance(v, ox.BlankNode) and v in lists for v in values):
            definition["@type"] = "@id"
        return definition
    literals = [v for v in values if isinstance(v, ox.Literal)]
    if len(literals) != len(values):
        return definition
    if all(v.language for v in literals):
        definition["@container"] = "@language"
        return definition
    datatypes = {v.datatype.value for v in literals}
    if len(datatypes) == 1:
        (dt,) = datatypes
        if dt != _STRING and not all(_is_native(v) for v in literals):
            definition["@type"] = _compact(dt)
    return definition


def _choose_terms(predicates: list[str]) -> dict[str, str]:
    """A short, unique JSON key per predicate IRI: its local name, else its compact IRI."""
    by_local: dict[str, list[str]] = defaultdict(list)
    for iri in predicates:
        by_local[_local_name(iri)].append(iri)
    terms: dict[str, str] = {}
    for local, iris in by_local.items():
        for iri in iris:
            clean = len(iris) == 1 and local and local not in _RESERVED_TERMS and re.fullmatch(r"[A-Za-z_][\w-]*", local)
            terms[iri] = local if clean else _compact(iri)
    return terms


def _expanded_literal(v: ox.Literal) -> dict[str, str]:
    if v.language:
        return {"@value": v.value, "@language": v.language}
    if v.datatype.value == _STRING:
        return {"@value": v.value}
    return {"@value": v.value, "@type": _compact(v.datatype.value)}


def _value(v: Term, definition: dict[str, str], lists: dict[ox.BlankNode, list[Term]]) -> Any:
    container = definition.get("@container")
    coerced = definition.get("@type")
    if container == "@list":
        return [_node_ref(i) for i in lists[v]]  # type: ignore[index,arg-type]
    if isinstance(v, ox.Literal):
        if container == "@language":
            return v.value
        if coerced is not None:
            return v.value
        if v.datatype.value == _STRING:
            return v.value
        if _is_native(v):
            return _native(v)
        return _expanded_literal(v)
    if isinstance(v, ox.BlankNode) and v in lists:
        return {"@list": [_item(i) for i in lists[v]]}
    if coerced == "@id":
        return _node_ref(v)
    return {"@id": _node_ref(v)}


def _item(i: Term) -> Any:
    if isinstance(i, ox.Literal):
        return _expanded_literal(i)
    return {"@id": _node_ref(i)}


def _single(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def to_jsonld(triples: list[ox.Triple]) -> JsonLdDocument:
    """Serialise canonical triples as a compact, deterministic JSON-LD document."""
    lists = _find_lists(triples)
    by_subject: dict[Node, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)  # type: ignore[index]
    list_cells = {c for head in lists for c in _list_cells(head, by_subject)}

    kept = [t for t in triples if t.subject not in list_cells]
    values_by_predicate: dict[str, list[Term]] = defaultdict(list)
    for t in kept:
        if t.predicate.value != _TYPE:
            values_by_predicate[t.predicate.value].append(t.object)
    terms = _choose_terms(sorted(values_by_predicate))
    definitions = {iri: _term_definition(iri, vals, lists) for iri, vals in values_by_predicate.items()}

    context: dict[str, Any] = {"id": "@id", "type": "@type"}
    context.update(PREFIXES)
    for iri in sorted(values_by_predicate, key=lambda i: terms[i].lower()):
        definition = definitions[iri]
        term = terms[iri]
        if term == definition["@id"] and len(definition) == 1:
            continue
        context[term] = definition if len(definition) > 1 else definition["@id"]

    nodes: list[dict[str, Any]] = []
    for subject in dict.fromkeys(t.subject for t in kept):
        node: dict[str, Any] = {"id": _node_ref(subject)}  # type: ignore[arg-type]
        grouped: dict[str, list[Term]] = defaultdict(list)
        for t in by_subject[subject]:  # type: ignore[index]
            grouped[t.predicate.value].append(t.object)
        types = grouped.pop(_TYPE, [])
        if types:
            node["type"] = _single([_node_ref(v) for v in types])  # type: ignore[arg-type]
        for iri, objects in grouped.items():
            definition = definitions[iri]
            term = terms[iri]
            if definition.get("@container") == "@language":
                by_lang: dict[str, list[str]] = defaultdict(list)
                for v in objects:
                    by_lang[v.language].append(v.value)  # type: ignore[union-attr,index]
                node[term] = {lang: _single(vals) for lang, vals in sorted(by_lang.items())}
            elif definition.get("@container") == "@list":
                node[term] = _value(objects[0], definition, lists) if len(objects) == 1 else {
                    "@set": [_value(v, definition, lists) for v in objects]
                }
            else:
                node[term] = _single([_value(v, definition, lists) for v in objects])
        nodes.append(node)

    document = {"@context": context, "@graph": nodes}
    dumped = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    context_doc = json.dumps({"@context": context}, ensure_ascii=False, indent=2) + "\n"
    return JsonLdDocument(document=dumped.encode("utf-8"), context=context_doc.encode("utf-8"))
