"""Running the whole suite: generate vocabularies, start one fresh worker per run, collect samples.

Runs of different measurements at one size are interleaved (pipeline, build, rdflib, pyoxigraph,
then the next round), so load from other processes on a shared machine hits them alike and the
ratios stay fair.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .machine import describe_machine, load_average
from .results import NO_SIZE, Results, Sample
from .worker import STAGES

__all__ = ["BUILD", "HEAVY", "STARTUP", "Options", "run_suite"]

ROOT = Path(__file__).resolve().parent.parent
#: From this many concepts on, slow measurements run fewer times (see :func:`plan`).
HEAVY = 50_000
BUILD = "cxgraph build --no-view (CLI)"
RDFLIB_FLOOR = "rdflib parse + write Turtle"
#: Measurements that stop repeating at a size once one run took longer than this (seconds).
SLOW_CAP = {"view": 30.0, "owlrl": 60.0}
OXIGRAPH_FLOOR = "pyoxigraph load + write Turtle"
STARTUP_QUERY = 'SELECT ?c WHERE { ?c skos:prefLabel "Net Promoter Score"@en }'
#: The start-up measurements, by the name the report shows.
STARTUP = ("python -c pass", 'python -c "import rdflib"', "cxgraph --help", "cxgraph query (shipped vocabulary)")
Say = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """What to run; the defaults are the full suite of the README."""

    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    runs: int = 5
    full: bool = False
    quick: bool = False
    startup_runs: int = 15
    endpoint_seconds: float = 3.0
    view_size: int = 5_000
    seed: int = 0


def plan(size: int, options: Options) -> dict[str, int]:
    """How many runs of each measurement at ``size``.

    Below 10,000 concepts every measurement runs ``options.runs`` times (owlrl and the view at
    most 3); from 10,000 on, at most 3. From :data:`HEAVY` concepts on, the build command and the
    pyoxigraph floor run 3 times, the per-stage pipeline and the rdflib floor (about a minute
    each) once: that keeps the whole suite under 10 minutes on two cores.
    """
    runs = options.runs if size < 10_000 else min(options.runs, 3)
    heavy = size >= HEAVY
    counts = {
        "pipeline": 1 if heavy else runs,
        "build": runs,
        "rdflib": 1 if heavy else runs,
        "pyoxigraph": runs,
        "view": min(runs, 3) if size <= 10_000 else 0,
        "owlrl": 0,
    }
    if not options.quick and (size <= 1_000 or (options.full and size <= 10_000)):
        counts["owlrl"] = min(runs, 3) if size <= 1_000 else 1
    return counts


def _cxgraph() -> list[str]:
    beside = Path(sys.executable).with_name("cxgraph")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "cxgraph"]


def _startup_commands() -> list[list[str]]:
    cxgraph = _cxgraph()
    return [
        [sys.executable, "-c", "pass"],
        [sys.executable, "-c", "import rdflib"],
        [*cxgraph, "--help"],
        [*cxgraph, "query", "--sparql", STARTUP_QUERY],
    ]


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}


def _worker(kind: str, path: Path, *flags: str, timeout: float) -> list[dict[str, object]]:
    """One fresh worker process; its steps, or RuntimeError saying what went wrong."""
    argv = [sys.executable, "-m", "benchmarks.worker", kind, str(path), *flags]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=_env())
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"timed out after {timeout:.0f} s") from exc
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"exit {done.returncode}: {last}"[:300])
    steps: list[dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])["steps"]
    return steps


# A tiny stdlib-only launcher (run with ``python -S``). ``ru_maxrss`` survives ``exec``, so a child
# forked straight from this suite would report at least the suite's own resident size; spawned
# from the launcher, the floor is the launcher's ~10 MiB.
_LAUNCHER = """
import json, os, signal, sys, time
out, limit, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
began = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
signal.setitimer(signal.ITIMER_REAL, limit)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - began
with open(out, "w") as f:
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "maxrss": usage.ru_maxrss,
               "code": os.waitstatus_to_exitcode(status)}, f)
