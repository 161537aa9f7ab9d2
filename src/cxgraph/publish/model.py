"""What the published pages say about the vocabulary, read once from a complete store.

The live concepts' card fields (relations grouped by their most specific ``cx:`` property,
notes, facts, sources) come from the graph view's model, so the site and the view agree; this
module adds what a vocabulary site shows beyond the card: labels by kind and language,
collections, deprecated concepts with their replacements, dates, and the scheme's metadata.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import CX, CXG, DCT, FOAF, OWL, RDF, RDFS, SCHEMA, SKOS
from ..view.model import ViewModel, build_model
from ..vocab import deprecated_concepts

__all__ = ["Collection", "Entry", "Label", "Scheme", "SiteModel", "build_site_model", "slug_of"]

_DEFAULT = ox.DefaultGraph()
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_TYPE = _n(RDF + "type")
_PREF = _n(SKOS + "prefLabel")
_ALT = _n(SKOS + "altLabel")
_HIDDEN = _n(SKOS + "hiddenLabel")
_ACRONYM = _n(CX + "acronym")
_DEFINITION = _n(SKOS + "definition")
_MEMBER = _n(SKOS + "member")
_MEMBER_LIST = _n(SKOS + "memberList")
_FIRST = _n(RDF + "first")
_REST = _n(RDF + "rest")
_NIL = _n(RDF + "nil")

#: Label kinds in the order a page lists them, with the property that holds each.
LABEL_KINDS: tuple[tuple[str, ox.NamedNode], ...] = (
    ("preferred", _PREF),
    ("acronym", _ACRONYM),
    ("alternative", _ALT),
    ("hidden", _HIDDEN),
)


def slug_of(iri: str) -> str:
    """The page name of a vocabulary IRI: ``https://w3id.org/cxgraph/agent`` → ``agent``."""
    rest = iri[len(CXG) :] if iri.startswith(CXG) else re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"[^A-Za-z0-9_~-]+", "-", rest).strip("-") or "concept"


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[_Term]:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None, _DEFAULT)]


def _lang_rank(lit: ox.Literal, lang: str) -> tuple[int, str]:
    tag = lit.language or ""
    rank = 0 if tag == lang else 1 if tag.startswith(lang + "-") else 2 if tag == "" else 3
    return rank, lit.value


def _best(terms: list[_Term], lang: str = "en") -> str:
    literals = sorted((t for t in terms if isinstance(t, ox.Literal)), key=lambda t: _lang_rank(t, lang))
    return literals[0].value if literals else ""


def _iris(terms: list[_Term]) -> list[str]:
    return sorted({t.value for t in terms if isinstance(t, ox.NamedNode)})


def _date(store: ox.Store, node: ox.NamedNode, prop: str) -> str:
    values = sorted(t.value for t in _objects(store, node, _n(prop)) if isinstance(t, ox.Literal))
    return values[-1] if values else ""


@dataclass(frozen=True)
class Label:
    """One label of a concept: its kind (preferred, acronym, alternative, hidden), language, text."""

    kind: str
    lang: str
    value: str


@dataclass
class Entry:
    """A concept as its page shows it. Concepts are named by IRI; ``slug`` is the page name."""

    iri: str
    slug: str
    label: str
    definition: str = ""
    labels: list[Label] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)
    """Every definition by language tag (lower case, as the store keeps it)."""
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)
    related: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    deprecated: bool = False
    replaced_by: list[str] = field(default_factory=list)
    created: str = ""
    modified: str = ""
    top: bool = False

    def labels_of(self, kind: str) -> list[str]:
        return [lab.value for lab in self.labels if lab.kind == kind]


@dataclass
class Collection:
    """A ``skos:Collection`` (a facet) and its member concepts, in the collection's order."""

    iri: str
    slug: str
    label: str
    definition: str
    members: list[str]
    ordered: bool


@dataclass
class Scheme:
    """The concept scheme's metadata as the home page shows it."""

    iri: str
    title: str
    description: str
    definition: str
    version: str
    licence: str
    rights: str
    creators: list[str]
    publishers: list[str]
    languages: list[str]
    created: str
    modified: str
    history: str
    keywords: list[str]
    previous_release: str


