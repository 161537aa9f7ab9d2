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

__all__ = [
    "BUILD", "HEAVY", "PEAK_METHOD", "QUERY_CACHED", "QUERY_FIRST", "RULES_BASELINE", "STARTUP", "Options", "run_suite",
]

ROOT = Path(__file__).resolve().parent.parent
#: From this many concepts on, slow measurements run fewer times (see :func:`plan`).
HEAVY = 50_000
BUILD = "cxgraph build --no-view (CLI)"
RDFLIB_FLOOR = "rdflib parse + write Turtle"
#: Measurements that stop repeating at a size once one run took longer than this (seconds).
SLOW_CAP = {"view": 30.0, "owlrl": 60.0}
OXIGRAPH_FLOOR = "pyoxigraph load + write Turtle"
RULES_BASELINE = "same three rules in plain rdflib/Python"
QUERY_FIRST = "cxgraph query --ontology, first run (fills the cache)"
QUERY_CACHED = "cxgraph query --ontology, cached"
#: The whole-process row each baseline worker gives.
FLOOR_OF = {"rdflib": RDFLIB_FLOOR, "pyoxigraph": OXIGRAPH_FLOOR}
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
    endpoint_rounds: int = 3
    view_size: int = 5_000
    seed: int = 0


def plan(size: int, options: Options) -> dict[str, int]:
    """How many runs of each measurement at ``size``.

    Below 10,000 concepts every measurement runs ``options.runs`` times (owlrl and the view at
    most 3); from 10,000 on, at most 3. The build command and the baselines it is compared with
    (rdflib, pyoxigraph) always run the same number of times, interleaved. From :data:`HEAVY`
    concepts on, the per-stage profile (``pipeline``) runs once; the plain-Python rules run
    as often as the ``pipeline`` run their ratio uses, up to 10,000 concepts (all sizes with
    ``--full``).
    """
    runs = options.runs if size < 10_000 else min(options.runs, 3)
    heavy = size >= HEAVY
    counts = {
        "pipeline": 1 if heavy else runs,
        "build": runs,
        "rdflib": runs,
        "pyoxigraph": runs,
        "rules": (1 if heavy else runs) if (size <= 10_000 or options.full) else 0,
        "rdflib-jsonld": 1 if options.full else 0,
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
    return _measured_worker(kind, path, *flags, timeout=timeout)[0]


def _measured_worker(kind: str, path: Path, *flags: str, timeout: float) -> tuple[list[dict[str, object]], Sample]:
    """One fresh worker process run through the launcher: its steps and the whole process's sample."""
    argv = [sys.executable, "-m", "benchmarks.worker", kind, str(path), *flags]
    sample, code, last, stdout = timed_command(argv, timeout=timeout)
    if code != 0 or not stdout.strip():
        raise RuntimeError(f"exit {code}: {last or 'no output'}"[:300])
    steps: list[dict[str, object]] = json.loads(stdout.strip().splitlines()[-1])["steps"]
    load = sample.load
    for step in steps:
        step["load"] = load
    return steps, sample


LAUNCHER = Path(__file__).resolve().with_name("launcher.py")
#: How peak memory is measured for whole commands (see benchmarks/launcher.py).
PEAK_METHOD = ("peak of the summed PSS of the whole process tree (sampled every 5 ms, after 2 s every 20 ms, "
               "less often when a sample is slow: the sampler stays under 5% of a core)")


def timed_command(argv: list[str], timeout: float = 900) -> tuple[Sample, int, str, str]:
    """Run a command through the launcher: wall, CPU, whole-tree peak PSS, exit code, last stderr line, stdout.

    The launcher is a small stdlib-only process (``python -S``), so the suite's own memory is
    never counted; the load average when the command starts is kept with the sample.
    """
    with tempfile.TemporaryDirectory(prefix="cxgraph-cmd-") as tmp:
        report, out = Path(tmp) / "report.json", Path(tmp) / "stdout"
        launcher = [sys.executable, "-S", str(LAUNCHER), str(report), str(timeout), str(out), *argv]
        load = os.getloadavg()[0]
        done = subprocess.run(launcher, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=_env(),
                              timeout=timeout + 60)
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        stdout = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        if not report.exists():
            return Sample(float("nan")), done.returncode or 2, (lines[-1] if lines else "launcher failed"), stdout
        numbers = json.loads(report.read_text())
    code = int(numbers["code"])
    if code < 0:
        lines.append(f"killed after {timeout:.0f} s" if code == -9 else f"signal {-code}")
    sample = Sample(float(numbers["seconds"]), int(numbers["tree_pss_kib"]) or int(numbers["maxrss"]),
                    cpu_seconds=float(numbers["cpu"]), load=load, rss_kib=int(numbers["maxrss"]))
    return sample, code, (lines[-1] if lines else ""), stdout


def _record(results: Results, size: int, steps: list[dict[str, object]]) -> dict[str, Sample]:
    by_name = {}
    for step in steps:
        sample = Sample(float(str(step["seconds"])), int(str(step["peak_kib"])), str(step["detail"]),
                        float(str(step.get("cpu_seconds", "nan"))), float(str(step.get("load", "nan"))))
        results.add(str(step["name"]), size, sample)
        by_name[str(step["name"])] = sample
    return by_name


def _one_run(kind: str, size: int, ontology: Path, out: Path, results: Results, options: Options) -> None:
    if kind == "build":
        argv = [*_cxgraph(), "build", "--ontology", str(ontology), "--out", str(out), "--no-view", "--quiet"]
        sample, code, last, _ = timed_command(argv)
        if code != 0:
            results.fail(BUILD, size, f"exit {code}: {last}"[:300])
        else:
            results.add(BUILD, size, sample)
        return
    # The floors are whole processes, like the build command: start-up, parse, write; wall, CPU and
    # whole-tree peak of the process. (rdflib's JSON-LD writer runs in a separate process, --full only.)
    flags = ["--jsonld"] if kind == "rdflib-jsonld" else []
    worker_kind = "rdflib" if kind == "rdflib-jsonld" else kind
    timeout = 240.0 if kind == "view" else 1_200.0
    try:
        steps, whole = _measured_worker(worker_kind, ontology, *flags, timeout=timeout)
    except RuntimeError as exc:
        for name in STAGES[worker_kind]:
            results.fail(name, size, str(exc))
        if kind in FLOOR_OF:
            results.fail(FLOOR_OF[kind], size, str(exc))
        return
    if kind == "rdflib-jsonld":
        steps = [s for s in steps if s["name"] == "rdflib write JSON-LD"]
    _record(results, size, steps)
    if kind in FLOOR_OF:
        results.add(FLOOR_OF[kind], size, whole)


def _sizes(results: Results, options: Options, work: Path, say: Say) -> None:
    from cxgraph.synthetic import write_synthetic_ontology

    for size in sorted(options.sizes):
        ontology = write_synthetic_ontology(work / f"ontology-{size}", size, options.seed)
        counts = plan(size, options)
        if options.quick:
            for name in STAGES["owlrl"]:
                results.fail(name, size, "skipped (--quick)")
        if not counts["rdflib-jsonld"]:
            results.fail("rdflib write JSON-LD", size, "skipped (--full only)")
        if not counts["rules"]:
            results.fail(RULES_BASELINE, size, "skipped (above 10,000 concepts without --full)")
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
        _cached_queries(results, size, ontology, counts["build"], say)


def _cached_queries(results: Results, size: int, ontology: Path, runs: int, say: Say) -> None:
    """A label lookup with ``cxgraph query --ontology``: the run that fills the cache, then cached runs."""
    from cxgraph.cache import clear_cache

    clear_cache()
    label = "metric concepts"  # a prefLabel every synthetic vocabulary has
    argv = [*_cxgraph(), "query", "--ontology", str(ontology), "--sparql",
            f'SELECT ?c WHERE {{ ?c skos:prefLabel "{label}"@en }}', "--format", "csv"]
    for name, n in ((QUERY_FIRST, 1), (QUERY_CACHED, runs)):
        for _ in range(n):
            sample, code, last, out = timed_command(argv, timeout=900)
            if code != 0 or "https://" not in out:
                results.fail(name, size, f"exit {code}: {last or 'no answer'}"[:300])
            else:
                results.add(name, size, sample)
    say(f"  {size:,} cxgraph query --ontology: 1 first run, {runs} cached")


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
            sample, code, last, _ = timed_command(argv, timeout=300)
            if code != 0:
                results.fail(name, NO_SIZE, f"exit {code}: {last}"[:300])
            else:
                results.add(name, NO_SIZE, sample)
    say(f"start-up: {runs} runs of each command")


def _endpoint(results: Results, options: Options, say: Say) -> None:
    # benchmarks/endpoint_load.py measures every server under the same load.
    try:
        from . import endpoint_load
    except ImportError as exc:
        results.facts["endpoint"] = f"not measured: benchmarks/endpoint_load.py missing ({exc})"
        return
    try:
        began = load_average()
        numbers = endpoint_load.run(seconds=options.endpoint_seconds, rounds=options.endpoint_rounds)
        results.facts["endpoint_load"] = f"{began} at the start, {load_average()} at the end"
    except Exception as exc:  # a server that does not start must not sink the whole suite
        results.facts["endpoint"] = f"not measured: {type(exc).__name__}: {exc}"[:300]
        return
    results.numbers.update({f"endpoint_{key}": float(value) for key, value in numbers.items()})
    say("endpoint: measured cxgraph serve, the Oxigraph server and Virtuoso with wrk")


def run_suite(options: Options, say: Say) -> Results:
    """Run every measurement ``options`` asks for and return the samples."""
    results = Results()
    began = time.perf_counter()
    results.facts.update(describe_machine())
    results.facts["load average at start"] = load_average()
    results.facts["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
    with tempfile.TemporaryDirectory(prefix="cxgraph-bench-") as tmp:
        work = Path(tmp)
        os.environ["CXGRAPH_CACHE_DIR"] = str(work / "cache")  # every command below sees this cache only
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
