# ruff: noqa: RUF001 (the multiplication sign is meant, in ratios)
"""The Markdown report of one suite run: machine, stage tables, floors, start-up, endpoint, targets."""

from __future__ import annotations

from .endpoint_load import SERVERS, VIRTUOSO_MISSING, VIRTUOSO_SETTINGS
from .results import NO_SIZE, Results
from .suite import (
    BUILD,
    OXIGRAPH_FLOOR,
    PEAK_METHOD,
    QUERY_CACHED,
    QUERY_FIRST,
    RDFLIB_FLOOR,
    RULES_BASELINE,
    STARTUP,
    Options,
    plan,
)
from .targets import evaluate
from .worker import STAGES

__all__ = ["CPU_ROWS", "FLOOR_ROWS", "STAGE_ROWS", "render_report"]

#: Rows of the per-stage table: every cxgraph stage, in build order, then the view.
STAGE_ROWS = (*STAGES["pipeline"], *STAGES["view"])
#: Rows of the whole-command table: the build command and every baseline beside it.
FLOOR_ROWS = (
    BUILD, "infer",
    "rdflib parse Turtle", "rdflib write Turtle", RDFLIB_FLOOR, "rdflib write JSON-LD",
    "pyoxigraph load Turtle", "pyoxigraph write Turtle", OXIGRAPH_FLOOR,
    "owlrl OWL 2 RL closure", RULES_BASELINE, QUERY_FIRST, QUERY_CACHED,
)
RATIO_ROWS = (
    (f"{BUILD} ÷ {RDFLIB_FLOOR}", BUILD, RDFLIB_FLOOR),
    (f"{BUILD} ÷ {OXIGRAPH_FLOOR}", BUILD, OXIGRAPH_FLOOR),
    ("owlrl closure ÷ cxgraph infer", "owlrl OWL 2 RL closure", "infer"),
    ("plain rdflib/Python rules ÷ cxgraph infer", RULES_BASELINE, "infer"),
)


#: Rows of the CPU-time table.
CPU_ROWS = (BUILD, RDFLIB_FLOOR, OXIGRAPH_FLOOR, "infer", "owlrl OWL 2 RL closure", RULES_BASELINE, QUERY_CACHED)


def _cpu_ratio(results: Results, top: str, bottom: str, size: int) -> float | None:
    a, b = results.cpu_median(top, size), results.cpu_median(bottom, size)
    return a / b if a is not None and b else None


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_memory(kib: int | None) -> str:
    if kib is None:
        return "—"
    if kib >= 1024 * 1024:
        return f"{kib / 1024 / 1024:.2f} GiB"
    return f"{kib / 1024:.0f} MiB"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _cell(results: Results, name: str, size: int) -> list[str]:
    median = results.median(name, size)
    if median is None:
        reason = results.why_missing(name, size)
        return ["—" if reason == "not run" else "skipped" if reason.startswith("skipped") else "n/a", ""]
    return [fmt_time(median), fmt_memory(results.peak(name, size))]


def _cells(results: Results, name: str, sizes: tuple[int, ...]) -> list[str]:
    return [cell for size in sizes for cell in _cell(results, name, size)]


def _load(results: Results, name: str, sizes: tuple[int, ...]) -> str:
    """The 1-minute load average at the start of the row's runs (lowest to highest over every size)."""
    loads = [r for s in sizes if (r := results.loads(name, s)) is not None]
    if not loads:
        return "—"
    low, high = min(a for a, _ in loads), max(b for _, b in loads)
    return f"{low:.2f}" if high - low < 0.005 else f"{low:.2f}–{high:.2f}"


def _size_header(sizes: tuple[int, ...]) -> list[str]:
    header = []
    for size in sizes:
        header += [f"{size:,}: time", "peak"]
    return header


