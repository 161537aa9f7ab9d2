"""JSON-LD with a compact context a person can read.

Every predicate gets a short term (``prefLabel``, ``broader``, ``measuredBy``): labels and notes
become language maps (``"prefLabel": {"en": "Agent"}``), links become IRIs written as compact
IRIs (``"broader": "cxg:support-tiers"``), integers and booleans are plain JSON values, and
ordered collections are JSON arrays. The context is derived from the triples, so the document
always reads back to exactly the triples it was written from; it is embedded in the document
(no remote context to fetch) and also written on its own as ``context.jsonld``.

The document is written from the snapshot's N-Triples lines (see :mod:`cxgraph.export.ntriples`)
in one pass: each subject's description is counted (what kinds of value each predicate takes
decides the context) and kept as bytes, and once every subject has been seen the nodes are
written, one per line. Literals are copied into the JSON as they are spelled in N-Triples
wherever the two spellings agree, and each IRI is compacted once however often it occurs, so
large vocabularies are written quickly. One node per line also makes the file easy to diff and
to grep.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..namespaces import PREFIXES, RDF, XSD, compact_iri
from .ntriples import (
    BLANK,
    IRI,
    LITERAL,
    Description,
    collector_paused,
    iri_of,
    is_blank,
    is_literal,
    json_string,
    literal_parts,
    literal_text,
)
from .snapshot import Snapshot

__all__ = ["JsonLdDocument", "JsonLdWriter", "to_jsonld"]

_TYPE = RDF + "type"
_FIRST = RDF + "first"
_REST = RDF + "rest"
_STRING = XSD + "string"
_INTEGER = XSD + "integer"
_BOOLEAN = XSD + "boolean"
_TYPE_TERM = f"<{_TYPE}>".encode()
_FIRST_TERM = f"<{_FIRST}>".encode()
_REST_TERM = f"<{_REST}>".encode()
_NIL_TERM = f"<{RDF}nil>".encode()
#: Literal suffixes of the datatypes JSON has values for.
_NATIVE_SUFFIXES = {f"^^<{_INTEGER}>".encode(), f"^^<{_BOOLEAN}>".encode()}
#: The last byte of a string literal and of a literal with a datatype (a tagged one ends in its tag).
_UNTAGGED_ENDS = frozenset(b'">')
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_TERM_NAME = re.compile(r"[A-Za-z_][\w-]*")
_RESERVED_TERMS = {"id", "type"} | set(PREFIXES)
#: How a predicate's values are written, decided by its term definition (rdf:type: as types).
_REF, _LANGUAGE, _LIST, _TEXT, _PLAIN, _TYPES = "ref", "language", "list", "text", "plain", "types"


@dataclass(frozen=True)
class JsonLdDocument:
    """The document and its context, serialised."""

    document: bytes
    context: bytes


def _compact(iri: str) -> str:
    return compact_iri(iri) or iri


def _json(value: str) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _is_native(text: str, datatype: str) -> bool:
    """Whether a literal is written as a bare JSON number or boolean (only canonical ones are)."""
    if datatype == _INTEGER:
        return bool(_CANONICAL_INTEGER.fullmatch(text)) and text != "-0"
    return datatype == _BOOLEAN and text in ("true", "false")


def _datatype(suffix: bytes) -> str:
    """The datatype IRI of a literal without a language tag, from what follows its quotes."""
    return suffix[3:-1].decode() if suffix else _STRING


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
    lists: dict[bytes, list[bytes]]
    list_cells: set[bytes]


def _read_lists(
    cells: dict[bytes, tuple[bytes, bytes]], uses: dict[bytes, int]
) -> tuple[dict[bytes, list[bytes]], set[bytes]]:
    """Heads of well-formed RDF lists → their items; and every blank node the lists are made of."""
    rest_of = {rest for _, rest in cells.values()}
    lists: dict[bytes, list[bytes]] = {}
    used_cells: set[bytes] = set()
    for head in cells:
        if head in rest_of or uses.get(head, 0) != 1:
            continue
        items: list[bytes] = []
        node = head
        seen: set[bytes] = set()
        while (
            is_blank(node) and node in cells and node not in seen and (node == head or uses.get(node, 0) == 1)
        ):
            seen.add(node)
            first, node = cells[node]
            items.append(first)
        if node == _NIL_TERM and items:
            lists[head] = items
            used_cells |= seen
    return lists, used_cells


class _Survey:
    """Counts what the context and the RDF lists depend on, one subject at a time.

    Most predicates take only IRIs or only tagged literals, and the sorted objects tell that
    without looking at each: literals come first, then IRIs, then blank nodes, and a literal
    ends with its language tag unless it ends with a quote (a string) or ``>`` (a datatype).
    """

    def __init__(self) -> None:
        self.iris: Counter[bytes] = Counter()
        self.tagged: Counter[bytes] = Counter()
        #: (predicate, kind) → triples, for the other values: b"_" for blank nodes, and for
        #: untagged literals what follows the quotes (b"" or b"^^<datatype>").
        self.kinds: Counter[tuple[bytes, bytes]] = Counter()
        self.natives: Counter[bytes] = Counter()
        self.cells: dict[bytes, dict[bytes, bytes]] = defaultdict(dict)
        self.outgoing: Counter[bytes] = Counter()
        self.uses: Counter[bytes] = Counter()
        self.blank_objects: list[tuple[bytes, bytes]] = []

    def add(self, subject: bytes, description: Description) -> None:
        iris, tagged = self.iris, self.tagged
        for p, objects in description.items():
            first, last = objects[0][0], objects[-1][0]
            if first == IRI == last:
                iris[p] += len(objects)
            elif first == LITERAL == last:
                for o in objects:
                    if o[-1] in _UNTAGGED_ENDS:
                        self._count(p, o)
                    else:
                        tagged[p] += 1
            else:
                for o in objects:
                    self._count(p, o)
        if subject[0] == BLANK:
            for p, objects in description.items():
                self.outgoing[subject] += len(objects)
                if p in (_FIRST_TERM, _REST_TERM):
                    self.cells[subject][p] = objects[-1]

    def _count(self, p: bytes, o: bytes) -> None:
        if o[0] == LITERAL:
            quoted, suffix = literal_parts(o)
            if suffix.startswith(b"@"):
                self.tagged[p] += 1
                return
            self.kinds[p, suffix] += 1
            if suffix in _NATIVE_SUFFIXES and _is_native(literal_text(quoted), _datatype(suffix)):
                self.natives[p] += 1
        elif o[0] == BLANK:
            self.kinds[p, b"_"] += 1
            self.uses[o] += 1
            self.blank_objects.append((p, o))
        else:
            self.iris[p] += 1

    def profile(self) -> _Profile:
        """What each predicate's values look like, and the RDF lists, from everything counted."""
        predicates: dict[str, _PredicateProfile] = defaultdict(_PredicateProfile)
        for p, n in self.iris.items():
            predicates[iri_of(p)].nodes += n
        for p, n in self.tagged.items():
            predicates[iri_of(p)].literals += n
            predicates[iri_of(p)].tagged += n
        for (p, kind), n in self.kinds.items():
            prof = predicates[iri_of(p)]
            if kind == b"_":
                prof.nodes += n
            else:
                prof.literals += n
                prof.datatypes.add(_datatype(kind))
        for p, n in self.natives.items():
            predicates[iri_of(p)].native += n
        pairs = {
            b: (c[_FIRST_TERM], c[_REST_TERM]) for b, c in self.cells.items() if self.outgoing[b] == 2 and len(c) == 2
        }
        lists, list_cells = _read_lists(pairs, self.uses)
        for p, o in self.blank_objects:
            if o in lists:
                predicates[iri_of(p)].list_heads += 1
        # The cells of lists are written as JSON arrays, never as rdf:first/rdf:rest.
        for prop in (_FIRST, _REST):
            if prop not in predicates:
                continue
            if predicates[prop].nodes + predicates[prop].literals == len(list_cells):
                del predicates[prop]
            else:  # some rdf:first/rest outside well-formed lists: write them plainly
                predicates[prop] = _PredicateProfile(nodes=1, literals=1)
        # In IRI order, so that terms differing only in case keep one order in the context.
        return _Profile(predicates=dict(sorted(predicates.items())), lists=lists, list_cells=list_cells)


