"""The wheel carries the vocabulary and the queries: an installed cxgraph builds from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_builds_from_another_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = wheels.glob("cxgraph-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # Reuse the dependencies already installed for the test run instead of downloading them again.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
                   check=True, capture_output=True, timeout=300)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(env_dir / "bin" / "cxgraph"), "build", "--out", "out"], cwd=elsewhere,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "out" / "cxgraph.ttl").read_bytes() == (ROOT / "exports" / "cxgraph.ttl").read_bytes()
    listing = subprocess.run([str(env_dir / "bin" / "cxgraph"), "query", "--list"], cwd=elsewhere,
                             capture_output=True, text=True, timeout=120, env=env)
    assert listing.returncode == 0
    assert len(listing.stdout.splitlines()) == len(list((ROOT / "queries").glob("*.rq")))
    located = subprocess.run([str(python), "-c", "import cxgraph.resources as r; print(r.default_ontology_dir())"],
                             cwd=elsewhere, capture_output=True, text=True, env=env, check=True)
    assert "site-packages" in located.stdout
    refused = subprocess.run([str(env_dir / "bin" / "cxgraph"), "import", str(ROOT / "tests/data/glossaries/team.txt"),
                              "--apply"], cwd=elsewhere, capture_output=True, text=True, timeout=120, env=env)
    assert refused.returncode == 2
    assert "pass --ontology DIR" in refused.stderr


def test_is_installed_data_tells_the_packaged_copy_from_a_checkout(tmp_path: Path) -> None:
    from cxgraph import resources

    assert not resources.is_installed_data(ROOT / "ontology")
    assert not resources.is_installed_data(tmp_path)
    packaged = Path(resources.__file__).resolve().parent / "data" / "ontology"
    assert resources.is_installed_data(packaged)
