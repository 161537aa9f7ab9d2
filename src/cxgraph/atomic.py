"""Writing files so that readers never see a half-written one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["StagedFiles", "atomic_writer", "write_bytes_atomic"]


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step."""
    with atomic_writer(path) as handle:
        handle.write(data)


class StagedFiles:
    """Files written beside their final names, then all renamed into place at once.

    Each :meth:`add` writes to a hidden temporary file in the target folder straight away, so
    large outputs need not stay in memory; :meth:`commit` renames them all, and :meth:`discard`
    removes them (and the folder, if this object created it and it is left empty).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._created = not directory.exists()
        self._staged: list[tuple[Path, Path]] = []

    def add(self, name: str, data: bytes) -> None:
        """Write ``data`` for the file ``name``; it appears under that name only on commit."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / name
        fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.directory)
        tmp = Path(tmp_name)
        self._staged.append((tmp, target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)

    def commit(self) -> list[Path]:
        """Rename every staged file into place; returns the final paths in the order added."""
        for tmp, target in self._staged:
            os.replace(tmp, target)
        written = [target for _, target in self._staged]
        self._staged = []
        return written

    def discard(self) -> None:
        """Remove every staged file; the folder's existing files are left as they were."""
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged = []
        if self._created and self.directory.is_dir() and not any(self.directory.iterdir()):
            self.directory.rmdir()
