"""Languages where people see them: the endpoint's lang= and query page, and the graph view.

The endpoint serves the shipped vocabulary; the graph view is the shipped page, opened with
``?lang=`` as the language switch sets it.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_server import Server, start_server, stop_server
from .test_view_browser import Page, browser  # noqa: F401  (the browser fixture)
from .test_view_focus import shipped_page_file  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shipped_server() -> Iterator[Server]:
    running = start_server()
    yield running
    stop_server(running)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    status, _, body = _fetch(url, headers)
    return status, body


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_endpoint_answers_in_the_language_asked_for(shipped_server: Server) -> None:
    query = "SELECT ?l WHERE { cxg:first-contact-resolution skos:prefLabel ?l }"
    url = shipped_server.url + "?" + urllib.parse.urlencode({"query": query, "lang": "fr"})
    status, body = _get(url, {"Accept": "application/sparql-results+json"})
    assert status == 200
    (row,) = json.loads(body)["results"]["bindings"]
    assert row["l"] == {"type": "literal", "value": "Taux de résolution au premier contact", "xml:lang": "fr"}
    everything = shipped_server.url + "?" + urllib.parse.urlencode({"query": query})
    assert len(json.loads(_get(everything, {"Accept": "application/sparql-results+json"})[1])["results"]["bindings"]) == 5
    status, body = _get(shipped_server.url + "?" + urllib.parse.urlencode({"query": query, "lang": "it"}))
    assert status == 400 and b"no language 'it'" in body


def test_the_query_page_preselects_the_browsers_language(shipped_server: Server) -> None:
    status, headers, page = _fetch(shipped_server.base, {"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"})
    assert status == 200 and b'<option value="pt-BR" selected>' in page
    assert "Accept-Language" in headers.get("Vary", "")
    assert b" selected>" not in _get(shipped_server.base, {"Accept-Language": "it"})[1]


def test_the_query_page_runs_a_named_query_in_the_chosen_language(browser: Any, shipped_server: Server) -> None:  # noqa: F811
    context = browser.new_context(locale="de-DE")
    tab = context.new_page()
    tab.goto(shipped_server.base)
    tab.wait_for_selector("#named option:nth-child(2)", state="attached")
    assert tab.input_value("#lang") == "de"
    tab.select_option("#named", "nps-categories")
    tab.click("#run")
    tab.wait_for_selector("#results table")
    labels = tab.eval_on_selector_all("#results tbody tr td:nth-child(2)", "cells => cells.map(c => c.textContent)")
    context.close()
    assert len(labels) == 3 and all(label.endswith("@de") for label in labels)


@pytest.fixture
def view(browser: Any, shipped_page_file: Path, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    page = Page(browser, shipped_page_file, request.param)
    yield page
    page.close()


@pytest.mark.parametrize(
    ("view", "typed", "concept", "title"),
    [
        ("?lang=es", "tasa de abandono", "abandonment-rate", "Tasa de abandono"),
        ("?lang=fr", "taux de résolution au premier contact", "first-contact-resolution",
         "Taux de résolution au premier contact"),
        ("?lang=de", "Wartezeit", "queue-time", "Wartezeit in der Warteschlange"),
        ("?lang=pt-BR", "atendimento omnicanal", "omnichannel-support", "Atendimento omnichannel"),
    ],
    indirect=["view"],
)
def test_searching_in_a_language_finds_the_concept_and_the_card_speaks_it(
    view: Page, typed: str, concept: str, title: str
) -> None:
    view.page.click("#search")
    view.page.keyboard.type(typed)
    assert view.page.get_attribute("#results li[aria-selected=true]", "data-id") == concept
    view.page.keyboard.press("Enter")
    assert view.selected() == concept
    assert view.card_title() == title
    assert view.page.locator("#card-fallback").count() == 0
    assert view.errors == [] and view.foreign == []


@pytest.mark.parametrize("view", ["?lang=es#agent"], indirect=True)
def test_other_languages_are_found_only_when_asked_and_the_switch_keeps_the_concept(view: Page) -> None:
    assert view.js("window.cxgraph.language()") == "es"
    assert view.js("document.documentElement.lang") == "es"
    assert "wait-time" not in " ".join(view.js("window.cxgraph.search('Wartezeit')"))
    view.page.check("#all-languages")
    view.page.click("#search")
    view.page.keyboard.type("Wartezeit in der Warteschlange")
    assert view.page.get_attribute("#results li[aria-selected=true]", "data-id") == "queue-time"
    assert "(de)" in view.page.inner_text("#results li[aria-selected=true]")
    view.page.keyboard.press("Escape")
    view.page.select_option("#language", "fr")
    view.page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert view.page.url.endswith("?lang=fr#agent")
    assert view.js("window.cxgraph.language()") == "fr"
    assert view.selected() == "agent"
    other = view.page.text_content("#card") or ""
    assert "Dans d'autres langues" in other and "Español" in other and "Agente" in other
    assert view.page.inner_text("#layout-hierarchy") == "Hiérarchie"  # the page's own words follow the language
    assert view.page.get_attribute("#search", "placeholder").startswith("Trouver un concept")


@pytest.mark.parametrize("view", ["?lang=fr#agent"], indirect=True)
def test_a_concept_missing_in_a_partial_language_is_shown_in_english_and_marked(view: Page) -> None:
    # Drop the French text of one concept in the page's own data, as a partial language leaves it.
    view.page.evaluate(
        """() => { const node = document.getElementById('cxgraph-data');
                   const data = JSON.parse(node.textContent);
                   data.concepts.forEach(c => { if (c.id === 'agent') delete c.tr.fr; });
                   data.languages.forEach(l => { if (l.tag === 'fr') l.partial = true; });
                   node.textContent = JSON.stringify(data); }"""
    )
    html = view.page.evaluate("document.documentElement.outerHTML")
    changed = Path(view.page.url.split("?")[0].removeprefix("file://")).with_name("partial.html")
    changed.write_text("<!DOCTYPE html>" + html, encoding="utf-8")
    view.page.goto(changed.as_uri() + "?lang=fr#agent")
    view.page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert view.card_title() == "Agent"
    assert view.page.inner_text("#card-fallback") == "Pas encore en français : libellé et définition affichés en anglais."
    assert "Français (partial)" in view.page.inner_text("#language")
