"""Checks computed with triple patterns in Python, where their SPARQL is slow at scale.

Each check here keeps its ``queries/checks/NAME.rq`` as the specification (a reader, or another
tool, runs the query as it is); :func:`cxgraph.checks.run_checks` uses the function instead, and
the test suite holds each equal to its query on vocabularies with violations planted in them.

The functions share one :class:`Reading` of the store: each property's triples are fetched from
Oxigraph once, the first time a check asks for them, and every later check reuses them. On a
vocabulary of a hundred thousand concepts the queries evaluate their ``FILTER NOT EXISTS``,
property paths and groupings row by row; here they become set differences, one walk of the
hierarchy and dictionaries, computed once for all checks.

The functions follow SPARQL's rules where they matter: terms are compared as terms (``true`` is
``"true"^^xsd:boolean``, as a triple pattern matches it), ``STR`` of a blank node is an error (a
message built from one is left empty, as an unbound ``?message`` is), ``LANG`` of a resource is an
error (such a value never matches a language test), and text is lower-cased as ``LCASE`` does.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

import pyoxigraph as ox

from .namespaces import CX, CXG, DCT, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = ["NATIVE_CHECKS", "Reading"]

Key = str
"""A resource as the checks hold it: an IRI's text, ``_:id`` for a blank node (as rows show them)."""
Value = str | ox.Literal
"""An object: a literal as it is, any other term as its :data:`Key`."""
Rows = list[tuple[str, str]]

_DEFAULT = ox.DefaultGraph()
_IRI = ox.NamedNode
_LITERAL = ox.Literal
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
_STRINGS = (XSD + "string", RDF + "langString")
_LABELS = ("prefLabel", "altLabel", "hiddenLabel")
# What the regular-expression class \s matches in Oxigraph: the Unicode White_Space property.
_SPACE = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_STRAY_SPACE = re.compile(f"^{_SPACE}|{_SPACE}\\Z|{_SPACE}{_SPACE}")
_PLURAL_S = re.compile(r"([a-z])s( |\Z)")
_UP_TO_SLASH = re.compile(r"^.*/")
_FIRST = itemgetter(0)
_NOTHING = object()
_SECOND = itemgetter(1)