def _term_definition(iri: str, prof: _PredicateProfile) -> dict[str, str]:
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


def _mode(definition: dict[str, str]) -> str:
    """How values are written under ``definition``: bare references, language map, list, bare text, or each as it is."""
    container = definition.get("@container")
    if container == "@list":
        return _LIST
    if container == "@language":
        return _LANGUAGE
    if definition.get("@type") == "@id":
        return _REF
    return _TEXT if "@type" in definition else _PLAIN


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


class _References(dict[bytes, bytes]):
    """N-Triples term → the JSON string that refers to it (``"cxg:agent"``, ``"_:b1"``), made once per term."""

    def __missing__(self, term: bytes) -> bytes:
        if is_blank(term):
            ref = term.decode()
        elif is_literal(term):  # a literal where a node belongs: its text, as a reference
            ref = _compact(literal_text(literal_parts(term)[0]))
        else:
            ref = _compact(iri_of(term))
        self[term] = encoded = _json(ref)
        return encoded


def _one_or_many(values: list[bytes]) -> bytes:
    return values[0] if len(values) == 1 else b"[" + b", ".join(values) + b"]"


def _literal_object(term: bytes) -> bytes:
    """A literal as a JSON-LD value object: ``{"@value": …}`` with its language or datatype."""
    quoted, suffix = literal_parts(term)
    if not suffix:
        return b'{"@value": ' + json_string(quoted) + b"}"
    if suffix.startswith(b"@"):
        return b'{"@value": ' + json_string(quoted) + b', "@language": ' + _json(suffix[1:].decode()) + b"}"
    return b'{"@value": ' + json_string(quoted) + b', "@type": ' + _json(_compact(_datatype(suffix))) + b"}"


