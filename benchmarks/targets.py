# ruff: noqa: RUF001 (the multiplication sign is meant, in ratios)
"""The performance targets, judged on the numbers of one suite run."""

from __future__ import annotations

from dataclasses import dataclass

from .results import NO_SIZE, Results
from .suite import BUILD, OXIGRAPH_FLOOR, QUERY_CACHED, RDFLIB_FLOOR

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

    cpu_top, cpu_bottom = results.cpu_median(BUILD, large), results.cpu_median(RDFLIB_FLOOR, large)
    vs_rdflib = cpu_top / cpu_bottom if cpu_top is not None and cpu_bottom else None
    wall = results.ratio((BUILD, large), (RDFLIB_FLOOR, large))
    out.append(Target(f"`cxgraph build` ≤ 0.5× bare rdflib parse + write Turtle in CPU time ({large:,} concepts)",
                      f"{vs_rdflib:.2f}× CPU ({wall:.2f}× wall)" if vs_rdflib and wall else "—",
                      _verdict(vs_rdflib <= 0.5, large, LARGE) if vs_rdflib else _missing(results, BUILD, large)))

    vs_oxigraph = results.ratio((BUILD, large), (OXIGRAPH_FLOOR, large))
    out.append(Target(f"`cxgraph build` ≤ 5× the pyoxigraph floor in wall time ({large:,} concepts)",
                      f"{vs_oxigraph:.1f}×" if vs_oxigraph else "—",
                      _verdict(vs_oxigraph <= 5, large, LARGE) if vs_oxigraph else _missing(results, BUILD, large)))

    below = [s for s in sizes if s * 10 == large]
    if below:
        growth = results.ratio((BUILD, large), (BUILD, below[0]))
        out.append(Target(f"build time linear: {below[0]:,} → {large:,} concepts ≤ 11×",
                          f"{growth:.1f}×" if growth else "—",
                          _verdict(growth <= 11, large, LARGE) if growth else _missing(results, BUILD, large)))
    else:
        out.append(Target("build time linear: 10× the concepts ≤ 11× the time", "—",
                          "not measured: needs two sizes 10× apart"))

    peak = results.peak(BUILD, large)
    out.append(Target(f"`cxgraph build` peak memory of the whole process tree ≤ 1.5 GiB ({large:,} concepts)",
                      f"{peak / GIB:.2f} GiB" if peak else "—",
                      _verdict(peak <= 1.5 * GIB, large, LARGE) if peak else _missing(results, BUILD, large)))

    query, rdflib = "cxgraph query (shipped vocabulary)", 'python -c "import rdflib"'
    startup = results.ratio((query, NO_SIZE), (rdflib, NO_SIZE))
    out.append(Target('`cxgraph query` start-up ≤ 2× `python -c "import rdflib"`',
                      f"{startup:.2f}× ({(results.median(query, NO_SIZE) or 0) * 1000:.0f} ms vs "
                      f"{(results.median(rdflib, NO_SIZE) or 0) * 1000:.0f} ms)" if startup else "—",
                      (MET if startup <= 2 else NOT_MET) if startup else _missing(results, query, NO_SIZE)))

    cached, cached_peak = results.median(QUERY_CACHED, large), results.peak(QUERY_CACHED, large)
    out.append(Target(f"label lookup with `cxgraph query --ontology` after the first run ≤ 0.3 s and ≤ 100 MiB "
                      f"({large:,} concepts)",
                      f"{cached:.2f} s, {cached_peak / 1024:.0f} MiB PSS "
                      f"({(results.peak_rss(QUERY_CACHED, large) or 0) / 1024:.0f} MiB RSS)"
                      if cached and cached_peak else "—",
                      _verdict(cached <= 0.3 and cached_peak <= 100 * 1024, large, LARGE) if cached and cached_peak
                      else _missing(results, QUERY_CACHED, large)))

    numbers = results.numbers
    if "endpoint_label_c8_ratio" in numbers:
        ratios = {c: numbers[f"endpoint_label_c{c}_ratio"] for c in (8, 32)}
        out.append(Target("endpoint varied label lookups ≥ 40% of the Oxigraph server's throughput (8 and 32 clients)",
                          "; ".join(f"{c} clients: {r:.0%} ({numbers[f'endpoint_cxgraph_label_c{c}_rps']:,.0f} vs "
                                    f"{numbers[f'endpoint_oxigraph_label_c{c}_rps']:,.0f} req/s)"
                                    for c, r in ratios.items()),
                          MET if min(ratios.values()) >= 0.40 else NOT_MET))
        p99 = {c: numbers[f"endpoint_cxgraph_label_c{c}_p99_ms"] for c in (8, 32)}
        out.append(Target("endpoint p99 latency < 10 ms at 8 and 32 clients (varied label lookups)",
                          "; ".join(f"{c} clients: {v:.1f} ms" for c, v in p99.items()),
                          MET if max(p99.values()) < 10 else NOT_MET))
    else:
        reason = results.facts.get("endpoint", "not measured")
        out.append(Target("endpoint varied label lookups ≥ 40% of the Oxigraph server's throughput", "—", reason))
        out.append(Target("endpoint p99 latency < 10 ms at 8 and 32 clients", "—", reason))

    views = [s for s in sizes if s * 10 in sizes and results.median("view (HTML)", s * 10) is not None]
    if views:
        small_view, large_view = views[-1], views[-1] * 10
        growth = results.ratio(("view (HTML)", large_view), ("view (HTML)", small_view)) or 0.0
        out.append(Target(f"view build linear: {small_view:,} → {large_view:,} concepts ≤ 11×", f"{growth:.1f}×",
                          MET if growth <= 11 else NOT_MET))
    else:
        out.append(Target("view build linear: 10× the concepts ≤ 11× the time", "—",
                          "not measured: needs the view at two sizes 10× apart"))

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
