"""A second SKOS tool reads the export and finds nothing to fix.

Skosify checks and repairs SKOS vocabularies (missing labels, hierarchy cycles, related links
that clash with the hierarchy, disjoint label kinds, missing schemes …): it must neither change
a triple of the Turtle export nor log a single warning about it.
"""

from __future__ import annotations

import logging

import pytest
import rdflib
import skosify
from rdflib.compare import graph_diff, to_isomorphic

from .conftest import ROOT


def test_skosify_changes_nothing_and_warns_about_nothing(caplog: pytest.LogCaptureFixture) -> None:
    exported = rdflib.Graph().parse(ROOT / "exports" / "cxgraph.ttl", format="turtle")
    with caplog.at_level(logging.INFO):
        cleaned = skosify.skosify(exported, **skosify.config())
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []
    _, removed, added = graph_diff(to_isomorphic(exported), to_isomorphic(cleaned))
    assert sorted(removed) == []
    assert sorted(added) == []
    assert len(cleaned) == len(exported) > 2000
