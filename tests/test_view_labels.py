"""Labels on the shipped vocabulary: no overlaps, highlighted over dimmed, more as you zoom."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import shipped, shipped_page_file  # noqa: F401

pytestmark = pytest.mark.browser


def overlapping(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                pairs.append((a["id"], b["id"]))
    return pairs


def settle(page: Page, scale: float) -> None:
    """Wait until the zoom animation has reached ``scale``."""
    try:
        page.page.wait_for_function("(s) => Math.abs(window.cxgraph.network.getScale() / s - 1) < 0.001", arg=scale, timeout=5000)
    except Exception:
        assert page.js("window.cxgraph.network.getScale()") == pytest.approx(scale, rel=0.01)


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700), (390, 844)])
@pytest.mark.parametrize("concept", ["net-promoter-score", "customer-satisfaction-score", "agent-effort-score"])
def test_the_selection_and_every_neighbour_are_labelled_without_overlap(
    browser: Any, shipped_page_file: Path, size: tuple[int, int], concept: str  # noqa: F811
) -> None:
    page = Page(browser, shipped_page_file, "#" + concept, viewport=size)
    try:
        page.next_frame()
        labels = page.js("window.cxgraph.labels()")
        shown = {b["id"] for b in labels}
        wanted = {concept, *page.js("(id) => window.cxgraph.neighbours(id)", concept)}
        assert wanted <= shown, wanted - shown
        assert overlapping(labels) == []
        box = page.js("[document.getElementById('graph').clientWidth, document.getElementById('graph').clientHeight]")
        for b in labels:
            if b["id"] in wanted:
                assert b["x"] >= 0 and b["y"] >= 0, b
                assert b["x"] + b["w"] <= box[0] and b["y"] + b["h"] <= box[1], b
    finally:
        page.close()


def test_highlighted_labels_are_drawn_over_dimmed_ones(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('customer-satisfaction-score')")
    shipped.next_frame()
    order = shipped.js("window.cxgraph.drawnLabelOrder()")
    lit = [i for i, b in enumerate(order) if not b["dim"]]
    dim = [i for i, b in enumerate(order) if b["dim"]]
    assert lit and dim and max(dim) < min(lit)


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_the_overview_labels_more_than_the_top_concepts_and_zooming_in_labels_more(
    browser: Any, shipped_page_file: Path, size: tuple[int, int]  # noqa: F811
) -> None:
    page = Page(browser, shipped_page_file, viewport=size)
    try:
        page.next_frame()
        overview = page.js("window.cxgraph.labels()")
        assert len(overview) >= 40
        assert overlapping(overview) == []
        tools = page.js(
            """() => { const t = document.querySelector('.zoom').getBoundingClientRect();
                       const g = document.getElementById('graph').getBoundingClientRect();
                       return {id: 'zoom buttons', x: t.left - g.left, y: t.top - g.top, w: t.width, h: t.height}; }"""
        )
        assert overlapping([tools, *overview]) == [], "no label under the zoom buttons"
        before = page.js("window.cxgraph.network.getScale()")
        page.page.click("#zoom-in")
        settle(page, before * 1.5)
        page.page.click("#zoom-out")
        settle(page, before)
    finally:
        page.close()


def test_zoom_to_selection_frames_the_selection_again(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('net-promoter-score')")
    framed = shipped.js("window.cxgraph.network.getScale()")
    shipped.show_everything()
    shipped.page.click("#zoom-selection")
    settle(shipped, framed)


def test_clicking_a_label_selects_its_concept(shipped: Page) -> None:  # noqa: F811
    shipped.next_frame()
    label = next(b for b in shipped.js("window.cxgraph.labels()") if b["w"] > 60)
    box = shipped.page.locator("#graph").bounding_box()
    shipped.page.mouse.click(box["x"] + label["x"] + label["w"] / 2, box["y"] + label["y"] + label["h"] / 2)
    shipped.page.wait_for_timeout(100)
    assert shipped.selected() == label["id"]



#: The leaves' labels drawn now, and which of them sit on the outward side of their node in the
#: hierarchy layout: beside it and reading away from the centre (left-anchored on the right
#: half, right-anchored on the left half), or below it near the bottom and above it near the top.
OUTWARD = """() => {
    const app = window.cxgraph, net = app.network, leaf = {};
    for (const c of JSON.parse(document.getElementById('cxgraph-data').textContent).concepts) leaf[c.id] = !c.top && !c.narrower.length;
    let drawn = 0, outward = 0;
    const inward = [];
    for (const b of app.labels()) {
        if (!leaf[b.id]) continue;
        const n = net.body.nodes[b.id], p = net.canvasToDOM({x: n.x, y: n.y});
        const len = Math.hypot(n.x, n.y) || 1, ux = n.x / len, uy = n.y / len;
        const ok = Math.abs(ux) > 0.45 ? (ux > 0 ? b.x >= p.x - 0.5 : b.x + b.w <= p.x + 0.5)
                                       : (uy > 0 ? b.y >= p.y - 0.5 : b.y + b.h <= p.y + 0.5);
        drawn++;
        if (ok) outward++; else inward.push(b.id);
    }
    return {drawn, outward, inward};
}"""
SELECTIONS = [
    "net-promoter-score", "customer-satisfaction-score", "agent-effort-score", "tier-1-support",
    "first-contact-resolution", "average-handle-time", "transactional-nps", "contact-center",
]


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_leaves_are_labelled_outward_in_the_radial_tree(
    browser: Any, shipped_page_file: Path, size: tuple[int, int]  # noqa: F811
) -> None:
    page = Page(browser, shipped_page_file, viewport=size)
    try:
        page.next_frame()
        fitted = page.js(OUTWARD)
        assert fitted["drawn"] >= 10
        total, outward, inward = fitted["drawn"], fitted["outward"], list(fitted["inward"])
        for concept in SELECTIONS:
            assert page.js("(id) => window.cxgraph.select(id)", concept), concept
            page.next_frame()
            found = page.js(OUTWARD)
            total += found["drawn"]
            outward += found["outward"]
            inward += found["inward"]
        print(f"outward leaf labels {size[0]}x{size[1]}: fitted {fitted['outward']}/{fitted['drawn']}, "
              f"with selections {outward}/{total} = {outward / total:.1%}")
        assert fitted["outward"] / fitted["drawn"] >= 0.9, fitted["inward"]
        assert outward / total >= 0.9, inward
    finally:
        page.close()
