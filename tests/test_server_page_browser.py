"""The endpoint's built-in query page, driven in headless Chromium against a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT
from .test_server import Server, start_server, stop_server
from .test_view_browser import browser  # noqa: F401 - the shared Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def shipped_server() -> Iterator[Server]:
    running = start_server()
    yield running
    stop_server(running)


@pytest.fixture
def page(browser: Any, shipped_server: Server) -> Iterator[Any]:  # noqa: F811 - pytest fixture injection
    own = urlsplit(shipped_server.base).netloc
    foreign: list[str] = []
    context = browser.new_context()

    def route(r: Any) -> None:
        if urlsplit(r.request.url).netloc == own:
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.goto(shipped_server.base)
    tab.wait_for_selector("#named option:nth-child(2)", state="attached")
    yield tab
    context.close()
    assert foreign == [], "the query page must load nothing from elsewhere"


def table_rows(page: Any) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#results table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def test_page_offers_every_named_query(page: Any) -> None:
    names = page.eval_on_selector_all("#named option", "options => options.map(o => o.value).filter(Boolean)")
    assert sorted(names) == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))


def test_picking_a_named_query_and_running_it_shows_a_table(page: Any) -> None:
    page.select_option("#named", "nps-categories")
    assert "Promoter" in page.input_value("#query") or "cx:scoreRangeMin" in page.input_value("#query")
    page.click("#run")
    page.wait_for_selector("#results table")
    rows = table_rows(page)
    assert len(rows) == 3
    assert any("Promoter" in " ".join(r) and "9" in r and "10" in r for r in rows)
    assert "3 rows" in page.text_content("#status")


def test_a_typed_query_runs_with_ctrl_enter(page: Any) -> None:
    page.fill("#query", 'SELECT ?c WHERE { ?c skos:altLabel "CSAT"@en }')
    page.press("#query", "Control+Enter")
    page.wait_for_selector("#results table")
    assert table_rows(page) == [["cxg:customer-satisfaction-score"]] or table_rows(page) == [
        ["https://w3id.org/cxgraph/customer-satisfaction-score"]
    ]


def test_a_malformed_query_shows_the_parser_message(page: Any) -> None:
    page.fill("#query", "SELECT ?s WHERE { ?s ?p }")
    page.click("#run")
    from playwright.sync_api import expect

    expect(page.locator("#status")).to_have_text(re.compile(r"^400: .*(1:|line)"))
    assert page.query_selector("#results table") is None
