"""``cxgraph serve`` on loopback, queried by independent clients and compared with ``cxgraph query``.

The server is the real CLI in a subprocess; clients are plain HTTP (``requests``) and
SPARQLWrapper. Answers in every format are compared with the local command's output.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from .conftest import DATA

pytestmark = pytest.mark.server

VOCABULARY = DATA / "server-vocabulary"
TIME_LIMIT = 2.0
MAX_RESULT_BYTES = 20_000

SELECT = """SELECT ?concept ?label ?alt WHERE {
  ?concept a skos:Concept ; skos:prefLabel ?label .
  OPTIONAL { ?concept skos:altLabel ?alt }
} ORDER BY ?concept ?label"""
CONSTRUCT = "CONSTRUCT { ?c skos:broaderTransitive ?b ; skos:prefLabel ?l ; skos:scopeNote ?n } " \
            "WHERE { ?c skos:broader+ ?b ; skos:prefLabel ?l OPTIONAL { ?c skos:scopeNote ?n } }"
DESCRIBE = "DESCRIBE cxg:customer-satisfaction-score"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"

RESULTS_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json"}
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]

    @property
    def base(self) -> str:
        return self.url.removesuffix("sparql")


def start_server(*args: str) -> Server:
    """Start ``cxgraph serve --port 0`` and read the address it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cxgraph", "serve", "--port", "0", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"SPARQL endpoint: (\S+)", line)
        if match:
            return Server(match.group(1), process)
    process.kill()
    raise AssertionError("cxgraph serve did not start:\n" + "".join(lines))


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--ontology", str(VOCABULARY), "--time-limit", str(TIME_LIMIT),
                           "--max-result-bytes", str(MAX_RESULT_BYTES))
    yield running
    stop_server(running)


def local_query(text: str, fmt: str) -> bytes:
    """The answer of the local command, ``cxgraph query --sparql TEXT --format FMT``."""
    done = subprocess.run(
        [sys.executable, "-m", "cxgraph", "query", "--ontology", str(VOCABULARY), "--sparql", text, "--format", fmt],
        capture_output=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def graph_of(data: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])


# --- answers match the local command ----------------------------------------------------------


