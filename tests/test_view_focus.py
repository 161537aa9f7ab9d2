"""Focus on the shipped vocabulary: selecting a concept frames it with every neighbour.

Every concept is selected in both layouts at two window sizes; the share of selections that
show every neighbour inside the graph's box must be at least 98%.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxgraph.pipeline import complete_store
from cxgraph.view import render_view

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.browser

#: Selects every concept in turn and reports those with a neighbour outside the graph's box.
FRAMING = """(layout) => {
    const app = window.cxgraph, net = app.network;
    app.setLayout(layout);
    const graph = document.getElementById('graph');
    const w = graph.clientWidth, h = graph.clientHeight;
    const missed = [];
    for (const id of app.conceptIds()) {
        app.select(id);
        const scale = net.getScale();
        const out = app.neighbours(id).filter((other) => {
            const p = net.canvasToDOM(net.getPositions([other])[other]);
            const r = (net.body.nodes[other].options.size || 10) * scale;
            return p.x - r < 0 || p.y - r < 0 || p.x + r > w || p.y + r > h;
        });
        if (out.length) missed.push([id, out]);
    }
    return {total: app.conceptIds().length, missed: missed};
}"""


@pytest.fixture(scope="module")
def shipped_page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shipped") / "cxgraph.html"
    path.write_bytes(render_view(complete_store()))
    return path


@pytest.fixture
def shipped(browser: Any, shipped_page_file: Path) -> Iterator[Page]:  # noqa: F811
    page = Page(browser, shipped_page_file)
    yield page
    page.close()


def framed_share(browser: Any, path: Path, layout: str, width: int, height: int) -> tuple[float, list[Any]]:  # noqa: F811
    page = Page(browser, path, viewport=(width, height))
    try:
        result = page.js(FRAMING, layout)
    finally:
        page.close()
    return 1 - len(result["missed"]) / result["total"], result["missed"]


@pytest.mark.parametrize("layout", ["hierarchy", "network"])
@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_selecting_any_concept_frames_every_neighbour(
    browser: Any, shipped_page_file: Path, layout: str, size: tuple[int, int]  # noqa: F811
) -> None:
    share, missed = framed_share(browser, shipped_page_file, layout, *size)
    print(f"framed {layout} {size[0]}x{size[1]}: {share:.1%}")
    assert share >= 0.98, missed[:10]


def test_a_click_frames_the_concept_and_its_neighbours(shipped: Page) -> None:
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.page.keyboard.press("Escape")
    shipped.show_everything()
    x, y = shipped.node_on_screen("net-promoter-score")
    shipped.page.mouse.click(x, y)
    shipped.page.wait_for_timeout(600)
    assert shipped.selected() == "net-promoter-score"
    box = shipped.page.locator("#graph").bounding_box()
    for other in shipped.js("window.cxgraph.neighbours('net-promoter-score')"):
        nx, ny = shipped.node_on_screen(other)
        assert box["x"] <= nx <= box["x"] + box["width"] and box["y"] <= ny <= box["y"] + box["height"], other


def test_neighbourhood_only_shows_the_ego_graph(shipped: Page) -> None:
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.page.select_option("#ego", "1")
    shown = shipped.js("window.cxgraph.network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id).sort()")
    expected = sorted([*shipped.js("window.cxgraph.neighbours('net-promoter-score')"), "net-promoter-score"])
    assert shown == expected
    shipped.page.select_option("#ego", "2")
    assert len(shipped.js("window.cxgraph.network.body.data.nodes.get({filter: n => !n.hidden})")) > len(shown)
    assert "of" in shipped.page.inner_text("#counts")
    shipped.page.select_option("#ego", "0")
    assert shipped.js("window.cxgraph.network.body.data.nodes.get({filter: n => n.hidden}).length") == 0


def test_a_short_move_is_animated_and_a_long_one_is_not(shipped: Page) -> None:
    shipped.js("window.cxgraph.select('relational-nps')")
    shipped.next_frame()
    x, y = shipped.node_on_screen("transactional-nps")
    shipped.page.mouse.click(x, y)
    assert shipped.selected() == "transactional-nps"
    assert shipped.js("window.cxgraph.lastMove()")["animated"] is True
    shipped.page.wait_for_timeout(800)
    far = max(
        shipped.js("window.cxgraph.conceptIds()"),
        key=lambda c: sum((a - b) ** 2 for a, b in zip(shipped.node_on_screen(c), (x, y), strict=True)),
    )
    shipped.js("(id) => { location.hash = id; }", far)
    shipped.page.wait_for_function("(id) => window.cxgraph.selected() === id", arg=far)
    assert shipped.js("window.cxgraph.lastMove()")["animated"] is False