def _notes(results: Results, names: tuple[str, ...], sizes: tuple[int, ...]) -> list[str]:
    notes = []
    for name in names:
        for size in sizes:
            skipped = results.missing.get((name, size), "").startswith("skipped")
            if results.median(name, size) is None and (name, size) in results.missing and not skipped:
                notes.append(f"- {name} at {size:,}: n/a — {results.missing[(name, size)]}")
    return notes


def _endpoint(results: Results) -> list[str]:
    """The endpoint section: the method, a row per server and client count, cxgraph's throughput ratios."""
    numbers = results.numbers
    prefix = "endpoint_cxgraph_label_c"  # the client counts measured: those cxgraph has a throughput at
    counts = sorted(int(key[len(prefix):-len("_rps")]) for key in numbers
                    if key.startswith(prefix) and key.endswith("_rps"))
    if not counts:
        return [results.facts.get("endpoint", "not measured")]
    virtuoso = bool(numbers.get("endpoint_virtuoso_measured"))
    out = [f"{numbers['endpoint_labels']:,.0f} different label lookups in turn; "
           f"{numbers['endpoint_rounds']:.0f} round(s) with the servers' order rotating, "
           f"{numbers['endpoint_seconds']:g} s per server and client count, medians over the rounds;"
           " CPU is the server process tree's per request; errors (socket errors and non-2xx answers)"
           " are the most in one round. All servers hold the same N-Triples"
           + (f"; {numbers['endpoint_checked_lookups']:,.0f} of the lookups were answered with the same number"
              " of rows by every server before the load" if "endpoint_checked_lookups" in numbers else "")
           + ".", ""]
    if virtuoso:
        out += [f"Virtuoso: Debian's virtuoso-opensource with its own virtuoso.ini ({VIRTUOSO_SETTINGS}); "
                "the data in one named graph, which every query names with `default-graph-uri`. "
                "It caches compiled statements by query text, not results; each lookup's text comes back "
                f"once every {numbers['endpoint_labels']:,.0f} requests.", ""]
    rows = []
    for count in counts:
        for server in SERVERS:
            key = f"endpoint_{server}_label_c{count}"
            if f"{key}_rps" not in numbers:
                if server == "virtuoso" and not virtuoso:
                    rows.append([server, str(count), VIRTUOSO_MISSING, "", "", "", ""])
                continue
            rows.append([server, str(count), f"{numbers[f'{key}_rps']:,.0f}", f"{numbers[f'{key}_p50_ms']:.2f} ms",
                         f"{numbers[f'{key}_p99_ms']:.2f} ms", f"{numbers[f'{key}_cpu_us']:,.0f} µs",
                         f"{numbers[f'{key}_errors']:.0f}"])
    out += _table(["server", "clients", "requests/s", "p50", "p99", "CPU per request", "errors"], rows)
    out.append("")
    for name, suffix in (("Oxigraph", "ratio"), ("Virtuoso", "virtuoso_ratio")):
        ratios = [(count, numbers.get(f"endpoint_label_c{count}_{suffix}")) for count in counts]
        if any(r is not None for _, r in ratios):
            out.append(f"- cxgraph ÷ {name} throughput: " + "; ".join(
                f"{count} clients {r:.2f}×" for count, r in ratios if r is not None) + ".")
        elif name == "Virtuoso":
            out.append(f"- cxgraph ÷ Virtuoso throughput: {VIRTUOSO_MISSING}.")
    if "endpoint_load" in results.facts:
        out += ["", f"Load average during the endpoint runs: {results.facts['endpoint_load']}."]
    return out


