"""``python -m benchmarks.soak``: the endpoint under load, retirements, kills, crash queries and slowloris.

Bounded (about two minutes) and on loopback only: the server listens on 127.0.0.1; slow
clients connect from 127.0.0.2 (another loopback address) so that the per-address limit
applies to them and not to the probe. Throughput phases use ``wrk`` (Debian package ``wrk``);
the probe and the slow clients are Python sockets. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "tests" / "data" / "server-vocabulary"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
DEEP = "ASK { " + "{ " * 3000 + "}" * 3000 + " }"
MIXED_ORDER = ('SELECT ?x WHERE { VALUES ?x { "15" 60 55 "75" 3.5 27 "28" "70" "86" 53.5 23.5 15.5 91.5 54 "36" 64 '
               '"31" "47" 84 "50" 93 78.5 74 21 69.5 "51" "45" 77.5 66.5 "54" 46 "52" 0.5 } } ORDER BY ?x')
QUERY = "SELECT ?c WHERE { ?c skos:prefLabel ?l } LIMIT 5"


def start(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cxgraph", "serve", "--port", "0", "--workers", "2", "--time-limit", "1",
         "--ontology", str(VOCABULARY)],
        stdout=subprocess.DEVNULL, stderr=handle,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"SPARQL endpoint: (\S+)", log.read_text(errors="replace"))
        if match:
            return process, match.group(1)
        time.sleep(0.05)
    process.kill()
    raise SystemExit("cxgraph serve did not start")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                fields = stat.rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    found.append(int(entry.name))
    return sorted(found)


def get(url: str, query: str, timeout: float = 30) -> int:
    full = url + "?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(full, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def wrk(url: str, clients: int, seconds: int) -> dict[str, float]:
    target = url + "?" + urllib.parse.urlencode({"query": QUERY})
    done = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-H",
                           "Accept: application/sparql-results+json", target],
                          capture_output=True, text=True, timeout=seconds + 60)
    out = done.stdout
    total = re.search(r"(\d+) requests in", out)
    requests_done = float(total.group(1)) if total else 0.0
    errors = 0.0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if match:
        errors += sum(float(g) for g in match.groups())
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match:
        errors += float(match.group(1))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "requests": requests_done,
        "lost": errors,
        "rate": float(rate.group(1)) if rate else 0.0,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else 0.0,
    }


def retirements(url: str, count: int, gap: float) -> int:
    answered = 0
    for _ in range(count):
        answered += get(url, RUNAWAY, timeout=60) == 503
        time.sleep(gap)
    return answered


def phase_retire(url: str, clients: int, seconds: int) -> dict[str, float]:
    result: dict[str, float] = {}
    runner = threading.Thread(target=lambda: result.update(wrk(url, clients, seconds)))
    runner.start()
    time.sleep(1)
    retired = retirements(url, max(1, seconds // 3), 1.5)
    runner.join()
    result["events"] = retired
    return result


def cut_connections(log: Path) -> tuple[int, int]:
    """(requests answered again, connections closed mid-answer) that the server logged for dead workers."""
    text = log.read_text(errors="replace")
    again = sum(int(n) for n in re.findall(r"\((\d+) with a request being answered", text))
    cut = sum(int(n) for n in re.findall(r"(\d+) closed in the middle of an answer", text))
    return again, cut


def phase_kill(url: str, server: int, clients: int, seconds: int, log: Path) -> dict[str, float]:
    again_before, cut_before = cut_connections(log)
    result: dict[str, float] = {}
    runner = threading.Thread(target=lambda: result.update(wrk(url, clients, seconds)))
    runner.start()
    kills = 0
    time.sleep(1.5)
    while runner.is_alive() and kills < 3:
        workers = children(server)
        if workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(workers[0], signal.SIGKILL)
                kills += 1
        time.sleep(2.5)
    runner.join()
    result["events"] = kills
    # a client on fresh connections (one retry allowed) while a worker is killed
    failed_after_retry = 0
    victim = children(server)[0]
    os.kill(victim, signal.SIGKILL)
    for _ in range(200):
        if get(url, QUERY) != 200 and get(url, QUERY) != 200:
            failed_after_retry += 1
    result["failed_after_retry"] = failed_after_retry
    again, cut = cut_connections(log)
    result["answered_again"] = again - again_before
    result["closed_mid_answer"] = cut - cut_before
    return result


def phase_crash(url: str, server: int, seconds: int) -> dict[str, float]:
    before = children(server)
    result: dict[str, float] = {}
    runner = threading.Thread(target=lambda: result.update(wrk(url, 8, seconds)))
    runner.start()
    statuses = []
    end = time.monotonic() + seconds - 1
    while time.monotonic() < end:
        statuses.append(get(url, DEEP))
        statuses.append(get(url, MIXED_ORDER))
    runner.join()
    result["events"] = len(statuses)
    result["unexpected"] = sum(1 for s in statuses if s not in (400, 500))
    for status in sorted({s for s in statuses if s not in (400, 500)}):  # 0: no answer; 503: past the time limit
        result[f"status_{status}"] = statuses.count(status)
    result["workers_replaced"] = len(set(before) - set(children(server)))
    return result


def phase_slowloris(url: str, seconds: int, count: int) -> dict[str, float]:
    port = int(urllib.parse.urlsplit(url).port or 80)
    sockets: list[socket.socket] = []
    for _ in range(count):
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.2", 0))
            sock.connect(("127.0.0.1", port))
            sock.send(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            pass
        sockets.append(sock)
    stop = time.monotonic() + seconds

    def drip() -> None:
        while time.monotonic() < stop:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"X")
            time.sleep(5)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    latencies, failures = [], 0
    while time.monotonic() < stop:
        started = time.monotonic()
        if get(url, QUERY, timeout=10) != 200:
            failures += 1
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    for sock in sockets:
        sock.close()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
    return {"requests": len(latencies), "lost": failures, "p99_ms": p99, "events": count}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="length of each load phase")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"cxgraph-soak-{os.getpid()}.log"
    process, url = start(log)
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        time.sleep(1)
        for clients in (8, 32):
            rows.append((f"wrk {clients} clients, worker retirements (runaway queries)",
                         phase_retire(url, clients, args.seconds)))
        for clients in (8, 32):
            rows.append((f"wrk {clients} clients, SIGKILL of a worker", phase_kill(url, process.pid, clients,
                                                                                  args.seconds, log)))
        rows.append(("wrk 8 clients, deep-nesting and ORDER BY crash queries", phase_crash(url, process.pid,
                                                                                            args.seconds)))
        rows.append(("probe client during 300 slowloris connections", phase_slowloris(url, 2 * args.seconds, 300)))
    finally:
        process.terminate()
        process.wait(timeout=30)
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs\n")
    print("| phase | requests | lost | req/s | p99 ms | events | notes |")
    print("|---|---|---|---|---|---|---|")
    for name, row in rows:
        notes = ", ".join(f"{key} {int(value)}" for key, value in row.items()
                          if key not in ("requests", "lost", "rate", "p99_ms", "events"))
        print(f"| {name} | {int(row.get('requests', 0))} | {int(row.get('lost', 0))} | {row.get('rate', 0):.0f} | "
              f"{row.get('p99_ms', 0):.1f} | {int(row.get('events', 0))} | {notes} |")
    tracebacks = log.read_text(errors="replace").count("Traceback")
    print(f"\nserver log: {tracebacks} tracebacks")
    log.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
