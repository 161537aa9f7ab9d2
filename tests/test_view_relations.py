"""Relations on the shipped vocabulary: edge titles, pair lists, "only this", refitting."""

from __future__ import annotations

import pytest

from cxgraph.pipeline import complete_store
from cxgraph.view.model import build_model

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import shipped, shipped_page_file  # noqa: F401

pytestmark = pytest.mark.browser


def relation_row(page: Page, label: str) -> int:
    labels = page.page.eval_on_selector_all("#relations li label", "items => items.map(l => l.innerText)")
    return next(i for i, text in enumerate(labels) if text.startswith(label)) + 1


def test_hovering_an_edge_names_the_relation_and_both_ends(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.next_frame()
    edge = shipped.js(
        """() => {
            const net = window.cxgraph.network;
            const ids = net.getConnectedEdges('net-promoter-score');
            const id = ids.find(i => net.body.data.edges.get(i).title.includes('measured by'));
            const p = net.canvasToDOM(net.body.edges[id].edgeType.getPoint(0.5));
            const box = document.getElementById('graph').getBoundingClientRect();
            return {title: net.body.data.edges.get(id).title, x: box.left + p.x, y: box.top + p.y};
        }"""
    )
    assert edge["title"] == "Net Promoter Score — measured by → Net Promoter Survey"
    shipped.page.mouse.move(edge["x"] - 3, edge["y"])
    shipped.page.mouse.move(edge["x"], edge["y"])
    shipped.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=3000)
    assert shipped.page.inner_text("div.vis-tooltip") == edge["title"]


def test_a_legend_row_lists_the_pairs_of_its_relation(shipped: Page) -> None:  # noqa: F811
    model = build_model(complete_store())
    contrasts = next(r for r in model.relations if r.label == "contrasts with")
    row = relation_row(shipped, "contrasts with")
    shipped.page.click(f"#relations li:nth-child({row}) button.pairs")
    assert shipped.page.inner_text("#pairs-title") == "contrasts with"
    items = shipped.page.eval_on_selector_all("#card ol.pairs li", "lis => lis.map(li => li.innerText)")
    assert len(items) == contrasts.count
    first = next(e for e in model.edges if e.kind == contrasts.key)
    labels = {c.id: c.pref_label for c in model.concepts}
    assert items[0] == f"{labels[first.source]} contrasts with — {labels[first.target]}"
    shipped.page.click(f"#card ol.pairs li:first-child a[href='#{first.source}']")
    shipped.page.wait_for_function(f"window.cxgraph.selected() === '{first.source}'")


def test_only_this_keeps_one_relation_and_one_top_concept(shipped: Page) -> None:  # noqa: F811
    row = relation_row(shipped, "contrasts with")
    shipped.page.click(f"#relations li:nth-child({row}) button.only")
    checked = shipped.page.eval_on_selector_all("#relations input", "boxes => boxes.map(b => b.checked)")
    assert checked == [i == row - 1 for i in range(len(checked))]
    shown = shipped.js("window.cxgraph.network.body.data.edges.get({filter: e => !e.hidden}).map(e => e.title)")
    assert shown and all(" contrasts with — " in title for title in shown)
    shipped.page.click("#groups li:nth-child(3) button.only")
    counts = shipped.page.inner_text("#counts")
    assert " of " in counts and "shown" in counts
    assert shipped.js("getComputedStyle(document.getElementById('counts')).whiteSpace") == "nowrap"


def test_filtering_refits_the_view_to_what_is_left(shipped: Page) -> None:  # noqa: F811
    shipped.page.click("#groups li:nth-child(1) button.only")
    shipped.page.wait_for_timeout(900)
    visible = shipped.js("window.cxgraph.network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    box = shipped.page.locator("#graph").bounding_box()
    for concept in visible:
        x, y = shipped.node_on_screen(concept)
        assert box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"], concept
    scale = shipped.js("window.cxgraph.network.getScale()")
    shipped.page.click("[data-all=groups]")
    shipped.page.wait_for_timeout(900)
    assert shipped.js("window.cxgraph.network.getScale()") < scale / 1.5, "the filtered view is zoomed in on what is left"
