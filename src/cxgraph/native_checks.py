"""Two checks computed with triple patterns in Python, where their SPARQL is slow at scale.

``queries/checks/related-and-broader.rq`` and ``label-on-two-concepts.rq`` stay the
specification (a reader, or another tool, runs them as they are); :func:`run_checks` uses the
functions here instead, and the test suite holds each equal to its query on vocabularies with
violations planted in them. On large vocabularies the two queries are the slowest checks: the
first walks ``skos:broader+`` from every concept, the second groups every label. Here
the first intersects each concept's related concepts with its ancestor set (each set computed
once), the second groups labels in a dictionary; both read the store once per property.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyoxigraph as ox

from .namespaces import OWL, RDF, SKOS

__all__ = ["NATIVE_CHECKS"]

_DEFAULT = ox.DefaultGraph()
_BROADER = ox.NamedNode(SKOS + "broader")
_RELATED = ox.NamedNode(SKOS + "related")
_LABELS = tuple(ox.NamedNode(SKOS + p) for p in ("prefLabel", "altLabel", "hiddenLabel"))
_DEPRECATED = ox.NamedNode(OWL + "deprecated")
_TYPE = ox.NamedNode(RDF + "type")
_CONCEPT = ox.NamedNode(SKOS + "Concept")

Rows = list[tuple[str, str]]


def _key(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def related_and_broader(store: ox.Store) -> Rows:
    """``?focus skos:broader+ ?other . ?focus skos:related ?other`` (SKOS S27)."""
    parents: dict[str, list[str]] = defaultdict(list)
    for q in store.quads_for_pattern(None, _BROADER, None, _DEFAULT):
        parents[_key(q.subject)].append(_key(q.object))
    ancestors: dict[str, frozenset[str]] = {}

    def above(node: str) -> frozenset[str]:
        known = ancestors.get(node)
        if known is not None:
            return known
        seen: set[str] = set()
        work = list(parents.get(node, ()))
        while work:
            up = work.pop()
            if up in seen:
                continue
            seen.add(up)
            done = ancestors.get(up)
            if done is not None:
                seen |= done
            else:
                work.extend(parents.get(up, ()))
        found = frozenset(seen)
        ancestors[node] = found
        return found

    rows: Rows = []
    for q in store.quads_for_pattern(None, _RELATED, None, _DEFAULT):
        focus, other = _key(q.subject), _key(q.object)
        if focus in parents and other in above(focus):
            message = (
                f"is related to <{other}>, which is also one of its broader concepts; keep only the hierarchical link"
            )
            rows.append((focus, message))
    return rows


def _is_concept(store: ox.Store, iri: str) -> bool:
    return any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), _TYPE, _CONCEPT, _DEFAULT))


def label_on_two_concepts(store: ox.Store) -> Rows:
    """One label (ignoring case, per language) on two live resources, reported on the first one."""
    deprecated = {
        _key(q.subject)
        for q in store.quads_for_pattern(None, _DEPRECATED, None, _DEFAULT)
        if isinstance(q.object, ox.Literal) and q.object.value in ("true", "1")
    }
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    shown: dict[tuple[str, str], str] = {}
    for prop in _LABELS:
        for q in store.quads_for_pattern(None, prop, None, _DEFAULT):
            label = q.object
            if not isinstance(label, ox.Literal):
                continue
            subject = _key(q.subject)
            if subject in deprecated:
                continue
            key = (label.value.lower(), label.language or "")
            owners[key].add(subject)
            if key not in shown or label.value < shown[key]:
                shown[key] = label.value
    rows: Rows = []
    for key, subjects in owners.items():
        if len(subjects) < 2:
            continue
        ordered = sorted(subjects)
        focus = ordered[0]
        if focus.startswith("_:") or not _is_concept(store, focus):
            continue
        everyone = ">, <".join(ordered)
        message = f'label "{shown[key]}" is shared by <{everyone}>; merge the concepts or keep the label on one'
        rows.append((focus, message))
    return rows


#: Check name → the function computing its rows (``(focus, message)`` pairs).
NATIVE_CHECKS: dict[str, Callable[[ox.Store], Rows]] = {
    "related-and-broader": related_and_broader,
    "label-on-two-concepts": label_on_two_concepts,
}
