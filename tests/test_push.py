"""``cxgraph push`` into a real Oxigraph server on loopback (the ``oxigraph`` PyPI package).

Pushes the test vocabulary, reads back the triple count and query answers through the
store's own SPARQL endpoint, and checks that a second push replaces rather than adds.
Authentication headers are checked against a small recording server on loopback.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from .conftest import DATA, skip_or_fail

pytestmark = pytest.mark.server

VOCABULARY = DATA / "server-vocabulary"
GRAPH = "https://w3id.org/cxgraph/vocabulary"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        skip_or_fail("the Oxigraph server is not installed (pip install oxigraph)")
    assert found is not None
    return found


@pytest.fixture
def oxigraph() -> Iterator[str]:
    """A fresh in-memory Oxigraph server; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("the Oxigraph server did not start") from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=20)


def cxgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cxgraph", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def store_select(base: str, text: str) -> list[dict[str, Any]]:
    response = requests.post(f"{base}/query", data={"query": text}, timeout=30,
                             headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


def local_select(text: str) -> list[dict[str, Any]]:
    done = cxgraph("query", "--ontology", str(VOCABULARY), "--sparql", text, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)["results"]["bindings"]
    return rows


def count_in(base: str, graph: str | None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    return int(store_select(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"]["value"])


LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?l WHERE { GRAPH_OPEN ?c skos:prefLabel|skos:altLabel ?l GRAPH_CLOSE } ORDER BY ?c ?l"""
HIERARCHY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?n WHERE { GRAPH_OPEN ?n skos:broader+ <https://w3id.org/cxgraph/metric> GRAPH_CLOSE } ORDER BY ?n"""


def in_graph(text: str, graph: str | None) -> str:
    opening, closing = (f"GRAPH <{graph}> {{", "}") if graph else ("", "")
    return text.replace("GRAPH_OPEN", opening).replace("GRAPH_CLOSE", closing)


def test_push_then_read_back_the_same_triples_and_answers(oxigraph: str) -> None:
    done = cxgraph("push", f"{oxigraph}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 0, done.stderr
    local_count = int(local_select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    assert f"Pushed {local_count:,} triples into graph <{GRAPH}>" in done.stdout
    assert count_in(oxigraph, GRAPH) == local_count
    assert count_in(oxigraph, None) == 0  # nothing leaked into the default graph
    for text in (LABELS, HIERARCHY):
        assert store_select(oxigraph, in_graph(text, GRAPH)) == local_select(in_graph(text, None))


def test_pushing_twice_leaves_one_copy(oxigraph: str) -> None:
    for _ in range(2):
        assert cxgraph("push", f"{oxigraph}/store", "--ontology", str(VOCABULARY), "--format", "ntriples").returncode == 0
    local_count = int(local_select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    assert count_in(oxigraph, GRAPH) == local_count  # the blank node too: replaced, not added


def test_push_to_default_graph_and_custom_graph_iri(oxigraph: str) -> None:
    assert cxgraph("push", f"{oxigraph}/store", "--ontology", str(VOCABULARY), "--default-graph").returncode == 0
    assert cxgraph("push", f"{oxigraph}/store", "--ontology", str(VOCABULARY),
                   "--graph-iri", "urn:cxgraph:test").returncode == 0
    assert count_in(oxigraph, None) == count_in(oxigraph, "urn:cxgraph:test") > 50


def test_push_to_a_closed_port_is_a_clear_error() -> None:
    done = cxgraph("push", f"http://127.0.0.1:{free_port()}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert "cannot reach the store" in done.stderr


def test_push_to_a_wrong_path_names_the_status_and_a_hint(oxigraph: str) -> None:
    done = cxgraph("push", f"{oxigraph}/no-such-endpoint", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert "HTTP 404" in done.stderr
    assert "hint:" in done.stderr


def test_push_refuses_a_non_http_url() -> None:
    done = cxgraph("push", "file:///etc/passwd", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert "http:// or https://" in done.stderr


class _Recorder(BaseHTTPRequestHandler):
    """Answers 401 unless the expected Authorization header comes; records what it got."""

    expected: str = ""
    seen: ClassVar[list[dict[str, str]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append({"auth": self.headers.get("Authorization", ""), "type": self.headers.get("Content-Type", ""),
                          "path": self.path, "size": str(len(body))})
        status = 204 if self.headers.get("Authorization") == self.expected else 401
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Recorder", (_Recorder,), {"seen": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", handler
    server.shutdown()
    server.server_close()


def test_basic_auth_from_environment_variables(recorder: tuple[str, type[_Recorder]]) -> None:
    url, handler = recorder
    handler.expected = "Basic " + base64.b64encode(b"admin:s3cret").decode()
    env = {**os.environ, "CXGRAPH_PUSH_USER": "admin", "CXGRAPH_PUSH_PASSWORD": "s3cret"}
    done = cxgraph("push", url, "--ontology", str(VOCABULARY), env=env)
    assert done.returncode == 0, done.stderr
    assert handler.seen[-1]["type"] == "text/turtle"
    assert handler.seen[-1]["path"] == "/store?graph=https%3A%2F%2Fw3id.org%2Fcxgraph%2Fvocabulary"


def test_bearer_token_and_refused_credentials(recorder: tuple[str, type[_Recorder]]) -> None:
    url, handler = recorder
    handler.expected = "Bearer good-token"
    assert cxgraph("push", url, "--ontology", str(VOCABULARY), "--token", "good-token").returncode == 0
    refused = cxgraph("push", url, "--ontology", str(VOCABULARY), "--token", "bad-token")
    assert refused.returncode == 2
    assert "HTTP 401" in refused.stderr
    assert "--user" in refused.stderr  # the hint says how to authenticate


class _Forbidding(BaseHTTPRequestHandler):
    """A store that lets nobody write: every PUT gets 403."""

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_403_hint_blames_only_credentials_that_were_given() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Forbidding)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXGRAPH_PUSH_")}
    try:
        anonymous = cxgraph("push", url, "--ontology", str(VOCABULARY), env=env)
        with_user = cxgraph("push", url, "--ontology", str(VOCABULARY), "--user", "u", "--password", "p", env=env)
    finally:
        server.shutdown()
        server.server_close()
    assert anonymous.returncode == with_user.returncode == 2
    assert "HTTP 403" in anonymous.stderr
    assert "these credentials" not in anonymous.stderr
    assert "anonymous clients" in anonymous.stderr and "--user" in anonymous.stderr
    assert "these credentials" in with_user.stderr


def test_push_accepts_quiet_and_prints_only_its_result(recorder: tuple[str, type[_Recorder]]) -> None:
    url, handler = recorder
    handler.expected = "Bearer t0ken"
    done = cxgraph("push", url, "--ontology", str(VOCABULARY), "--token", "t0ken", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Pushed ")
    loud = cxgraph("push", url, "--ontology", str(VOCABULARY), "--token", "t0ken")
    assert "serialised" in loud.stderr


class _Store(BaseHTTPRequestHandler):
    """A Graph Store stand-in on loopback: checks basic auth, trickles its answer, or redirects."""

    protocol_version = "HTTP/1.1"
    mode = "auth"  # "auth", "trickle", "silent", "slow-reader" or "redirect"
    expected = ""
    location = ""
    seen: ClassVar[list[dict[str, str]]] = []
    stop: ClassVar[threading.Event] = threading.Event()

    def do_PUT(self) -> None:
        if self.mode == "slow-reader":  # takes the upload 4 KiB every 0.1 s
            self.seen.append({"auth": "", "path": self.path, "size": self.headers.get("Content-Length", "")})
            while not self.stop.wait(0.1) and self.rfile.read(4096):
                pass
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append({"auth": self.headers.get("Authorization", ""), "path": self.path, "size": str(len(body))})
        if self.mode == "trickle":
            answer = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n" + b"X-Padding: " + b"." * 200 + b"\r\n\r\n"
            for byte in answer:  # one byte every 0.4 s: each read is quick, the whole answer takes 80 s
                if self.stop.wait(0.4):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        if self.mode == "silent":
            self.stop.wait(60)
            return
        if self.mode == "redirect":
            self.send_response(307)
            self.send_header("Location", self.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("Authorization") == self.expected:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        got = base64.b64decode(self.headers.get("Authorization", "Basic ").split()[-1] or b"").decode()
        text = f"bad credentials {got}".encode()  # a careless store that echoes them
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def store() -> Iterator[tuple[int, type[_Store]]]:
    from http.server import ThreadingHTTPServer

    handler = type("Store", (_Store,), {"seen": [], "stop": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1]), handler
    handler.stop.set()
    server.shutdown()
    server.server_close()


def test_max_time_bounds_a_push_to_a_store_that_trickles(store: tuple[int, type[_Store]]) -> None:
    port, handler = store
    handler.mode = "trickle"
    started = time.monotonic()
    done = cxgraph("push", f"http://127.0.0.1:{port}/store", "--ontology", str(VOCABULARY),
                   "--timeout", "2", "--max-time", "3")
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert "did not finish within 3 s (--max-time)" in done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    assert elapsed < 20  # start-up and serialising included; without the deadline it takes 80 s
    assert len(handler.seen) == 1


def test_a_store_that_does_not_answer_is_reported_after_timeout(store: tuple[int, type[_Store]]) -> None:
    port, handler = store
    handler.mode = "silent"  # reads the upload, then never answers
    done = cxgraph("push", f"http://127.0.0.1:{port}/store", "--ontology", str(VOCABULARY), "--timeout", "1")
    assert done.returncode == 2
    assert "did not answer within 1 s (--timeout)" in done.stderr


def test_credentials_in_the_url_are_used_and_never_printed(store: tuple[int, type[_Store]]) -> None:
    port, handler = store
    handler.expected = "Basic " + base64.b64encode(b"admin:s3cr@t!").decode()
    done = cxgraph("push", f"http://admin:s3cr%40t!@127.0.0.1:{port}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 0, done.stderr
    assert handler.seen[-1]["auth"] == handler.expected
    assert handler.seen[-1]["path"].startswith("/store?graph=")
    for secret in ("s3cr@t!", "s3cr%40t!"):
        assert secret not in done.stdout + done.stderr
    assert f"http://admin:***@127.0.0.1:{port}/store" in done.stdout


def test_refused_credentials_from_the_url_are_blanked_out_of_every_message(
    store: tuple[int, type[_Store]],
) -> None:
    port, handler = store
    handler.expected = "Basic " + base64.b64encode(b"admin:right-one").decode()
    done = cxgraph("push", f"http://admin:wrong-one@127.0.0.1:{port}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert "HTTP 401" in done.stderr and "bad credentials admin:***" in done.stderr
    assert "wrong-one" not in done.stdout + done.stderr
    assert f"http://admin:***@127.0.0.1:{port}/store" in done.stderr
    env = {**os.environ, "CXGRAPH_PUSH_PASSWORD": "env-secret"}
    both = cxgraph("push", f"http://admin:wrong-one@127.0.0.1:{port}/store", "--ontology", str(VOCABULARY),
                   "--user", "other", env=env)
    assert both.returncode == 2
    assert "either in the URL or with --user/--password, not both" in both.stderr
    assert "wrong-one" not in both.stderr and "env-secret" not in both.stderr


def test_an_unreachable_store_with_credentials_in_the_url_does_not_print_them() -> None:
    done = cxgraph("push", f"http://admin:hunter22@127.0.0.1:{free_port()}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert "cannot reach the store" in done.stderr
    assert "hunter22" not in done.stderr and "admin:***@127.0.0.1" in done.stderr


def test_a_redirect_to_another_host_is_reported_with_its_target_and_not_followed(
    store: tuple[int, type[_Store]], recorder: tuple[str, type[_Recorder]]
) -> None:
    port, handler = store
    other_url, other = recorder
    other_port = other_url.split(":")[-1].split("/")[0]
    handler.mode = "redirect"
    handler.location = f"http://localhost:{other_port}/store?graph=x"
    done = cxgraph("push", f"http://admin:pw-in-url@127.0.0.1:{port}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert "HTTP 307" in done.stderr
    assert f"a redirect to http://localhost:{other_port}/store?graph=x (another host)" in done.stderr
    assert f"cxgraph push http://localhost:{other_port}/store" in done.stderr
    assert "pw-in-url" not in done.stderr
    assert other.seen == []  # neither the data nor the credentials went there


def test_a_redirect_on_the_same_host_names_the_full_target(store: tuple[int, type[_Store]]) -> None:
    port, handler = store
    handler.mode = "redirect"
    handler.location = "/store/"
    done = cxgraph("push", f"http://127.0.0.1:{port}/store", "--ontology", str(VOCABULARY))
    assert done.returncode == 2
    assert f"a redirect to http://127.0.0.1:{port}/store/ (another URL on this host)" in done.stderr
    assert len(handler.seen) == 1


def test_max_time_bounds_an_upload_the_store_reads_slowly(store: tuple[int, type[_Store]]) -> None:
    from cxgraph.server.push import PushError, push_graph

    port, handler = store
    handler.mode = "slow-reader"
    started = time.monotonic()
    with pytest.raises(PushError, match=r"did not finish within 2 s \(--max-time\)"):
        push_graph(f"http://127.0.0.1:{port}/store", b"<urn:a> <urn:b> <urn:c> .\n" * 2_000_000,
                   "application/n-triples", timeout=5, max_time=2)
    assert time.monotonic() - started < 10
    assert handler.seen
