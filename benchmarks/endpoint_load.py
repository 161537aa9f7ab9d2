"""Load benchmark of ``cxgraph serve`` against the Oxigraph server and Virtuoso on the same data, driven by ``wrk``.

The load comes from ``wrk`` (Debian's package: ``apt-get install wrk``), a compiled load
generator, so the clients cost little CPU beside the servers on a small machine. A Lua script
sends varied label lookups: every request asks for a different label of the vocabulary (in
turn through all its preferred and alternative labels in every language, 9,064), so no
answer is served from a cache (cxgraph screens a text without the words ``SERVICE`` and
``ORDER`` from its opening words; the few hundred labels such as "customer service" are
lexed whole, and their verdicts are kept). The three servers hold the
same N-Triples file, on loopback only:

- ``cxgraph serve --graph FILE``, queried at ``/sparql``;
- ``oxigraph serve`` (in memory), loaded with a Graph Store PUT, queried at ``/query``;
- Virtuoso (Debian's ``virtuoso-opensource``: ``virtuoso-t`` and ``isql-vt``) with a
  ``virtuoso.ini`` of the benchmark's own in a temporary folder, loaded with
  ``DB.DBA.TTLP_MT`` through ``isql-vt`` into one named graph that every query names with
  ``default-graph-uri`` (Virtuoso's default graph is otherwise the union of all its graphs,
  its own system graphs included), queried at ``/sparql``. Its settings
  (:data:`VIRTUOSO_SETTINGS`) give it enough threads and keep-alive connections for the most
  clients measured, no HTTP or query log and no limit on query time, cost or rows. It keeps
  compiled statements by query text, but no results.

Without ``virtuoso-t`` the other two are still measured and Virtuoso's figures are replaced by
:data:`VIRTUOSO_MISSING`. Before any load, a sample of the lookups goes to every server, which
must answer each with the same number of rows. The servers are measured in rounds at each
client count, their order rotating from round to round, and each figure is the median over the
rounds (errors: the most in any round). The servers' CPU time per request is read from
``/proc`` for each server's whole process tree.

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

__all__ = ["CLIENTS", "SERVERS", "VIRTUOSO_MISSING", "VIRTUOSO_SETTINGS", "lookup_text", "run"]

PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
SERVERS = ("cxgraph", "oxigraph", "virtuoso")
CLIENTS = (8, 32)
#: What the report says in place of Virtuoso's figures when it is not installed.
VIRTUOSO_MISSING = "not measured: virtuoso-t is not installed (apt-get install virtuoso-opensource)"
#: The named graph Virtuoso holds the data in.
GRAPH = "urn:cxgraph:benchmark"
_THREADS = 40  # server and HTTP threads: more than the most clients measured
_KEEP_ALIVES = 64
#: Virtuoso's settings in the benchmark, in words (the report prints them).
VIRTUOSO_SETTINGS = (f"{_THREADS} server threads and {_THREADS} HTTP threads, {_KEEP_ALIVES} keep-alive "
                     "connections, no HTTP or query log, no limit on query time, cost or rows, 80 MiB of buffers")
_TICK = os.sysconf("SC_CLK_TCK")
_SAMPLE = 100  # lookups every server must answer alike, spread over the list of labels

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

# Every path is in the benchmark's temporary folder; both ports listen on loopback only. Without a
# [SPARQL] section the endpoint has no limit on query time, estimated cost or result rows.
_VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = {threads}
MaxClientConnections = {threads}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = {threads}
MaxClientConnections = {threads}
MaxKeepAlives = {keep_alives}
KeepAliveTimeout = 60
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(name: str, process: subprocess.Popen[bytes], url: str, deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    tail = log.read_text(encoding="utf-8", errors="replace")[-500:] if log.exists() else ""
    raise RuntimeError(f"{name} did not answer in time (exit code {process.poll()}): {tail}")


def _binary(name: str, hint: str) -> str:
    found = _find(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: {hint}")
    return found


def _find(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


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
    """Every preferred and alternative label of the data, in every language, as SPARQL literals.

    In a fixed order. The shipped vocabulary has 9,064, so each request's query text is
    parsed and planned afresh by every server.
    """
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    solutions = store.query(PREFIXES + "SELECT DISTINCT ?l WHERE { ?c skos:prefLabel|skos:altLabel ?l "
                            "FILTER(isLiteral(?l)) } ORDER BY ?l")
    assert isinstance(solutions, ox.QuerySolutions)
    return [str(row["l"]) for row in solutions]


def lookup_text(label: str) -> str:
    """The SPARQL text of one label lookup."""
    return PREFIXES + f"SELECT ?concept WHERE {{ ?concept skos:prefLabel|skos:altLabel {label} }}"


def _lookup(label: str) -> str:
    """The query string of one label lookup (without the leading ``?``)."""
    return "query=" + quote(lookup_text(label))


def _script(labels: list[str], path: Path) -> None:
    queries = ",\n".join(json.dumps(_lookup(label)) for label in labels)
    path.write_text(_LUA % {"queries": queries}, encoding="utf-8")


def _rows(port: int, base: str, label: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{base}{_lookup(label)}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return len(json.load(answer)["results"]["bindings"])


def _sample(labels: list[str]) -> list[str]:
    """About :data:`_SAMPLE` labels spread over the list, and every one with a character beyond ASCII or an escape."""
    step = max(1, len(labels) // _SAMPLE)
    return sorted({*labels[::step], *(label for label in labels if not label.isascii() or "\\" in label)})


def _check_same_answers(ports: dict[str, int], bases: dict[str, str], labels: list[str]) -> int:
    """Send a sample of the lookups to every server; raise unless all answer each with as many rows (at least one)."""
    sample = _sample(labels)
    for label in sample:
        counts = {name: _rows(ports[name], bases[name], label) for name in ports}
        if len(set(counts.values())) != 1 or min(counts.values()) < 1:
            raise RuntimeError(f"the servers answer the lookup of {label} differently: rows {counts}")
    return len(sample)


def _start_virtuoso(binary: str, folder: Path, http_port: int, sql_port: int) -> subprocess.Popen[bytes]:
    folder.mkdir()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, threads=_THREADS,
                                        keep_alives=_KEEP_ALIVES), encoding="utf-8")
    with (folder / "stdout.log").open("wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log,
                                stderr=subprocess.STDOUT)


def _load_virtuoso(isql: str, sql_port: int, http_port: int, graph_file: Path, triples: int) -> None:
    """Load ``graph_file`` into :data:`GRAPH` with ``DB.DBA.TTLP_MT``, checkpoint, and check the triple count."""
    statement = (f"DB.DBA.TTLP_MT(file_to_string_output('{graph_file}'), '', '{GRAPH}', 0); checkpoint;")
    done = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                          capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:  # isql-vt exits 0 after a failed statement
        raise RuntimeError(f"isql-vt could not load the data into Virtuoso: {output.strip()[-300:]}")
    count = "query=" + quote(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    request = urllib.request.Request(f"http://127.0.0.1:{http_port}/sparql?{count}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        loaded = int(json.load(answer)["results"]["bindings"][0]["n"]["value"])
    if loaded != triples:
        raise RuntimeError(f"Virtuoso holds {loaded:,} triples in {GRAPH}, not the {triples:,} of the file")


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


def _stop(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        process.terminate()  # Virtuoso checkpoints, then exits
    for process in processes.values():
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run(seconds: float = 3.0, clients: tuple[int, ...] = CLIENTS, rounds: int = 3,
        ontology: Path | None = None) -> dict[str, float]:
    """Measure the servers on the complete vocabulary; a flat dict of numbers.

    ``seconds`` should be whole (``wrk`` takes whole seconds). Keys:
    ``{server}_label_c{clients}_{rps,p50_ms,p99_ms,errors,cpu_us}`` (medians over the rounds,
    errors the most in a round; ``cpu_us`` is the server's CPU time per request),
    ``label_c{clients}_ratio`` (cxgraph's requests per second over Oxigraph's),
    ``label_c{clients}_virtuoso_ratio`` (cxgraph's over Virtuoso's), ``virtuoso_measured``
    (0 when ``virtuoso-t`` is not installed: then no Virtuoso keys) and ``checked_lookups``
    (how many lookups every server answered alike before the load).
    """
    import pyoxigraph as ox

    from cxgraph.pipeline import complete_store

    wrk = _binary("wrk", "apt-get install wrk")
    oxigraph = _binary("oxigraph", "pip install oxigraph")
    virtuoso = _find("virtuoso-t")
    servers = SERVERS if virtuoso else tuple(name for name in SERVERS if name != "virtuoso")
    isql = _binary("isql-vt", "apt-get install virtuoso-opensource") if virtuoso else ""
    data = ox.serialize((q.triple for q in complete_store(ontology)), format=ox.RdfFormat.N_TRIPLES) or b""
    labels = _labels(data)
    triples = data.count(b"\n")
    numbers: dict[str, float] = {"triples": float(triples), "labels": float(len(labels)), "seconds": float(seconds),
                                 "rounds": float(rounds), "virtuoso_measured": 1.0 if virtuoso else 0.0}
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="cxgraph-bench-") as tmp:
        graph_file, script = Path(tmp) / "vocabulary.nt", Path(tmp) / "labels.lua"
        graph_file.write_bytes(data)
        _script(labels, script)
        ports = {name: _free_port() for name in servers}
        bases = {"cxgraph": "/sparql?", "oxigraph": "/query?",
                 "virtuoso": f"/sparql?default-graph-uri={quote(GRAPH, safe='')}&"}
        bases = {name: bases[name] for name in servers}
        logs = {name: Path(tmp) / f"{name}.log" for name in servers}
        logs["virtuoso"] = Path(tmp) / "virtuoso" / "virtuoso.log"
        processes: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, argv in (("cxgraph", [sys.executable, "-m", "cxgraph", "serve", "--graph", str(graph_file),
                                            "--port", str(ports["cxgraph"])]),
                               ("oxigraph", [oxigraph, "serve", "--bind", f"127.0.0.1:{ports['oxigraph']}"])):
                with logs[name].open("wb") as log:
                    processes[name] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
            if virtuoso:
                sql_port = _free_port()
                processes["virtuoso"] = _start_virtuoso(virtuoso, Path(tmp) / "virtuoso", ports["virtuoso"], sql_port)
            for name in servers:
                _wait_for(name, processes[name], f"http://127.0.0.1:{ports[name]}{bases[name]}query={quote('ASK {}')}",
                          time.monotonic() + 120, logs[name])
            put = urllib.request.Request(f"http://127.0.0.1:{ports['oxigraph']}/store?default", data=data,
                                         method="PUT", headers={"Content-Type": "application/n-triples"})
            urllib.request.urlopen(put, timeout=120).close()
            if virtuoso:
                _load_virtuoso(isql, sql_port, ports["virtuoso"], graph_file, triples)
            numbers["checked_lookups"] = float(_check_same_answers(ports, bases, labels))
            for name in servers:  # warm-up
                _wrk(wrk, ports[name], bases[name], script, clients[0], 1, 0)
            offset = 0
            for round_ in range(rounds):
                for count in clients:
                    turn = round_ % len(servers)
                    for name in servers[turn:] + servers[:turn]:  # every server takes every place in turn
                        cpu = _tree_cpu(processes[name].pid)
                        figures = _wrk(wrk, ports[name], bases[name], script, count, seconds, offset)
                        figures["cpu_us"] = (_tree_cpu(processes[name].pid) - cpu) / max(figures["requests"], 1) * 1e6
                        for key, value in figures.items():
                            samples.setdefault(f"{name}_label_c{count}_{key}", []).append(value)
                    offset += 997  # the next round starts elsewhere in the list of labels
        finally:
            _stop(processes)
    for key, values in samples.items():
        numbers[key] = max(values) if key.endswith("_errors") else statistics.median(values)
    for count in clients:
        cxgraph = numbers[f"cxgraph_label_c{count}_rps"]
        numbers[f"label_c{count}_ratio"] = cxgraph / max(numbers[f"oxigraph_label_c{count}_rps"], 1e-9)
        if virtuoso:
            numbers[f"label_c{count}_virtuoso_ratio"] = cxgraph / max(numbers[f"virtuoso_label_c{count}_rps"], 1e-9)
    return numbers


if __name__ == "__main__":
    measured: dict[str, object] = dict(run())
    if not measured["virtuoso_measured"]:
        measured["virtuoso"] = VIRTUOSO_MISSING
    print(json.dumps(measured, indent=2))
