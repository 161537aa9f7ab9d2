"""A Skosmos-compatible REST API under ``/rest/v1/`` on ``cxgraph serve``.

The routes and JSON shapes follow the Skosmos REST API (v1) description, so clients and widgets
written for Skosmos work against cxgraph: ``vocabularies``, ``search`` and ``types`` globally,
and per vocabulary (id ``cxgraph``) ``/``, ``types``, ``topConcepts``, ``data``, ``search``,
``lookup``, ``label``, ``broader``, ``broaderTransitive``, ``narrower``, ``narrowerTransitive``,
``related``, ``children``, ``hierarchy`` and ``vocabularyStatistics``.

Answers are read from an in-memory index of the served graph (built once per worker on the
first REST request), never by running client-supplied SPARQL, so no request can write and none
can run long; every answer is held to the endpoint's result-size limit, and CORS follows the
endpoint's ``--cors-origin`` policy because the answers go out through the same handler.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

from ..namespaces import CXG, SKOS
from ..publish.model import Entry, SiteModel, build_site_model

__all__ = ["PREFIX", "VOCABULARY_ID", "answer"]

PREFIX = "/rest/v1/"
VOCABULARY_ID = "cxgraph"
_CONTEXT = {
    "skos": SKOS,
    "uri": "@id",
    "type": "@type",
    "onki": "http://schema.onki.fi/onki#",
    "isothes": "http://purl.org/iso25964/skos-thes#",
    "prefLabel": "skos:prefLabel",
    "altLabel": "skos:altLabel",
    "hiddenLabel": "skos:hiddenLabel",
    "broader": "skos:broader",
    "narrower": "skos:narrower",
    "related": "skos:related",
    "topConceptOf": "skos:topConceptOf",
    "lang": "@language",
    "vocab": "onki:vocab",
}
_RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}

_indexes: dict[int, SiteModel] = {}
_lock = threading.Lock()


class _Fail(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _index(store: ox.Store) -> SiteModel:
    with _lock:
        model = _indexes.get(id(store))
        if model is None:
            model = build_site_model(store)
            _indexes.clear()
            _indexes[id(store)] = model
        return model


def _json(value: dict[str, Any]) -> tuple[int, str, bytes]:
    return 200, "application/json", json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


class _Api:
    def __init__(self, store: ox.Store, params: dict[str, list[str]]) -> None:
        self.store = store
        self.m = _index(store)
        self.params = params

    def param(self, name: str, default: str = "") -> str:
        values = self.params.get(name)
        return values[0] if values else default

    def number(self, name: str, default: int, maximum: int) -> int:
        raw = self.param(name)
        if not raw:
            return default
        if not raw.isdigit():
            raise _Fail(400, f"{name} must be a non-negative whole number, not {raw!r}")
        return min(int(raw), maximum)

    def concept(self) -> Entry:
        uri = self.param("uri")
        if not uri:
            raise _Fail(400, "give the concept's IRI as uri=")
        if uri.startswith("cxg:"):
            uri = CXG + uri[4:]
        entry = self.m.entries.get(uri)
        if entry is None:
            raise _Fail(404, f"no concept has the IRI {uri}")
        return entry

    def ref(self, iri: str) -> dict[str, Any]:
        return {"uri": iri, "prefLabel": self.m.label(iri)}

    def has_children(self, iri: str) -> bool:
        return bool(self.m.entries[iri].narrower) if iri in self.m.entries else False

    def head(self, uri: str = "") -> dict[str, Any]:
        return {"@context": _CONTEXT, "uri": uri}

    # --- global and vocabulary-level --------------------------------------------------------

    def vocabularies(self) -> dict[str, Any]:
        s = self.m.scheme
        return {**self.head(), "vocabularies": [{"uri": s.iri, "id": VOCABULARY_ID, "title": s.title}]}

    def vocabulary(self) -> dict[str, Any]:
        s = self.m.scheme
        return {
            **self.head(s.iri),
            "id": VOCABULARY_ID,
            "marcSource": "",
            "title": s.title,
            "defaultLanguage": s.languages[0] if s.languages else "en",
            "languages": s.languages or ["en"],
            "conceptschemes": [
                {"uri": s.iri, "type": "skos:ConceptScheme", "prefLabel": s.title, "label": s.title, "title": s.title}
            ],
        }

    def types(self) -> dict[str, Any]:
        return {
            **self.head(),
            "types": [
                {"uri": SKOS + "Concept", "label": "Concept"},
                {"uri": SKOS + "Collection", "label": "Collection"},
            ],
        }

    def top_concepts(self) -> dict[str, Any]:
        s = self.m.scheme
        tops = [
            {"uri": t, "label": self.m.label(t), "topConceptOf": s.iri, "hasChildren": self.has_children(t)}
            for t in self.m.tops
        ]
        return {**self.head(s.iri), "topconcepts": tops}

    def statistics(self) -> dict[str, Any]:
        s = self.m.scheme
        live = self.m.live()
        return {
            **self.head(s.iri),
            "id": VOCABULARY_ID,
            "title": s.title,
            "concepts": {
                "class": SKOS + "Concept",
                "label": "Concept",
                "count": len(live),
                "deprecatedCount": len(self.m.entries) - len(live),
            },
            "subTypes": [],
            "conceptGroups": {"class": SKOS + "Collection", "label": "Collection", "count": len(self.m.collections)},
        }

    # --- search and lookup ------------------------------------------------------------------

    def _matches(self, pattern: re.Pattern[str], lang: str) -> list[dict[str, Any]]:
        kinds = {"preferred": "prefLabel", "acronym": "altLabel", "alternative": "altLabel", "hidden": "hiddenLabel"}
        wanted_type = self.param("type")
        parent = self.param("parent")
        results: list[dict[str, Any]] = []
        candidates: list[tuple[str, str, str, Entry | None]] = []
        if wanted_type in ("", "skos:Concept", SKOS + "Concept"):
            for e in self.m.live():
                for lab in e.labels:
                    candidates.append((kinds[lab.kind], lab.lang, lab.value, e))
        if wanted_type in ("", "skos:Collection", SKOS + "Collection"):
            for c in sorted(self.m.collections.values(), key=lambda c: c.label.casefold()):
                candidates.append(("prefLabel:collection:" + c.iri, "en", c.label, None))
        if wanted_type not in ("", "skos:Concept", SKOS + "Concept", "skos:Collection", SKOS + "Collection"):
            return []
        ancestors_ok: Callable[[str], bool] = lambda iri: True  # noqa: E731
        if parent:
            below = self._descendants(parent)
            ancestors_ok = below.__contains__
        lang = lang.lower()
        for kind, label_lang, value, entry in candidates:
            label_lang = label_lang.lower()
            if lang and label_lang and label_lang != lang and not label_lang.startswith(lang + "-"):
                continue
            if not pattern.fullmatch(value):
                continue
            if entry is None:
                iri = kind.split(":", 2)[2]
                if parent:
                    continue
                results.append(
                    {
                        "uri": iri,
                        "type": ["skos:Collection"],
                        "prefLabel": value,
                        "lang": label_lang or "en",
                        "vocab": VOCABULARY_ID,
                        "localname": iri[len(CXG) :] if iri.startswith(CXG) else iri,
                    }
                )
                continue
            if not ancestors_ok(entry.iri):
                continue
            hit: dict[str, Any] = {
                "uri": entry.iri,
                "type": ["skos:Concept"],
                "prefLabel": _pref_in(entry, label_lang or lang),
                "lang": label_lang or "en",
                "vocab": VOCABULARY_ID,
                "localname": entry.slug,
            }
            if kind != "prefLabel":
                hit[kind] = value
            results.append(hit)
        if self.param("unique") in ("true", "1", "yes"):
            seen: set[str] = set()
            results = [r for r in results if not (r["uri"] in seen or seen.add(r["uri"]))]  # type: ignore[func-returns-value]
        results.sort(key=lambda r: (r["prefLabel"].casefold(), r["uri"], "altLabel" in r, "hiddenLabel" in r))
        return results

    def _descendants(self, iri: str) -> set[str]:
        if iri.startswith("cxg:"):
            iri = CXG + iri[4:]
        found: set[str] = set()
        work = list(self.m.entries[iri].narrower) if iri in self.m.entries else []
        while work:
            n = work.pop()
            if n not in found:
                found.add(n)
                work.extend(self.m.entries[n].narrower)
        return found

    def search(self) -> dict[str, Any]:
        query = self.param("query")
        if not query:
            raise _Fail(400, "give a search term as query= (* matches any characters)")
        vocab = self.param("vocab")
        if vocab and VOCABULARY_ID not in vocab.split():
            return {**self.head(), "results": []}
        pattern = re.compile(".*".join(re.escape(part) for part in query.split("*")), re.IGNORECASE | re.DOTALL)
        results = self._matches(pattern, self.param("lang"))
        offset = self.number("offset", 0, 10**9)
        maxhits = self.number("maxhits", 100, 1000)
        return {**self.head(), "results": results[offset : offset + maxhits]}

    def lookup(self) -> dict[str, Any]:
        label = self.param("label")
        if not label:
            raise _Fail(400, "give the label to look up as label=")
        exact = re.compile(re.escape(label), re.IGNORECASE)
        results = self._matches(exact, self.param("lang"))
        concept_hits = [r for r in results if r["type"] == ["skos:Concept"]]
        pref = [r for r in concept_hits if "altLabel" not in r and "hiddenLabel" not in r]
        alt = [r for r in concept_hits if "altLabel" in r]
        best = pref or alt or [r for r in concept_hits if "hiddenLabel" in r]
        if not best:
            raise _Fail(404, f"no concept has the label {label!r}")
        # One result per concept: a label shared by several languages ("CSAT") finds it once.
        seen: set[str] = set()
        best = [r for r in best if not (r["uri"] in seen or seen.add(r["uri"]))]  # type: ignore[func-returns-value]
        return {"@context": _CONTEXT, "result": best}

    # --- one concept ------------------------------------------------------------------------

    def label(self) -> dict[str, Any]:
        e = self.concept()
        return {**self.head(e.iri), "prefLabel": _pref_in(e, self.param("lang"))}

    def broader(self) -> dict[str, Any]:
        e = self.concept()
        return {**self.head(e.iri), "broader": [self.ref(b) for b in self.m.sorted_iris(e.broader)]}

    def narrower(self) -> dict[str, Any]:
        e = self.concept()
        return {**self.head(e.iri), "narrower": [self.ref(n) for n in self.m.sorted_iris(e.narrower)]}

    def related(self) -> dict[str, Any]:
        e = self.concept()
        targets = sorted({t for _, ts in e.related for t in ts})
        return {**self.head(e.iri), "related": [self.ref(r) for r in self.m.sorted_iris(targets)]}

    def _closure(self, start: str, step: Callable[[Entry], list[str]]) -> list[str]:
        order: list[str] = []
        seen: set[str] = set()
        work = [start]
        while work:
            iri = work.pop(0)
            if iri in seen or iri not in self.m.entries:
                continue
            seen.add(iri)
            order.append(iri)
            work.extend(self.m.sorted_iris(step(self.m.entries[iri])))
        return order

    # The transitive routes and the hierarchy answer, as Skosmos servers do, with an object keyed
    # by concept IRI (a JSON-LD @index container), not a list.

    def _transitive_head(self, uri: str, key: str) -> dict[str, Any]:
        return {"@context": {**_CONTEXT, key: {"@id": f"skos:{key}", "@container": "@index"}}, "uri": uri}

    def _transitive(self, key: str, direct: str, step: Callable[[Entry], list[str]]) -> dict[str, Any]:
        e = self.concept()
        items = {
            i: {**self.ref(i), direct: self.m.sorted_iris(step(self.m.entries[i]))} for i in self._closure(e.iri, step)
        }
        return {**self._transitive_head(e.iri, key), key: items}

    def broader_transitive(self) -> dict[str, Any]:
        return self._transitive("broaderTransitive", "broader", lambda x: x.broader)

    def narrower_transitive(self) -> dict[str, Any]:
        return self._transitive("narrowerTransitive", "narrower", lambda x: x.narrower)

    def children(self) -> dict[str, Any]:
        e = self.concept()
        kids = [{**self.ref(n), "hasChildren": self.has_children(n)} for n in self.m.sorted_iris(e.narrower)]
        return {**self.head(e.iri), "narrower": kids}

    def hierarchy(self) -> dict[str, Any]:
        e = self.concept()
        items: dict[str, dict[str, Any]] = {}
        for i in self._closure(e.iri, lambda x: x.broader):
            node = self.m.entries[i]
            item: dict[str, Any] = {
                **self.ref(i),
                "hasChildren": bool(node.narrower),
                "narrower": [
                    {"uri": n, "label": self.m.label(n), "hasChildren": self.has_children(n)}
                    for n in self.m.sorted_iris(node.narrower)
                ],
            }
            if node.broader:
                item["broader"] = self.m.sorted_iris(node.broader)
            if node.top:
                item["top"] = self.m.scheme.iri
                item["tops"] = [self.m.scheme.iri]
            items[i] = item
        return {**self._transitive_head(e.iri, "broaderTransitive"), "broaderTransitive": items}

    def data(self, max_bytes: int) -> tuple[int, str, bytes]:
        fmt_name = self.param("format", "text/turtle").split(";")[0].strip()
        fmt = _RDF_TYPES.get(fmt_name)
        if fmt is None:
            raise _Fail(406, f"format must be one of {', '.join(_RDF_TYPES)}")
        default = ox.DefaultGraph()
        if self.param("uri"):
            subject = ox.NamedNode(self.concept().iri)
            quads = self.store.quads_for_pattern(subject, None, None, default)
        else:
            quads = self.store.quads_for_pattern(None, None, None, default)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        body = ox.serialize(triples, format=fmt, prefixes={"skos": SKOS, "cxg": CXG})
        assert isinstance(body, bytes)
        if len(body) > max_bytes:
            raise _Fail(413, f"the answer is larger than the endpoint's result limit of {max_bytes:,} bytes")
        return 200, fmt_name, body


_VOCAB_ROUTES: dict[str, Callable[[_Api], dict[str, Any]]] = {
    "": _Api.vocabulary,
    "types": _Api.types,
    "topConcepts": _Api.top_concepts,
    "search": _Api.search,
    "lookup": _Api.lookup,
    "label": _Api.label,
    "broader": _Api.broader,
    "broaderTransitive": _Api.broader_transitive,
    "narrower": _Api.narrower,
    "narrowerTransitive": _Api.narrower_transitive,
    "related": _Api.related,
    "children": _Api.children,
    "hierarchy": _Api.hierarchy,
    "vocabularyStatistics": _Api.statistics,
}
_GLOBAL_ROUTES: dict[str, Callable[[_Api], dict[str, Any]]] = {
    "vocabularies": _Api.vocabularies,
    "search": _Api.search,
    "types": _Api.types,
}


def answer(store: ox.Store, path: str, query: str, max_bytes: int) -> tuple[int, str, bytes]:
    """(status, media type, body) for a GET of ``path`` (under ``/rest/v1/``) with ``query``."""
    rest = path[len(PREFIX) :]
    try:
        api = _Api(store, parse_qs(query, keep_blank_values=False))
        if "/" in rest:
            vocid, _, route = rest.partition("/")
            if vocid != VOCABULARY_ID:
                raise _Fail(404, f"no vocabulary {vocid!r}; this server has {VOCABULARY_ID!r}")
            if route == "data":
                return api.data(max_bytes)
            handler = _VOCAB_ROUTES.get(route)
        elif rest == "data":
            return api.data(max_bytes)
        else:
            handler = _GLOBAL_ROUTES.get(rest)
            if handler is None and rest == VOCABULARY_ID:
                handler = _Api.vocabulary
        if handler is None:
            raise _Fail(404, f"no REST method at {path}")
        status, media_type, body = _json(handler(api))
        if len(body) > max_bytes:
            raise _Fail(413, f"the answer is larger than the endpoint's result limit of {max_bytes:,} bytes")
        return status, media_type, body
    except _Fail as fail:
        return fail.status, "text/plain", (fail.message + "\n").encode("utf-8")


def _pref_in(entry: Entry, lang: str) -> str:
    """The concept's preferred label in ``lang`` (its English one when it has none there)."""
    lang = lang.lower()
    if lang:
        for lab in entry.labels:
            if lab.kind == "preferred" and lab.lang.lower() == lang:
                return lab.value
    return entry.label