"""


def timed_command(argv: list[str], timeout: float = 900) -> tuple[Sample, int, str]:
    """Run a command; its wall time and peak RSS (``wait4``), exit code, and last stderr line."""
    with tempfile.TemporaryDirectory(prefix="cxgraph-cmd-") as tmp:
        report = Path(tmp) / "report.json"
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(report), str(timeout), *argv]
        done = subprocess.run(launcher, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=_env(),
                              timeout=timeout + 60)
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if not report.exists():
            return Sample(float("nan")), done.returncode or 2, (lines[-1] if lines else "launcher failed")
        numbers = json.loads(report.read_text())
    code = int(numbers["code"])
    if code < 0:
        lines.append(f"killed after {timeout:.0f} s" if code == -9 else f"signal {-code}")
    sample = Sample(float(numbers["seconds"]), int(numbers["maxrss"]), cpu_seconds=float(numbers["cpu"]))
    return sample, code, (lines[-1] if lines else "")


def _record(results: Results, size: int, steps: list[dict[str, object]]) -> dict[str, Sample]:
    by_name = {}
    for step in steps:
        sample = Sample(float(str(step["seconds"])), int(str(step["peak_kib"])), str(step["detail"]),
                        float(str(step.get("cpu_seconds", "nan"))))
        results.add(str(step["name"]), size, sample)
        by_name[str(step["name"])] = sample
    return by_name


def _floor(results: Results, size: int, name: str, parts: list[Sample]) -> None:
    results.add(name, size, Sample(sum(p.seconds for p in parts), max(p.peak_kib for p in parts),
                                   cpu_seconds=sum(p.cpu_seconds for p in parts)))


def _one_run(kind: str, size: int, ontology: Path, out: Path, results: Results, options: Options) -> None:
    if kind == "build":
        argv = [*_cxgraph(), "build", "--ontology", str(ontology), "--out", str(out), "--no-view", "--quiet"]
        sample, code, last = timed_command(argv)
        if code != 0:
            results.fail(BUILD, size, f"exit {code}: {last}"[:300])
        else:
            results.add(BUILD, size, sample)
        return
    flags = ["--jsonld"] if kind == "rdflib" and (size <= 10_000 or options.full) else []
    timeout = 240.0 if kind == "view" else 1_200.0
    try:
        steps = _record(results, size, _worker(kind, ontology, *flags, timeout=timeout))
    except RuntimeError as exc:
        for name in STAGES[kind]:
            results.fail(name, size, str(exc))
        return
    if kind == "rdflib" and {"rdflib parse Turtle", "rdflib write Turtle"} <= steps.keys():
        _floor(results, size, RDFLIB_FLOOR, [steps["rdflib parse Turtle"], steps["rdflib write Turtle"]])
    if kind == "pyoxigraph" and {"pyoxigraph load Turtle", "pyoxigraph write Turtle"} <= steps.keys():
        _floor(results, size, OXIGRAPH_FLOOR, [steps["pyoxigraph load Turtle"], steps["pyoxigraph write Turtle"]])


def _sizes(results: Results, options: Options, work: Path, say: Say) -> None:
    from cxgraph.synthetic import write_synthetic_ontology

    for size in sorted(options.sizes):
        ontology = write_synthetic_ontology(work / f"ontology-{size}", size, options.seed)
        counts = plan(size, options)
        if options.quick:
            for name in STAGES["owlrl"]:
                results.fail(name, size, "skipped (--quick)")
        say(f"{size:,} concepts: runs {', '.join(f'{k} {v}' for k, v in counts.items() if v)}")
        for round_ in range(max(counts.values())):
            for kind, n in counts.items():
                if round_ < n:
                    began = time.perf_counter()
                    _one_run(kind, size, ontology, work / f"out-{size}", results, options)
                    took = time.perf_counter() - began
                    say(f"  {size:,} {kind} run {round_ + 1}/{n}: {took:.1f} s")
                    if kind in SLOW_CAP and took > SLOW_CAP[kind]:
                        counts[kind] = round_ + 1  # one slow run tells enough; keep the suite's budget
                        say(f"  {size:,} {kind}: no more runs (one took over {SLOW_CAP[kind]:.0f} s)")


def _browser(results: Results, options: Options, work: Path, say: Say) -> None:
    from cxgraph.synthetic import write_synthetic_ontology

    size = options.view_size
    page = work / f"view-{size}.html"
    ontology = write_synthetic_ontology(work / f"ontology-{size}", size, options.seed)
    try:
        _record(results, size, _worker("view", ontology, "--write", str(page), timeout=300))
    except RuntimeError as exc:
        for name in STAGES["view"] + STAGES["browser"]:
            results.fail(name, size, f"view: {exc}")
        return
    if not page.exists():
        for name in STAGES["browser"]:
            results.fail(name, size, "n/a: no view was rendered")
        return
    for run in range(min(options.runs, 3)):
        try:
            _record(results, size, _worker("browser", page, timeout=300))
        except RuntimeError as exc:
            for name in STAGES["browser"]:
                results.fail(name, size, str(exc))
            return
        say(f"  view of {size:,} concepts in Chromium, run {run + 1}")


def _startup(results: Results, options: Options, say: Say) -> None:
    runs = 3 if options.quick else options.startup_runs
    commands = dict(zip(STARTUP, _startup_commands(), strict=True))
    for argv in commands.values():  # warm the disk cache (and any query cache) once
        timed_command(argv, timeout=300)
    for _ in range(runs):
        for name, argv in commands.items():
            sample, code, last = timed_command(argv, timeout=300)
            if code != 0:
                results.fail(name, NO_SIZE, f"exit {code}: {last}"[:300])
            else:
                results.add(name, NO_SIZE, sample)
    say(f"start-up: {runs} runs of each command")


def _endpoint(results: Results, options: Options, say: Say) -> None:
    # benchmarks/endpoint_load.py measures both servers under the same load.
    try:
        from . import endpoint_load
    except ImportError as exc:
        results.facts["endpoint"] = f"not measured: benchmarks/endpoint_load.py missing ({exc})"
        return
    try:
        numbers = endpoint_load.run(seconds=options.endpoint_seconds, clients=8)
    except Exception as exc:  # a server that does not start must not sink the whole suite
        results.facts["endpoint"] = f"not measured: {type(exc).__name__}: {exc}"[:300]
        return
    results.numbers.update({f"endpoint_{key}": float(value) for key, value in numbers.items()})
    say("endpoint: measured cxgraph serve and the Oxigraph server")


def run_suite(options: Options, say: Say) -> Results:
    """Run every measurement ``options`` asks for and return the samples."""
    results = Results()
    began = time.perf_counter()
    results.facts.update(describe_machine())
    results.facts["load average at start"] = load_average()
    results.facts["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
    with tempfile.TemporaryDirectory(prefix="cxgraph-bench-") as tmp:
        work = Path(tmp)
        _sizes(results, options, work, say)
        if options.quick:
            results.facts["view in Chromium"] = "skipped (--quick)"
            results.facts["endpoint"] = "skipped (--quick)"
        else:
            _browser(results, options, work, say)
        _startup(results, options, say)
        if not options.quick:
            _endpoint(results, options, say)
    results.facts["load average at end"] = load_average()
    results.numbers["suite_seconds"] = time.perf_counter() - began
    return results
