"""The on-disk cache of complete graphs: reuse, invalidation, concurrent runs, damage, removal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph import cache
from cxgraph.pipeline import complete_store
from cxgraph.vocab import ontology_files

from .conftest import CliRunner

LOOKUP = 'SELECT ?c WHERE { ?c skos:prefLabel "Handle Time"@en }'


def _settle(folder: Path) -> None:
    """Date every file a minute back, so the quick key (paths, sizes, times) is trusted."""
    past = time.time() - 60
    for path in folder.rglob("*.ttl"):
        os.utime(path, (past, past))


def _labels(store: ox.Store) -> set[str]:
    q = "SELECT ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
    return {row["l"].value for row in store.query(q)}  # type: ignore[union-attr]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return folder


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    builds: list[str] = []
    real = cache._build

    def counting(root: Path, key: str, directory: Path, say: cache.Say) -> None:
        builds.append(key)
        real(root, key, directory, say)

    monkeypatch.setattr(cache, "_build", counting)
    return builds


def test_second_run_reuses_the_store(mini_ontology: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _settle(mini_ontology)
    builds = _count_builds(monkeypatch)
    first = complete_store(mini_ontology)
    expected = {str(q) for q in complete_store(mini_ontology, use_cache=False)}
    assert {str(q) for q in first} == expected  # the cached graph is the complete graph
    second = complete_store(mini_ontology)
    assert len(builds) == 1
    assert {str(q) for q in second} == expected
    assert len(cache.list_entries()) == 1
    assert (cache_dir / "v1" / "index").is_dir()  # the quick key was recorded


def test_an_edit_gives_a_new_entry(mini_ontology: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _settle(mini_ontology)
    builds = _count_builds(monkeypatch)
    assert "Handle Time" in _labels(complete_store(mini_ontology))
    concepts = mini_ontology / "concepts.ttl"
    concepts.write_text(concepts.read_text(encoding="utf-8").replace('"Handle Time"@en', '"Handling Time"@en'),
                        encoding="utf-8")
    labels = _labels(complete_store(mini_ontology))  # edited just now: contents hashed, not trusted by time
    assert "Handling Time" in labels and "Handle Time" not in labels
    _settle(mini_ontology)
    assert "Handling Time" in _labels(complete_store(mini_ontology))
    assert len(builds) == 2
    # a new file counts as an edit too
    (mini_ontology / "extra.ttl").write_text(
        '<https://example.org/x> <http://www.w3.org/2004/02/skos/core#prefLabel> "Extra"@en .\n', encoding="utf-8")
    assert "Extra" in _labels(complete_store(mini_ontology))
    assert len(builds) == 3


def test_a_damaged_entry_is_rebuilt(mini_ontology: Path, cache_dir: Path) -> None:
    _settle(mini_ontology)
    expected = _labels(complete_store(mini_ontology))
    [entry] = cache.list_entries()
    for path in (entry.path / "store").iterdir():
        if path.is_file():
            path.write_bytes(b"not a database")
    assert _labels(complete_store(mini_ontology)) == expected
    [rebuilt] = cache.list_entries()
    assert rebuilt.key == entry.key
    assert ox.Store.read_only(str(rebuilt.path / "store")) is not None


def test_a_half_written_entry_is_rebuilt(mini_ontology: Path, cache_dir: Path) -> None:
    _settle(mini_ontology)
    key = cache.content_key(mini_ontology, ontology_files(mini_ontology))
    (cache_dir / "v1" / "stores" / key / "store").mkdir(parents=True)  # no data, no entry.json
    assert "Handle Time" in _labels(complete_store(mini_ontology))
    assert [e.key for e in cache.list_entries()] == [key]


def test_two_concurrent_runs(mini_ontology: Path, cache_dir: Path) -> None:
    argv = [sys.executable, "-m", "cxgraph", "query", "--ontology", str(mini_ontology), "--sparql", LOOKUP,
            "--format", "csv"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "handle-time" in out
    assert outputs[0][0] == outputs[1][0]
    assert len(cache.list_entries()) == 1
    leftovers = [p for p in (cache_dir / "v1" / "tmp").iterdir()] if (cache_dir / "v1" / "tmp").exists() else []
    assert leftovers == []


def test_cli_no_cache_and_clear(mini_ontology: Path, cache_dir: Path, cli: CliRunner) -> None:
    done = cli("--no-cache", "query", "--ontology", mini_ontology, "--sparql", LOOKUP)
    assert done.returncode == 0, done.stderr
    assert cache.list_entries() == []
    done = cli("query", "--ontology", mini_ontology, "--sparql", LOOKUP)
    assert done.returncode == 0, done.stderr
    assert len(cache.list_entries()) == 1
    listed = cli("cache", "list")
    assert listed.returncode == 0 and "(1 entry)" in listed.stdout
    cleared = cli("cache", "clear")
    assert cleared.returncode == 0, cleared.stderr
    assert "removed 1 cached graph" in cleared.stdout
    assert cache.list_entries() == []


def test_the_cached_store_is_read_only(mini_ontology: Path, cache_dir: Path) -> None:
    store = complete_store(mini_ontology)
    with pytest.raises((OSError, RuntimeError)):
        store.update("INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }")