class Reading:
    """A store as the native checks read it: each property's triples fetched once, then kept.

    ``Reading(store)`` reads nothing yet; every method fetches what it needs the first time and
    answers later calls from memory. The store must not change while a reading is in use.
    Resources are held as :data:`Key` strings, which Python hashes once and compares fast, each
    interned so that a resource read under several properties is one string in memory.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._terms: dict[Key, ox.NamedNode | ox.BlankNode | ox.Triple] = {}
        self._pairs: dict[str, list[tuple[Key, Value]]] = {}
        self._grouped: dict[str, tuple[dict[Key, Value], dict[Key, list[Value]]]] = {}
        self._subjects: dict[str, set[Key]] = {}
        self._languages: dict[str, dict[str, list[tuple[Key, ox.Literal]]]] = {}
        self._resources: dict[str, list[tuple[Key, Key]]] = {}
        self._typed: dict[str, set[Key]] = {}
        self._deprecated: set[Key] | None = None

    def _key(self, term: ox.NamedNode | ox.BlankNode | ox.Triple) -> Key:
        if type(term) is _IRI:
            return term.value
        key = f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term)
        self._terms[key] = term
        return key

    def _value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Value:
        if type(term) is _IRI:
            return term.value
        if type(term) is _LITERAL:
            return term
        return self._key(term)  # type: ignore[arg-type]

    def term(self, key: Key) -> ox.NamedNode | ox.BlankNode | ox.Triple:
        """The store's term for ``key``."""
        return self._terms.get(key) or ox.NamedNode(key)

    def _quads(self, predicate: str, value: ox.NamedNode | ox.Literal | None = None) -> Iterable[ox.Quad]:
        return self.store.quads_for_pattern(None, ox.NamedNode(predicate), value, _DEFAULT)

    def pairs(self, predicate: str) -> list[tuple[Key, Value]]:
        """Every (subject, object) of ``predicate`` in the default graph."""
        found = self._pairs.get(predicate)
        if found is None:
            key, iri, literal, one = self._key, _IRI, _LITERAL, sys.intern
            found = self._pairs[predicate] = []
            add = found.append
            for q in self._quads(predicate):
                subject, value = q.subject, q.object
                add((
                    one(subject.value) if type(subject) is iri else key(subject),
                    one(value.value) if type(value) is iri else value if type(value) is literal else key(value),  # type: ignore[arg-type]
                ))
        return found

    def grouped(self, predicate: str) -> tuple[dict[Key, Value], dict[Key, list[Value]]]:
        """Each subject's object of ``predicate``, and every object of the subjects that have several.

        The first dictionary holds one object for every subject; where a subject has more than one,
        the second holds them all. :meth:`values` reads the two together.
        """
        found = self._grouped.get(predicate)
        if found is None:
            pairs = self.pairs(predicate)
            one = dict(pairs)
            many: dict[Key, list[Value]] = {}
            if len(one) != len(pairs):
                several = {f for f, n in Counter(map(_FIRST, pairs)).items() if n > 1}
                for f, value in pairs:
                    if f in several:
                        many.setdefault(f, []).append(value)
            found = self._grouped[predicate] = (one, many)
        return found

    def values(self, subject: Key, predicate: str) -> list[Value]:
        """The objects of ``subject``'s ``predicate``, from :meth:`grouped` (a list not to modify)."""
        one, many = self.grouped(predicate)
        several = many.get(subject)
        if several is not None:
            return several
        value = one.get(subject)
        return [] if value is None else [value]

    def subjects(self, *predicates: str) -> set[Key]:
        """The resources that have at least one of ``predicates`` (read with their objects)."""
        found: set[Key] = set()
        for predicate in predicates:
            known = self._subjects.get(predicate)
            if known is None:
                known = self._subjects[predicate] = {subject for subject, _ in self.pairs(predicate)}
            found |= known
        return found

    def holders(self, predicate: str) -> set[Key]:
        """The resources that have ``predicate``, read without its objects (for a property whose
        objects no check needs)."""
        known = self._subjects.get(predicate)
        if known is None:
            key, iri, one = self._key, _IRI, sys.intern
            known = {one(s.value) if type(s := q.subject) is iri else key(s) for q in self._quads(predicate)}
            self._subjects[predicate] = known
        return known

    def languages(self, predicate: str) -> dict[str, list[tuple[Key, ox.Literal]]]:
        """The literal (subject, object) pairs of ``predicate`` by language tag (``""``: none)."""
        found = self._languages.get(predicate)
        if found is None:
            found = self._languages[predicate] = {}
            others = self._resources[predicate] = []
            for pair in self.pairs(predicate):
                text = pair[1]
                if type(text) is _LITERAL:
                    language = text.language or ""
                    group = found.get(language)
                    if group is None:
                        found[language] = [pair]  # type: ignore[list-item]
                    else:
                        group.append(pair)  # type: ignore[arg-type]
                else:
                    others.append(pair)  # type: ignore[arg-type]
        return found

    def resources(self, predicate: str) -> list[tuple[Key, Key]]:
        """The (subject, object) pairs of ``predicate`` whose object is not a literal."""
        self.languages(predicate)
        return self._resources[predicate]

    def typed(self, *classes: str) -> set[Key]:
        """The resources typed (``rdf:type``) with at least one of ``classes``."""
        found: set[Key] = set()
        for cls in classes:
            known = self._typed.get(cls)
            if known is None:
                key, iri, one = self._key, _IRI, sys.intern
                quads = self.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(cls), _DEFAULT)
                known = self._typed[cls] = {one(s.value) if type(s := q.subject) is iri else key(s) for q in quads}
            found |= known
        return found

    def deprecated(self) -> set[Key]:
        """The resources with ``owl:deprecated true``."""
        if self._deprecated is None:
            key = self._key
            self._deprecated = {key(q.subject) for q in self._quads(OWL + "deprecated", _TRUE)}
        return self._deprecated

    def of(self, subject: Key, predicate: str) -> list[Value]:
        """The objects of one resource's ``predicate``, looked up in the store."""
        quads = self.store.quads_for_pattern(self.term(subject), ox.NamedNode(predicate), None, _DEFAULT)
        return [self._value(q.object) for q in quads]

    def linking(self, predicate: str, value: Key) -> list[Key]:
        """The resources whose ``predicate`` is the resource ``value``, looked up in the store."""
        quads = self.store.quads_for_pattern(None, ox.NamedNode(predicate), self.term(value), _DEFAULT)
        return [self._key(q.subject) for q in quads]

    def has(self, subject: Key, *predicates: str) -> bool:
        """Whether ``subject`` has any of ``predicates``, looked up in the store."""
        term = self.term(subject)
        return any(
            any(True for _ in self.store.quads_for_pattern(term, ox.NamedNode(p), None, _DEFAULT)) for p in predicates
        )


