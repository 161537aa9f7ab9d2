"""Search and addresses on the shipped vocabulary: typos, abbreviations, signed numbers, names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import shipped, shipped_page_file  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("typed", "concept"),
    [
        ("custmer satisfaction", "customer-satisfaction"),
        ("satisfction", "customer-satisfaction"),
        ("net promotor", "net-promoter-score"),
        ("avg handle time", "average-handle-time"),
        ("csat", "customer-satisfaction-score"),
        ("tier -1", "tier-minus-1-support"),
        ("tier 1", "tier-1-support"),
    ],
)
def test_typed_text_finds_its_concept_first(shipped: Page, typed: str, concept: str) -> None:  # noqa: F811
    shipped.page.click("#search")
    shipped.page.keyboard.type(typed)
    first = shipped.page.get_attribute("#results li[aria-selected=true]", "data-id")
    assert first == concept
    shipped.page.keyboard.press("Enter")
    assert shipped.selected() == concept


def test_typo_matches_rank_below_exact_and_prefix_matches(shipped: Page) -> None:  # noqa: F811
    found = shipped.js("window.cxgraph.search('satisfaction')")
    assert found[:2] == ["customer-satisfaction", "customer-satisfaction-score"] or found[0] == "customer-satisfaction"
    # "handle" is a prefix of labels, "handel" only a typo: the prefix matches come first
    assert shipped.js("window.cxgraph.search('handle time')")[0] == "handle-time"


def test_a_typo_says_did_you_mean(shipped: Page) -> None:  # noqa: F811
    shipped.page.click("#search")
    shipped.page.keyboard.type("net promotor")
    assert "Did you mean Net Promoter Score?" in shipped.page.inner_text("#did-you-mean")
    shipped.page.fill("#search", "")
    shipped.page.keyboard.type("NPS")
    assert shipped.page.locator("#did-you-mean").count() == 0


def test_slash_after_choosing_a_result_starts_a_new_search(shipped: Page) -> None:  # noqa: F811
    shipped.page.click("#search")
    shipped.page.keyboard.type("Support Tier")
    shipped.page.keyboard.press("Enter")
    chosen = shipped.page.input_value("#search")
    shipped.page.keyboard.press("/")
    shipped.page.keyboard.type("csat")
    assert shipped.page.input_value("#search") == "csat", chosen


@pytest.mark.parametrize(
    ("fragment", "concept"),
    [
        ("#net-promoter-score", "net-promoter-score"),
        ("#NPS", "net-promoter-score"),
        ("#cxg:net-promoter-score", "net-promoter-score"),
        ("#Net%20Promoter%20Score", "net-promoter-score"),
        ("#CSAT", "customer-satisfaction-score"),
        ("#Tier%20-1", "tier-minus-1-support"),
    ],
)
def test_the_address_takes_a_slug_name_label_or_acronym(
    browser: Any, shipped_page_file: Path, fragment: str, concept: str  # noqa: F811
) -> None:
    page = Page(browser, shipped_page_file, fragment)
    try:
        assert page.selected() == concept
        assert page.fragment() == concept
    finally:
        page.close()


def test_an_unknown_address_says_so(browser: Any, shipped_page_file: Path) -> None:  # noqa: F811
    page = Page(browser, shipped_page_file, "#net-promotor-score")
    try:
        assert page.selected() is None
        notice = page.page.inner_text("#card .unknown")
        assert "No concept “net-promotor-score” in this vocabulary" in notice
        assert "Net Promoter Score" in notice
        page.page.click("#card .unknown a[href='#net-promoter-score']")
        page.page.wait_for_function("window.cxgraph.selected() === 'net-promoter-score'")
        page.page.evaluate("location.hash = 'no-such-thing-at-all'")
        page.page.wait_for_selector("#card .unknown")
        assert page.selected() is None
    finally:
        page.close()

