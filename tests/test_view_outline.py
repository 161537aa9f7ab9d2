"""The outline beside the graph on the shipped vocabulary: tree, A to Z list, collections, chains."""

from __future__ import annotations

import pytest

from cxgraph.pipeline import complete_store
from cxgraph.view.model import build_model

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import shipped, shipped_page_file  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return build_model(complete_store())


def test_the_tree_opens_on_the_selection_and_follows_it(shipped: Page) -> None:  # noqa: F811
    shipped.page.click("#tab-tree")
    tops = shipped.page.eval_on_selector_all("#tree > li > .row a", "links => links.map(a => a.dataset.id)")
    assert "customer-service-metric" in tops
    shipped.js("window.cxgraph.select('tier-1-support')")
    current = shipped.page.locator("#tree a[aria-current]")
    assert current.count() >= 1 and current.first.is_visible()
    chain = shipped.page.eval_on_selector_all(
        "#tree li[aria-expanded=true] > .row a", "links => links.map(a => a.dataset.id)"
    )
    assert chain[-1] == "support-tier"
    shipped.page.click("#tree a[data-id='tier-2-support']")
    shipped.page.wait_for_function("window.cxgraph.selected() === 'tier-2-support'")
    assert shipped.page.locator("#tree a[aria-current][data-id='tier-2-support']").count() >= 1


def test_the_tree_shows_a_concept_under_each_of_its_broader_concepts(shipped: Page, model) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    poly = next(c for c in model.concepts if len(c.broader) > 1)
    shipped.page.click("#tab-tree")
    for parent in poly.broader:
        shipped.js(f"window.cxgraph.select('{parent}')")
        shipped.js(
            "(id) => document.querySelector(`#tree li[data-id='${id}'] > .row a[aria-current]`).parentNode.querySelector('.twisty').click()",
            parent,
        )
        assert shipped.page.locator(f"#tree li[data-id='{parent}'] > ul > li[data-id='{poly.id}']").count() >= 1, parent
    root = shipped.page.eval_on_selector("#tree > li[aria-expanded=true]", "li => li.dataset.id")
    shipped.page.click(f"#tree > li[data-id='{root}'] > .row > .twisty")
    assert shipped.page.get_attribute(f"#tree > li[data-id='{root}']", "aria-expanded") == "false"
    assert not shipped.page.locator(f"#tree > li[data-id='{root}'] > ul").is_visible()


def test_the_a_to_z_list_holds_every_concept_in_order(shipped: Page, model) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shipped.page.click("#tab-az")
    listed = shipped.page.eval_on_selector_all("#az a[data-id]", "links => links.map(a => a.dataset.id)")
    assert sorted(listed) == sorted(c.id for c in model.concepts)
    shipped.js("window.cxgraph.select('net-promoter-score')")
    assert shipped.page.locator("#az a[aria-current]").get_attribute("data-id") == "net-promoter-score"


def test_the_card_shows_the_full_chain_of_broader_concepts(shipped: Page) -> None:  # noqa: F811
    shipped.js("window.cxgraph.select('tier-1-support')")
    assert "Support Model \u203a Tiered Support \u203a Support Tier" in shipped.page.inner_text("#card .chains")


def test_ordered_collections_are_listed_in_order_and_searchable(shipped: Page, model) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    tiers = next(k for k in model.collections if k.id == "support-tier-sequence")
    shipped.page.click("#tab-collections")
    shipped.page.click("#collection-support-tier-sequence summary")
    listed = shipped.page.eval_on_selector_all(
        "#collection-support-tier-sequence ol a", "links => links.map(a => a.dataset.id)"
    )
    assert listed == tiers.members == [
        "tier-minus-1-support", "tier-0-support", "tier-1-support", "tier-2-support", "tier-3-support", "tier-4-support",
    ]
    assert len(shipped.page.locator("#collections details").all()) == len(model.collections)
    shipped.page.click("#search")
    shipped.page.keyboard.type("workforce management")
    option = shipped.page.locator("#results li[data-collection='workforce-management-facet']")
    option.click()
    assert shipped.page.inner_text("#collection-title") == "Workforce management and planning"
    shipped.js("window.cxgraph.select('tier-1-support')")
    assert "Support tiers in order (3 of 6)" in shipped.page.inner_text("#card")


def test_the_tree_works_from_the_keyboard(shipped: Page) -> None:  # noqa: F811
    page = shipped.page
    page.click("#tab-tree")
    focused = "() => { const li = document.activeElement.closest('li[role=treeitem]'); return li && li.dataset.id; }"
    tops = page.eval_on_selector_all("#tree > li", "items => items.map(li => li.dataset.id)")
    assert page.eval_on_selector_all("#tree li[tabindex='0']", "items => items.length") == 1, "one tab stop"
    page.focus("#tree > li:first-child")
    assert shipped.js(focused) == tops[0]
    page.keyboard.press("ArrowDown")
    assert shipped.js(focused) == tops[1]
    page.keyboard.press("End")
    assert shipped.js(focused) == tops[-1]
    page.keyboard.press("Home")
    assert shipped.js(focused) == tops[0]
    page.keyboard.press("ArrowUp")
    assert shipped.js(focused) == tops[0], "Up on the first item stays"
    # Right opens, Right again goes to the first child, Down to the second, Left to the parent.
    page.keyboard.press("ArrowRight")
    assert page.get_attribute(f"#tree > li[data-id='{tops[0]}']", "aria-expanded") == "true"
    children = page.eval_on_selector_all(f"#tree > li[data-id='{tops[0]}'] > ul > li", "items => items.map(li => li.dataset.id)")
    assert shipped.js(focused) == tops[0]
    page.keyboard.press("ArrowRight")
    assert shipped.js(focused) == children[0]
    page.keyboard.press("ArrowDown")
    assert shipped.js(focused) == children[1]
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => window.cxgraph.selected() === id", arg=children[1])
    assert shipped.js(focused) == children[1], "selecting keeps the keyboard in the tree"
    assert page.locator(f"#tree a[aria-current][data-id='{children[1]}']").count() >= 1
    page.keyboard.press("ArrowLeft")
    assert shipped.js(focused) == tops[0]
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute(f"#tree > li[data-id='{tops[0]}']", "aria-expanded") == "false"
    assert not page.locator(f"#tree > li[data-id='{tops[0]}'] > ul").is_visible()
    page.keyboard.press("ArrowDown")
    assert shipped.js(focused) == tops[1], "Down skips the children of a closed item"
    assert page.eval_on_selector_all("#tree li[tabindex='0']", "items => items.length") == 1