class _Renderer:
    """Writes each subject as one JSON object, byte for byte as Python's JSON encoder would.

    The objects are assembled from pre-encoded pieces rather than built as dicts and encoded:
    each predicate's key, and each IRI's reference, are encoded once for the whole document.
    """

    def __init__(self, profile: _Profile) -> None:
        self.lists = profile.lists
        self.terms = _choose_terms(sorted(p for p in profile.predicates if p != _TYPE))
        self.definitions = {
            iri: _term_definition(iri, prof) for iri, prof in profile.predicates.items() if iri != _TYPE
        }
        self.list_cells = profile.list_cells
        self.refs = _References()
        #: predicate term → its JSON key (``"prefLabel": ``) and how its values are written.
        self.slots = {
            f"<{iri}>".encode(): (_json(self.terms[iri]) + b": ", _mode(d)) for iri, d in self.definitions.items()
        }
        self.slots[_TYPE_TERM] = (b'"type": ', _TYPES)

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

    def node(self, subject: bytes, description: Description) -> bytes:
        """The subject's JSON object: its id, its types, then its other predicates in order."""
        refs, slots = self.refs, self.slots
        parts = [b'"id": ' + refs[subject]]
        append = parts.append
        for p, objects in description.items():
            key, mode = slots[p]
            if mode is _REF:
                if len(objects) == 1:
                    append(key + refs[objects[0]])
                else:
                    append(key + b"[" + b", ".join(map(refs.__getitem__, objects)) + b"]")
            elif mode is _LANGUAGE:
                if len(objects) == 1 and b"\\" not in objects[0]:  # the usual case, spelt out
                    term = objects[0]
                    cut = term.rindex(b'"') + 1
                    append(key + b'{"' + term[cut + 1 :] + b'": ' + term[:cut] + b"}")
                else:
                    append(key + _language_map(objects))
            elif mode is _TYPES:
                parts.insert(1, key + _one_or_many(list(map(refs.__getitem__, objects))))
            else:
                append(key + self.values(mode, objects))
        return b"{" + b", ".join(parts) + b"}"

    def values(self, mode: str, objects: list[bytes]) -> bytes:
        """The values of one predicate under a ``@type`` or ``@list`` definition, or none."""
        if mode is _TEXT:
            return _one_or_many([json_string(literal_parts(o)[0]) for o in objects])
        if mode is _LIST:
            refs = self.refs
            return _one_or_many([b"[" + b", ".join([refs[i] for i in self.lists[o]]) + b"]" for o in objects])
        return _one_or_many([self.value(o) for o in objects])

    def value(self, term: bytes) -> bytes:
        """One value as it is: a string, a bare number or boolean, a value object, a list or a node."""
        if term[0] == LITERAL:
            quoted, suffix = literal_parts(term)
            if not suffix:
                return json_string(quoted)
            if suffix in _NATIVE_SUFFIXES and _is_native(literal_text(quoted), _datatype(suffix)):
                return quoted[1:-1]  # a canonical integer or boolean is its own JSON
            return _literal_object(term)
        if term in self.lists:
            items = [
                _literal_object(i) if i[0] == LITERAL else b'{"@id": ' + self.refs[i] + b"}"
                for i in self.lists[term]
            ]
            return b'{"@list": [' + b", ".join(items) + b"]}"
        return b'{"@id": ' + self.refs[term] + b"}"


