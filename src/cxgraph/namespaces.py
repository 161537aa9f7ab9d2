"""IRIs of the vocabularies cxgraph uses, as plain strings and as prefix tables."""

from __future__ import annotations

__all__ = [
    "CX",
    "CXG",
    "DCAT",
    "DCT",
    "FOAF",
    "ISOTHES",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "SRC",
    "VCARD",
    "XSD",
    "compact_iri",
]

CX = "https://w3id.org/cxgraph/ontology#"
CXG = "https://w3id.org/cxgraph/"
SRC = "https://w3id.org/cxgraph/source/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FOAF = "http://xmlns.com/foaf/0.1/"
ISOTHES = "http://purl.org/iso25964/skos-thes#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
DCAT = "http://www.w3.org/ns/dcat#"
VCARD = "http://www.w3.org/2006/vcard/ns#"

#: Prefixes written into every export and offered to every query, in a stable order.
PREFIXES: dict[str, str] = {
    "cx": CX,
    "cxg": CXG,
    "src": SRC,
    "skos": SKOS,
    "dct": DCT,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "foaf": FOAF,
    "isothes": ISOTHES,
    "prov": PROV,
    "schema": SCHEMA,
    "dcat": DCAT,
    "vcard": VCARD,
}

_PREFIX_OF = {namespace: prefix for prefix, namespace in PREFIXES.items()}


def compact_iri(iri: str) -> str | None:
    """``cxg:agent`` for an IRI in a known namespace with a plain local name, else None.

    The namespace is everything up to the last ``/`` or ``#``, so the longest namespace wins
    (``src:vistachat``, never ``cxg:source/vistachat``).
    """
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    if prefix is None or cut == len(iri):
        return None
    return f"{prefix}:{iri[cut:]}"
