"""Every screen, on the shipped vocabulary: collapsing panels, the phone layout, filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import framed_share, shipped, shipped_page_file  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = (390, 844)


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found  # type: ignore[no-any-return]


def test_side_panel_and_card_collapse_and_the_graph_takes_the_room(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('net-promoter-score')")
    width = box(shipped, "#graph")["width"]
    shipped.page.click("#toggle-side")
    assert not shipped.page.locator("#side").is_visible()
    assert shipped.page.get_attribute("#toggle-side", "aria-expanded") == "false"
    shipped.page.click("#toggle-card")
    assert not shipped.page.locator("#card").is_visible()
    assert box(shipped, "#graph")["width"] > width + 500
    shipped.page.click("#toggle-side")
    shipped.page.click("#toggle-card")
    assert shipped.page.locator("#side").is_visible() and shipped.page.locator("#card").is_visible()


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_the_header_stays_on_one_line(browser: Any, shipped_page_file: Path, size: tuple[int, int]) -> None:  # noqa: F811
    page = Page(browser, shipped_page_file, viewport=size)
    try:
        page.page.uncheck("#groups li:nth-child(2) input")
        assert box(page, ".bar")["height"] < 70
        counts = box(page, "#counts")
        assert counts["height"] < 22, "the counts line does not wrap"
    finally:
        page.close()


def test_on_a_phone_the_graph_gets_most_of_the_screen_and_the_card_is_a_bottom_sheet(
    browser: Any, shipped_page_file: Path  # noqa: F811
) -> None:
    page = Page(browser, shipped_page_file, viewport=PHONE)
    try:
        assert not page.page.locator("#card").is_visible(), "nothing selected: no sheet"
        assert box(page, "#graph")["height"] > 0.8 * PHONE[1] - 120
        page.page.click("#search")
        page.page.keyboard.type("NPS")
        page.page.keyboard.press("Enter")
        graph, card = box(page, "#graph"), box(page, "#card")
        assert graph["height"] > card["height"] and graph["height"] >= 0.45 * PHONE[1]
        assert card["y"] >= graph["y"] + graph["height"] - 1 and card["width"] == PHONE[0]
        assert "Net Promoter Score" in page.page.inner_text("#card")
    finally:
        page.close()


def test_on_a_phone_the_filters_open_as_a_drawer(browser: Any, shipped_page_file: Path) -> None:  # noqa: F811
    page = Page(browser, shipped_page_file, viewport=PHONE)
    try:
        assert not page.page.locator("#groups").is_visible()
        page.page.click("#toggle-side")
        assert page.page.locator("#groups input").first.is_visible()
        page.page.uncheck("#groups li:nth-child(2) input")
        assert " of " in page.page.inner_text("#counts") or page.js("window.cxgraph.network.body.data.nodes.get({filter: n => n.hidden}).length") > 0
        page.page.click("#tab-tree")
        assert page.page.locator("#tree li").first.is_visible()
        page.page.click("#toggle-side")
        assert not page.page.locator("#side").is_visible()
    finally:
        page.close()


@pytest.mark.parametrize("layout", ["hierarchy", "network"])
def test_on_a_phone_selecting_frames_every_neighbour_too(
    browser: Any, shipped_page_file: Path, layout: str  # noqa: F811
) -> None:
    share, missed = framed_share(browser, shipped_page_file, layout, *PHONE)
    print(f"framed {layout} {PHONE[0]}x{PHONE[1]}: {share:.1%}")
    assert share >= 0.95, missed[:10]
