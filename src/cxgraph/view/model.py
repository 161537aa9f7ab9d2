"""What the HTML view shows, read from a complete store: concepts, their card fields, edges.

Everything here is plain data in a stable order, so the page renders byte-identically from the
same vocabulary. The store is read with triple patterns only (no SPARQL), which keeps the cost
linear in the number of triples.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..languages import Languages, declared_languages
from ..namespaces import CX, CXG, DCT, FOAF, OWL, RDF, RDFS, SKOS
from ..vocab import deprecated_concepts

__all__ = [
    "NOTE_PROPERTIES",
    "Collection",
    "Concept",
    "Edge",
    "Group",
    "RelationType",
    "Translation",
    "ViewModel",
    "build_model",
]

_DEFAULT = ox.DefaultGraph()
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _iri(term: object) -> str:
    """The IRI of a named node; an empty string for anything else."""
    return term.value if isinstance(term, ox.NamedNode) else ""


_TYPE = _n(RDF + "type")
_CONCEPT = _n(SKOS + "Concept")
_SCHEME = _n(SKOS + "ConceptScheme")
_COLLECTION = _n(SKOS + "Collection")
_ORDERED = _n(SKOS + "OrderedCollection")
_MEMBER = _n(SKOS + "member")
_MEMBER_LIST = _n(SKOS + "memberList")
_FIRST = _n(RDF + "first")
_REST = _n(RDF + "rest")
_PREF = _n(SKOS + "prefLabel")
_ALT = _n(SKOS + "altLabel")
_HIDDEN = _n(SKOS + "hiddenLabel")
_DEFINITION = _n(SKOS + "definition")
_NOTATION = _n(SKOS + "notation")
_BROADER = _n(SKOS + "broader")
_RELATED = _n(SKOS + "related")
_TOP_OF = _n(SKOS + "topConceptOf")
_HAS_TOP = _n(SKOS + "hasTopConcept")
_SUB_PROPERTY = _n(RDFS + "subPropertyOf")
_INVERSE = _n(OWL + "inverseOf")
_SYMMETRIC = _n(OWL + "SymmetricProperty")
_LABEL = _n(RDFS + "label")
_SOURCE = _n(DCT + "source")
_TITLE = _n(DCT + "title")
_VERSION = _n(OWL + "versionInfo")
_NAME = _n(FOAF + "name")
_HOMEPAGE = _n(FOAF + "homepage")
_PAGE = _n(FOAF + "page")
_SEE_ALSO = _n(RDFS + "seeAlso")

#: Note properties shown on the concept card, in the order they are shown, with their headings.
NOTE_PROPERTIES: tuple[tuple[str, str], ...] = (
    (CX + "disagreementNote", "Where sources disagree"),
    (CX + "implementationNote", "Where implementations differ"),
    (SKOS + "scopeNote", "Scope note"),
    (SKOS + "note", "Note"),
    (SKOS + "example", "Example"),
    (SKOS + "historyNote", "History note"),
    (SKOS + "changeNote", "Change note"),
    (SKOS + "editorialNote", "Editorial note"),
)
_NOTE_IRIS = frozenset(iri for iri, _ in NOTE_PROPERTIES)
#: cx: label properties; their values are shown with the alternative labels they entail, not as facts.
_LABEL_KINDS = frozenset({CX + "acronym"})

#: The key of the hierarchical edge type (narrower concept → broader concept).
BROADER_KEY = "broader"
#: The key of plain ``skos:related`` links that no more specific relation explains.
RELATED_KEY = "related"


@dataclass(frozen=True)
class RelationType:
    """A kind of edge the view draws: ``broader``, ``related`` or one ``cx:`` relation."""

    key: str
    label: str
    iri: str
    directed: bool
    count: int = 0


@dataclass(frozen=True)
class Group:
    """A top concept and the concepts under it (the colour groups of the view)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Edge:
    """One drawn link. Directed relations point from ``source`` to ``target``."""

    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class Translation:
    """A concept's or collection's text in one more language; empty fields fall back to English."""

    label: str = ""
    definition: str = ""
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    """(heading, text) notes written in this language."""


