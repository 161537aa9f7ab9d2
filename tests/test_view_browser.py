"""The HTML view in a real headless Chromium: offline, searchable, clickable, linkable.

Runs Debian's ``chromium`` through Playwright (never a downloaded browser). Every request the
page makes is recorded; anything but ``file:``, ``data:`` or ``about:`` fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxgraph.pipeline import complete_store
from cxgraph.view import render_view
from cxgraph.view.model import build_model

from .conftest import skip_or_fail

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "data" / "view" / "ontology"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def fixture_page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("view") / "cxgraph.html"
    path.write_bytes(render_view(complete_store(FIXTURE)))
    return path


class Page:
    """One opened view, with every outgoing request recorded."""

    def __init__(self, browser: Any, path: Path, fragment: str = "", viewport: tuple[int, int] = (1280, 800)) -> None:
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._record)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_selector("body[data-ready=true]", timeout=60_000)

    def _record(self, request: Any) -> None:
        if not request.url.startswith(LOCAL_SCHEMES):
            self.foreign.append(request.url)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def selected(self) -> str | None:
        return self.js("window.cxgraph.selected()")  # type: ignore[no-any-return]

    def card_title(self) -> str:
        return self.page.inner_text("#card-title").strip()

    def fragment(self) -> str:
        return self.js("decodeURIComponent(location.hash.slice(1))")  # type: ignore[no-any-return]

    def node_on_screen(self, concept: str) -> tuple[float, float]:
        """Where ``concept``'s node is drawn, in page coordinates."""
        point = self.js(
            """(id) => {
                const net = window.cxgraph.network;
                const dom = net.canvasToDOM(net.getPositions([id])[id]);
                const box = document.getElementById('graph').getBoundingClientRect();
                return [box.left + dom.x, box.top + dom.y];
            }""",
            concept,
        )
        return point[0], point[1]

    def colour_at(self, concept: str) -> str:
        """The colour drawn at the centre of ``concept``'s node, as ``#rrggbb``."""
        return self.js(  # type: ignore[no-any-return]
            """(id) => {
                const net = window.cxgraph.network;
                const canvas = document.querySelector('#graph canvas');
                const dom = net.canvasToDOM(net.getPositions([id])[id]);
                const ratio = canvas.width / canvas.clientWidth;
                const px = canvas.getContext('2d').getImageData(Math.round(dom.x * ratio), Math.round(dom.y * ratio), 1, 1).data;
                return '#' + [px[0], px[1], px[2]].map(v => v.toString(16).padStart(2, '0')).join('');
            }""",
            concept,
        )

    def show_everything(self) -> None:
        """Fit the whole graph on screen, without animation, and wait until it is drawn."""
        self.js("window.cxgraph.network.fit({animation: false})")
        self.next_frame()

    def next_frame(self) -> None:
        self.js("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def drawing(self) -> str:
        return self.js("document.querySelector('#graph canvas').toDataURL()")  # type: ignore[no-any-return]

    def close(self) -> None:
        assert not self.errors, f"script errors: {self.errors}"
        self.context.close()


@pytest.fixture
def opened(browser: Any, fixture_page_file: Path) -> Iterator[Page]:
    page = Page(browser, fixture_page_file)
    yield page
    page.close()


def test_the_page_makes_no_network_request(opened: Page) -> None:
    opened.page.fill("#search", "csat")
    opened.page.keyboard.press("Enter")
    opened.page.click("#layout-network")
    opened.page.wait_for_timeout(300)
    assert opened.foreign == []


def test_one_node_is_drawn_per_concept(opened: Page) -> None:
    drawn = opened.js("window.cxgraph.network.body.data.nodes.getIds().sort()")
    assert drawn == sorted(c.id for c in build_model(complete_store(FIXTURE)).concepts)
    assert "13 concepts" in opened.page.inner_text("#counts")


@pytest.mark.parametrize(
    ("typed", "concept"),
    [
        ("csat", "customer-satisfaction-score"),
        ("LTV", "customer-lifetime-value"),
        ("multi-channel", "multichannel-support"),
        ("custmer satisfaction", "customer-satisfaction-score"),
        ("nps", "net-promoter-score"),
    ],
)
def test_search_by_label_or_acronym_focuses_the_concept(opened: Page, typed: str, concept: str) -> None:
    opened.page.click("#search")
    opened.page.keyboard.type(typed)
    first = opened.page.get_attribute("#results li[aria-selected=true]", "data-id")
    assert first == concept
    opened.page.keyboard.press("Enter")
    assert opened.selected() == concept
    assert opened.fragment() == concept
    x, y = opened.node_on_screen(concept)
    box = opened.page.locator("#graph").bounding_box()
    assert box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]