def render_report(results: Results, options: Options) -> str:
    """The whole report as Markdown."""
    sizes = tuple(sorted(options.sizes))
    largest = sizes[-1]
    out = ["# cxgraph benchmark results", ""]
    shown = {k: v for k, v in results.facts.items() if k not in ("endpoint", "endpoint_load", "view in Chromium")}
    out += [f"- **{key}**: {value}" for key, value in shown.items()]
    total = results.numbers.get("suite_seconds")
    if total is not None:
        out.append(f"- **suite time**: {total / 60:.1f} min")
    counts = {size: plan(size, options) for size in sizes}
    out.append("- **runs** (median of): " + "; ".join(
        f"{size:,}: " + ", ".join(f"{kind} {n}" for kind, n in c.items() if n) for size, c in counts.items()))
    out.append("- **peak memory**: for whole commands (the build, the baselines' processes, `cxgraph query`, "
               f"start-up), the {PEAK_METHOD} (a forked process counts); per pipeline stage, the process's "
               "resident high-water mark during the stage (VmHWM reset before it); highest over the runs.")
    out.append("- **runs**: the build and the baselines it is compared with run the same number of times, "
               "interleaved round by round; **load** is the 1-minute load average when each run started.")
    out += ["", "## Pipeline stages (one fresh process per run, stages in build order)", ""]
    rows = [[name, *_cells(results, name, sizes), results.detail(name, largest)]
            for name in STAGE_ROWS]
    out += _table(["stage", *_size_header(sizes), f"output at {largest:,}"], rows)
    out += _notes(results, STAGE_ROWS, sizes)

    out += ["", "## The build beside its floors", ""]
    rows = [[name, *_cells(results, name, sizes), str(max(results.runs(name, s) for s in sizes)),
             _load(results, name, sizes), results.detail(name, largest)]
            for name in FLOOR_ROWS]
    for label, top, bottom in RATIO_ROWS:
        ratios = [results.ratio((top, s), (bottom, s)) for s in sizes]
        rows.append([f"*{label}*", *(cell for r in ratios for cell in (f"{r:.2f}×" if r else "—", "")), "", "", ""])
    out += _table(["measurement", *_size_header(sizes), "runs", "load", f"output at {largest:,}"], rows)
    out += _notes(results, FLOOR_ROWS, sizes)

    out += ["", "## CPU time (user + system) of the build and its floors", "",
            "CPU seconds depend less than wall time on other processes sharing the machine "
            "(a multi-threaded step can use more CPU time than wall time).", ""]
    rows = [[name, *(fmt_time(results.cpu_median(name, s)) for s in sizes)] for name in CPU_ROWS]
    for label, top, bottom in (*RATIO_ROWS[:2], RATIO_ROWS[3]):
        cpu_ratios = [_cpu_ratio(results, top, bottom, s) for s in sizes]
        rows.append([f"*{label}*", *(f"{r:.2f}×" if r else "—" for r in cpu_ratios)])
    out += _table(["measurement", *(f"{s:,}: CPU" for s in sizes)], rows)

    out += ["", "## Start-up (whole process, shipped vocabulary)", ""]
    rows = [[f"`{name}`", *_cell(results, name, NO_SIZE), fmt_time(results.cpu_median(name, NO_SIZE)),
             str(results.runs(name, NO_SIZE)), _load(results, name, (NO_SIZE,))] for name in STARTUP]
    out += _table(["command", "median", "peak PSS (tree)", "CPU", "runs", "load"], rows)
    out += _notes(results, STARTUP, (NO_SIZE,))

    out += ["", "## SPARQL endpoint (varied label lookups from wrk on loopback, shipped vocabulary)", ""]
    out += _endpoint(results)

    view = options.view_size
    out += ["", f"## HTML view of {view:,} concepts in headless Chromium", ""]
    names = ("view (HTML)", *STAGES["browser"])
    if any(results.median(n, view) is not None for n in names):
        rows = [[name, fmt_time(results.median(name, view)), str(results.runs(name, view)), results.detail(name, view)]
                for name in names]
        out += _table(["step", "median", "runs", "detail"], rows)
        out += _notes(results, names, (view,))
    else:
        reason = results.why_missing("view ready in Chromium", view)
        out.append(results.facts.get("view in Chromium") or f"n/a — {reason}")

    out += ["", "## Targets (ratios from this run)", ""]
    targets = evaluate(results, sizes)
    out += _table(["target", "measured", "verdict"], [[t.target, t.measured, t.verdict] for t in targets])
    return "\n".join(out) + "\n"