@dataclass
class SiteModel:
    """Everything the site, the glossary and the REST API read about the vocabulary."""

    scheme: Scheme
    entries: dict[str, Entry]
    collections: dict[str, Collection]
    tops: list[str]
    view: ViewModel
    """The graph view's model the entries were read from (the site renders its page from it)."""

    def live(self) -> list[Entry]:
        """The concepts that are not deprecated, by preferred label."""
        return sorted((e for e in self.entries.values() if not e.deprecated), key=_entry_key)

    def label(self, iri: str) -> str:
        if iri in self.entries:
            return self.entries[iri].label
        if iri in self.collections:
            return self.collections[iri].label
        return slug_of(iri)

    def sorted_iris(self, iris: list[str]) -> list[str]:
        return sorted(iris, key=lambda i: (self.label(i).casefold(), i))

    def broader_chains(self, iri: str, limit: int = 6) -> list[list[str]]:
        """Every path from a top concept down to ``iri``'s broader concept (at most ``limit``)."""
        chains: list[list[str]] = []

        def up(node: str, below: list[str]) -> None:
            if len(chains) >= limit:
                return
            parents = [p for p in self.entries[node].broader if p not in below and p != iri]
            if not parents:
                if below:
                    chains.append(list(reversed(below)))
                return
            for parent in self.sorted_iris(parents):
                up(parent, [*below, parent])

        up(iri, [])
        return chains

    def changes(self) -> tuple[list[str], list[str], list[str]]:
        """Concepts new, modified and deprecated since the previous release, by label."""
        since = self.scheme.previous_release
        new, modified, deprecated = [], [], []
        for e in sorted(self.entries.values(), key=_entry_key):
            if e.deprecated:
                if not since or (e.modified or e.created or "9") > since:
                    deprecated.append(e.iri)
            elif since and e.created > since:
                new.append(e.iri)
            elif since and e.modified > since:
                modified.append(e.iri)
        return new, modified, deprecated


def _entry_key(e: Entry) -> tuple[str, str]:
    return e.label.casefold(), e.iri


def _labels(store: ox.Store, node: ox.NamedNode) -> list[Label]:
    found: list[Label] = []
    seen: set[tuple[str, str]] = set()
    for kind, prop in LABEL_KINDS:
        literals = sorted(
            (t for t in _objects(store, node, prop) if isinstance(t, ox.Literal)),
            key=lambda t: ((t.language or "").casefold(), t.value.casefold(), t.value),
        )
        for lit in literals:
            key = (lit.language or "", lit.value)
            if key in seen:  # an acronym is also an (entailed) alternative label: list it once
                continue
            seen.add(key)
            found.append(Label(kind, lit.language or "", lit.value))
    return found


def _agent_names(store: ox.Store, terms: list[_Term]) -> list[str]:
    names: list[str] = []
    for term in terms:
        if isinstance(term, ox.Literal):
            names.append(term.value)
        elif isinstance(term, ox.NamedNode):
            name = ""
            for prop in (FOAF + "name", SCHEMA + "name", RDFS + "label", SKOS + "prefLabel"):
                name = _best(_objects(store, term, _n(prop)))
                if name:
                    break
            names.append(name or term.value)
    return sorted(set(names))


def _scheme(store: ox.Store) -> Scheme:
    schemes = _iris([q.subject for q in store.quads_for_pattern(None, _TYPE, _n(SKOS + "ConceptScheme"), _DEFAULT)])
    iri = schemes[0] if schemes else CXG + "vocabulary"
    node = _n(iri)

    def text(prop: str) -> str:
        return _best(_objects(store, node, _n(prop)))

    languages = []
    for term in _objects(store, node, _n(DCT + "language")):
        if isinstance(term, ox.NamedNode | ox.Literal):
            languages.append(term.value.rsplit("/", 1)[-1] if isinstance(term, ox.NamedNode) else term.value)
    licences = _iris(_objects(store, node, _n(DCT + "license")))
    created, modified = _date(store, node, DCT + "created"), _date(store, node, DCT + "modified")
    prior = _iris(_objects(store, node, _n(OWL + "priorVersion")))
    previous = ""
    if prior:
        previous = _date(store, _n(prior[0]), DCT + "modified") or _date(store, _n(prior[0]), DCT + "issued")
    if not previous and created and modified and created < modified:
        previous = created  # the first release; every later change is newer than it
    keywords = sorted(
        {t.value for t in _objects(store, node, _n("http://www.w3.org/ns/dcat#keyword")) if isinstance(t, ox.Literal)}
    )
    return Scheme(
        iri=iri,
        title=text(DCT + "title") or text(SKOS + "prefLabel") or "SKOS vocabulary",
        description=text(DCT + "description"),
        definition=text(SKOS + "definition"),
        version=text(OWL + "versionInfo"),
        licence=licences[0] if licences else "",
        rights=text(DCT + "rights"),
        creators=_agent_names(store, _objects(store, node, _n(DCT + "creator"))),
        publishers=_agent_names(store, _objects(store, node, _n(DCT + "publisher"))),
        languages=sorted(set(languages)),
        created=created,
        modified=modified,
        history=text(SKOS + "historyNote"),
        keywords=keywords,
        previous_release=previous,
    )


