"""The static site in headless Chromium, opened from disk and from nginx with the shipped rules:
the offline search finds a concept by its acronym, and a concept page shows its definition and
links to its neighbours. No request leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_site import nginx, port, site, store  # noqa: F401  (module fixtures shared with the nginx test)
from .test_view_browser import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser



def check_site(chromium: Any, home: str) -> None:
    context = chromium.new_context()
    foreign: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if not (url.startswith("file:") or url.startswith("http://127.0.0.1") or url.startswith("data:")):
            foreign.append(url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(home)
    page.fill("#site-search", "CSAT")
    first = page.locator("#search-results li a").first
    first.wait_for(timeout=5000)
    assert first.inner_text() == "Customer Satisfaction Score"
    first.click()
    page.wait_for_load_state()
    assert page.url.split("/")[-1].startswith("customer-satisfaction-score")
    assert page.locator("#definition").inner_text().startswith("Survey metric")
    broader = page.locator("ul.broader a").first
    assert broader.inner_text() == "Survey Metric"
    page.locator("section.relations a", has_text="Customer Satisfaction Survey").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Customer Satisfaction Survey")
    assert "Customer Satisfaction Score" in page.locator("section.relations").inner_text()
    context.close()
    assert not errors, errors
    assert not foreign, foreign


def test_site_from_disk(browser: Any, site: Path) -> None:  # noqa: F811
    check_site(browser, (site / "index.html").as_uri())


def test_site_from_nginx(browser: Any, nginx: str) -> None:  # noqa: F811
    check_site(browser, f"{nginx}/")
