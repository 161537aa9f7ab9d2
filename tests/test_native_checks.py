"""The two checks computed in Python find exactly what their SPARQL files find.

Each runs on the shipped vocabulary and on a copy of the small test vocabulary with violations
planted: a concept related to its grandparent, one label in two cases on two concepts, the same
label in two languages (allowed), and a label shared with a deprecated concept (allowed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.native_checks import NATIVE_CHECKS
from cxgraph.pipeline import complete_store
from cxgraph.query import read_named_query, run_query

from .shipped import QUERIES, complete

PLANTED = """
@prefix cxg: <https://w3id.org/cxgraph/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cxg:planted-child a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Planted Child"@en ;
    skos:definition "A concept planted under another."@en ; skos:broader cxg:planted-parent ;
    skos:related cxg:planted-top ; skos:altLabel "Shared Words"@en, "Mots partagés"@fr .
cxg:planted-parent a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Planted Parent"@en ;
    skos:definition "The parent."@en ; skos:broader cxg:planted-top ; skos:altLabel "shared words"@en .
cxg:planted-top a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Planted Top"@en ;
    skos:definition "The top."@en ; skos:altLabel "Mots Partagés"@de .
cxg:planted-old a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:prefLabel "Planted Top"@en ;
    owl:deprecated true .
"""


def _planted(tmp_path: Path, mini_ontology: Path) -> ox.Store:
    (mini_ontology / "planted.ttl").write_text(PLANTED, encoding="utf-8")
    return complete_store(mini_ontology)


def _sparql(store: ox.Store, name: str) -> set[tuple[str, str]]:
    check = read_named_query(QUERIES / "checks" / f"{name}.rq")
    return {(row["focus"].value, row["message"].value) for row in run_query(store, check.text, isolated=False)}


def _comparable(rows: set[tuple[str, str]]) -> set[tuple[str, frozenset[str], str]]:
    """A row as focus, the resources its message names, and the label it quotes (any case)."""
    out = set()
    for focus, message in rows:
        quoted = re.match(r'label "(.*)" is shared', message)
        out.add((focus, frozenset(re.findall(r"<([^>]+)>", message)), quoted.group(1).lower() if quoted else message))
    return out


@pytest.mark.parametrize("name", sorted(NATIVE_CHECKS))
def test_native_check_equals_its_query_on_planted_violations(tmp_path: Path, mini_ontology: Path, name: str) -> None:
    store = _planted(tmp_path, mini_ontology)
    native, sparql = set(NATIVE_CHECKS[name](store)), _sparql(store, name)
    assert native, "the planted violations went unnoticed"
    if name == "related-and-broader":
        assert native == sparql
        assert {focus for focus, _ in native} >= {"https://w3id.org/cxgraph/planted-child"}
    else:
        assert _comparable(native) == _comparable(sparql)
        planted = [r for r in native if "planted" in r[0]]
        assert len(planted) == 1 and "shared words" in planted[0][1].lower()


@pytest.mark.parametrize("name", sorted(NATIVE_CHECKS))
def test_native_check_equals_its_query_on_the_shipped_vocabulary(name: str) -> None:
    store = complete()
    assert _comparable(set(NATIVE_CHECKS[name](store))) == _comparable(_sparql(store, name))
