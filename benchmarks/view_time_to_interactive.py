"""How long the HTML view takes to build, and to become interactive in headless Chromium.

    .venv/bin/python benchmarks/view_time_to_interactive.py [--sizes 150,5000] [--runs 5]

For each size, a synthetic vocabulary (cxgraph.synthetic, seed 1) is built into a page with
render_view; the shipped vocabulary is measured too. Each page is then opened ``--runs`` times
in a fresh headless Chromium tab, and "interactive" is the moment the page has parsed its data,
built the graph and finished its first drawing (the page sets ``window.cxgraph.readyAt`` from
``performance.now()``, i.e. milliseconds since navigation started). Medians are printed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cxgraph.pipeline import complete_store
from cxgraph.synthetic import write_synthetic_ontology
from cxgraph.view import render_view
from cxgraph.view.model import build_model

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def measure(page: Path, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(runs):
            tab = browser.new_page(viewport={"width": 1440, "height": 900})
            tab.goto(page.as_uri())
            tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
            times.append(tab.evaluate("window.cxgraph.readyAt") / 1000)
            tab.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="150,5000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, Path | None]] = [("shipped vocabulary", None)]
        for n in (int(s) for s in args.sizes.split(",")):
            cases.append((f"synthetic {n}", write_synthetic_ontology(Path(tmp) / f"syn{n}", n, seed=1)))
        print("| vocabulary | concepts | links | page size | build view (s) | interactive in Chromium (s, median) |")
        print("|---|---|---|---|---|---|")
        for name, folder in cases:
            store = complete_store(folder)
            started = time.perf_counter()
            page = render_view(store)
            built = time.perf_counter() - started
            model = build_model(store)
            path = Path(tmp) / f"{name.replace(' ', '-')}.html"
            path.write_bytes(page)
            times = measure(path, args.runs)
            print(
                f"| {name} | {len(model.concepts):,} | {len(model.edges):,} | {len(page) / 1e6:.1f} MB "
                f"| {built:.1f} | {statistics.median(times):.2f} (min {min(times):.2f}, max {max(times):.2f}) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
