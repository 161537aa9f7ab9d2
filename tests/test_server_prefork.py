"""``cxgraph serve``'s worker processes: their number, their lifetime, and the graph they share.

The server is the real CLI in a subprocess; the processes are read from ``/proc`` (Linux,
where the server's children are made to die with it).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
import requests

from cxgraph.server.engine import Job, evaluate
from cxgraph.server.source import served_store
from cxgraph.server.watchdog import Watchdog

from .conftest import skip_or_fail
from .test_server import RUNAWAY, SELECT, VOCABULARY, Server, local_query, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(autouse=True)
def _linux_proc() -> None:
    if not Path("/proc/self/stat").exists():
        skip_or_fail("reading the server's worker processes needs Linux /proc")


def children_of(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll ``condition()`` until it holds or ``seconds`` pass (a deadline, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def two_workers() -> Iterator[Server]:
    running = start_server("--ontology", str(VOCABULARY), "--workers", "2", "--time-limit", "2")
    yield running
    stop_server(running)


# --- how many, and that they all answer ---------------------------------------------------------


def test_workers_option_sets_the_number_of_worker_processes() -> None:
    running = start_server("--ontology", str(VOCABULARY), "--workers", "3")
    try:
        assert wait_until(lambda: len(children_of(running.process.pid)) == 3)
    finally:
        stop_server(running)


def test_default_is_one_worker_per_cpu_and_at_least_two() -> None:
    running = start_server("--ontology", str(VOCABULARY))
    try:
        expected = max(2, os.cpu_count() or 2)
        assert wait_until(lambda: len(children_of(running.process.pid)) == expected)
    finally:
        stop_server(running)


def test_every_worker_gives_the_same_answer_as_the_local_command(two_workers: Server) -> None:
    expected = local_query(SELECT, "csv")
    answers = []

    def client() -> None:
        for _ in range(10):  # a new connection each time, so both workers take some
            response = requests.get(two_workers.url, params={"query": SELECT}, headers={"Accept": "text/csv"},
                                    timeout=30)
            answers.append(response.content)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 40
    assert all(answer == expected for answer in answers)


# --- the time limit retires the worker, and only that worker ---------------------------------------


def test_runaway_query_ends_its_worker_process_and_a_fresh_one_takes_its_place(two_workers: Server) -> None:
    assert wait_until(lambda: len(children_of(two_workers.process.pid)) == 2)
    before = children_of(two_workers.process.pid)
    response = requests.get(two_workers.url, params={"query": RUNAWAY}, timeout=120)
    assert response.status_code == 503
    assert wait_until(lambda: len(children_of(two_workers.process.pid) - before) == 1
                      and len(children_of(two_workers.process.pid)) == 2)
    after = children_of(two_workers.process.pid)
    (gone,) = before - after
    assert not alive(gone)  # the process that ran the query is gone, so the query stopped using CPU
    assert requests.get(two_workers.url, params={"query": "ASK {}"}, timeout=30).json()["boolean"] is True


def test_a_kept_alive_client_goes_on_after_its_only_worker_retires() -> None:
    running = start_server("--ontology", str(VOCABULARY), "--workers", "1", "--time-limit", "1")
    try:
        session = requests.Session()
        assert session.get(running.url, params={"query": "ASK {}"}, timeout=30).status_code == 200
        assert requests.get(running.url, params={"query": RUNAWAY}, timeout=120).status_code == 503
        answer = session.get(running.url, params={"query": SELECT}, headers={"Accept": "text/csv"}, timeout=30)
        assert answer.status_code == 200
        assert answer.content == local_query(SELECT, "csv")
    finally:
        stop_server(running)


def test_a_worker_that_dies_is_replaced(two_workers: Server) -> None:
    assert wait_until(lambda: len(children_of(two_workers.process.pid)) == 2)
    before = children_of(two_workers.process.pid)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    assert wait_until(lambda: victim not in children_of(two_workers.process.pid)
                      and len(children_of(two_workers.process.pid)) == 2)
    for _ in range(4):
        assert requests.get(two_workers.url, params={"query": "ASK {}"}, timeout=30).json()["boolean"] is True


# --- no worker outlives the server ------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["TERM", "INT", "KILL"])
def test_workers_die_with_the_server(signum: int) -> None:
    running = start_server("--ontology", str(VOCABULARY), "--workers", "2")
    assert wait_until(lambda: len(children_of(running.process.pid)) == 2)
    workers = children_of(running.process.pid)
    os.kill(running.process.pid, signum)
    running.process.wait(timeout=30)
    assert wait_until(lambda: not any(alive(pid) for pid in workers))


def test_sigterm_stops_the_server_cleanly() -> None:
    running = start_server("--ontology", str(VOCABULARY), "--workers", "2")
    assert wait_until(lambda: len(children_of(running.process.pid)) == 2)
    running.process.terminate()
    assert running.process.wait(timeout=30) == 0
    assert running.process.stderr is not None
    assert "Traceback" not in running.process.stderr.read()


# --- the graph is loaded once and shared with the forked workers -------------------------------------


def test_a_store_loaded_before_fork_answers_identically_in_the_child() -> None:
    store = served_store(VOCABULARY)  # built with the real pipeline (bulk load, SPARQL closure)
    jobs = [
        Job(SELECT, "text/csv", None),
        Job(SELECT, "application/sparql-results+json", None),
        Job("CONSTRUCT WHERE { ?s skos:broader ?o }", None, "application/n-triples"),
        Job("DESCRIBE cxg:customer-satisfaction-score", None, "text/turtle"),
        Job("ASK { ?c skos:narrower ?n }", "application/sparql-results+xml", None),
    ]
    expected = [evaluate(store, job, 10_000_000) for job in jobs]
    assert all(outcome.status == 200 and outcome.body for outcome in expected)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports its answers and exits without running pytest's teardown
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                for job in jobs:
                    body = evaluate(store, job, 10_000_000).body
                    out.write(len(body).to_bytes(8, "little") + body)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as received:
        data = received.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    answers = []
    while data:
        size = int.from_bytes(data[:8], "little")
        answers.append(data[8:8 + size])
        data = data[8 + size:]
    assert answers == [outcome.body for outcome in expected]
    assert len(store) == len(served_store(VOCABULARY))  # the parent's copy is untouched


# --- the watchdog itself ------------------------------------------------------------------------------


def test_watchdog_answers_an_overdue_query_once_and_takes_the_answer_from_the_handler() -> None:
    expired, answered = threading.Event(), threading.Event()
    watchdog = Watchdog(0.1, expired.set)
    watchdog.start()
    try:
        token = watchdog.begin(answered.set)
        assert answered.wait(30)
        assert expired.is_set()
        assert watchdog.finish(token) is False  # the handler must not answer a second time
        assert watchdog.busy == 0
    finally:
        watchdog.stop()


def test_watchdog_leaves_a_query_that_ends_in_time_to_its_handler() -> None:
    expired = threading.Event()
    watchdog = Watchdog(60, expired.set)
    watchdog.start()
    try:
        token = watchdog.begin(lambda: None)
        assert watchdog.busy == 1
        assert watchdog.finish(token) is True
        assert watchdog.busy == 0
        assert not expired.is_set()
    finally:
        watchdog.stop()


def test_pyoxigraph_releases_the_gil_while_a_query_runs() -> None:
    """What the design rests on: other threads of a worker go on while one query runs."""
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:x:p"), ox.Literal(str(i))) for i in range(200))
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    before = ticks
    rows = list(cast(ox.QuerySolutions, store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")))
    during = ticks - before
    done.set()
    counter.join()
    assert rows[0]["n"].value == str(200 ** 3)
    assert during > 1000

