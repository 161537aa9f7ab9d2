"""The SPARQL 1.1 Service Description the endpoint returns at its own IRI."""

from __future__ import annotations

import pyoxigraph as ox

__all__ = ["service_description"]

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_VOID = "http://rdfs.org/ns/void#"
_DCT = "http://purl.org/dc/terms/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(endpoint: str, triple_count: int, time_limit: float, max_bytes: int) -> list[ox.Triple]:
    """Triples describing the endpoint: language, formats, dataset size and limits."""
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    graph = ox.BlankNode("defaultGraph")

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    triples = [
        ox.Triple(service, iri(_RDF + "type"), iri(_SD + "Service")),
        ox.Triple(service, iri(_SD + "endpoint"), iri(endpoint)),
        ox.Triple(service, iri(_SD + "supportedLanguage"), iri(_SD + "SPARQL11Query")),
        ox.Triple(service, iri(_SD + "feature"), iri(_SD + "EmptyGraphs")),
        ox.Triple(service, iri(_SD + "defaultDataset"), dataset),
        ox.Triple(
            service,
            iri(_DCT + "description"),
            ox.Literal(
                "The cxgraph SKOS vocabulary of customer-service language (asserted and entailed triples). "
                f"Read-only: SPARQL Update and SERVICE are refused. Each query may run {time_limit:g} s "
                f"and return at most {max_bytes:,} bytes.",
                language="en",
            ),
        ),
        ox.Triple(dataset, iri(_RDF + "type"), iri(_SD + "Dataset")),
        ox.Triple(dataset, iri(_SD + "defaultGraph"), graph),
        ox.Triple(graph, iri(_RDF + "type"), iri(_SD + "Graph")),
        ox.Triple(
            graph,
            iri(_VOID + "triples"),
            ox.Literal(str(triple_count), datatype=iri("http://www.w3.org/2001/XMLSchema#integer")),
        ),
    ]
    triples += [ox.Triple(service, iri(_SD + "resultFormat"), iri(_FORMATS + name)) for name in _RESULT_FORMATS]
    return triples