def _reading(source: ox.Store | Reading) -> Reading:
    return source if isinstance(source, Reading) else Reading(source)


def _str(value: Value) -> str | None:
    """SPARQL ``STR``: ``None`` where it is an error (a blank node, a quoted triple)."""
    if isinstance(value, ox.Literal):
        return value.value
    if value.startswith(("_:", "<")):  # a blank node, a quoted triple
        return None
    return value


def _declared_tag(declared: Value) -> str | None:
    """A ``dct:language`` value as the checks read it: an IRI's last segment or the text, lower-cased."""
    if isinstance(declared, ox.Literal):
        return declared.value.lower()
    if _str(declared) is None:
        return None
    return _UP_TO_SLASH.sub("", declared, count=1).lower()


def _rows(focus: Iterable[Key], message: str) -> Rows:
    return [(f, message) for f in focus]


# --- checks over the concepts and the properties they have -------------------------------------


def concept_not_in_scheme(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    return _rows(
        r.typed(SKOS + "Concept") - r.subjects(SKOS + "inScheme"),
        "has no skos:inScheme; add skos:inScheme cxg:vocabulary",
    )


def concept_without_preflabel(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    return _rows(r.typed(SKOS + "Concept") - r.subjects(SKOS + "prefLabel"), "has no skos:prefLabel; add one")


def concept_without_definition(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    lacking = r.typed(SKOS + "Concept") - r.typed(CX + "Candidate") - r.subjects(SKOS + "definition")
    return _rows(lacking, "has no skos:definition; write one")


def orphan_concept(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    live = r.typed(SKOS + "Concept") - r.typed(CX + "Candidate") - r.deprecated()
    linked = r.subjects(SKOS + "broader", SKOS + "narrower", SKOS + "related", SKOS + "topConceptOf")
    return _rows(live - linked, "has no broader, narrower or related concept and is not a top concept; link it")


def no_path_to_top_concept(source: ox.Store | Reading) -> Rows:
    """Concepts that walking ``skos:narrower`` down from every top concept never reaches."""
    r = _reading(source)
    live = r.typed(SKOS + "Concept") - r.typed(CX + "Candidate") - r.deprecated()
    reached: set[Value] = set(r.subjects(SKOS + "topConceptOf"))
    if not live - reached:
        return []
    work: list[Value] = list(reached)
    while work:
        node = work.pop()
        for below in r.values(node, SKOS + "narrower") if isinstance(node, str) else ():
            if below not in reached:
                reached.add(below)
                work.append(below)
    return _rows(
        live - reached,
        "cannot reach a top concept through skos:broader; give it a broader concept or make it a top concept",
    )


def link_to_undefined_concept(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    concepts = r.typed(SKOS + "Concept")
    rows: Rows = []
    for name in ("broader", "narrower", "related"):
        for subject, target in r.pairs(SKOS + name):
            if target in concepts:
                continue
            shown = _str(target)
            message = (
                "" if shown is None
                else f"{name} points at <{shown}>, which is not a declared skos:Concept; check the IRI"
            )
            rows.append((subject, message))
    return rows


def concept_fan_out(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    concepts = r.typed(SKOS + "Concept")
    # Each (narrower, broader) pair is one triple, so counting pairs counts distinct narrower concepts.
    return [
        (f, f"has {n} direct narrower concepts (at most 25); group them under intermediate concepts")
        for f, n in Counter(map(_SECOND, r.pairs(SKOS + "broader"))).items()
        if n > 25 and isinstance(f, str) and f in concepts
    ]


def concept_without_provenance(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    concepts = r.typed(SKOS + "Concept")
    collections = r.typed(SKOS + "Collection", SKOS + "OrderedCollection")
    candidates = r.typed(CX + "Candidate")
    derived = r.holders(PROV + "wasDerivedFrom")
    rows: Rows = []
    made = r.subjects(DCT + "creator") & r.subjects(SKOS + "historyNote")
    rows += _rows(
        (concepts - candidates) - derived - made,
        "has no prov:wasDerivedFrom; name the sources it comes from (or, for a grouping concept cxgraph made,"
        " its dct:creator and a skos:historyNote)",
    )
    schemes = r.typed(SKOS + "ConceptScheme")
    defined = {f for f, scheme in r.pairs(RDFS + "isDefinedBy") if scheme in schemes}
    rows += _rows(
        (concepts | collections) - candidates - defined,
        "has no rdfs:isDefinedBy pointing at its concept scheme; add rdfs:isDefinedBy cxg:vocabulary",
    )
    rows += _rows(
        collections - r.subjects(SKOS + "historyNote", DCT + "provenance") - derived,
        "has no skos:historyNote, dct:provenance or prov:wasDerivedFrom; say where the grouping comes from",
    )
    rows += _rows(
        (concepts & r.subjects(DCT + "creator")) - r.subjects(DCT + "created"),
        "names a dct:creator but no dct:created date; add the date it was added",
    )
    return rows


def collection_not_in_scheme(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    schemes = r.typed(SKOS + "ConceptScheme")
    rows: Rows = []
    for f in r.typed(SKOS + "Collection", SKOS + "OrderedCollection"):
        if not any(scheme in schemes for scheme in r.of(f, SKOS + "inScheme")):
            rows.append((f, "has no skos:inScheme; add skos:inScheme cxg:vocabulary"))
        if not r.has(f, SKOS + "prefLabel"):
            rows.append((f, "has no skos:prefLabel"))
        if not r.has(f, SKOS + "definition"):
            rows.append((f, "has no skos:definition"))
        if not r.has(f, SKOS + "member", SKOS + "memberList"):
            rows.append((f, "has no members"))
    return rows


def deprecated_concept_in_use(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    deprecated = r.deprecated()
    concepts = r.typed(SKOS + "Concept")
    rows: Rows = []
    for f in deprecated & concepts:
        replacements = r.of(f, DCT + "isReplacedBy")
        if not replacements:
            rows.append((f, "is deprecated but names no replacement; add dct:isReplacedBy"))
        for new in replacements:
            if new in deprecated:
                shown = _str(new)
                rows.append((
                    f,
                    ""
                    if shown is None
                    else f"is replaced by <{shown}>, which is deprecated too; point at a live concept",
                ))
        for name in ("broader", "related", "narrower"):
            for other in r.linking(SKOS + name, f):
                if other in concepts and other not in deprecated:
                    shown = _str(other)
                    rows.append((
                        f,
                        ""
                        if shown is None
                        else f"is deprecated but <{shown}> still links to it; link to its replacement",
                    ))
        if r.has(f, SKOS + "topConceptOf", SKOS + "broader"):
            rows.append((f, "is deprecated but still placed in the hierarchy; remove its broader links"))
    return rows


def metric_without_facts(source: ox.Store | Reading) -> Rows:
    """The concepts ``skos:narrower+`` reaches from the two metric roots, without a unit or a direction."""
    r = _reading(source)
    below: set[Value] = set()
    for root in (CXG + "customer-service-metric", CXG + "customer-value-metric"):
        work: list[Value] = [root]
        while work:
            node = work.pop()
            if not isinstance(node, str):
                continue
            for child in r.of(node, SKOS + "narrower"):
                if child not in below:
                    below.add(child)
                    work.append(child)
    concepts = r.typed(SKOS + "Concept")
    excluded = r.deprecated() | r.typed(CX + "MetricGroup")
    rows: Rows = []
    for f in below:
        if not isinstance(f, str) or f not in concepts or f in excluded or r.has(f, SKOS + "narrower"):
            continue
        if not r.has(f, CX + "unit"):
            rows.append((f, "is a metric without cx:unit; say what it is expressed in"))
        if not r.has(f, CX + "direction"):
            rows.append((f, "is a metric without cx:direction; say whether higher, lower or a band is better"))
    return rows


def notation_shared(source: ox.Store | Reading) -> Rows:
    """Two resources of one scheme with the same notation (text and datatype), reported on the first."""
    r = _reading(source)
    holders: dict[tuple[str, str], set[Key]] = {}
    for f, notation in r.pairs(SKOS + "notation"):
        if type(notation) is _LITERAL and _str(f) is not None:
            holders.setdefault((notation.value, notation.datatype.value), set()).add(f)
    rows: Rows = []
    for (text, _), sharing in holders.items():
        if len(sharing) < 2:
            continue
        ordered = sorted(sharing)
        for i, focus in enumerate(ordered):
            schemes = set(r.values(focus, SKOS + "inScheme"))
            if not schemes:
                continue
            for other in ordered[i + 1:]:
                if not schemes.isdisjoint(r.values(other, SKOS + "inScheme")):
                    rows.append((focus, f'notation "{text}" is also on <{other}>; give each concept its own notation'))
    return rows


# --- checks over the hierarchy -----------------------------------------------------------------


def _cyclic(edges: list[tuple[Key, Value]]) -> set[Key]:
    """The nodes on a cycle of ``edges`` (pairs from a node to the node it points at)."""
    # A node on a cycle points at a node and is pointed at, both inside the cycle; nodes that are
    # not peel off in a few rounds (a hierarchy loses its leaves and its tops each round).
    for _ in range(12):
        starts = {a for a, _ in edges}
        both = starts.intersection(map(_SECOND, edges))
        kept = [e for e in edges if e[0] in both and e[1] in both]
        if len(kept) == len(edges):
            break
        edges = kept
    # Strongly connected components (Tarjan's algorithm, iteratively) of what is left.
    out: dict[Key, list[Key]] = defaultdict(list)
    for a, b in edges:
        out[a].append(b)  # type: ignore[arg-type]
    index: dict[Key, int] = {}
    low: dict[Key, int] = {}
    on_stack: set[Key] = set()
    stack: list[Key] = []
    cyclic: set[Key] = {a for a, b in edges if a == b}
    for start in out:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work: list[tuple[Key, Iterator[Key]]] = [(start, iter(out.get(start, ())))]
        while work:
            node, following = work[-1]
            advanced = False
            for up in following:
                if up not in index:
                    index[up] = low[up] = len(index)
                    stack.append(up)
                    on_stack.add(up)
                    work.append((up, iter(out.get(up, ()))))
                    advanced = True
                    break
                if up in on_stack:
                    low[node] = min(low[node], index[up])
            if advanced:
                continue
            work.pop()
            if work:
                above = work[-1][0]
                low[above] = min(low[above], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cyclic.update(component)
    return cyclic


def broader_cycle(source: ox.Store | Reading) -> Rows:
    """Concepts on a cycle of ``skos:broader`` that also have a narrower concept."""
    r = _reading(source)
    return _rows(
        (f for f in _cyclic(r.pairs(SKOS + "broader")) if r.has(f, SKOS + "narrower")),
        "is its own ancestor through skos:broader; break the cycle",
    )


def related_and_broader(source: ox.Store | Reading) -> Rows:
    """``?focus skos:broader+ ?other . ?focus skos:related ?other`` (SKOS S27)."""
    r = _reading(source)
    parents, _ = r.grouped(SKOS + "broader")
    ancestors: dict[Key, frozenset[Value]] = {}

    def above(node: Key) -> frozenset[Value]:
        known = ancestors.get(node)
        if known is not None:
            return known
        seen: set[Value] = set()
        work = list(r.values(node, SKOS + "broader"))
        while work:
            up = work.pop()
            if up in seen:
                continue
            seen.add(up)
            if not isinstance(up, str):
                continue
            done = ancestors.get(up)
            if done is not None:
                seen |= done
            else:
                work.extend(r.values(up, SKOS + "broader"))
        found = frozenset(seen)
        ancestors[node] = found
        return found

    uppers = set(map(_SECOND, r.pairs(SKOS + "broader")))
    rows: Rows = []
    for focus, other in r.pairs(SKOS + "related"):
        if other in uppers and focus in parents and other in above(focus):
            shown = _str(other)
            message = (
                "" if shown is None
                else f"is related to <{shown}>, which is also one of its broader concepts;"
                " keep only the hierarchical link"
            )
            rows.append((focus, message))
    return rows


# --- checks over labels and definitions --------------------------------------------------------


def label_on_two_concepts(source: ox.Store | Reading) -> Rows:
    """One label (ignoring case, per language) on two live resources, reported on the first one."""
    r = _reading(source)
    deprecated = r.deprecated()
    # The query groups by LCASE(STR(?label)) and LANG(?label); both are unbound (None here)
    # where they are errors: LANG of a resource, STR of a blank node.
    groups: list[tuple[tuple[str | None, str | None], Key, str | None]] = []
    for name in _LABELS:
        for language, pairs in r.languages(SKOS + name).items():
            groups.extend(((label.value.lower(), language), subject, label.value) for subject, label in pairs)
        for subject, other in r.resources(SKOS + name):
            text = _str(other)
            groups.append(((None if text is None else text.lower(), None), subject, text))
    owner: dict[tuple[str | None, str | None], Key] = {}
    owners: dict[tuple[str | None, str | None], set[Key]] = {}
    for key, subject, _ in groups:
        first = owner.get(key)
        if first is None:
            if subject not in deprecated:
                owner[key] = subject
        elif first != subject and subject not in deprecated:
            owners.setdefault(key, {first}).add(subject)
    if not owners:
        return []
    shown: dict[tuple[str | None, str | None], str | None] = {}
    for key, subject, text in groups:
        if key in owners and subject not in deprecated:
            least = shown.get(key, text)
            shown[key] = text if text is None or least is None or text < least else least
    concepts = r.typed(SKOS + "Concept")
    rows: Rows = []
    for key, subjects in owners.items():
        if any(_str(s) is None for s in subjects):
            # STR of a blank node is an error, so the query's MIN and GROUP_CONCAT are unbound:
            # its row has neither a focus nor a message (and FILTER EXISTS matches any concept).
            if concepts:
                rows.append(("", ""))
            continue
        ordered = sorted(subjects)
        if ordered[0] not in concepts:
            continue
        everyone = ">, <".join(ordered)
        label = shown[key]
        message = (
            "" if label is None
            else f'label "{label}" is shared by <{everyone}>; merge the concepts or keep the label on one'
        )
        rows.append((ordered[0], message))
    return rows


def _differ(store: ox.Store, a: ox.Literal, b: ox.Literal) -> bool:
    """SPARQL ``a != b``: text compares as text, any other literal as Oxigraph compares its value."""
    if a.datatype.value in _STRINGS and b.datatype.value in _STRINGS:
        return a != b
    return bool(store.query(f"ASK {{ FILTER({a} != {b}) }}"))


def alt_label_only_case_or_plural(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    concepts = r.typed(SKOS + "Concept")
    acronyms = set(r.pairs(CX + "acronym"))
    rows: Rows = []
    for f, alt in r.pairs(SKOS + "altLabel"):
        if type(alt) is not _LITERAL or f not in concepts:
            continue
        a = alt.value.lower()
        # The texts another label may have: the same, without a final "s" or "es", or singular.
        forms = {a}
        if a.endswith("s"):
            forms.add(a[:-1])
            if a.endswith("es"):
                forms.add(a[:-2])
        if "s " in a or a.endswith("s"):
            forms.add(_PLURAL_S.sub(r"\1\2", a))
        language = alt.language or ""
        for label in (*r.values(f, SKOS + "prefLabel"), *r.values(f, SKOS + "altLabel")):
            if type(label) is not _LITERAL or (label.language or "") != language:
                continue
            text = label.value.lower()
            if text not in forms or not _differ(r.store, alt, label):
                continue
            if text != a and (f, alt) in acronyms:
                continue
            rows.append((
                f,
                f'alternative label "{alt.value}" differs from "{label.value}" only in case or plural; remove it',
            ))
    return rows


def _repeated(r: Reading, predicate: str, concepts: set[Key] | None) -> dict[Key, dict[str, set[str]]]:
    """The texts of ``predicate`` by language, for each subject (of ``concepts``) with more than one."""
    pairs = r.pairs(predicate)
    if len(r.subjects(predicate)) == len(pairs):
        return {}
    several = {f for f, n in Counter(map(_FIRST, pairs)).items() if n > 1}
    if concepts is not None:
        several &= concepts
    found: dict[Key, dict[str, set[str]]] = {}
    for f, text in pairs:
        if f in several and type(text) is _LITERAL:
            found.setdefault(f, {}).setdefault(text.language or "", set()).add(text.value)
    return found


def definition_not_unique_per_language(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    rows: Rows = []
    for f, by_language in _repeated(r, SKOS + "definition", r.typed(SKOS + "Concept")).items():
        for language, values in by_language.items():
            if len(values) > 1:
                rows.append((f, f"has two definitions in '{language}'; merge them or move one to skos:scopeNote"))
    return rows


def preflabel_not_unique_per_language(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    rows: Rows = []
    for f, by_language in _repeated(r, SKOS + "prefLabel", None).items():
        for language, values in by_language.items():
            ordered = sorted(values)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    rows.append((
                        f,
                        f"has two prefLabels in '{language}': \"{a}\" and \"{b}\";"
                        " keep one, make the other an altLabel",
                    ))
    return rows


def label_kinds_overlap(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    rows: Rows = []
    for p, q in (("prefLabel", "altLabel"), ("prefLabel", "hiddenLabel"), ("altLabel", "hiddenLabel")):
        one, many = r.grouped(SKOS + p)
        for f, label in r.pairs(SKOS + q):
            several = many.get(f)
            if (label not in several) if several is not None else (one.get(f, _NOTHING) != label):
                continue
            shown = _str(label)
            rows.append((f, "" if shown is None else f'"{shown}" is both its {p} and its {q}; keep one'))
    return rows


def label_whitespace(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    rows: Rows = []
    for name in (*_LABELS, "definition"):
        for f, text in r.pairs(SKOS + name):
            shown = _str(text)
            if shown is None:
                continue
            if shown.isprintable():  # then a space is the only white space it can hold
                if shown and shown[0] != " " and shown[-1] != " " and "  " not in shown:
                    continue
            elif shown and not _STRAY_SPACE.search(shown):
                continue
            rows.append((f, f'{name} "{shown}" is empty or has stray whitespace'))
    return rows


def text_without_language(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    rows: Rows = []
    names = (*_LABELS, "definition", "scopeNote", "note", "example", "historyNote", "editorialNote")
    for name in names:
        for f, text in r.languages(SKOS + name).get("", ()):
            rows.append((f, f'{name} "{text.value}" has no language tag; add @en'))
    return rows


# --- checks over the languages the scheme declares ---------------------------------------------


def text_in_undeclared_language(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    names = (*_LABELS, "definition")
    written = {language for name in names for language in r.languages(SKOS + name) if language}
    schemes = r.typed(SKOS + "ConceptScheme")
    known = {
        tag
        for scheme in schemes
        for declared in r.of(scheme, DCT + "language")
        if (tag := _declared_tag(declared)) is not None
    }
    known_primary = {tag.split("-", 1)[0] for tag in known}
    undeclared = {w for w in written if w.lower().split("-", 1)[0] not in known_primary}
    if not undeclared:
        return []
    in_scheme = {f for f, scheme in r.pairs(SKOS + "inScheme") if scheme in schemes}
    rows: Rows = []
    for name in names:
        for language, pairs in r.languages(SKOS + name).items():
            if language not in undeclared:
                continue
            tag = language.lower()
            for f, text in pairs:
                if f in in_scheme:
                    rows.append((
                        f,
                        f"{name} \"{text.value}\" is in '{tag}', which the scheme does not declare; add it to"
                        " dct:language (and cx:partialLanguage while incomplete)",
                    ))
    return rows


def language_missing(source: ox.Store | Reading) -> Rows:
    r = _reading(source)
    candidates = r.typed(CX + "Candidate")
    schemes = r.typed(SKOS + "ConceptScheme")
    members: dict[Value, list[Key]] = {}
    written: dict[tuple[str, str], set[Key]] = {}
    rows: Rows = []
    for scheme in schemes:
        partial = {value.lower() for p in r.of(scheme, CX + "partialLanguage") if (value := _str(p)) is not None}
        for declared in r.of(scheme, DCT + "language"):
            tag = _declared_tag(declared)
            if tag is not None and tag in partial:
                continue
            if not members:
                for f, s in r.pairs(SKOS + "inScheme"):
                    members.setdefault(s, []).append(f)
            focus = {*members.get(scheme, ()), scheme} - candidates
            shown = tag if isinstance(declared, str) else _str(declared)
            for prop, name in (("prefLabel", "preferred label"), ("definition", "definition")):
                having: set[Key] = set()
                if tag is not None:
                    having = written.get((prop, tag), set())
                    if (prop, tag) not in written:
                        for language, pairs in r.languages(SKOS + prop).items():
                            if language.lower() == tag:
                                having = having | {f for f, _ in pairs}
                        written[(prop, tag)] = having
                message = (
                    "" if shown is None
                    else f"has no {name} in '{shown}' (declared in the scheme's dct:language); write one, or list the"
                    " language as cx:partialLanguage while it is being written"
                )
                rows += _rows(focus - having, message)
    return rows


#: Check name → the function computing its rows (``(focus, message)`` pairs) from a store or a
#: :class:`Reading` of one (which several checks then share).
NATIVE_CHECKS: dict[str, Callable[[ox.Store | Reading], Rows]] = {
    "alt-label-only-case-or-plural": alt_label_only_case_or_plural,
    "broader-cycle": broader_cycle,
    "collection-not-in-scheme": collection_not_in_scheme,
    "concept-fan-out": concept_fan_out,
    "concept-not-in-scheme": concept_not_in_scheme,
    "concept-without-definition": concept_without_definition,
    "concept-without-preflabel": concept_without_preflabel,
    "concept-without-provenance": concept_without_provenance,
    "definition-not-unique-per-language": definition_not_unique_per_language,
    "deprecated-concept-in-use": deprecated_concept_in_use,
    "label-kinds-overlap": label_kinds_overlap,
    "label-on-two-concepts": label_on_two_concepts,
    "label-whitespace": label_whitespace,
    "language-missing": language_missing,
    "link-to-undefined-concept": link_to_undefined_concept,
    "metric-without-facts": metric_without_facts,
    "no-path-to-top-concept": no_path_to_top_concept,
    "notation-shared": notation_shared,
    "orphan-concept": orphan_concept,
    "preflabel-not-unique-per-language": preflabel_not_unique_per_language,
    "related-and-broader": related_and_broader,
    "text-in-undeclared-language": text_in_undeclared_language,
    "text-without-language": text_without_language,
}
