"""A VoID and DCAT description of the exports, for data catalogues and dataset registries.

``void.ttl`` says what the dataset is (title, description, licence, version, taken from the
concept scheme), how big it is (triples, concepts, distinct subjects), which vocabularies it
uses, and lists each export file as a distribution with its media type. Every IRI is absolute,
so loaders that refuse relative IRIs without a base (Oxigraph, pyoxigraph) read it and every
tool gets the same IRIs: the files are described at ``BASE/cxgraph.ttl`` and so on, and the
dataset is ``BASE/void.ttl#dataset``. ``BASE`` defaults to the namespace of the concept scheme
(``https://w3id.org/cxgraph/``); ``cxgraph build --base-url`` sets where the files are published.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..namespaces import CX, DCT, OWL, SKOS
from .snapshot import Snapshot

__all__ = ["DISTRIBUTIONS", "default_base_url", "to_void"]

#: Export file → (media type, format name), in the order they are listed.
DISTRIBUTIONS: dict[str, tuple[str, str]] = {
    "cxgraph.ttl": ("text/turtle", "Turtle"),
    "cxgraph.nt": ("application/n-triples", "N-Triples"),
    "cxgraph.rdf": ("application/rdf+xml", "RDF/XML"),
    "cxgraph.jsonld": ("application/ld+json", "JSON-LD"),
    "cxgraph.csv": ("text/csv", "CSV"),
    "cxgraph.html": ("text/html", "interactive graph view (HTML)"),
}

_SCHEME = f"""
SELECT ?scheme ?title ?description ?license ?version ?modified WHERE {{
  ?scheme a <{SKOS}ConceptScheme> .
  OPTIONAL {{ ?scheme <{DCT}title> ?title }}
  OPTIONAL {{ ?scheme <{DCT}description> ?description }}
  OPTIONAL {{ ?scheme <{DCT}license> ?license }}
  OPTIONAL {{ ?scheme <{OWL}versionInfo> ?version }}
  OPTIONAL {{ ?scheme <{DCT}modified> ?modified }}
}} ORDER BY ?scheme LIMIT 1
"""
_COUNTS = f"""
SELECT (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {{ ?concept a <{SKOS}Concept> }}
"""


def _literal(term: ox.Literal) -> str:
    text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return f'"{text}"'
    return f'"{text}"^^<{term.datatype.value}>'


def _one(store: ox.Store, query: str) -> ox.QuerySolution | None:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return next(iter(result), None)


def default_base_url(scheme_iri: str) -> str:
    """The namespace of a scheme IRI: everything up to its last ``/`` or ``#``."""
    return scheme_iri[: max(scheme_iri.rfind("/"), scheme_iri.rfind("#")) + 1]


#: One subject's lines: the snapshot is sorted, so each subject's triples are consecutive.
_SUBJECT_BLOCK = re.compile(rb"^(\S+) [^\n]*\n(?:\1 [^\n]*\n)*", re.MULTILINE)


def to_void(snapshot: Snapshot, files: list[str], base_url: str | None = None) -> bytes:
    """Describe the dataset and the export ``files`` published at ``base_url``."""
    triples = snapshot.ntriples.count(b"\n")
    subjects = sum(1 for _ in _SUBJECT_BLOCK.finditer(snapshot.ntriples))
    scheme = _one(snapshot.store, _SCHEME)
    counts = _one(snapshot.store, _COUNTS)
    concepts = int(counts["concepts"].value) if counts is not None else 0

    lines = [
        "# VoID and DCAT description of the cxgraph exports; written by 'cxgraph build'.",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        f"@prefix dct:  <{DCT}> .",
        f"@prefix owl:  <{OWL}> .",
        "@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    if base_url is None:
        base_url = default_base_url(scheme["scheme"].value) if scheme is not None else "https://w3id.org/cxgraph/"
    if not base_url.endswith(("/", "#")):
        base_url += "/"
    lines.append(f"<{base_url}void.ttl#dataset> a void:Dataset, dcat:Dataset ;")
    if scheme is not None:
        lines.append(f"    void:rootResource <{scheme['scheme'].value}> ;")
        for key, prop in (("title", "dct:title"), ("description", "dct:description"),
                          ("version", "owl:versionInfo"), ("modified", "dct:modified")):
            value = scheme[key]
            if isinstance(value, ox.Literal):
                lines.append(f"    {prop} {_literal(value)} ;")
        if isinstance(scheme["license"], ox.NamedNode):
            lines.append(f"    dct:license <{scheme['license'].value}> ;")
    lines += [
        '    void:uriSpace "https://w3id.org/cxgraph/" ;',
        f'    void:triples "{triples}"^^xsd:integer ;',
        f'    void:entities "{concepts}"^^xsd:integer ;',
        f'    void:distinctSubjects "{subjects}"^^xsd:integer ;',
        f"    void:vocabulary <{SKOS}>, <{DCT}>, <{CX}> ;",
    ]
    listed = [f for f in DISTRIBUTIONS if f in files]
    dumps = [f for f in listed if f in ("cxgraph.ttl", "cxgraph.nt", "cxgraph.rdf", "cxgraph.jsonld")]
    lines.append("    void:dataDump " + ", ".join(f"<{base_url}{f}>" for f in dumps) + " ;")
    lines.append("    dcat:distribution " + ", ".join(f"<{base_url}{f}>" for f in listed) + " .")
    for name in listed:
        media, title = DISTRIBUTIONS[name]
        lines += [
            "",
            f"<{base_url}{name}> a dcat:Distribution ;",
            f'    dct:title "{title}"@en ;',
            f'    dcat:mediaType "{media}" ;',
            f"    dcat:downloadURL <{base_url}{name}> .",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")
