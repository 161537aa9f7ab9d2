"""``cxgraph serve`` and ``cxgraph query`` against hostile clients and queries.

No query may open a connection (checked with a listener on loopback that must never be
reached), no small query may kill a worker, slow clients may not starve others, retiring or killed
workers lose no request, and malformed HTTP gets a 400 rather than silence or a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgraph.server.guard import VERDICTS, inspect_query

from .test_server import RUNAWAY, VOCABULARY, Server
from .test_server_prefork import children_of, wait_until

pytestmark = pytest.mark.server


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def start_logged(tmp_path: Path, *args: str) -> tuple[Server, Path]:
    """``cxgraph serve --port 0`` with standard error going to a file the test can read."""
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    handle = log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cxgraph", "serve", "--port", "0", "--ontology", str(VOCABULARY), *args],
        stdout=subprocess.DEVNULL, stderr=handle, text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        match = re.search(r"SPARQL endpoint: (\S+)", log.read_text())
        if match:
            return Server(match.group(1), process), log
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise AssertionError("cxgraph serve did not start:\n" + log.read_text())


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    target = Listener()
    yield target
    target.close()


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    running, log = start_logged(tmp_path_factory.mktemp("serve"), "--workers", "2", "--time-limit", "3")
    yield running, log
    stop(running)


# --- 1. no query opens a connection ---------------------------------------------------------------


def _escape_iri(iri: str, style: str) -> str:
    if style == "u":
        return "".join(f"\\u{ord(c):04X}" if c.isalpha() else c for c in iri)
    if style == "U":
        return "".join(f"\\U{ord(c):08X}" if c.isalpha() else c for c in iri)
    return iri


def service_queries(port: int) -> st.SearchStrategy[str]:
    """Queries calling SERVICE on the loopback listener, in escaped, commented and nested forms."""
    iri = f"http://127.0.0.1:{port}/sparql"

    @st.composite
    def build(draw: st.DrawFn) -> str:
        style = draw(st.sampled_from(["plain", "u", "U"]))
        target = draw(st.sampled_from(["iri", "pname", "var"]))
        keyword = draw(st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT"]))
        if target == "iri":
            name, prologue = f"<{_escape_iri(iri, style)}>", ""
        elif target == "pname":
            local = _escape_iri("sparql", style) if style != "plain" else "sparql"
            name, prologue = f"fed:{local}", f"PREFIX fed: <{_escape_iri(f'http://127.0.0.1:{port}/', style)}>\n"
        else:
            name, prologue = "?endpoint", ""
        call = f"{keyword} {name} {{ ?s ?p ?o }}"
        if target == "var":
            call = f"BIND(<{_escape_iri(iri, style)}> AS ?endpoint) {call}"
        smuggler = draw(st.sampled_from([
            "", r"BIND(<urn:\u0061#> AS ?i) ", r"BIND(<urn:\U00000061#> AS ?i) ", "# comment\n",
            'BIND("#" AS ?h) ', "BIND(<urn:x#> AS ?j)\n",
        ]))
        wrapper = draw(st.sampled_from(["{}", "OPTIONAL {{ {} }}", "{{ SELECT * WHERE {{ {} }} }}",
                                        "FILTER EXISTS {{ {} }}", "{{ {} }} UNION {{ }}", "MINUS {{ {} }}"]))
        return f"{prologue}SELECT * WHERE {{ {smuggler}{wrapper.format(call)} }}"

    return build()


def test_the_reported_smuggled_service_is_refused_and_never_connects(
    logged: tuple[Server, Path], listener: Listener
) -> None:
    server, _ = logged
    text = (rf"SELECT * WHERE {{ BIND(<urn:\u0061#> AS ?i) "
            rf"SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}")
    before = listener.hits
    response = requests.get(server.url, params={"query": text}, timeout=30)
    assert response.status_code == 403
    time.sleep(0.2)
    assert listener.hits == before


@pytest.mark.slow
def test_no_service_form_reaches_the_network_through_the_endpoint(
    logged: tuple[Server, Path], listener: Listener
) -> None:
    server, _ = logged

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(service_queries(listener.port))
    def check(text: str) -> None:
        before = listener.hits
        response = requests.post(server.url, data=text.encode(), timeout=30,
                                 headers={"Content-Type": "application/sparql-query"})
        assert response.status_code in (200, 400, 403), (text, response.status_code, response.text)
        assert listener.hits == before, text

    check()
    time.sleep(0.3)
    assert listener.hits == 0


@pytest.mark.slow
def test_no_service_form_reaches_the_network_through_cxgraph_query(listener: Listener) -> None:
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(service_queries(listener.port))
    def check(text: str) -> None:
        before = listener.hits
        done = subprocess.run([sys.executable, "-m", "cxgraph", "query", "--ontology", str(VOCABULARY),
                               "--sparql", text], capture_output=True, text=True, timeout=120)
        assert done.returncode in (0, 2), done.stderr
        assert "Traceback" not in done.stderr
        assert listener.hits == before, text

    check()
    assert listener.hits == 0


def test_guard_still_explains_service_with_escapes() -> None:
    from cxgraph.server.guard import Refused

    with pytest.raises(Refused):
        inspect_query(r"SELECT * WHERE { BIND(<urn:\u0061#> AS ?i) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


# --- 2. small queries cannot kill a worker --------------------------------------------------------

DEEP = "ASK { " + "{ " * 3000 + "}" * 3000 + " }"
MIXED_ORDER = ('SELECT ?x WHERE { VALUES ?x { "15" 60 55 "75" 3.5 27 "28" "70" "86" 53.5 23.5 15.5 91.5 54 "36" 64 '
               '"31" "47" 84 "50" 93 78.5 74 21 69.5 "51" "45" 77.5 66.5 "54" 46 "52" 0.5 } } ORDER BY ?x')


def test_deep_nesting_is_a_400_and_the_workers_live_on(logged: tuple[Server, Path]) -> None:
    server, _ = logged
    assert wait_until(lambda: len(children_of(server.process.pid)) == 2)
    workers = children_of(server.process.pid)
    for _ in range(4):
        response = requests.post(server.url, data={"query": DEEP}, timeout=30)
        assert response.status_code == 400
        assert "levels deep" in response.text
    assert children_of(server.process.pid) == workers


def test_order_by_over_mixed_types_is_a_500_and_the_workers_live_on(logged: tuple[Server, Path]) -> None:
    server, _ = logged
    assert wait_until(lambda: len(children_of(server.process.pid)) == 2)
    workers = children_of(server.process.pid)
    for _ in range(4):
        response = requests.get(server.url, params={"query": MIXED_ORDER}, timeout=30)
        assert response.status_code == 500
        assert "ORDER BY" in response.text
    assert requests.get(server.url, params={"query": "ASK {}"}, timeout=30).json()["boolean"] is True
    assert children_of(server.process.pid) == workers


def test_cxgraph_query_refuses_deep_nesting_and_survives_the_sort_crash_in_one_line() -> None:
    for text, expected in ((DEEP, "levels deep"), (MIXED_ORDER, "crashed")):
        done = subprocess.run([sys.executable, "-m", "cxgraph", "query", "--ontology", str(VOCABULARY),
                               "--sparql", text], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert expected in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_query_over_the_memory_cap_is_a_503_and_only_its_child_ends() -> None:
    from cxgraph.server.engine import Job, evaluate_in_child
    from cxgraph.server.source import served_store

    store = served_store(VOCABULARY)
    # a sort over a four-way cartesian product (10 million rows): gigabytes without a cap
    text = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a"
    outcome = evaluate_in_child(store, Job(text, "text/csv", None), 10**12, 64 * 1024 * 1024)
    assert outcome.status == 503
    assert b"memory cap" in outcome.body
    assert evaluate_in_child(store, Job("ASK {}", "text/csv", None), 10**6, 64 * 1024 * 1024).status == 200


def test_a_query_past_the_workers_memory_cap_is_a_503_and_the_worker_is_replaced(tmp_path: Path) -> None:
    running, log = start_logged(tmp_path, "--workers", "1", "--time-limit", "20", "--max-query-memory", "64")
    try:
        before = children_of(running.process.pid)
        # groups over a four-way cartesian product (10 million groups): the group table grows without bound
        hog = "SELECT ?c ?f ?i ?l (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } GROUP BY ?c ?f ?i ?l"
        answer = requests.get(running.url, params={"query": hog}, headers={"Accept": "text/csv"}, timeout=60)
        assert answer.status_code == 503, answer.text[:200]
        assert "memory cap" in answer.text
        assert wait_until(lambda: children_of(running.process.pid) not in ({*before}, set()), 30)
        after = requests.get(running.url, params={"query": "ASK {}"}, headers={"Accept": "text/csv"}, timeout=30)
        assert after.status_code == 200
    finally:
        stop(running)
    assert "Traceback" not in log.read_text()


# --- 3. slow clients ------------------------------------------------------------------------------


def _drip(sockets: list[socket.socket], stop_at: float) -> None:
    while time.monotonic() < stop_at:
        for sock in list(sockets):
            with contextlib.suppress(OSError):
                sock.send(b"X")
        time.sleep(5)


@pytest.mark.slow
def test_300_slowloris_connections_do_not_stop_a_probe_client(tmp_path: Path) -> None:
    server, _ = start_logged(tmp_path, "--workers", "2")
    port = int(server.url.split(":")[2].split("/")[0])
    sockets: list[socket.socket] = []
    try:
        for _ in range(300):
            sock = socket.socket()
            sock.bind(("127.0.0.2", 0))  # one other client address on loopback
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", port))
                sock.send(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        dripper = threading.Thread(target=_drip, args=(sockets, time.monotonic() + 25), daemon=True)
        dripper.start()
        latencies = []
        end = time.monotonic() + 20
        while time.monotonic() < end:
            started = time.monotonic()
            response = requests.get(server.url, params={"query": "ASK {}"}, timeout=10,
                                    headers={"Connection": "close"})
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
            time.sleep(0.1)
        assert max(latencies) < 5
    finally:
        for sock in sockets:
            sock.close()
        stop(server)


def test_a_request_trickling_in_is_closed_at_its_header_deadline(logged: tuple[Server, Path]) -> None:
    server, _ = logged
    port = int(server.url.split(":")[2].split("/")[0])
    sock = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    sock.settimeout(1)
    closed = False
    try:
        while time.monotonic() - started < 30:
            try:
                sock.send(b"X")
                data = sock.recv(4096)
                if data == b"" or b"408" in data:
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
    finally:
        sock.close()
    assert closed
    assert time.monotonic() - started < 15  # the 10 s header deadline, not 1 s per byte


# --- 4. memory amplification ---------------------------------------------------------------------


def test_the_guard_cache_keeps_digests_not_query_texts() -> None:
    for index in range(300):
        inspect_query(f"SELECT * WHERE {{ ?s ?p ?o }} # {index} " + "x" * (256 * 1024))
    assert VERDICTS.size <= VERDICTS.budget
    assert VERDICTS.size < 300 * 1000


# --- 5. retirement loses no request ---------------------------------------------------------------


@pytest.mark.slow
def test_retiring_workers_lose_no_request_on_busy_keep_alive_connections(tmp_path: Path) -> None:
    server, _ = start_logged(tmp_path, "--workers", "2", "--time-limit", "1")
    failures: list[str] = []
    done = threading.Event()
    counts = [0]

    def client() -> None:
        session = requests.Session()
        while not done.is_set():
            try:
                response = session.get(server.url, params={"query": "ASK {}"}, timeout=30)
                if response.status_code != 200:
                    failures.append(str(response.status_code))
                counts[0] += 1
            except requests.RequestException as error:
                failures.append(repr(error))

    threads = [threading.Thread(target=client) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for _ in range(4):
            assert requests.get(server.url, params={"query": RUNAWAY}, timeout=60).status_code == 503
            time.sleep(0.5)
    finally:
        done.set()
        for thread in threads:
            thread.join()
        stop(server)
    assert counts[0] > 100
    assert failures == []


@pytest.mark.slow
@pytest.mark.parametrize("clients", [8, 32])
def test_killed_workers_lose_no_request_on_busy_keep_alive_connections(tmp_path: Path, clients: int) -> None:
    """SIGKILL a worker again and again under load: every request is still answered, and correctly."""
    server, log = start_logged(tmp_path, "--workers", "2", "--time-limit", "5")
    failures: list[str] = []
    done = threading.Event()
    counts = [0]
    expected = requests.get(server.url, params={"query": "SELECT ?c WHERE { ?c skos:prefLabel ?l } LIMIT 5"},
                            headers={"Accept": "text/csv"}, timeout=30).content

    def client() -> None:
        session = requests.Session()
        while not done.is_set():
            try:
                response = session.get(server.url, params={"query": "SELECT ?c WHERE { ?c skos:prefLabel ?l } LIMIT 5"},
                                       headers={"Accept": "text/csv"}, timeout=30)
                if response.status_code != 200 or response.content != expected:
                    failures.append(f"{response.status_code}: {response.text[:80]}")
                counts[0] += 1
            except requests.RequestException as error:
                failures.append(repr(error))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    kills = 0
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        for _ in range(4):
            workers = children_of(server.process.pid)
            assert workers
            os.kill(min(workers), signal.SIGKILL)
            kills += 1
            time.sleep(1.5)  # longer than the supervisor's fast-restart pause
    finally:
        done.set()
        for thread in threads:
            thread.join()
        stop(server)
    text = log.read_text()
    assert kills == 4
    assert counts[0] > 100
    assert failures == []
    assert text.count("signal 9") == 4
    assert "Traceback" not in text


# --- 6. HTTP correctness ---------------------------------------------------------------------------


def raw(server: Server, data: bytes, wait: float = 2.0) -> bytes:
    port = int(server.url.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(data)
        sock.settimeout(wait)
        chunks = []
        with contextlib.suppress(TimeoutError, OSError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_parameter_that_is_not_an_iri_is_a_400(logged: tuple[Server, Path], name: str) -> None:
    server, log = logged
    response = requests.get(server.url, params={"query": "ASK {}", name: "not an iri"}, timeout=30)
    assert response.status_code == 400
    assert name in response.text
    assert "Traceback" not in log.read_text()


def test_duplicate_content_length_is_a_400(logged: tuple[Server, Path]) -> None:
    server, _ = logged
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 6\r\nContent-Length: 60\r\n\r\nASK {}")
    assert answer.startswith(b"HTTP/1.1 400")
    assert answer.count(b"HTTP/1.1") == 1


def test_a_get_with_a_body_is_refused_and_the_body_is_not_read_as_a_request(logged: tuple[Server, Path]) -> None:
    server, _ = logged
    smuggled = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nContent-Length: "
                 + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled)
    assert answer.startswith(b"HTTP/1.1 400")
    assert answer.count(b"HTTP/1.1 ") == 1


def test_a_client_reset_logs_one_line_and_no_traceback(logged: tuple[Server, Path]) -> None:
    server, log = logged
    port = int(server.url.split(":")[2].split("/")[0])
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # RST
    time.sleep(1)
    text = log.read_text()
    assert "Traceback" not in text
    assert requests.get(server.url, params={"query": "ASK {}"}, timeout=30).status_code == 200
