"""``python -m benchmarks``: run the suite, print the Markdown report, write it to ``--out``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .report import render_report
from .suite import Options, run_suite

__all__ = ["main"]

DEFAULT_OUT = Path(__file__).resolve().parent / "results.md"


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers separated by commas, not {text!r}") from None
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("--sizes wants at least one size of 10 concepts or more")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark every cxgraph stage on synthetic SKOS vocabularies, beside bare rdflib, "
        "bare pyoxigraph, owlrl and the Oxigraph server; print and write a Markdown report.",
    )
    parser.add_argument("--sizes", type=_sizes, default=(1_000, 10_000, 100_000),
                        help="vocabulary sizes in concepts, comma-separated (default: 1000,10000,100000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement below 50,000 concepts (default: 5)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write the report (default: %(default)s)")
    parser.add_argument("--full", action="store_true",
                        help="also owlrl at 10,000 concepts (~2 min) and rdflib JSON-LD at every size")
    parser.add_argument("--quick", action="store_true",
                        help="skip owlrl, the browser and the endpoint; 3 start-up runs (for smoke tests)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    options = Options(sizes=args.sizes, runs=args.runs, full=args.full, quick=args.quick)
    began = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f}s] {message}", file=sys.stderr, flush=True)

    report = render_report(run_suite(options, say), options)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    from cxgraph.atomic import write_bytes_atomic

    write_bytes_atomic(args.out, report.encode("utf-8"))
    sys.stdout.write(report)
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
