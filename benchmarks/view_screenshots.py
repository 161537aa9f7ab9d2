"""Take the README screenshots of the HTML view with headless Chromium.

    .venv/bin/cxgraph view --out exports/cxgraph.html
    .venv/bin/python benchmarks/view_screenshots.py exports/cxgraph.html docs/images

Writes view.png (the whole vocabulary, hierarchy layout) and concept-card.png (Net Promoter
Score selected, network layout, its card open).
"""

from __future__ import annotations

import sys
from pathlib import Path

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    page_file, out_dir = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tab = browser.new_page(viewport={"width": 1440, "height": 900})
        tab.goto(page_file.as_uri())
        tab.wait_for_selector("body[data-ready=true]")
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(out_dir / "view.png"))
        tab.click("#search")
        tab.keyboard.type("NPS")
        tab.keyboard.press("Enter")
        tab.click("#layout-network")
        tab.wait_for_timeout(800)
        tab.screenshot(path=str(out_dir / "concept-card.png"))
        browser.close()


if __name__ == "__main__":
    main()