@pytest.mark.parametrize("fmt", list(RESULTS_TYPES))
@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_select_answer_is_byte_identical_to_local_query(server: Server, fmt: str, method: str) -> None:
    headers = {"Accept": RESULTS_TYPES[fmt]}
    if method == "GET":
        response = requests.get(server.url, params={"query": SELECT}, headers=headers, timeout=30)
    elif method == "POST form":
        response = requests.post(server.url, data={"query": SELECT}, headers=headers, timeout=30)
    else:
        response = requests.post(server.url, data=SELECT.encode(), timeout=30,
                                 headers={**headers, "Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(RESULTS_TYPES[fmt])
    assert response.content == local_query(SELECT, fmt)


@pytest.mark.parametrize("fmt", list(GRAPH_TYPES))
@pytest.mark.parametrize("text", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_answer_is_the_same_graph_as_local_query(server: Server, fmt: str, text: str) -> None:
    response = requests.post(server.url, data={"query": text}, headers={"Accept": GRAPH_TYPES[fmt]}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(GRAPH_TYPES[fmt])
    served, local = graph_of(response.content, fmt), graph_of(local_query(text, fmt), fmt)
    assert len(served) > 3
    assert isomorphic(served, local)


def test_accept_with_qualities_picks_the_preferred_format(server: Server) -> None:
    response = requests.get(server.url, params={"query": SELECT}, timeout=30,
                            headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.content == local_query(SELECT, "csv")


def test_format_parameter_overrides_accept(server: Server) -> None:
    response = requests.get(server.url, params={"query": SELECT, "format": "tsv"}, headers={"Accept": "text/csv"},
                            timeout=30)
    assert response.content == local_query(SELECT, "tsv")


def test_ask_answers_true_and_false(server: Server) -> None:
    yes = requests.get(server.url, params={"query": 'ASK { ?c skos:altLabel "CSAT"@en }'}, timeout=30).json()
    no = requests.get(server.url, params={"query": 'ASK { ?c skos:altLabel "XYZ"@en }'}, timeout=30).json()
    assert (yes["boolean"], no["boolean"]) == (True, False)


def test_entailed_triples_are_served(server: Server) -> None:
    related = "ASK { cxg:customer-satisfaction-score skos:related cxg:customer-survey }"  # from cx:measures
    assert requests.get(server.url, params={"query": related}, timeout=30).json()["boolean"] is True
    text = "SELECT ?n WHERE { cxg:metric skos:narrower+ ?n } ORDER BY ?n"  # skos:narrower is entailed
    rows = requests.get(server.url, params={"query": text}, timeout=30).json()["results"]["bindings"]
    assert [r["n"]["value"].rsplit("/", 1)[1] for r in rows] == [
        "customer-satisfaction-score", "net-promoter-score", "satisfaction-metric", "transactional-nps"]


def test_no_acceptable_format_gets_406(server: Server) -> None:
    response = requests.get(server.url, params={"query": SELECT}, headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


# --- SPARQLWrapper, an independent client ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_reads_the_same_rows(server: Server, fmt: str, method: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.url)
    client.setQuery("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + SELECT)
    client.setMethod(method)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    expected = json.loads(local_query(SELECT, "json"))["results"]["bindings"]
    expected_rows = [(r["concept"]["value"], r["label"]["value"], r.get("alt", {}).get("value", "")) for r in expected]
    if fmt == "json":
        rows = [(b["concept"]["value"], b["label"]["value"], b.get("alt", {}).get("value", ""))
                for b in result["results"]["bindings"]]
    elif fmt == "xml":
        rows = []
        for element in result.getElementsByTagName("result"):
            values = {b.getAttribute("name"): b.firstChild.firstChild.data for b in element.getElementsByTagName("binding")}
            rows.append((values["concept"], values["label"], values.get("alt", "")))
    else:
        text = result.decode("utf-8") if isinstance(result, bytes) else result
        lines = text.splitlines()[1:]
        sep = "," if fmt == "csv" else "\t"
        rows = []
        for line in lines:
            concept, label, alt = line.split(sep)
            if fmt == "tsv":
                concept = concept.strip("<>")
                label = label.rsplit("@", 1)[0].strip('"')
                alt = alt.rsplit("@", 1)[0].strip('"')
            rows.append((concept, label, alt))
    assert rows == expected_rows


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_sparqlwrapper_reads_the_same_graph(server: Server, fmt: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.url)
    client.setQuery("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + CONSTRUCT)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    graph = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(data=result, format=fmt)
    assert isomorphic(graph, graph_of(local_query(CONSTRUCT, "turtle"), "turtle"))


# --- read-only, no federation -----------------------------------------------------------------


def triple_count(server: Server) -> int:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    return int(requests.get(server.url, params={"query": text}, timeout=30).json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("how", ["form update=", "sparql-update body", "update in query=", "GET update="])
def test_update_is_refused_and_changes_nothing(server: Server, how: str) -> None:
    before = triple_count(server)
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if how == "form update=":
        response = requests.post(server.url, data={"update": update}, timeout=30)
    elif how == "sparql-update body":
        response = requests.post(server.url, data=update.encode(), timeout=30,
                                 headers={"Content-Type": "application/sparql-update"})
    elif how == "update in query=":
        response = requests.post(server.url, data={"query": "PREFIX x: <urn:x:> " + update}, timeout=30)
    else:
        response = requests.get(server.url, params={"update": update}, timeout=30)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert triple_count(server) == before


def test_sparqlwrapper_update_is_refused(server: Server) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(server.url, updateEndpoint=server.url)
    client.setMethod(POST)
    client.setQuery("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises((SPARQLWrapperException, OSError)):
        client.query()
    assert triple_count(server) > 50


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { ?x ?y ?z OPTIONAL { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { FILTER EXISTS { SeRvIcE ?endpoint { ?s ?p ?o } } VALUES ?endpoint { <http://127.0.0.1:9/> } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE\n<http://127.0.0.1:9/>{?s ?p ?o} } } }",
])
def test_service_is_refused(server: Server, text: str) -> None:
    response = requests.post(server.url, data={"query": text}, timeout=30)
    assert response.status_code == 403
    assert "SERVICE" in response.text


@pytest.mark.parametrize("text", [
    'SELECT ?c WHERE { ?c skos:definition ?d FILTER(CONTAINS(?d, "service")) } # SERVICE <http://x/> {}',
    "PREFIX service: <https://w3id.org/cxgraph/> SELECT ?service WHERE { service:metric skos:prefLabel ?service }",
])
def test_the_word_service_in_comments_names_and_strings_is_not_refused(server: Server, text: str) -> None:
    response = requests.post(server.url, data={"query": text}, timeout=30)
    assert response.status_code == 200, response.text


def test_write_methods_are_not_allowed(server: Server) -> None:
    response = requests.put(server.url, data=b"<urn:a> <urn:b> <urn:c> .", timeout=30,
                            headers={"Content-Type": "application/n-triples"})
    assert response.status_code == 405


# --- protection: malformed, runaway, oversized --------------------------------------------------


def test_malformed_query_gets_400_with_the_parsers_position(server: Server) -> None:
    response = requests.get(server.url, params={"query": "SELECT ?x WHERE { ?x skos:prefLabel }"}, timeout=30)
    assert response.status_code == 400
    assert re.search(r"invalid SPARQL: .* at 1:\d+", response.text)
    assert triple_count(server) > 50


def test_undeclared_prefix_is_one_line_naming_the_prefix(server: Server) -> None:
    response = requests.get(server.url, params={"query": "SELECT * WHERE { ?s foo:bar ?o }"}, timeout=30)
    assert response.status_code == 400
    assert response.text == "invalid SPARQL: undeclared prefix foo: at 1:21\n"


def test_runaway_query_is_stopped_by_the_time_limit_and_the_server_answers_right_after(server: Server) -> None:
    started = time.monotonic()
    response = requests.get(server.url, params={"query": RUNAWAY}, timeout=120)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit" in response.text
    assert elapsed < 60  # the query alone would run for hours (57**6 joined rows)
    for _ in range(3):  # every worker, including the fresh one, answers normally
        answer = requests.get(server.url, params={"query": SELECT}, headers={"Accept": "text/csv"}, timeout=30)
        assert answer.status_code == 200
        assert answer.content == local_query(SELECT, "csv")


def test_result_over_the_size_cap_is_refused_with_a_hint(server: Server) -> None:
    text = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    response = requests.get(server.url, params={"query": text}, timeout=60)
    assert response.status_code == 422
    assert f"{MAX_RESULT_BYTES:,} bytes" in response.text
    assert "LIMIT" in response.text
    assert requests.get(server.url, params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_bad_requests_do_not_stop_the_server(server: Server) -> None:
    bad = [
        requests.post(server.url, data=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}, timeout=30),
        requests.post(server.url, data=b"query=x", headers={"Content-Type": "text/plain"}, timeout=30),
        requests.get(server.url, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30),
        requests.post(server.url, data={"nothing": "here"}, timeout=30),
        requests.get(server.base + "no/such/path", timeout=30),
    ]
    assert [r.status_code for r in bad] == [400, 415, 400, 400, 404]
    assert triple_count(server) > 50


# --- service description, page, binding, CORS ---------------------------------------------------


def test_service_description_is_at_the_endpoint_iri(server: Server) -> None:
    response = requests.get(server.url, headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(server.url)) in graph
    assert (None, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = set(graph.objects(None, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in formats


def test_binds_to_loopback_by_default(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_query_page_is_self_contained(server: Server) -> None:
    response = requests.get(server.base, timeout=30)
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", response.text)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_cors_is_off_by_default(server: Server) -> None:
    response = requests.get(server.url, params={"query": "ASK {}"}, headers={"Origin": "https://example.org"},
                            timeout=30)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_allows_only_the_configured_origin() -> None:
    running = start_server("--ontology", str(VOCABULARY), "--cors-origin", "https://tools.example.org",
                           "--workers", "1")
    try:
        allowed = requests.get(running.url, params={"query": "ASK {}"}, timeout=30,
                               headers={"Origin": "https://tools.example.org"})
        other = requests.get(running.url, params={"query": "ASK {}"}, timeout=30,
                             headers={"Origin": "https://elsewhere.example.org"})
        preflight = requests.options(running.url, timeout=30, headers={
            "Origin": "https://tools.example.org", "Access-Control-Request-Method": "POST"})
    finally:
        stop_server(running)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://tools.example.org"
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_graph_file_is_served_as_it_is(tmp_path: Path) -> None:
    export = tmp_path / "export.nt"
    export.write_text('<urn:x:a> <http://www.w3.org/2004/02/skos/core#prefLabel> "only this"@en .\n')
    running = start_server("--graph", str(export), "--workers", "1")
    try:
        response = requests.get(running.url, params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"},
                                headers={"Accept": "text/csv"}, timeout=30)
    finally:
        stop_server(running)
    assert response.text.splitlines() == ["s,p,o", "urn:x:a,http://www.w3.org/2004/02/skos/core#prefLabel,only this"]


def test_unreadable_graph_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> .\n")
    done = subprocess.run([sys.executable, "-m", "cxgraph", "serve", "--graph", str(broken), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{broken}:1:" in done.stderr


