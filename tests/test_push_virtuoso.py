"""``cxgraph push`` into a real Virtuoso (Debian's ``virtuoso-opensource``) on loopback.

The fixture starts its own Virtuoso in a temporary folder (its own virtuoso.ini, database and
ports, loopback only) and stops it afterwards. The vocabulary is pushed with digest auth to
Virtuoso's authenticated Graph Store endpoint, twice, then read back through Virtuoso's own
SPARQL endpoint: the triple count, and three named queries compared with ``cxgraph query``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from .conftest import ROOT, skip_or_fail

pytestmark = [pytest.mark.server, pytest.mark.slow]

GRAPH = "https://w3id.org/cxgraph/vocabulary"
EXPORT_GRAPH = "https://w3id.org/cxgraph/vocabulary/export"
#: Virtuoso's administrator account on a new database.
USER, PASSWORD = "dba", "dba"
NAMED_QUERIES = ("nps-categories", "support-tiers-in-order", "synonyms-of-term")

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
MaxClientConnections = 8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Virtuoso on loopback; yields its base URL (``http://127.0.0.1:PORT``)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        skip_or_fail("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    assert binary is not None
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port),
                                         encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                               cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    tail = (folder / "virtuoso.log").read_text(errors="replace")[-2000:] if (
                        folder / "virtuoso.log").exists() else ""
                    raise AssertionError(f"Virtuoso did not start:\n{tail}") from None
                time.sleep(0.25)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)  # Virtuoso checkpoints and exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def cxgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cxgraph", *args], capture_output=True, text=True, timeout=180,
                          env=env)


def push_env() -> dict[str, str]:
    return {**os.environ, "CXGRAPH_PUSH_USER": USER, "CXGRAPH_PUSH_PASSWORD": PASSWORD}


def virtuoso_select(base: str, text: str, graph: str = GRAPH) -> list[dict[str, Any]]:
    response = requests.post(f"{base}/sparql", data={"query": text, "default-graph-uri": graph}, timeout=60,
                             headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


def count(base: str, graph: str) -> int:
    rows = virtuoso_select(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", graph)
    return int(rows[0]["n"]["value"])


def comparable(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, str, str, str], ...]]:
    """Rows as sorted tuples of (variable, kind, value, language): Virtuoso writes typed literals
    as ``"type": "typed-literal"`` (the SPARQL 1.0 form), Oxigraph as ``"literal"``."""

    def term(cell: dict[str, Any]) -> tuple[str, str]:
        kind = "iri" if cell["type"] == "uri" else "bnode" if cell["type"] == "bnode" else "literal"
        return kind, cell.get("xml:lang", "")

    return sorted(
        tuple(sorted((name, *term(cell)[:1], str(cell["value"]), term(cell)[1]) for name, cell in row.items()))
        for row in rows
    )


def test_push_twice_to_virtuoso_with_digest_auth_then_count_and_query(virtuoso: str) -> None:
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    first = cxgraph("push", endpoint, "--digest", "-q", env=push_env())
    assert first.returncode == 0, first.stderr
    assert "(HTTP 201)" in first.stdout  # Virtuoso answers a new graph with 201 Created
    second = cxgraph("push", endpoint, "--digest", "-q", env=push_env())
    assert second.returncode == 0, second.stderr
    assert "(HTTP 200)" in second.stdout or "(HTTP 201)" in second.stdout

    local = cxgraph("query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json")
    assert local.returncode == 0, local.stderr
    expected = int(json.loads(local.stdout)["results"]["bindings"][0]["n"]["value"])
    assert count(virtuoso, GRAPH) == expected  # replaced, not added: one copy after two pushes

    for name in NAMED_QUERIES:
        text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8-sig")
        ours = cxgraph("query", name, "--format", "json")
        assert ours.returncode == 0, ours.stderr
        mine = json.loads(ours.stdout)["results"]["bindings"]
        assert mine, f"{name} returns nothing locally"
        assert comparable(virtuoso_select(virtuoso, text)) == comparable(mine), name


def test_the_nt_export_pushed_as_it_is_holds_its_line_count(virtuoso: str) -> None:
    export = ROOT / "exports" / "cxgraph.nt"
    lines = sum(1 for line in export.read_text(encoding="utf-8").splitlines() if line.strip())
    for _ in range(2):
        done = cxgraph("push", f"{virtuoso}/sparql-graph-crud-auth", "--digest", "-q", "--graph", str(export),
                       "--format", "ntriples", "--graph-iri", EXPORT_GRAPH, env=push_env())
        assert done.returncode == 0, done.stderr
    assert count(virtuoso, EXPORT_GRAPH) == lines


def test_virtuoso_refuses_anonymous_writes_and_the_hint_says_so(virtuoso: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXGRAPH_PUSH_")}
    done = cxgraph("push", f"{virtuoso}/sparql-graph-crud-auth", "--digest", "-q", env=env)
    assert done.returncode == 2
    assert "closed the connection" in done.stderr or "HTTP 401" in done.stderr, done.stderr
    assert "asks for credentials" in done.stderr and "--digest" in done.stderr


def test_a_wrong_digest_password_is_reported_as_refused(virtuoso: str) -> None:
    env = {**push_env(), "CXGRAPH_PUSH_PASSWORD": "not-the-password"}
    done = cxgraph("push", f"{virtuoso}/sparql-graph-crud-auth", "--digest", "-q", env=env)
    assert done.returncode == 2
    assert "not-the-password" not in done.stderr
    assert "wrong user or password" in done.stderr or "HTTP 401" in done.stderr, done.stderr


@pytest.fixture(autouse=True)
def _bounded(request: pytest.FixtureRequest) -> Iterator[None]:
    started = time.monotonic()
    yield
    assert time.monotonic() - started < 240, f"{request.node.name} took too long"