def _list_items(store: ox.Store, head: _Term) -> list[str]:
    items: list[str] = []
    seen: set[str] = set()
    while isinstance(head, ox.NamedNode | ox.BlankNode) and head != _NIL and str(head) not in seen:
        seen.add(str(head))
        items.extend(_iris(_objects(store, head, _FIRST)))  # type: ignore[arg-type]
        rest = _objects(store, head, _REST)  # type: ignore[arg-type]
        head = rest[0] if rest else _NIL
    return items


def build_site_model(store: ox.Store) -> SiteModel:
    """Read the scheme, every concept (deprecated ones included) and every collection."""
    view = build_model(store)
    by_iri = {c.iri: c for c in view.concepts}
    slug_iri = {c.id: c.iri for c in view.concepts}
    typed = _iris([q.subject for q in store.quads_for_pattern(None, _TYPE, _n(SKOS + "Concept"), _DEFAULT)])
    entries: dict[str, Entry] = {}
    retired = deprecated_concepts(store)
    for iri in typed:
        node = _n(iri)
        deprecated = iri in retired
        labels = _labels(store, node)
        pref = _best(_objects(store, node, _PREF)) or slug_of(iri)
        definitions: list[_Term] = [t for t in _objects(store, node, _DEFINITION) if isinstance(t, ox.Literal)]
        entry = Entry(
            iri=iri,
            slug=slug_of(iri),
            label=pref,
            definition=_best(definitions),
            labels=labels,
            definitions={(d.language or "").lower(): d.value for d in definitions if isinstance(d, ox.Literal)},
            deprecated=deprecated or iri not in by_iri,
            replaced_by=_iris(_objects(store, node, _n(DCT + "isReplacedBy"))),
            created=_date(store, node, DCT + "created"),
            modified=_date(store, node, DCT + "modified"),
        )
        card = by_iri.get(iri)
        if card is not None:
            entry.broader = [slug_iri[s] for s in card.broader]
            entry.narrower = [slug_iri[s] for s in card.narrower]
            entry.related = [(label, [slug_iri[s] for s in slugs]) for label, slugs in card.related]
            entry.notes = list(card.notes)
            entry.facts = list(card.facts)
            entry.sources = list(card.sources)
            entry.top = card.top
        else:
            entry.notes = [
                (heading, _best(_objects(store, node, _n(prop))))
                for prop, heading in ((SKOS + "historyNote", "History note"), (SKOS + "changeNote", "Change note"))
                if _objects(store, node, _n(prop))
            ]
        entries[iri] = entry

    collections: dict[str, Collection] = {}
    member_of: dict[str, set[str]] = defaultdict(set)
    kinds = (_n(SKOS + "Collection"), _n(SKOS + "OrderedCollection"))
    for iri in sorted(
        {i for kind in kinds for i in _iris([q.subject for q in store.quads_for_pattern(None, _TYPE, kind, _DEFAULT)])}
    ):
        node = _n(iri)
        lists = _objects(store, node, _MEMBER_LIST)
        ordered = bool(lists)
        members = _list_items(store, lists[0]) if lists else _iris(_objects(store, node, _MEMBER))
        members = [m for m in members if m in entries or m in collections]
        label = _best(_objects(store, node, _PREF)) or _best(_objects(store, node, _n(RDFS + "label"))) or slug_of(iri)
        collections[iri] = Collection(
            iri, slug_of(iri), label, _best(_objects(store, node, _DEFINITION)), members, ordered
        )
        for m in members:
            member_of[m].add(iri)
    for coll in collections.values():
        if not coll.ordered:
            coll.members = sorted(coll.members, key=lambda m: (entries[m].label.casefold() if m in entries else m, m))
    for iri, entry in entries.items():
        entry.collections = sorted(member_of.get(iri, ()), key=lambda c: collections[c].label.casefold())

    tops = sorted((e.iri for e in entries.values() if e.top), key=lambda i: (entries[i].label.casefold(), i))
    return SiteModel(_scheme(store), entries, collections, tops, view)
