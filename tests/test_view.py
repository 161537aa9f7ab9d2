"""The HTML view without a browser: what it reads from the vocabulary, and the file it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cxgraph.errors import UsageError
from cxgraph.pipeline import complete_store
from cxgraph.view import render_view
from cxgraph.view.layout import compute_layouts
from cxgraph.view.model import build_model
from cxgraph.view.page import find_concept

from .conftest import CliRunner

FIXTURE = Path(__file__).parent / "data" / "view" / "ontology"


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    return complete_store(FIXTURE)


def page_json(page: bytes) -> dict:  # type: ignore[type-arg]
    match = re.search(rb'<script id="cxgraph-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page carries its data in one JSON block"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_related_concepts_are_named_by_their_most_specific_relation(store) -> None:  # type: ignore[no-untyped-def]
    model = build_model(store)
    csat = model.concept("customer-satisfaction-score")
    assert csat is not None
    assert csat.related == [("contrasts with", ["net-promoter-score"]), ("measured by", ["satisfaction-survey"])]
    survey = model.concept("satisfaction-survey")
    assert survey is not None
    assert survey.related == [("measures", ["customer-satisfaction-score", "net-promoter-score"])]
    ltv = model.concept("customer-lifetime-value")
    assert ltv is not None and ltv.related == [("related", ["net-promoter-score"])]


def test_each_link_is_drawn_once_in_its_canonical_direction(store) -> None:  # type: ignore[no-untyped-def]
    edges = {(e.source, e.target, e.kind) for e in build_model(store).edges}
    assert ("customer-satisfaction-score", "satisfaction-survey", "measuredBy") in edges
    assert not any(kind == "measures" for _, _, kind in edges)
    contrasts = [e for e in edges if e[2] == "contrastsWith"]
    assert sorted(contrasts) == [
        ("customer-satisfaction-score", "net-promoter-score", "contrastsWith"),
        ("multichannel-support", "omnichannel-support", "contrastsWith"),
    ]
    # skos:related entailed from a cx: relation is not drawn a second time.
    assert [e for e in edges if e[2] == "related"] == [("customer-lifetime-value", "net-promoter-score", "related")]


def test_a_note_entailed_from_a_more_specific_note_is_shown_once(store) -> None:  # type: ignore[no-untyped-def]
    csat = build_model(store).concept("customer-satisfaction-score")
    assert csat is not None
    headings = [heading for heading, _ in csat.notes]
    assert headings == ["Where sources disagree", "Example"]


def test_concepts_are_coloured_by_their_top_concept(store) -> None:  # type: ignore[no-untyped-def]
    model = build_model(store)
    assert [(g.key, g.count) for g in model.groups] == [("metric", 5), ("support-channel", 5), ("support-process", 3)]
    by_id = {c.id: c for c in model.concepts}
    assert by_id["live-chat"].group == "support-channel"
    assert by_id["metric"].top and not by_id["live-chat"].top


def test_sources_link_to_their_homepage_when_they_have_one(store) -> None:  # type: ignore[no-untyped-def]
    csat = build_model(store).concept("customer-satisfaction-score")
    assert csat is not None
    assert csat.sources == [
        ("Alpha support glossary", "https://glossary.example/alpha"),
        ("Beta contact-centre handbook", "https://w3id.org/cxgraph/source/beta-handbook"),
    ]


def test_the_page_is_byte_identical_on_a_rebuild(store) -> None:  # type: ignore[no-untyped-def]
    assert render_view(store) == render_view(complete_store(FIXTURE))


def test_the_page_loads_nothing_from_elsewhere(store) -> None:  # type: ignore[no-untyped-def]
    page = render_view(store).decode("utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "@import" not in page
    assert "vis.js is dual licensed" in page, "the inlined library keeps its licence banner"


def test_the_page_data_has_one_entry_per_concept_with_both_layouts(store) -> None:  # type: ignore[no-untyped-def]
    data = page_json(render_view(store))
    assert [c["id"] for c in data["concepts"]] == sorted(c.id for c in build_model(store).concepts)
    for c in data["concepts"]:
        assert len(c["hierarchy"]) == 2 and len(c["network"]) == 2


def test_no_two_concepts_share_a_position_in_either_layout(store) -> None:  # type: ignore[no-untyped-def]
    model = build_model(store)
    layouts = compute_layouts(model.concepts, model.edges)
    assert len(set(layouts.hierarchy.values())) == len(model.concepts)
    assert len(set(layouts.network.values())) == len(model.concepts)


def test_text_that_looks_like_markup_cannot_end_the_data_block(tmp_path: Path) -> None:
    target = tmp_path / "ontology"
    target.mkdir()
    text = (FIXTURE / "fixture.ttl").read_text(encoding="utf-8")
    text = text.replace('"A medium through which', '"</script><script>alert(1)</script> A medium through which')
    (target / "fixture.ttl").write_text(text, encoding="utf-8")
    page = render_view(complete_store(target))
    assert b"<script>alert(1)" not in page
    data = page_json(page)
    channel = next(c for c in data["concepts"] if c["id"] == "support-channel")
    assert channel["definition"].startswith("</script><script>alert(1)</script>")


@pytest.mark.parametrize("ident", ["net-promoter-score", "cxg:net-promoter-score",
                                   "https://w3id.org/cxgraph/net-promoter-score", "NPS", "net promoter score"])
def test_a_concept_can_be_named_by_slug_iri_or_label(store, ident: str) -> None:  # type: ignore[no-untyped-def]
    assert find_concept(build_model(store), ident) == "net-promoter-score"


def test_an_unknown_concept_is_a_usage_error_with_suggestions(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"no concept 'support' .*did you mean support-channel, support-process"):
        find_concept(build_model(store), "support")


def test_cli_view_writes_the_page_opening_on_the_chosen_concept(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "site" / "view.html"
    done = cli("view", "--ontology", FIXTURE, "--out", out, "--concept", "LTV")
    assert done.returncode == 0, done.stderr
    assert out.as_uri() in done.stdout
    assert page_json(out.read_bytes())["focus"] == "customer-lifetime-value"


def test_cli_view_rejects_an_unknown_concept_and_writes_nothing(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    done = cli("view", "--ontology", FIXTURE, "--out", out, "--concept", "no-such-thing")
    assert done.returncode == 2
    assert "no concept 'no-such-thing'" in done.stderr
    assert not out.exists()


def test_cli_view_reports_a_broken_vocabulary_by_file_and_line(cli: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "ontology"
    broken.mkdir()
    (broken / "bad.ttl").write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel .\n")
    done = cli("view", "--ontology", broken, "--out", tmp_path / "view.html")
    assert done.returncode == 1
    assert "bad.ttl:2" in done.stderr
    assert not (tmp_path / "view.html").exists()


def test_a_vocabulary_without_concepts_still_renders_a_page() -> None:
    import pyoxigraph as ox

    data = page_json(render_view(ox.Store()))
    assert data["concepts"] == [] and data["edges"] == []


def test_a_broader_cycle_does_not_stop_the_view(tmp_path: Path) -> None:
    target = tmp_path / "ontology"
    target.mkdir()
    (target / "cycle.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix cxg: <https://w3id.org/cxgraph/> .\n"
        'cxg:a a skos:Concept ; skos:prefLabel "a"@en ; skos:broader cxg:b .\n'
        'cxg:b a skos:Concept ; skos:prefLabel "b"@en ; skos:broader cxg:a .\n',
        encoding="utf-8",
    )
    data = page_json(render_view(complete_store(target)))
    assert [c["id"] for c in data["concepts"]] == ["a", "b"]
    assert len(data["edges"]) == 2
