"""The committed exports/ are exactly what a fresh build of the shipped vocabulary writes."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT, CliRunner


def test_committed_exports_match_a_fresh_build(cli: CliRunner, tmp_path: Path) -> None:
    done = cli("build", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in (ROOT / "exports").iterdir() if p.is_file()}
    assert sorted(committed) == sorted(fresh), "exports/ lists other files than a build writes; run 'make'"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"exports/ is stale ({', '.join(stale)}); run 'make' and commit exports/"
