"""Importing the five layout glossaries against the shipped vocabulary: every term finds its concept.

"Its concept" is the one whose preferred, alternative or hidden label is the term (ignoring case,
or else ignoring plurals, hyphens and spacing too, since the vocabulary keeps no plural-only labels),
or else the one labelled with the entry's acronym: what the vocabulary itself says the term means.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from cxgraph.glossary import VocabularyIndex, match_entries, read_glossary
from cxgraph.glossary.entries import normalised_key
from cxgraph.vocab import load_vocabulary

from .conftest import ONTOLOGY

GLOSSARIES = Path(__file__).resolve().parent / "data" / "glossaries"
SEED_LAYOUTS = ["letter-headings.txt", "blog-bullets.txt", "alternating.txt", "short-forms.txt", "inline.txt"]


@pytest.fixture(scope="module")
def index() -> VocabularyIndex:
    return VocabularyIndex.from_store(load_vocabulary(ONTOLOGY).store)


def recorded_as(name: str) -> dict[str, str]:
    """Entries the expected list says the vocabulary records under another wording (third column)."""
    path = GLOSSARIES / (Path(name).stem + ".expected.tsv")
    cells = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row[0].casefold(): row[2] for row in cells if len(row) >= 3 and row[2]}


def concept_the_vocabulary_gives(index: VocabularyIndex, term: str, acronym: str | None) -> set[str]:
    by_label = index.exact.get(term.casefold(), set()) or index.keyed.get(normalised_key(term), set())
    if by_label:
        return set(by_label)
    return set(index.exact.get(acronym.casefold(), set())) if acronym else set()


@pytest.mark.parametrize("name", SEED_LAYOUTS)
def test_every_seed_term_matches_the_concept_the_vocabulary_gives_it(index: VocabularyIndex, name: str) -> None:
    glossary = read_glossary(GLOSSARIES / name)
    problems: dict[str, list[str]] = defaultdict(list)
    wording = recorded_as(name)
    for found in match_entries(glossary.entries, index):
        entry = found.entry
        term = wording.get(entry.term.casefold(), entry.term)
        expected = concept_the_vocabulary_gives(index, term, entry.acronym)
        shown = f"{entry.term} ({entry.acronym})" if entry.acronym else entry.term
        if len(expected) != 1:
            problems["no single concept has this term as a label"].append(shown)
        elif found.kind in ("none", "ambiguous"):
            problems[f"matched {found.kind}"].append(f"{shown}: {found.reason}")
        elif found.concept not in expected:
            problems["matched another concept"].append(f"{shown} -> {found.concept}, not {expected.pop()}")
    assert not problems, dict(problems)