@dataclass
class Concept:
    """Everything the page knows about one concept; ids are slugs."""

    id: str
    iri: str
    pref_label: str
    definition: str = ""
    notation: str = ""
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)
    related: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    group: str = ""
    parent: str | None = None
    depth: int = 0
    top: bool = False
    translations: dict[str, Translation] = field(default_factory=dict)
    """Text in the vocabulary's other declared languages, by tag (those it has any in)."""


@dataclass(frozen=True)
class Collection:
    """A skos:Collection of concepts; an ordered one keeps its members in their order."""

    id: str
    label: str
    definition: str
    ordered: bool
    members: list[str]
    translations: dict[str, Translation] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewModel:
    """The vocabulary as the view draws it."""

    title: str
    version: str
    concepts: list[Concept]
    edges: list[Edge]
    relations: list[RelationType]
    groups: list[Group]
    collections: list[Collection] = field(default_factory=list)
    languages: Languages = field(default_factory=Languages)
    titles: dict[str, str] = field(default_factory=dict)
    """The scheme's title in each other declared language that has one."""

    def concept(self, ident: str) -> Concept | None:
        """The concept whose slug or IRI is ``ident``, if any."""
        for c in self.concepts:
            if ident in (c.id, c.iri):
                return c
        return None


# ---------------------------------------------------------------------------------------------
# Reading literals
# ---------------------------------------------------------------------------------------------


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[_Term]:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None, _DEFAULT)]


def _lang_rank(lit: ox.Literal) -> tuple[int, str]:
    lang = lit.language or ""
    rank = 0 if lang == "en" else 1 if lang.startswith("en-") else 2 if lang == "" else 3
    return rank, lit.value


def _best_literal(terms: Iterable[_Term]) -> str:
    literals = sorted((t for t in terms if isinstance(t, ox.Literal)), key=_lang_rank)
    return literals[0].value if literals else ""


def _all_literals(terms: Iterable[_Term]) -> list[str]:
    """Distinct values of the English (or untagged) literals, sorted case-insensitively."""
    literals = [t for t in terms if isinstance(t, ox.Literal)]
    english = [t for t in literals if (t.language or "en").startswith("en")]
    values = {t.value for t in (english or literals)}
    return sorted(values, key=lambda v: (v.casefold(), v))


def _sorted_values(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=lambda v: (v.casefold(), v)))


