"""Load benchmark of ``cxgraph serve`` against the Oxigraph server on the same data.

Eight concurrent clients (separate processes, one keep-alive connection each) send the same
query over loopback for a fixed time; we report requests per second and p50/p99 latency for
two queries: a label lookup and a transitive hierarchy query (``skos:broader+``). Both
servers serve the same N-Triples file: ``cxgraph serve --graph FILE`` and ``oxigraph serve``
(from the ``oxigraph`` package on PyPI) loaded with a Graph Store PUT.

Run alone: ``python benchmarks/endpoint_load.py`` (prints JSON). The benchmark suite calls
:func:`run` and gets a flat dict of numbers.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["run"]

PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, path: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server answered on port {port} in time")


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: pip install oxigraph")
    return found


def _client(
    port: int, path: str, seconds: float, max_requests: int, start_at: float, out: multiprocessing.Queue[Any]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "application/sparql-results+json"}
    latencies: list[float] = []
    errors = 0
    while time.time() < start_at:
        time.sleep(0.001)
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop and len(latencies) + errors < max_requests:
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        if ok:
            latencies.append(time.perf_counter() - began)
        else:
            errors += 1
    connection.close()
    out.put((latencies, errors))


def _load(port: int, path: str, clients: int, seconds: float, max_requests: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    start_at = time.time() + 1.0  # every client starts together, after its interpreter is up
    workers = [
        context.Process(target=_client, args=(port, path, seconds, max_requests, start_at, results))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    gathered = [results.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(x for lat, _ in gathered for x in lat)
    errors = sum(e for _, e in gathered)
    if not latencies:
        return {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "requests": 0, "errors": errors}
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": p99 * 1000,
        "requests": len(latencies),
        "errors": errors,
    }


def _queries(data: bytes) -> dict[str, str]:
    """A label lookup and a transitive hierarchy query that both have answers in ``data``."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    def first(query: str, variable: str) -> Any:
        solutions = store.query(PREFIXES + query)
        assert isinstance(solutions, ox.QuerySolutions)
        return next(iter(solutions))[variable]

    label = first(
        "SELECT ?l WHERE { ?c skos:altLabel|skos:prefLabel ?l FILTER(lang(?l) = 'en') } ORDER BY ?l LIMIT 1", "l"
    )
    top = first(
        "SELECT ?t (COUNT(?d) AS ?n) WHERE { ?d skos:broader+ ?t } GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 1", "t"
    )
    return {
        "label": PREFIXES + f"SELECT ?concept WHERE {{ ?concept skos:prefLabel|skos:altLabel {label} }}",
        "hierarchy": PREFIXES + f"SELECT ?narrower WHERE {{ ?narrower skos:broader+ {top} }}",
    }


def run(
    seconds: float = 5.0, clients: int = 8, max_requests: int = 20_000, ontology: Path | None = None
) -> dict[str, float]:
    """Measure both servers on the complete vocabulary; a flat dict of numbers."""
    import pyoxigraph as ox

    from cxgraph.pipeline import complete_store

    data = ox.serialize((q.triple for q in complete_store(ontology)), format=ox.RdfFormat.N_TRIPLES) or b""
    queries = _queries(data)
    numbers: dict[str, float] = {"triples": float(data.count(b"\n")), "clients": float(clients), "seconds": seconds}
    with tempfile.TemporaryDirectory(prefix="cxgraph-bench-") as tmp:
        graph_file = Path(tmp) / "vocabulary.nt"
        graph_file.write_bytes(data)
        servers = {
            "cxgraph": ([sys.executable, "-m", "cxgraph", "serve", "--graph", str(graph_file)], "/sparql"),
            "oxigraph": ([_oxigraph_binary(), "serve"], "/query"),
        }
        for name, (command, query_path) in servers.items():
            port = _free_port()
            args = [*command, "--port", str(port)] if name == "cxgraph" else [*command, "--bind", f"127.0.0.1:{port}"]
            process = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"}
            )
            try:
                _wait_for(port, query_path + "?query=" + quote("ASK {}"), time.monotonic() + 120)
                if name == "oxigraph":
                    put = urllib.request.Request(
                        f"http://127.0.0.1:{port}/store?default",
                        data=data,
                        method="PUT",
                        headers={"Content-Type": "application/n-triples"},
                    )
                    urllib.request.urlopen(put, timeout=60).close()
                for kind, text in queries.items():
                    path = f"{query_path}?query={quote(text)}"
                    _load(port, path, clients, min(1.0, seconds), max_requests)  # warm-up
                    for key, value in _load(port, path, clients, seconds, max_requests).items():
                        numbers[f"{name}_{kind}_{key}"] = value
            finally:
                process.terminate()
                process.wait(timeout=30)
    numbers["label_rps_ratio"] = numbers["cxgraph_label_rps"] / max(numbers["oxigraph_label_rps"], 1e-9)
    numbers["hierarchy_rps_ratio"] = numbers["cxgraph_hierarchy_rps"] / max(numbers["oxigraph_hierarchy_rps"], 1e-9)
    return numbers


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
