"""Turtle and RDF/XML rendered by a second process: the same bytes, and failures reported."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import cxgraph
from cxgraph import export
from cxgraph.errors import UsageError
from cxgraph.export import take_snapshot
from cxgraph.export.rdf import to_rdfxml, to_turtle
from cxgraph.export.side import SideRendering, main


def test_the_second_process_writes_what_the_build_process_would(store: ox.Store, tmp_path: Path) -> None:
    snapshot = take_snapshot(store)
    source = tmp_path / "cxgraph.nt"
    source.write_bytes(snapshot.ntriples)
    side = SideRendering(source, {"turtle": tmp_path / "cxgraph.ttl", "rdfxml": tmp_path / "cxgraph.rdf"})
    side.wait()
    assert (tmp_path / "cxgraph.ttl").read_bytes() == to_turtle(snapshot)
    assert (tmp_path / "cxgraph.rdf").read_bytes() == to_rdfxml(snapshot)


def test_a_failure_in_the_second_process_names_its_reason(tmp_path: Path) -> None:
    side = SideRendering(tmp_path / "missing.nt", {"turtle": tmp_path / "out.ttl"})
    with pytest.raises(OSError, match=r"second process failed: .*missing\.nt"):
        side.wait()
    assert not (tmp_path / "out.ttl").exists()


def test_an_unknown_format_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="no renderer for jsonld"):
        SideRendering(tmp_path / "x.nt", {"jsonld": tmp_path / "x.jsonld"})
    assert main([str(tmp_path / "x.nt"), "jsonld", str(tmp_path / "x.jsonld")]) == 2
    assert "unknown format 'jsonld'" in capsys.readouterr().err


class _BrokenSide(SideRendering):
    def __init__(self, ntriples: Path, outputs: dict[str, Path]) -> None:
        super().__init__(ntriples.with_name("absent.nt"), outputs)


def test_a_build_whose_second_process_fails_writes_nothing(
    mini_ontology: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier build\n")
    monkeypatch.setattr(export, "SideRendering", _BrokenSide)
    with pytest.raises(UsageError, match=r"cannot write the exports: .*second process failed"):
        cxgraph.build(out, mini_ontology, view=False)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert not any(p.name.startswith(".out.build-") for p in tmp_path.iterdir())