def _translations(
    languages: Languages,
    pref: Sequence[_Term],
    definition: Sequence[_Term],
    alt: Sequence[_Term] = (),
    hidden: Sequence[_Term] = (),
    notes: dict[str, list[tuple[str, str]]] | None = None,
) -> dict[str, Translation]:
    """The text in each declared language other than the fallback, from already read objects."""
    others = [tag for tag in languages.declared if tag != languages.fallback]
    if not others:
        return {}
    found: dict[str, dict[str, list[str]]] = {}
    for kind, terms in (("pref", pref), ("definition", definition), ("alt", alt), ("hidden", hidden)):
        for term in terms:
            if not isinstance(term, ox.Literal) or not term.language:
                continue
            owner = languages.resolve(term.language)
            if owner is None or owner == languages.fallback:
                continue
            # Preferred labels and definitions count in their exact language; variants are alternatives.
            if kind in ("pref", "definition") and term.language.lower() != owner.lower():
                continue
            found.setdefault(owner, {}).setdefault(kind, []).append(term.value)
    out: dict[str, Translation] = {}
    for tag in others:
        text = found.get(tag)
        own_notes = tuple((notes or {}).get(tag, ()))
        if text or own_notes:
            text = text or {}
            out[tag] = Translation(
                min(text.get("pref", [""])),
                min(text.get("definition", [""])),
                _sorted_values(text.get("alt", [])),
                _sorted_values(text.get("hidden", [])),
                own_notes,
            )
    return out


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def _humanise(name: str) -> str:
    """``measuredBy`` → ``measured by``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def _label_of(store: ox.Store, node: _Term) -> str:
    if not isinstance(node, ox.NamedNode):
        return str(node)
    for prop in (_PREF, _LABEL, _TITLE, _NAME):
        value = _best_literal(_objects(store, node, prop))
        if value:
            return value
    return _humanise(_local_name(node.value))


def _slug(iri: str) -> str:
    rest = iri[len(CXG) :] if iri.startswith(CXG) else _local_name(iri)
    slug = re.sub(r"[^A-Za-z0-9._~-]+", "-", rest).strip("-")
    return slug or "concept"


def _format_value(store: ox.Store, term: _Term) -> str:
    if isinstance(term, ox.Literal):
        if term.datatype.value.endswith("#boolean"):
            return "yes" if term.value in ("true", "1") else "no"
        return term.value
    return _label_of(store, term)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


class _Properties:
    """Sub-property, inverse and symmetry facts about the properties of the vocabulary."""

    def __init__(self, store: ox.Store) -> None:
        direct: dict[str, set[str]] = defaultdict(set)
        for q in store.quads_for_pattern(None, _SUB_PROPERTY, None, _DEFAULT):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                direct[q.subject.value].add(q.object.value)
        self.supers: dict[str, set[str]] = {}
        for prop in list(direct):
            seen: set[str] = set()
            work = list(direct[prop])
            while work:
                sup = work.pop()
                if sup not in seen and sup != prop:
                    seen.add(sup)
                    work.extend(direct.get(sup, ()))
            self.supers[prop] = seen
        self.inverse: dict[str, str] = {}
        self.canonical: set[str] = set()
        for q in sorted(store.quads_for_pattern(None, _INVERSE, None, _DEFAULT), key=str):
            s, o = q.subject, q.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and s != o:
                if s.value not in self.inverse and o.value not in self.inverse:
                    self.canonical.add(s.value)
                self.inverse.setdefault(s.value, o.value)
                self.inverse.setdefault(o.value, s.value)
        self.symmetric = {
            q.subject.value
            for q in store.quads_for_pattern(None, _TYPE, _SYMMETRIC, _DEFAULT)
            if isinstance(q.subject, ox.NamedNode)
        }
        self.symmetric.add(_RELATED.value)

    def is_a(self, prop: str, ancestor: str) -> bool:
        return prop == ancestor or ancestor in self.supers.get(prop, ())

    def associative(self) -> list[str]:
        """``skos:related`` and every property below it, sorted."""
        return sorted({_RELATED.value} | {p for p, sups in self.supers.items() if _RELATED.value in sups})

    def most_specific(self, props: set[str]) -> list[str]:
        """``props`` without those that another member is a sub-property of."""
        return sorted(p for p in props if not any(q != p and p in self.supers.get(q, ()) for q in props))


# ---------------------------------------------------------------------------------------------
# Building the model
# ---------------------------------------------------------------------------------------------


def _scheme_title(store: ox.Store) -> tuple[str, str]:
    schemes = sorted({_iri(q.subject) for q in store.quads_for_pattern(None, _TYPE, _SCHEME, _DEFAULT)} - {""})
    if not schemes:
        return "SKOS vocabulary", ""
    scheme = _n(schemes[0])
    title = _best_literal(_objects(store, scheme, _TITLE)) or _label_of(store, scheme)
    return title, _best_literal(_objects(store, scheme, _VERSION))


def _assign_slugs(iris: list[str]) -> dict[str, str]:
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for iri in iris:
        base = _slug(iri)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[iri] = slug
    return slugs


def _sources(store: ox.Store, node: ox.NamedNode) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for src in _objects(store, node, _SOURCE):
        if isinstance(src, ox.Literal):
            found.setdefault(src.value, "")
            continue
        if not isinstance(src, ox.NamedNode):
            continue
        title = _label_of(store, src)
        link = ""
        for prop in (_HOMEPAGE, _PAGE, _SEE_ALSO):
            pages = sorted(t.value for t in _objects(store, src, prop) if isinstance(t, ox.NamedNode))
            if pages:
                link = pages[0]
                break
        found.setdefault(title, link or src.value)
    return sorted(found.items(), key=lambda kv: (kv[0].casefold(), kv[0]))


def _notes(
    store: ox.Store, node: ox.NamedNode, props: _Properties, languages: Languages
) -> dict[str, list[tuple[str, str]]]:
    """The card's notes by language: ``""`` holds the English (and untagged) ones, each other
    declared language its own (a note in an undeclared language is not shown)."""
    by_language: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for iri, _ in NOTE_PROPERTIES:
        for term in _objects(store, node, _n(iri)):
            if not isinstance(term, ox.Literal):
                continue
            owner = languages.resolve(term.language) if term.language else languages.fallback
            if owner is None:
                continue
            by_language["" if owner == languages.fallback else owner][iri].append(term.value)
    out: dict[str, list[tuple[str, str]]] = {}
    for tag, by_prop in by_language.items():
        notes: list[tuple[str, str]] = []
        for iri, heading in NOTE_PROPERTIES:
            for text in sorted(set(by_prop.get(iri, [])), key=lambda v: (v.casefold(), v)):
                # A note entailed up from a more specific note property is shown once, under the specific one.
                if any(text in by_prop.get(other, []) for other in by_prop if other != iri and props.is_a(other, iri)):
                    continue
                notes.append((heading, text))
        out[tag] = notes
    return out


def _facts(store: ox.Store, node: ox.NamedNode, skip: set[str]) -> list[tuple[str, str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(node, None, None, _DEFAULT):
        prop = q.predicate.value
        if not prop.startswith(CX) or prop in skip or prop in _NOTE_IRIS or prop in _LABEL_KINDS:
            continue
        values[_label_of(store, q.predicate)].add(_format_value(store, q.object))
    return [(label, ", ".join(sorted(vals))) for label, vals in sorted(values.items())]


def build_model(store: ox.Store) -> ViewModel:
    """Read the concepts, their card fields and the drawn edges from a complete store."""
    title, version = _scheme_title(store)
    props = _Properties(store)
    # Deprecated concepts stay in the exports (their IRIs keep resolving) but are not drawn.
    deprecated = deprecated_concepts(store)
    concepts_typed = {_iri(q.subject) for q in store.quads_for_pattern(None, _TYPE, _CONCEPT, _DEFAULT)}
    concept_nodes = sorted(concepts_typed - {""} - deprecated)
    slugs = _assign_slugs(concept_nodes)
    associative = props.associative()
    relation_props = set(associative)

    languages = declared_languages(store)
    concepts: dict[str, Concept] = {}
    for iri in concept_nodes:
        node = _n(iri)
        prefs, definitions = _objects(store, node, _PREF), _objects(store, node, _DEFINITION)
        alts, hiddens = _objects(store, node, _ALT), _objects(store, node, _HIDDEN)
        notes = _notes(store, node, props, languages)
        pref = _best_literal(prefs) or _humanise(_local_name(iri))
        concepts[iri] = Concept(
            id=slugs[iri],
            iri=iri,
            pref_label=pref,
            definition=_best_literal(definitions),
            notation=_best_literal(_objects(store, node, _NOTATION)),
            alt_labels=_all_literals(alts),
            hidden_labels=_all_literals(hiddens),
            notes=notes.get("", []),
            sources=_sources(store, node),
            facts=_facts(store, node, relation_props),
            translations=_translations(languages, prefs, definitions, alts, hiddens, notes),
        )

    def label_key(iri: str) -> tuple[str, str]:
        return concepts[iri].pref_label.casefold(), iri

    # Hierarchy: skos:broader between concepts (narrower is entailed as its inverse).
    broader: dict[str, set[str]] = defaultdict(set)
    narrower: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, _BROADER, None, _DEFAULT):
        s, o = _iri(q.subject), _iri(q.object)
        if s in concepts and o in concepts and s != o:
            broader[s].add(o)
            narrower[o].add(s)
    edges: set[Edge] = set()
    for child, parents in broader.items():
        for parent in parents:
            edges.add(Edge(slugs[child], slugs[parent], BROADER_KEY))

    # Associative relations, named by their most specific property, drawn once per pair.
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for prop in associative:
        for q in store.quads_for_pattern(None, _n(prop), None, _DEFAULT):
            s, o = _iri(q.subject), _iri(q.object)
            if s in concepts and o in concepts and s != o:
                links[(s, o)].add(prop)
    card_related: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    used_props: set[str] = set()
    for (s, o), found in sorted(links.items()):
        for prop in props.most_specific(found):
            card_related[s][prop].add(o)
            if prop in props.symmetric:
                a, b = sorted((slugs[s], slugs[o]))
                edges.add(Edge(a, b, prop))
                used_props.add(prop)
            elif prop in props.inverse and prop not in props.canonical:
                edges.add(Edge(slugs[o], slugs[s], props.inverse[prop]))
                used_props.add(props.inverse[prop])
            else:
                edges.add(Edge(slugs[s], slugs[o], prop))
                used_props.add(prop)

    # Top concepts, and each concept's place in a spanning tree of the hierarchy.
    tops = {_iri(q.subject) for q in store.quads_for_pattern(None, _TOP_OF, None, _DEFAULT)}
    tops |= {_iri(q.object) for q in store.quads_for_pattern(None, _HAS_TOP, None, _DEFAULT)}
    tops &= set(concepts)
    if not tops:
        tops = {iri for iri in concepts if not broader.get(iri)}
    _place_in_tree(concepts, sorted(tops, key=label_key), narrower, label_key)

    for iri, c in concepts.items():
        c.broader = [slugs[b] for b in sorted(broader.get(iri, ()), key=label_key)]
        c.narrower = [slugs[n] for n in sorted(narrower.get(iri, ()), key=label_key)]
        by_prop = card_related.get(iri, {})
        c.related = [
            (_relation_label(store, prop), [slugs[o] for o in sorted(by_prop[prop], key=label_key)])
            for prop in sorted(by_prop, key=lambda p: (p == _RELATED.value, _relation_label(store, p)))
        ]

    group_counts: dict[str, int] = defaultdict(int)
    for c in concepts.values():
        group_counts[c.group] += 1
    groups = [
        Group(slugs[t], concepts[t].pref_label, group_counts[slugs[t]]) for t in sorted(tops, key=label_key)
    ]
    if group_counts.get(""):
        groups.append(Group("", "Not under a top concept", group_counts[""]))

    edge_list = sorted(edges, key=lambda e: (e.kind, e.source, e.target))
    kind_counts: dict[str, int] = defaultdict(int)
    for e in edge_list:
        kind_counts[e.kind] += 1
    relations = [RelationType(BROADER_KEY, "broader", SKOS + "broader", True, kind_counts[BROADER_KEY])]
    for prop in sorted(used_props, key=lambda p: (p == _RELATED.value, _relation_label(store, p))):
        key = RELATED_KEY if prop == _RELATED.value else _slug(_local_name(prop))
        relations.append(
            RelationType(key, _relation_label(store, prop), prop, prop not in props.symmetric, kind_counts[prop])
        )
    rename = {r.iri: r.key for r in relations}
    edge_list = [Edge(e.source, e.target, rename.get(e.kind, e.kind)) for e in edge_list]

    ordered = sorted(concepts.values(), key=lambda c: c.id)
    collections = _collections(store, concepts, slugs, label_key, languages)
    titles = {tag: tr.label for tag, tr in _scheme_translations(store, languages).items() if tr.label}
    return ViewModel(title, version, ordered, edge_list, relations, groups, collections, languages, titles)


def _scheme_translations(store: ox.Store, languages: Languages) -> dict[str, Translation]:
    schemes = sorted({_iri(q.subject) for q in store.quads_for_pattern(None, _TYPE, _SCHEME, _DEFAULT)} - {""})
    if not schemes:
        return {}
    scheme = _n(schemes[0])
    return _translations(languages, _objects(store, scheme, _TITLE), [])


def _rdf_list(store: ox.Store, head: _Term) -> list[str]:
    items: list[str] = []
    seen: set[str] = set()
    node: _Term | None = head
    while isinstance(node, ox.NamedNode | ox.BlankNode) and str(node) not in seen:
        seen.add(str(node))
        items += [_iri(q.object) for q in store.quads_for_pattern(node, _FIRST, None, _DEFAULT)]
        rest = [q.object for q in store.quads_for_pattern(node, _REST, None, _DEFAULT)]
        node = rest[0] if rest else None
    return items


def _collections(
    store: ox.Store,
    concepts: dict[str, Concept],
    slugs: dict[str, str],
    label_key: Callable[[str], tuple[str, str]],
    languages: Languages | None = None,
) -> list[Collection]:
    """The collections with concept members; ordered ones in their memberList order."""
    kinds = (_COLLECTION, _ORDERED)
    iris = {_iri(q.subject) for kind in kinds for q in store.quads_for_pattern(None, _TYPE, kind, _DEFAULT)}
    out = []
    for iri in sorted(iris - {""}):
        node = _n(iri)
        lists = _objects(store, node, _MEMBER_LIST)
        ordered = bool(lists) or any(True for _ in store.quads_for_pattern(node, _TYPE, _ORDERED, _DEFAULT))
        listed = [m for m in _rdf_list(store, lists[0]) if m in concepts] if lists else []
        members = set(listed) | {m for m in (_iri(t) for t in _objects(store, node, _MEMBER)) if m in concepts}
        if not members:
            continue
        rest = sorted(members - set(listed), key=label_key)
        prefs, definitions = _objects(store, node, _PREF), _objects(store, node, _DEFINITION)
        label = _best_literal(prefs) or _best_literal(_objects(store, node, _LABEL))
        out.append(
            Collection(
                _slug(_local_name(iri)),
                label or _humanise(_local_name(iri)),
                _best_literal(definitions),
                ordered,
                [slugs[m] for m in [*listed, *rest]],
                _translations(languages, prefs, definitions) if languages else {},
            )
        )
    return sorted(out, key=lambda c: (not c.ordered, c.label.casefold()))


def _relation_label(store: ox.Store, prop: str) -> str:
    if prop == _RELATED.value:
        return "related"
    return _best_literal(_objects(store, _n(prop), _LABEL)) or _humanise(_local_name(prop))


def _place_in_tree(
    concepts: dict[str, Concept],
    tops: list[str],
    narrower: dict[str, set[str]],
    label_key: Callable[[str], tuple[str, str]],
) -> None:
    """Breadth-first from the top concepts: each concept's tree parent, depth and colour group.

    Concepts no top concept reaches (cycles, orphans) start trees of their own, grouped apart.
    """
    key = label_key
    seen: set[str] = set()
    has_parent = {child for children in narrower.values() for child in children}

    def walk(roots: list[str], grouped: bool) -> None:
        queue: deque[str] = deque()
        for root in roots:
            if root in seen:
                continue
            seen.add(root)
            c = concepts[root]
            c.depth, c.parent = 0, None
            c.group = c.id if grouped else ""
            c.top = grouped
            queue.append(root)
        while queue:
            iri = queue.popleft()
            here = concepts[iri]
            for child in sorted(narrower.get(iri, ()), key=key):
                if child in seen:
                    continue
                seen.add(child)
                c = concepts[child]
                c.parent, c.depth, c.group = here.id, here.depth + 1, here.group
                queue.append(child)

    walk(tops, grouped=True)
    rest = sorted((iri for iri in concepts if iri not in seen), key=key)
    # Orphans first start their own trees; then anything left (only reachable through cycles).
    walk([iri for iri in rest if iri not in has_parent], grouped=False)
    walk([iri for iri in rest if iri not in seen], grouped=False)
