"""The view at scale, on synthetic vocabularies: deterministic input, one node per concept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxgraph.checks import run_checks
from cxgraph.pipeline import complete_store
from cxgraph.synthetic import synthetic_turtle, write_synthetic_ontology
from cxgraph.view import render_view
from cxgraph.view.model import build_model

from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)


def test_the_synthetic_vocabulary_is_the_same_for_the_same_seed() -> None:
    assert synthetic_turtle(200, seed=3) == synthetic_turtle(200, seed=3)
    assert synthetic_turtle(200, seed=3) != synthetic_turtle(200, seed=4)


def test_the_synthetic_vocabulary_has_the_promised_shape_and_passes_the_checks(tmp_path: Path) -> None:
    folder = write_synthetic_ontology(tmp_path / "syn", 600, seed=1)
    store = complete_store(folder)
    report = run_checks(store)
    assert report.ok, report.render()
    model = build_model(store)
    assert len(model.concepts) == 600
    assert len(model.groups) == 8 and all(g.count > 1 for g in model.groups)
    assert 5 <= max(c.depth for c in model.concepts) + 1 <= 7
    assert sum(len(c.broader) > 1 for c in model.concepts) > 0, "some polyhierarchy"
    associative = sum(r.count for r in model.relations if r.key != "broader")
    assert 1.2 * 600 <= associative <= 1.6 * 600
    assert all(c.alt_labels and c.hidden_labels and c.definition and c.sources for c in model.concepts)


@pytest.mark.slow
@pytest.mark.browser
def test_a_page_of_5000_concepts_draws_every_one_and_searches_them(
    browser: Any, tmp_path: Path  # noqa: F811
) -> None:
    folder = write_synthetic_ontology(tmp_path / "syn", 5000, seed=1)
    store = complete_store(folder)
    model = build_model(store)
    path = tmp_path / "cxgraph.html"
    path.write_bytes(render_view(store))
    page = Page(browser, path)
    try:
        assert page.js("window.cxgraph.network.body.data.nodes.length") == 5000
        page.next_frame()
        assert len(page.js("window.cxgraph.labels()")) >= 30, "the overview is labelled without zooming"
        target = model.concepts[4321]
        page.page.click("#search")
        page.page.keyboard.type(target.alt_labels[0])
        page.js("() => { window.moved = new Promise(done => window.cxgraph.network.once('animationFinished', done)); }")
        page.page.keyboard.press("Enter")  # an animated move, flown without the links
        assert page.selected() == target.id
        assert page.card_title() == target.pref_label
        page.js("window.moved")
        page.next_frame()
        # The last frame of the move draws the links again (vis leaves them out only while its
        # renderer counts as zooming), and one more redraw changes nothing.
        assert page.js("window.cxgraph.network.renderer.zooming") is False
        assert page.drawing() == page.js("window.cxgraph.network.redraw(), document.querySelector('#graph canvas').toDataURL()")
        page.page.click("#layout-network")
        assert page.js("window.cxgraph.layout()") == "network"
        assert page.foreign == []
    finally:
        page.close()
