"""The exports rendered by a second process: the same bytes, and failures reported."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import cxgraph
from cxgraph.errors import UsageError
from cxgraph.export import render_exports, take_snapshot
from cxgraph.export.side import SIDE_FILES, SideRendering, main
from cxgraph.languages import declared_languages


def test_the_second_process_writes_what_the_build_process_would(store: ox.Store, tmp_path: Path) -> None:
    snapshot = take_snapshot(store)
    here: dict[str, bytes] = {}
    render_exports(snapshot, here.__setitem__)
    source = tmp_path / "cxgraph.nt"
    source.write_bytes(snapshot.ntriples)
    side = SideRendering(source, tmp_path, declared_languages(store))
    side.wait()
    assert len(declared_languages(store).declared) == 5
    for name in SIDE_FILES:
        assert (tmp_path / name).read_bytes() == here[name], name


def test_a_failure_in_the_second_process_names_its_reason(store: ox.Store, tmp_path: Path) -> None:
    side = SideRendering(tmp_path / "missing.nt", tmp_path, declared_languages(store))
    with pytest.raises(OSError, match=r"second process failed: .*missing\.nt"):
        side.wait()
    assert not any(tmp_path.iterdir())


def test_its_command_line_refuses_a_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "x.nt"
    source.write_bytes(b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    assert main([str(source), str(source)]) == 1
    assert "cannot write the exports from" in capsys.readouterr().err


class _BrokenSide(SideRendering):
    def __init__(self, ntriples: Path, folder: Path, languages: object) -> None:
        super().__init__(ntriples.with_name("absent.nt"), folder, languages)  # type: ignore[arg-type]


def test_a_build_whose_second_process_fails_writes_nothing(
    mini_ontology: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier build\n")
    monkeypatch.setattr("cxgraph.export.side.SideRendering", _BrokenSide)
    with pytest.raises(UsageError, match=r"cannot write the exports: .*second process failed"):
        cxgraph.build(out, mini_ontology, view=False)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert not any(p.name.startswith(".out.build-") for p in tmp_path.iterdir())


_PARENT = """
import sys, time
from pathlib import Path
from cxgraph.export.side import SideRendering
from cxgraph.languages import languages_from
side = SideRendering(Path(sys.argv[1]), Path(sys.argv[2]), languages_from(["en"], []))
print(side._process.pid, flush=True)
time.sleep(120)
"""


def _ended(pid: int) -> bool:
    """Whether ``pid`` has exited (gone, or a zombie nobody has reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_the_second_process_stops_when_the_build_process_is_killed(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "never-written.nt"
    os.mkfifo(source)  # the second process waits on it for ever, unless it notices its parent is gone
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(source), str(tmp_path)], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    side = int(parent.stdout.readline())
    time.sleep(0.5)
    assert not _ended(side)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while not _ended(side) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _ended(side):
        os.kill(side, signal.SIGKILL)
        pytest.fail("the second process outlived the build process that started it")
