"""`cxgraph stats` and `cxgraph path`: the vocabulary as a network."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CliRunner


def test_stats_counts_concepts_links_and_components(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("stats", "--ontology", mini_ontology, "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["concepts"] == 10
    assert figures["top_concepts"] == 3
    assert figures["links"]["broader"] == 7
    assert figures["links"]["measured by"] == 1
    assert figures["links"]["contrasts with"] == 1
    assert figures["connected_components"] == 1
    assert figures["deepest_level"] == 1
    assert figures["most_linked"][0] == {"concept": "Support Tiers", "links": 4}


def test_path_names_each_relation_and_its_direction(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("path", "CSAT", "omnichannel-support", "--ontology", mini_ontology)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Customer Satisfaction Score",
        "  --measured by--> Survey",
        "  --related-- Omnichannel Support",
        "(2 links)",
    ]


def test_path_draws_no_arrow_on_a_symmetric_relation_either_way(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("path", "omnichannel-support", "survey", "--ontology", mini_ontology)
    assert done.returncode == 0, done.stderr
    assert "  --related-- " in done.stdout and "<--related" not in done.stdout and "related-->" not in done.stdout


def test_path_suggests_concepts_by_label_and_acronym_with_typos(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("path", "Custmer Satisfaction Scor", "survey", "--ontology", mini_ontology)
    assert done.returncode == 2
    assert "did you mean customer-satisfaction-score" in done.stderr
    done = cli("path", "CSATT", "survey", "--ontology", mini_ontology)
    assert done.returncode == 2
    assert "customer-satisfaction-score (CSAT)" in done.stderr


def test_stats_top_refuses_values_below_one(cli: CliRunner, mini_ontology: Path) -> None:
    for value in ("0", "-3"):
        done = cli("stats", "--top", value, "--ontology", mini_ontology)
        assert done.returncode == 2
        assert "--top" in done.stderr


def test_path_between_unconnected_concepts_is_a_clear_error(cli: CliRunner, mini_ontology: Path) -> None:
    (mini_ontology / "island.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix cxg: <https://w3id.org/cxgraph/> .\n"
        'cxg:island a skos:Concept ; skos:prefLabel "Island"@en .\n',
        encoding="utf-8",
    )
    done = cli("path", "CSAT", "Island", "--ontology", mini_ontology)
    assert done.returncode == 2
    assert "no chain of links connects" in done.stderr


def test_path_to_an_unknown_concept_suggests_slugs(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("path", "CSAT", "survy", "--ontology", mini_ontology)
    assert done.returncode == 2
    assert "no concept 'survy'" in done.stderr
