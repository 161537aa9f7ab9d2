"""Property tests: the glossary readers take any text or bytes without crashing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgraph.errors import InputError
from cxgraph.glossary import VocabularyIndex, match_entries, normalise, read_glossary_text
from cxgraph.glossary.decode import decode_glossary
from cxgraph.glossary.entries import split_term
from cxgraph.vocab import load_vocabulary

GLOSSARIES = Path(__file__).resolve().parent / "data" / "glossaries"

# Text built from the pieces glossaries are made of, so the readers' branches are all reached.
PIECES = st.sampled_from(
    [
        "\n",
        "\n\n",
        " ",
        "- ",
        "* ",
        "# ",
        "## ",
        ": ",
        "A\n",
        "(",
        ")",
        "(AHT)",
        "SLA",
        "Definition:",
        "Average Handle Time",
        "What is it?",
        "Coming Soon!",
        ".",
        ":",
        ",",
        "|",
        "| Term | Definition |\n|---|---|\n",
        "Term,Definition\n",
        "\t",
        "-1",
        "Tier",
        "The mean time of a contact.",
        "**Bold**",
        "```\n",
    ]
)
GLOSSARY_TEXT = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join))


@pytest.fixture(scope="module")
def index() -> VocabularyIndex:
    return VocabularyIndex.from_store(load_vocabulary(GLOSSARIES / "vocabulary").store)


@settings(max_examples=300, deadline=None)
@given(text=GLOSSARY_TEXT, fmt=st.sampled_from(["auto", "text", "markdown", "csv"]))
def test_any_text_is_read_or_refused_with_an_input_error(text: str, fmt: str) -> None:
    try:
        glossary = read_glossary_text(text, "fuzzed.txt", fmt)
    except InputError as error:
        assert error.exit_code == 2 and error.message.startswith("fuzzed.txt")
        return
    assert glossary.entries
    for entry in glossary.entries:
        assert entry.term and entry.term == " ".join(entry.term.split())
        assert entry.definition == " ".join(entry.definition.split())
        assert entry.line >= 1


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused_with_an_input_error(data: bytes) -> None:
    try:
        text = decode_glossary(data, "fuzzed.bin")
    except InputError as error:
        assert error.exit_code == 2
        return
    assert text.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=GLOSSARY_TEXT)
def test_whatever_is_read_can_be_matched(index: VocabularyIndex, text: str) -> None:
    try:
        glossary = read_glossary_text(text, "fuzzed.txt")
    except InputError:
        return
    for found in match_entries(glossary.entries, index):
        assert found.kind in ("label", "acronym", "normalised", "fuzzy", "none", "ambiguous")
        assert (found.concept is None) == (found.kind in ("none", "ambiguous"))
        assert 0 <= found.score <= 100


@given(text=st.text(max_size=60))
def test_splitting_a_term_never_invents_text(text: str) -> None:
    term, acronym = split_term(text)
    assert term == " ".join(term.split())
    if acronym is not None:
        assert acronym in text


@given(text=st.text(max_size=60))
def test_normalising_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
