"""Load benchmark of ``cxgraph serve`` against the Oxigraph server on the same data, driven by ``wrk``.

The load comes from ``wrk`` (Debian's package: ``apt-get install wrk``), a compiled load
generator, so the clients cost little CPU beside the servers on a small machine. A Lua script
sends varied label lookups: every request asks for a different label of the vocabulary (in
turn through all its preferred and alternative labels), so no answer is served from a cache of
one query. Both servers serve the same N-Triples file (``cxgraph serve --graph FILE`` and
``oxigraph serve`` loaded with a Graph Store PUT), on loopback only. They are measured in
alternating rounds (cxgraph then Oxigraph, then the other way round) at each client count,
and each figure is the median over the rounds. The servers' CPU time per request is read
from ``/proc`` for the whole server process tree.

Run alone: ``python benchmarks/endpoint_load.py`` (prints JSON). The benchmark suite calls
:func:`run` and gets a flat dict of numbers.
"""

from __future__ import annotations

import json
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
from urllib.parse import quote

__all__ = ["CLIENTS", "SERVERS", "run"]

PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
SERVERS = ("cxgraph", "oxigraph")
CLIENTS = (8, 32)
_TICK = os.sysconf("SC_CLK_TCK")

_LUA = """
local queries = {%(queries)s}
local base = "/"
local i = 0
init = function(args)
  base = args[1]
  i = tonumber(args[2]) or 0
end
request = function()
  i = i %% #queries + 1
  return wrk.format("GET", base .. queries[i], {["Accept"] = "application/sparql-results+json"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%.1f, "p99_us": %%.1f, ' ..
    '"socket_errors": %%d, "non_2xx": %%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


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


def _binary(name: str, hint: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: {hint}")
    return found


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its live descendants."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _TICK
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(k) for k in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def _labels(data: bytes) -> list[str]:
    """Every English preferred and alternative label of the data, as SPARQL literals, in a fixed order."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    solutions = store.query(PREFIXES + "SELECT DISTINCT ?l WHERE { ?c skos:prefLabel|skos:altLabel ?l "
                            "FILTER(lang(?l) = 'en') } ORDER BY ?l")
    assert isinstance(solutions, ox.QuerySolutions)
    return [str(row["l"]) for row in solutions]


def _script(labels: list[str], path: Path) -> None:
    queries = [
        "?query=" + quote(PREFIXES + f"SELECT ?concept WHERE {{ ?concept skos:prefLabel|skos:altLabel {label} }}")
        for label in labels
    ]
    path.write_text(_LUA % {"queries": ",\n".join(json.dumps(q) for q in queries)}, encoding="utf-8")


def _wrk(wrk: str, port: int, base: str, script: Path, clients: int, seconds: float, offset: int) -> dict[str, float]:
    argv = [wrk, "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script),
            f"http://127.0.0.1:{port}{base}", "--", base, str(offset)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed: {(done.stderr or done.stdout).strip()[-300:]}")
    figures = json.loads(lines[-1])
    duration = figures["duration_us"] / 1e6
    return {"rps": figures["requests"] / duration, "p50_ms": figures["p50_us"] / 1000,
            "p99_ms": figures["p99_us"] / 1000, "requests": float(figures["requests"]),
            "errors": float(figures["socket_errors"] + figures["non_2xx"])}


def run(seconds: float = 3.0, clients: tuple[int, ...] = CLIENTS, rounds: int = 3,
        ontology: Path | None = None) -> dict[str, float]:
    """Measure both servers on the complete vocabulary; a flat dict of numbers.

    Keys: ``{server}_label_c{clients}_{rps,p50_ms,p99_ms,errors,cpu_us}`` (medians over the
    rounds; ``cpu_us`` is the server's CPU time per request) and ``label_c{clients}_ratio``
    (cxgraph's requests per second over Oxigraph's).
    """
    import pyoxigraph as ox

    from cxgraph.pipeline import complete_store

    wrk = _binary("wrk", "apt-get install wrk")
    oxigraph = _binary("oxigraph", "pip install oxigraph")
    data = ox.serialize((q.triple for q in complete_store(ontology)), format=ox.RdfFormat.N_TRIPLES) or b""
    labels = _labels(data)
    numbers: dict[str, float] = {"triples": float(data.count(b"\n")), "labels": float(len(labels)),
                                 "seconds": seconds, "rounds": float(rounds)}
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="cxgraph-bench-") as tmp:
        graph_file, script = Path(tmp) / "vocabulary.nt", Path(tmp) / "labels.lua"
        graph_file.write_bytes(data)
        _script(labels, script)
        ports = {name: _free_port() for name in SERVERS}
        commands = {
            "cxgraph": [sys.executable, "-m", "cxgraph", "serve", "--graph", str(graph_file),
                        "--port", str(ports["cxgraph"])],
            "oxigraph": [oxigraph, "serve", "--bind", f"127.0.0.1:{ports['oxigraph']}"],
        }
        bases = {"cxgraph": "/sparql", "oxigraph": "/query"}
        processes = {name: subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for name, argv in commands.items()}
        try:
            for name in SERVERS:
                _wait_for(ports[name], bases[name] + "?query=" + quote("ASK {}"), time.monotonic() + 120)
            put = urllib.request.Request(f"http://127.0.0.1:{ports['oxigraph']}/store?default", data=data,
                                         method="PUT", headers={"Content-Type": "application/n-triples"})
            urllib.request.urlopen(put, timeout=120).close()
            for name in SERVERS:  # warm-up
                _wrk(wrk, ports[name], bases[name], script, clients[0], 1, 0)
            offset = 0
            for round_ in range(rounds):
                for count in clients:
                    order = SERVERS if round_ % 2 == 0 else tuple(reversed(SERVERS))
                    for name in order:
                        cpu = _tree_cpu(processes[name].pid)
                        figures = _wrk(wrk, ports[name], bases[name], script, count, seconds, offset)
                        figures["cpu_us"] = (_tree_cpu(processes[name].pid) - cpu) / max(figures["requests"], 1) * 1e6
                        for key, value in figures.items():
                            samples.setdefault(f"{name}_label_c{count}_{key}", []).append(value)
                    offset += 997  # the next round starts elsewhere in the list of labels
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                process.wait(timeout=30)
    for key, values in samples.items():
        numbers[key] = max(values) if key.endswith("_errors") else statistics.median(values)
    for count in clients:
        numbers[f"label_c{count}_ratio"] = (numbers[f"cxgraph_label_c{count}_rps"]
                                            / max(numbers[f"oxigraph_label_c{count}_rps"], 1e-9))
    return numbers


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
