"""Accessible, printable, exportable, on the shipped vocabulary: keys, skip link, announcements,
contrast, dark mode, the print style and PNG/SVG export."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from cxgraph.pipeline import complete_store
from cxgraph.view.model import build_model
from cxgraph.view.page import page_data

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import shipped, shipped_page_file  # noqa: F401

LIGHT_CANVAS, DARK_CANVAS = "#f7f8fa", "#161b22"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_node_colour_stands_out_3_to_1_on_both_canvases() -> None:
    groups = page_data(build_model(complete_store()))["groups"]
    for g in groups:
        assert contrast(g["color"], LIGHT_CANVAS) >= 3, g
        assert contrast(g["dark"], DARK_CANVAS) >= 3, g


@pytest.mark.browser
def test_arrow_keys_move_to_the_neighbour_in_that_direction(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.page.focus("#graph")
    for key in ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"):
        here = shipped.selected()
        assert here is not None
        x, y = shipped.node_on_screen(here)
        near = shipped.js("(id) => window.cxgraph.neighbours(id)", here)
        positions = {n: shipped.node_on_screen(n) for n in near}
        shipped.page.keyboard.press(key)
        shipped.page.wait_for_timeout(500)
        moved = shipped.selected()
        if moved == here:
            continue  # no linked concept that way
        assert moved in near, key
        nx, ny = positions[moved]
        dx, dy = {"ArrowLeft": (-1, 0), "ArrowRight": (1, 0), "ArrowUp": (0, -1), "ArrowDown": (0, 1)}[key]
        assert (nx - x) * dx + (ny - y) * dy > 0, key
    assert shipped.js("document.activeElement.id") == "graph"


@pytest.mark.browser
def test_the_skip_link_comes_first_and_leads_to_the_card(shipped: Page) -> None:  # noqa: F811
    shipped.page.keyboard.press("Tab")
    assert shipped.js("document.activeElement.className") == "skip"
    shipped.page.keyboard.press("Enter")
    assert shipped.js("document.activeElement.id") == "card"
    assert shipped.selected() is None


@pytest.mark.browser
def test_only_the_selected_concepts_name_is_announced(shipped: Page) -> None:  # noqa: F811
    assert shipped.page.get_attribute("#card", "aria-live") is None
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.page.wait_for_function("document.getElementById('announce').textContent !== ''")
    assert shipped.page.inner_text("#announce") == "Net Promoter Score"
    assert shipped.page.get_attribute("#announce", "aria-live") == "polite"


@pytest.mark.browser
def test_dark_mode_follows_the_system_setting(browser: Any, shipped_page_file: Path) -> None:  # noqa: F811
    page = Page(browser, shipped_page_file, "#net-promoter-score")
    try:
        page.page.emulate_media(color_scheme="dark")
        page.page.reload()
        page.page.wait_for_selector("body[data-ready=true]")
        assert page.js("getComputedStyle(document.getElementById('graph')).backgroundColor") == "rgb(22, 27, 34)"
        groups = page_data(build_model(complete_store()))["groups"]
        colour = page.js("window.cxgraph.network.body.nodes['net-promoter-score'].options.color.background")
        assert colour in {g["dark"] for g in groups}
    finally:
        page.close()


@pytest.mark.browser
def test_printing_gives_the_card_and_a_glossary(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.page.emulate_media(media="print")
    shipped.page.wait_for_function("document.querySelectorAll('#glossary dt').length > 0")
    terms = shipped.page.eval_on_selector_all("#glossary dt", "dts => dts.length")
    assert terms == shipped.js("window.cxgraph.conceptIds().length")
    assert not shipped.page.locator("#graph").is_visible()
    assert not shipped.page.locator("#side").is_visible()
    assert shipped.page.locator("#card-title").is_visible()
    assert shipped.page.locator("#glossary").is_visible()
    shipped.page.emulate_media(media="screen")


@pytest.mark.browser
def test_the_current_view_exports_as_png_and_svg(shipped: Page, tmp_path: Path) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('net-promoter-score')")
    shipped.next_frame()
    with shipped.page.expect_download() as png:
        shipped.page.click("#export-png")
    saved = tmp_path / "view.png"
    png.value.save_as(saved)
    assert png.value.suggested_filename == "cxgraph-view.png"
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and saved.stat().st_size > 20_000
    with shipped.page.expect_download() as svg:
        shipped.page.click("#export-svg")
    saved = tmp_path / "view.svg"
    svg.value.save_as(saved)
    root = ET.parse(saved).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    circles = {c.get("data-id") for c in root.iter(ns + "circle")}
    texts = [t.text for t in root.iter(ns + "text")]
    assert {"net-promoter-score", *shipped.js("window.cxgraph.neighbours('net-promoter-score')")} <= circles
    assert "Net Promoter Score" in texts
    assert len(texts) == len(shipped.js("window.cxgraph.labels()"))
    assert shipped.foreign == []
