# ruff: noqa: RUF001 (the multiplication sign is meant, in ratios)
"""The targets of issue 7, judged on the numbers of one suite run."""

from __future__ import annotations

from dataclasses import dataclass

from .results import NO_SIZE, Results
from .suite import BUILD, OXIGRAPH_FLOOR, RDFLIB_FLOOR

__all__ = ["MET", "NOT_MET", "Target", "evaluate"]

MET = "met"
NOT_MET = "**not met**"
SMALL, LARGE, VIEW = 1_000, 100_000, 5_000
GIB = 1024 * 1024  # KiB


@dataclass(frozen=True)
class Target:
    """One target: what it asks, what this run measured, and whether that meets it."""

    target: str
    measured: str
    verdict: str


def _verdict(ok: bool, at: int, wanted: int) -> str:
    if at != wanted:
        return f"not judged (needs {wanted:,} concepts; ran at {at:,})"
    return MET if ok else NOT_MET


def _missing(results: Results, name: str, size: int) -> str:
    return f"not measured: {results.why_missing(name, size)}"


def evaluate(results: Results, sizes: tuple[int, ...]) -> list[Target]:
    """Every target, in the order of the issue."""
    small = SMALL if SMALL in sizes else min(sizes)
    large = LARGE if LARGE in sizes else max(sizes)
    out: list[Target] = []

    agree = results.detail("owlrl agrees with cxgraph infer", small)
    if agree:
        out.append(Target(f"inference equals owlrl's SKOS entailments ({small:,} concepts)", agree,
                          _verdict(agree.startswith("same=True"), small, SMALL)))
    else:
        out.append(Target("inference equals owlrl's SKOS entailments", "—",
                          _missing(results, "owlrl OWL 2 RL closure", small)))

    speedup = results.ratio(("owlrl OWL 2 RL closure", small), ("infer", small))
    out.append(Target(f"inference ≥ 100× faster than owlrl ({small:,} concepts)",
                      f"{speedup:,.0f}× faster" if speedup else "—",
                      _verdict(speedup >= 100, small, SMALL) if speedup else
                      _missing(results, "owlrl OWL 2 RL closure", small)))

    vs_rdflib = results.ratio((BUILD, large), (RDFLIB_FLOOR, large))
    out.append(Target(f"`cxgraph build` ≤ 0.5× bare rdflib parse + write Turtle ({large:,} concepts)",
                      f"{vs_rdflib:.2f}×" if vs_rdflib else "—",
                      _verdict(vs_rdflib <= 0.5, large, LARGE) if vs_rdflib else _missing(results, BUILD, large)))

    vs_oxigraph = results.ratio((BUILD, large), (OXIGRAPH_FLOOR, large))
    out.append(Target(f"stretch: `cxgraph build` ≤ 5× the pyoxigraph floor ({large:,} concepts)",
                      f"{vs_oxigraph:.1f}×" if vs_oxigraph else "—",
                      _verdict(vs_oxigraph <= 5, large, LARGE) if vs_oxigraph else _missing(results, BUILD, large)))

    below = [s for s in sizes if s * 10 == large]
    if below:
        growth = results.ratio((BUILD, large), (BUILD, below[0]))
        out.append(Target(f"build time linear: {below[0]:,} → {large:,} concepts ≤ 12×",
                          f"{growth:.1f}×" if growth else "—",
                          _verdict(growth <= 12, large, LARGE) if growth else _missing(results, BUILD, large)))
    else:
        out.append(Target("build time linear: 10× the concepts ≤ 12× the time", "—",
                          "not measured: needs two sizes 10× apart"))

    peak = results.peak(BUILD, large)
    out.append(Target(f"`cxgraph build` peak memory ≤ 1.5 GiB ({large:,} concepts)",
                      f"{peak / GIB:.2f} GiB" if peak else "—",
                      _verdict(peak <= 1.5 * GIB, large, LARGE) if peak else _missing(results, BUILD, large)))

    query, rdflib = "cxgraph query (shipped vocabulary)", 'python -c "import rdflib"'
    startup = results.ratio((query, NO_SIZE), (rdflib, NO_SIZE))
    out.append(Target('`cxgraph query` start-up ≤ 2× `python -c "import rdflib"`',
                      f"{startup:.2f}× ({(results.median(query, NO_SIZE) or 0) * 1000:.0f} ms vs "
                      f"{(results.median(rdflib, NO_SIZE) or 0) * 1000:.0f} ms)" if startup else "—",
                      (MET if startup <= 2 else NOT_MET) if startup else _missing(results, query, NO_SIZE)))

    numbers = results.numbers
    if "endpoint_label_rps_ratio" in numbers:
        ratio = numbers["endpoint_label_rps_ratio"]
        out.append(Target("endpoint label-lookup throughput ≥ 25% of the Oxigraph server's",
                          f"{ratio:.0%} ({numbers['endpoint_cxgraph_label_rps']:,.0f} vs "
                          f"{numbers['endpoint_oxigraph_label_rps']:,.0f} req/s)",
                          MET if ratio >= 0.25 else NOT_MET))
        p99 = numbers["endpoint_cxgraph_label_p99_ms"]
        hierarchy = numbers.get("endpoint_cxgraph_hierarchy_p99_ms", float("nan"))
        out.append(Target("endpoint p99 latency < 50 ms, 8 concurrent clients (label lookup)",
                          f"{p99:.1f} ms (hierarchy query: {hierarchy:.1f} ms)",
                          MET if p99 < 50 else NOT_MET))
    else:
        reason = results.facts.get("endpoint", "not measured")
        out.append(Target("endpoint label-lookup throughput ≥ 25% of the Oxigraph server's", "—", reason))
        out.append(Target("endpoint p99 latency < 50 ms, 8 concurrent clients", "—", reason))

    ready = results.median("view ready in Chromium", VIEW)
    out.append(Target(f"HTML view of {VIEW:,} concepts interactive in ≤ 3 s (headless Chromium)",
                      f"{ready:.2f} s" if ready else "—",
                      (MET if ready <= 3 else NOT_MET) if ready else
                      results.facts.get("view in Chromium") or _missing(results, "view ready in Chromium", VIEW)))

    total = numbers.get("suite_seconds")
    full_run = set(sizes) >= {1_000, 10_000, 100_000}
    out.append(Target("the whole suite runs in under 10 minutes",
                      f"{total / 60:.1f} min" if total else "—",
                      (MET if total <= 600 else NOT_MET) if total and full_run else "not judged (not the full suite)"))
    return out