def test_arrow_keys_choose_among_the_matches(opened: Page) -> None:
    opened.page.click("#search")
    opened.page.keyboard.type("support")
    options = opened.page.eval_on_selector_all("#results li", "items => items.map(li => li.dataset.id)")
    assert len(options) >= 3
    opened.page.keyboard.press("ArrowDown")
    opened.page.keyboard.press("ArrowDown")
    opened.page.keyboard.press("Enter")
    assert opened.selected() == options[2]


def test_slash_focuses_the_search_box(opened: Page) -> None:
    opened.page.click("#graph", position={"x": 5, "y": 5})
    opened.page.keyboard.press("/")
    assert opened.js("document.activeElement.id") == "search"


def test_clicking_a_node_shows_its_card(opened: Page) -> None:
    x, y = opened.node_on_screen("customer-lifetime-value")
    opened.page.mouse.click(x, y)
    assert opened.selected() == "customer-lifetime-value"
    card = opened.page.inner_text("#card")
    assert opened.card_title() == "customer lifetime value"
    assert "The revenue a company expects from one customer over the whole relationship." in card
    assert opened.fragment() == "customer-lifetime-value"


def test_the_card_lists_fields_in_the_expected_order(opened: Page) -> None:
    opened.js("window.cxgraph.select('customer-satisfaction-score')")
    headings = opened.page.eval_on_selector_all("#card h3", "hs => hs.map(h => h.textContent)")
    assert headings == ["Broader", "Related", "Alternative labels", "Notes", "Facts", "Sources", "IRI"]
    related = opened.page.eval_on_selector_all("#card .related h4", "hs => hs.map(h => h.textContent)")
    assert related == ["contrasts with", "measured by"]
    card = opened.page.inner_text("#card")
    assert "CSAT" in card and "https://w3id.org/cxgraph/customer-satisfaction-score" in card
    assert "Where sources disagree" in card


def test_a_linked_concept_in_the_card_opens_its_own_card(opened: Page) -> None:
    opened.js("window.cxgraph.select('customer-satisfaction-score')")
    opened.page.click("#card a[href='#satisfaction-survey']")
    opened.page.wait_for_function("window.cxgraph.selected() === 'satisfaction-survey'")
    assert opened.card_title() == "satisfaction survey"
    assert "measures" in opened.page.inner_text("#card")


def test_a_url_fragment_opens_its_concept(browser: Any, fixture_page_file: Path) -> None:
    page = Page(browser, fixture_page_file, "#net-promoter-score")
    try:
        assert page.selected() == "net-promoter-score"
        assert page.card_title() == "Net Promoter Score"
        assert "promoters minus the percentage of detractors" in page.page.inner_text("#card")
    finally:
        page.close()


def test_an_unknown_fragment_opens_the_whole_vocabulary(browser: Any, fixture_page_file: Path) -> None:
    page = Page(browser, fixture_page_file, "#no-such-concept")
    try:
        assert page.selected() is None
        assert "Explore the vocabulary" in page.page.inner_text("#card")
    finally:
        page.close()


def test_escape_clears_the_selection_and_the_fragment(opened: Page) -> None:
    opened.js("window.cxgraph.select('live-chat')")
    opened.page.click("#graph", position={"x": 5, "y": 5})
    opened.js("window.cxgraph.select('live-chat')")
    opened.page.keyboard.press("Escape")
    assert opened.selected() is None
    assert opened.fragment() == ""


def test_back_returns_to_the_previous_concept(opened: Page) -> None:
    opened.js("window.cxgraph.select('live-chat')")
    opened.js("window.cxgraph.select('email-support')")
    opened.page.go_back()
    opened.page.wait_for_function("window.cxgraph.selected() === 'live-chat'")
    assert opened.card_title() == "live chat"


def test_filtering_a_top_concept_hides_its_concepts(opened: Page) -> None:
    opened.page.uncheck("#groups li:nth-child(2) input")
    hidden = opened.js(
        "window.cxgraph.network.body.data.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"
    )
    assert hidden == ["email-support", "live-chat", "multichannel-support", "omnichannel-support", "support-channel"]
    assert "8 of 13 concepts shown" in opened.page.inner_text("#counts")


def test_filtering_a_relation_hides_its_edges(opened: Page) -> None:
    labels = opened.page.eval_on_selector_all("#relations li", "items => items.map(li => li.innerText)")
    index = next(i for i, text in enumerate(labels) if text.startswith("contrasts with"))
    opened.page.uncheck(f"#relations li:nth-child({index + 1}) input")
    hidden = opened.js("window.cxgraph.network.body.data.edges.get({filter: e => e.hidden}).length")
    assert hidden == 2


