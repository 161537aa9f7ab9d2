"""Shared fixtures: a small complete vocabulary, and the real CLI run as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.synthetic import english_only_scheme

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ONTOLOGY = ROOT / "ontology"

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def running_in_ci() -> bool:
    """True in CI, where tests that need a browser or a server must run, never skip."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip locally with a reason; fail in CI, where every test must run."""
    if running_in_ci():
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)


def ontology_copy(tmp_path: Path, concepts: Path) -> Path:
    """An editable ontology folder: the real ontology/cx.ttl (declaring English only) plus one file of test concepts."""
    target = tmp_path / "ontology"
    target.mkdir()
    (target / "cx.ttl").write_text(english_only_scheme((ONTOLOGY / "cx.ttl").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copy(concepts, target / "concepts.ttl")
    return target


@pytest.fixture
def mini_ontology(tmp_path: Path) -> Path:
    """A copy of the small test vocabulary (with the real ontology/cx.ttl) that tests may edit."""
    return ontology_copy(tmp_path, DATA / "mini" / "concepts.ttl")


@pytest.fixture
def cli() -> CliRunner:
    """Run ``python -m cxgraph ARGS`` and return the finished process (text output)."""

    def run(*args: str | Path, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cxgraph", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=timeout,
        )

    return run


@pytest.fixture(autouse=True, scope="session")
def _private_graph_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test (and every command it runs) uses a cache folder of its own, not ~/.cache."""
    os.environ["CXGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("cxgraph-cache"))


@pytest.fixture(scope="session")
def store() -> ox.Store:
    """The shipped vocabulary, complete (asserted and entailed). Modules may define their own."""
    from .shipped import complete

    return complete()


@pytest.fixture(scope="session")
def asserted() -> ox.Store:
    """The shipped ontology files as written, without inference."""
    from .shipped import as_written

    return as_written()
