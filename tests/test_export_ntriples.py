"""The exports read Oxigraph's N-Triples as text: terms, escapes and JSON spellings must be exact."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from cxgraph.export import take_snapshot
from cxgraph.export.jsonld import to_jsonld
from cxgraph.export.ntriples import describe, json_string, literal_parts, literal_text
from cxgraph.export.spreadsheet import to_csv
from cxgraph.namespaces import RDF, SKOS

TRICKY = [
    "plain",
    "",
    'a "quoted" word',
    "back\\slash and \\u0041 written out",
    "tab\tnew\nline\rreturn",
    "bell\x07 nul\x00 unit\x1f del\x7f bs\x08 ff\x0c",
    "Ünïcödé — “smart” 日本 \U0001f600",
    "line\u2028separator",
    " leading and trailing ",
]


def _ntriples_literal(text: str, suffix: str = "") -> bytes:
    """How Oxigraph spells a literal with ``text`` in N-Triples."""
    literal = ox.Literal(text, language=suffix or None)
    data = ox.serialize([ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), literal)], format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data.rstrip(b"\n").split(b" ", 2)[2][: -len(b" .")]


@pytest.mark.parametrize("text", TRICKY)
def test_literal_text_and_json_string_match_the_reference(text: str) -> None:
    term = _ntriples_literal(text, "en")
    quoted, suffix = literal_parts(term)
    assert suffix == b"@en"
    assert literal_text(quoted) == text
    assert json_string(quoted) == json.dumps(text, ensure_ascii=False).encode()


def test_describe_groups_objects_by_subject_and_predicate() -> None:
    data = b"".join(
        [
            b'<urn:a> <urn:p> "x y" .\n',
            b"<urn:a> <urn:p> <urn:b> .\n",
            b"<urn:a> <urn:q> _:c .\n",
            b'_:c <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        ]
    )
    assert list(describe(data)) == [
        (b"<urn:a>", {b"<urn:p>": [b'"x y"', b"<urn:b>"], b"<urn:q>": [b"_:c"]}),
        (b"_:c", {b"<urn:p>": [b'"1"^^<http://www.w3.org/2001/XMLSchema#integer>']}),
    ]


def test_tricky_labels_survive_the_json_ld_and_csv_exports() -> None:
    store = ox.Store()
    concept = ox.NamedNode("https://w3id.org/cxgraph/tricky")
    store.add(ox.Quad(concept, ox.NamedNode(RDF + "type"), ox.NamedNode(SKOS + "Concept")))
    for text in TRICKY:
        store.add(ox.Quad(concept, ox.NamedNode(SKOS + "altLabel"), ox.Literal(text, language="en")))
        store.add(ox.Quad(concept, ox.NamedNode(SKOS + "note"), ox.Literal(text)))
    snapshot = take_snapshot(store)

    (node,) = json.loads(to_jsonld(snapshot).document)["@graph"]
    assert sorted(node["altLabel"]["en"]) == sorted(TRICKY)
    assert sorted(node["note"]) == sorted(TRICKY)

    (row,) = csv.DictReader(io.StringIO(to_csv(snapshot).decode("utf-8")))
    assert row["altLabels"] == " | ".join(sorted(TRICKY))


def test_describe_reads_the_same_in_chunks_of_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"".join(f'<urn:s{i // 3}> <urn:p{i % 2}> "{"long " * (i % 7)}{i}" .\n'.encode() for i in range(60))
    whole = list(describe(data))
    for size in (1, 7, 64, 100):
        monkeypatch.setattr("cxgraph.export.ntriples._CHUNK", size)
        assert list(describe(data)) == whole


@pytest.mark.parametrize("ending", [b"\n", b""])
def test_describe_reads_a_file_block_by_block_as_it_reads_the_text(monkeypatch: pytest.MonkeyPatch,
                                                                    ending: bytes) -> None:
    data = b"".join(f'<urn:s{i // 3}> <urn:p{i % 2}> "{"long " * (i % 7)}{i}" .\n'.encode() for i in range(60))
    whole = list(describe(data))
    data = data[:-1] + ending  # the last line with or without its line break
    for size in (1, 7, 64, 100, 1 << 22):
        monkeypatch.setattr("cxgraph.export.ntriples._CHUNK", size)
        assert list(describe(io.BytesIO(data))) == whole, size
