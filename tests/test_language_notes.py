"""The figures each language note (docs/languages/<tag>.md) opens with are its files' own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
CX = rdflib.Namespace("https://w3id.org/cxgraph/ontology#")


def _files(tag: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology" / "languages" / tag).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _figure(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found, f"the note no longer says {pattern!r}"
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("tag", ["es", "fr", "de", "pt-BR"])
def test_the_note_counts_what_the_files_hold(tag: str) -> None:
    text = " ".join((ROOT / "docs" / "languages" / f"{tag}.md").read_text(encoding="utf-8").split())
    graph = _files(tag)

    def tagged(prop: rdflib.URIRef) -> int:
        return sum(1 for o in graph.objects(None, prop) if (o.language or "").lower() == tag.lower())

    assert "602" in text or "all 19 collections and the concept scheme" in text
    assert _figure(text, r"([\d,]+) (?:`pt-BR` )?alternative labels") == tagged(SKOS.altLabel)
    assert _figure(text, r"([\d,]+) (?:`pt-BR` )?acronyms") == tagged(CX.acronym)
    assert _figure(text, r"([\d,]+) hidden labels") == len(list(graph.objects(None, SKOS.hiddenLabel)))
    assert _figure(text, r"([\d,]+) disagreement notes") == len(list(graph.objects(None, CX.disagreementNote)))


@pytest.mark.parametrize("tag", ["es", "fr", "de", "pt-BR"])
def test_the_note_has_thirty_spot_checks_each_citing_a_reference_of_the_language(tag: str) -> None:
    lines = (ROOT / "docs" / "languages" / f"{tag}.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("## Spot checks")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rows = [line for line in lines[start:end] if line.startswith("|")][2:]  # header and rule
    assert len(rows) == 30
    described = {str(s).rsplit("/", 1)[-1] for s in _files(tag).subjects(rdflib.RDF.type, CX.Reference)}
    prefix = tag.lower() + "-"
    for row in rows:
        cited = set(re.findall(r"src:([\w-]+)", row)) | set(re.findall(rf"\b({re.escape(prefix)}[\w-]+)", row))
        assert cited & described, row
