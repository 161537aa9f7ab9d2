"""The benchmark suite still runs end to end and reports a number for every stage.

A tiny vocabulary and one run keep this fast; the numbers themselves are not judged here (a
shared machine is too noisy for timed assertions): only that every row is there and measured.
The endpoint load test, which the quick suite skips, runs here on its own for one short round
with all three servers, and once as if Virtuoso were not installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.report import CPU_ROWS, FLOOR_ROWS, STAGE_ROWS
from benchmarks.suite import STARTUP
from benchmarks.targets import MET, NOT_MET

from .conftest import ROOT, skip_or_fail

pytestmark = pytest.mark.slow

SIZE = 200
MEASURED = re.compile(r"^\d[\d,.]* (µs|ms|s)$")
MEMORY = re.compile(r"^\d[\d,.]* (MiB|GiB)$")


def table_rows(report: str, heading: str) -> dict[str, list[str]]:
    """The rows of the Markdown table under ``heading``, by their first cell."""
    section = report.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            rows[cells[0].strip("`*")] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    out = tmp_path_factory.mktemp("bench") / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", str(SIZE), "--runs", "1", "--quick", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out.read_text(encoding="utf-8"), done.stdout, done.stderr


def test_the_report_is_printed_and_written_to_out(report: tuple[str, str, str]) -> None:
    written, printed, _ = report
    assert written == printed
    assert written.startswith("# cxgraph benchmark results")


def test_progress_goes_to_stderr_as_the_suite_runs(report: tuple[str, str, str]) -> None:
    _, _, progress = report
    assert f"{SIZE} pipeline run 1/1" in progress
    assert f"{SIZE} build run 1/1" in progress


def test_the_machine_is_recorded(report: tuple[str, str, str]) -> None:
    text, _, _ = report
    for fact in ("**CPU**", "**memory**", "**Python**", "pyoxigraph 0.", "rdflib 7.", "**load average at start**"):
        assert fact in text


def test_every_pipeline_stage_has_a_time_and_a_peak(report: tuple[str, str, str]) -> None:
    rows = table_rows(report[0], "## Pipeline stages")
    assert list(rows)[1:] == list(STAGE_ROWS)  # first row is the header
    for name in STAGE_ROWS:
        time, peak, _ = rows[name]
        assert MEASURED.match(time), (name, time)
        assert MEMORY.match(peak), (name, peak)


def test_the_build_and_its_floors_are_measured_side_by_side(report: tuple[str, str, str]) -> None:
    rows = table_rows(report[0], "## The build beside its floors")
    skipped_in_quick_mode = {"owlrl OWL 2 RL closure", "rdflib write JSON-LD"}
    for name in FLOOR_ROWS:
        time, peak, _runs, _load, _ = rows[name]
        if name in skipped_in_quick_mode:
            assert time == "skipped"
        else:
            assert MEASURED.match(time), (name, time)
            assert MEMORY.match(peak), (name, peak)
    ratios = [cells[0] for name, cells in rows.items() if "÷" in name and "owlrl" not in name]
    assert len(ratios) == 3
    assert all(re.match("^\\d+\\.\\d\\d\u00d7$", r) for r in ratios), ratios


def test_start_up_is_measured_for_cxgraph_query_and_import_rdflib(report: tuple[str, str, str]) -> None:
    rows = table_rows(report[0], "## Start-up")
    for name in STARTUP:
        median, peak, _cpu, runs, _load = rows[name]
        assert MEASURED.match(median), (name, median)
        assert MEMORY.match(peak), (name, peak)
        assert runs == "3"


def test_every_target_gets_a_line_with_a_verdict(report: tuple[str, str, str]) -> None:
    rows = table_rows(report[0], "## Targets")
    verdicts = [cells[1] for name, cells in rows.items() if name != "target"]
    assert len(verdicts) == 13
    start_up = next(cells for name, cells in rows.items() if "start-up" in name)
    assert start_up[1] in (MET, NOT_MET)
    assert all(v in (MET, NOT_MET) or v.startswith(("not judged", "not measured", "skipped")) for v in verdicts)


def test_bad_sizes_are_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--sizes", "ten", "--out", str(tmp_path / "r.md")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert "--sizes wants numbers" in done.stderr
    assert not (tmp_path / "r.md").exists()


def test_cpu_time_of_the_build_and_its_floors_is_reported(report: tuple[str, str, str]) -> None:
    rows = table_rows(report[0], "## CPU time")
    for name in CPU_ROWS:
        if name != "owlrl OWL 2 RL closure":  # skipped in quick mode
            assert MEASURED.match(rows[name][0]), (name, rows[name])


SHORT_CLIENTS = 4


def short_endpoint_run() -> dict[str, float]:
    """One round of one second per server at a few clients: enough to see every server answer under wrk."""
    from benchmarks import endpoint_load

    for tool in ("wrk", "oxigraph"):
        if endpoint_load._find(tool) is None:
            skip_or_fail(f"{tool} is not installed")
    return endpoint_load.run(seconds=1, clients=(SHORT_CLIENTS,), rounds=1)


def endpoint_section(numbers: dict[str, float]) -> str:
    from benchmarks.report import render_report
    from benchmarks.results import Results
    from benchmarks.suite import Options

    results = Results(numbers={f"endpoint_{key}": value for key, value in numbers.items()})
    text = render_report(results, Options(sizes=(SIZE,), runs=1, quick=True))
    return text.split("## SPARQL endpoint", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def endpoint() -> dict[str, float]:
    from benchmarks import endpoint_load

    if endpoint_load._find("virtuoso-t") is None:
        skip_or_fail("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    return short_endpoint_run()


def test_the_endpoint_load_measures_cxgraph_oxigraph_and_virtuoso_alike(endpoint: dict[str, float]) -> None:
    from benchmarks.endpoint_load import SERVERS

    assert SERVERS == ("cxgraph", "oxigraph", "virtuoso")
    assert endpoint["virtuoso_measured"] == 1
    assert endpoint["checked_lookups"] >= 100  # every server answered these with as many rows
    for server in SERVERS:
        key = f"{server}_label_c{SHORT_CLIENTS}"
        assert endpoint[f"{key}_rps"] > 0, server
        assert endpoint[f"{key}_errors"] == 0, server
        assert endpoint[f"{key}_cpu_us"] > 0, server
    assert endpoint[f"label_c{SHORT_CLIENTS}_virtuoso_ratio"] > 0


def test_the_report_shows_every_server_and_cxgraphs_ratio_to_each(endpoint: dict[str, float]) -> None:
    section = endpoint_section(endpoint)
    rows = {cells[0]: cells for line in section.splitlines() if line.startswith("| ")
            for cells in [[c.strip() for c in line.strip().strip("|").split(" | ")]]}
    for server in ("cxgraph", "oxigraph", "virtuoso"):
        assert re.match(r"^\d[\d,]*$", rows[server][2]), rows[server]
    assert "cxgraph ÷ Oxigraph throughput: 4 clients" in section
    assert "cxgraph ÷ Virtuoso throughput: 4 clients" in section
    assert "default-graph-uri" in section and "not results" in section


def test_without_virtuoso_the_endpoint_says_so_and_measures_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import endpoint_load

    found = endpoint_load._find
    monkeypatch.setattr(endpoint_load, "_find", lambda name: None if name == "virtuoso-t" else found(name))
    numbers = short_endpoint_run()
    assert numbers["virtuoso_measured"] == 0
    assert not [key for key in numbers if "virtuoso_" in key and key != "virtuoso_measured"]
    assert numbers[f"cxgraph_label_c{SHORT_CLIENTS}_rps"] > 0 and numbers[f"oxigraph_label_c{SHORT_CLIENTS}_rps"] > 0
    section = endpoint_section(numbers)
    assert endpoint_load.VIRTUOSO_MISSING == (
        "not measured: virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    assert f"| virtuoso | 4 | {endpoint_load.VIRTUOSO_MISSING} |" in section
    assert f"cxgraph ÷ Virtuoso throughput: {endpoint_load.VIRTUOSO_MISSING}" in section


def test_the_endpoint_lookups_are_screened_from_their_opening_words(store: object) -> None:
    """Lookups without the words SERVICE or ORDER skip the verdict cache; the few with them are read whole."""
    import pyoxigraph as ox
    from benchmarks import endpoint_load

    from cxgraph.server import guard

    assert isinstance(store, ox.Store)
    data = ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES) or b""
    labels = endpoint_load._labels(data)
    held = len(guard.VERDICTS)
    texts = [endpoint_load.lookup_text(label) for label in labels]
    assert len(set(texts)) == len(labels) > 9_000
    assert all(guard.screen(text).form is guard.QueryForm.SELECT for text in texts)
    whole = [text for text in texts if "SERVICE" in text.upper() or "ORDER" in text.upper()]
    assert len(guard.VERDICTS) - held == len(whole)  # "customer service" and the like: lexed whole, then kept
    assert 0 < len(whole) < len(texts) / 20
