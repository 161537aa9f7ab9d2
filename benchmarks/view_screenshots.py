"""Take the README screenshots of the HTML view with headless Chromium.

    .venv/bin/cxgraph view --out /tmp/cxgraph.html
    .venv/bin/python benchmarks/view_screenshots.py /tmp/cxgraph.html docs/images

Writes view.png (the whole vocabulary at 1440 x 900, hierarchy layout), view-1024.png (Net
Promoter Score selected at 1024 x 700), view-phone.png (the same on a 390 x 844 phone, card as
a bottom sheet), outline.png (the hierarchy tree beside the graph, open on Tier 1 Support) and
concept-card.png (Net Promoter Score in the network layout with its card).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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

        def open_tab(width: int, height: int, fragment: str = "") -> Any:
            tab = browser.new_page(viewport={"width": width, "height": height})
            tab.goto(page_file.as_uri() + fragment)
            tab.wait_for_selector("body[data-ready=true]")
            tab.wait_for_timeout(300)
            return tab

        tab = open_tab(1440, 900)
        tab.screenshot(path=str(out_dir / "view.png"))
        tab.click("#search")
        tab.keyboard.type("NPS")
        tab.keyboard.press("Enter")
        tab.click("#layout-network")
        tab.wait_for_timeout(800)
        tab.screenshot(path=str(out_dir / "concept-card.png"))

        tab = open_tab(1024, 700, "#net-promoter-score")
        tab.screenshot(path=str(out_dir / "view-1024.png"))

        tab = open_tab(390, 844, "#net-promoter-score")
        tab.screenshot(path=str(out_dir / "view-phone.png"))

        tab = open_tab(1440, 900)
        tab.click("#tab-tree")
        tab.evaluate("window.cxgraph.select('tier-1-support')")
        tab.wait_for_timeout(500)
        tab.screenshot(path=str(out_dir / "outline.png"))
        browser.close()


if __name__ == "__main__":
    main()