def _language_map(objects: list[bytes]) -> bytes:
    """Tagged literals as a language map, languages in order (``{"en": "Agent", "es": "Agente"}``)."""
    by_lang: dict[bytes, list[bytes]] = {}
    for o in objects:
        quoted, suffix = literal_parts(o)
        by_lang.setdefault(suffix[1:], []).append(json_string(quoted))
    entries = [b'"' + lang + b'": ' + _one_or_many(texts) for lang, texts in sorted(by_lang.items())]
    return b"{" + b", ".join(entries) + b"}"


class JsonLdWriter:
    """Collects the subjects in the snapshot's order, then writes the document.

    The context depends on every triple (a predicate all of whose values are IRIs becomes an
    ``@id`` term, and so on), so the nodes are written in :meth:`finish`, from the descriptions
    kept by :meth:`add`. Keep the cycle collector paused meanwhile
    (:func:`~cxgraph.export.ntriples.collector_paused`).
    """

    def __init__(self) -> None:
        self._survey = _Survey()
        self._subjects: list[tuple[bytes, Description]] = []

    def add(self, subject: bytes, description: Description) -> None:
        """Take in one subject's description."""
        self._survey.add(subject, description)
        self._subjects.append((subject, description))

    def finish(self) -> JsonLdDocument:
        """The document (the cells of RDF lists are written inside their list) and its context."""
        renderer = _Renderer(self._survey.profile())
        cells = renderer.list_cells
        nodes = [renderer.node(s, d) for s, d in self._subjects if not (s[0] == BLANK and s in cells)]
        self._subjects.clear()
        context = json.dumps(renderer.context(), ensure_ascii=False, indent=2).encode()
        document = b'{\n"@context": ' + context + b',\n"@graph": [\n' + b",\n".join(nodes) + b"\n]\n}\n"
        context_doc = b'{\n"@context": ' + context + b"\n}\n"
        return JsonLdDocument(document=document, context=context_doc)


def to_jsonld(snapshot: Snapshot) -> JsonLdDocument:
    """Serialise the snapshot as a compact, deterministic JSON-LD document."""
    with collector_paused():
        writer = JsonLdWriter()
        for subject, description in snapshot.descriptions():
            writer.add(subject, description)
        return writer.finish()