def test_the_two_layouts_place_nodes_differently(opened: Page) -> None:
    before = opened.js("window.cxgraph.network.getPositions()")
    opened.page.click("#layout-network")
    after = opened.js("window.cxgraph.network.getPositions()")
    assert opened.js("window.cxgraph.layout()") == "network"
    assert before.keys() == after.keys() and before != after


DIM_NODE = "#dfe3ea"


def test_selecting_a_concept_dims_everything_outside_its_neighbourhood(opened: Page) -> None:
    opened.js("window.cxgraph.select('multichannel-support')")
    opened.show_everything()
    assert opened.colour_at("metric") == DIM_NODE
    assert opened.colour_at("support-process") == DIM_NODE
    for near in ("multichannel-support", "omnichannel-support", "support-channel"):
        assert opened.colour_at(near) != DIM_NODE, near


def test_clearing_the_selection_draws_the_graph_exactly_as_before(opened: Page) -> None:
    opened.show_everything()
    at_rest = opened.drawing()
    opened.js("window.cxgraph.select('multichannel-support')")
    opened.show_everything()
    assert opened.drawing() != at_rest
    opened.page.keyboard.press("Escape")
    opened.show_everything()
    assert opened.selected() is None
    assert opened.drawing() == at_rest


def test_the_dimming_stays_right_when_a_filter_changes_under_a_selection(opened: Page) -> None:
    labels = opened.page.eval_on_selector_all("#relations li", "items => items.map(li => li.innerText)")
    contrasts = next(i for i, text in enumerate(labels) if text.startswith("contrasts with")) + 1
    opened.js("window.cxgraph.select('multichannel-support')")
    opened.page.uncheck(f"#relations li:nth-child({contrasts}) input")
    opened.show_everything()
    assert opened.colour_at("omnichannel-support") == DIM_NODE, "only linked through the hidden relation"
    opened.page.check(f"#relations li:nth-child({contrasts}) input")
    opened.page.uncheck("#dim")
    opened.page.check("#dim")
    opened.show_everything()
    assert opened.colour_at("omnichannel-support") != DIM_NODE
    assert opened.colour_at("metric") == DIM_NODE
    assert opened.errors == []


def test_the_shipped_vocabulary_draws_every_concept_and_finds_them(browser: Any, tmp_path: Path) -> None:
    from cxgraph.checks import run_checks

    store = complete_store()
    if not run_checks(store).ok:
        pytest.skip("the shipped vocabulary does not pass its checks right now")
    model = build_model(store)
    path = tmp_path / "cxgraph.html"
    path.write_bytes(render_view(store))
    page = Page(browser, path)
    try:
        drawn = page.js("window.cxgraph.network.body.data.nodes.length")
        assert drawn == len(model.concepts)
        for concept in model.concepts[:: max(1, len(model.concepts) // 15)]:
            for label in [concept.pref_label, *concept.alt_labels]:
                assert concept.id in page.js("(q) => window.cxgraph.search(q)", label), label
        assert page.foreign == []
    finally:
        page.close()


def test_nothing_is_requested_even_when_a_source_link_is_present(opened: Page) -> None:
    opened.js("window.cxgraph.select('customer-satisfaction-score')")
    link = opened.page.get_attribute("#card a[target=_blank]", "href")
    assert link == "https://glossary.example/alpha"
    assert opened.foreign == []


def test_after_switching_layout_every_node_is_drawn_where_it_now_is(browser: Any, tmp_path: Path) -> None:
    # Regression: vis-network skipped nodes whose cached bounding box was still at the old
    # layout's position, so a concept's neighbours vanished after Hierarchy -> Network.
    from cxgraph.synthetic import write_synthetic_ontology

    store = complete_store(write_synthetic_ontology(tmp_path / "syn", 300, seed=1))
    target = build_model(store).concepts[107]
    path = tmp_path / "cxgraph.html"
    path.write_bytes(render_view(store))
    page = Page(browser, path)
    try:
        page.page.click("#search")
        page.page.keyboard.type(target.alt_labels[0])
        page.page.keyboard.press("Enter")  # selects with an animated move
        page.page.click("#layout-network")
        page.page.wait_for_timeout(800)
        # What is on screen must already be the complete picture: one more redraw changes nothing.
        before = page.js("document.querySelector('#graph canvas').toDataURL()")
        after = page.js("window.cxgraph.network.redraw(), document.querySelector('#graph canvas').toDataURL()")
        assert before == after, "some nodes were not drawn at their new positions"
    finally:
        page.close()
