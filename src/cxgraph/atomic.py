"""Writing files so that readers never see a half-written one, or a mixed set of them.

:func:`atomic_writer` and :func:`write_bytes_atomic` replace one file. :class:`StagedFiles`
replaces a whole folder of exports at once: every file is written into a hidden sibling folder
(``.exports.build-XXXXXXXX`` beside ``exports/``), then that folder and ``exports/`` trade places
in one step, so a reader, or a build killed at any moment, sees either the complete old set or
the complete new one.

The swap is ``renameat2(RENAME_EXCHANGE)`` on Linux. Where that is unavailable (other systems,
file systems without it) it is two renames: ``exports/`` aside to ``.exports.old-XXXXXXXX``, the
new folder into place. A build killed between those two leaves no ``exports/`` for that instant;
the next build (:func:`recover_folder`) moves the old set back before doing anything else.
Leftovers of killed builds are removed at the next build; folders a running build is still
using are recognised by the lock that build holds on them and left alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "StagedFiles",
    "atomic_writer",
    "leftovers",
    "recover_folder",
    "write_bytes_atomic",
    "write_files_atomic",
]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: Hidden temporary files of :func:`atomic_writer` (and of earlier builds): ``.NAME.XXXXXXXX.tmp``.
_TEMPORARY_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _missing_parents(path: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create for ``path``, innermost first."""
    missing = []
    for parent in path.parents:
        if os.path.lexists(parent):
            break
        missing.append(parent)
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _is_special(path: Path) -> bool:
    """True for a device, pipe or socket (``/dev/stdout``), which is written to, never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path``: a failed write (a full disk, say) does not name its file itself."""
    if exc.filename == str(path):
        return exc
    named = OSError(exc.errno, exc.strerror or str(exc), str(path))
    named.__cause__ = exc
    return named


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    If the block raises (a full disk, say), the temporary file is removed, any folder created
    for it is removed again, and ``path`` is left as it was; an :class:`OSError` names ``path``.
    A device or pipe (``/dev/stdout``) is written to directly instead.
    """
    if _is_special(path):
        try:
            with open(path, "wb") as handle:
                yield handle
        except OSError as exc:
            raise _named(exc, path) from exc
        return
    created = _missing_parents(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        _remove_empty(created)
        if isinstance(exc, OSError):
            raise _named(exc, path) from exc
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step."""
    write_files_atomic([(path, data)])


def write_files_atomic(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files all or nothing.

    Each file is first written in full to a temporary file beside it; only when all of them are
    written are they renamed into place. If any write fails (a full disk, a read-only folder),
    every temporary file and every folder created for them is removed, no file is changed, and
    the :class:`OSError` names the file that could not be written. Devices and pipes
    (``/dev/stdout``) are written to directly, before the others.
    """
    regular = [(path, data) for path, data in files if not _is_special(path)]
    for path, data in files:
        if _is_special(path):
            with atomic_writer(path) as handle:
                handle.write(data)
    created: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in regular:
            created += [p for p in _missing_parents(path) if p not in created]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                staged.append((Path(tmp_name), path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp_name, 0o666 & ~_umask())
            except OSError as exc:
                raise _named(exc, path) from exc
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _named(exc, path) from exc
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        _remove_empty(sorted(created, key=lambda p: len(p.parts), reverse=True))
        raise


# --- swapping a whole folder ------------------------------------------------------------------

_Renameat2 = Callable[[int, bytes, int, bytes, int], int]


def _renameat2() -> _Renameat2 | None:
    """The C library's ``renameat2``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Make ``a`` and ``b`` trade places in one step; False where the system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _lock(folder: Path) -> int | None:
    """An open descriptor holding an exclusive lock on ``folder``; None if another process holds one."""
    fd = os.open(folder, os.O_RDONLY)
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError:  # a file system without locks: treat the folder as unused
        return fd
    return fd


def _real(directory: Path) -> Path:
    return Path(os.path.realpath(directory))


def _leftover_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}\.(build|old)-[a-z0-9_]{{8}}$")


def _is_aside(path: Path, pattern: re.Pattern[str]) -> bool:
    match = pattern.match(path.name)
    return match is not None and match.group(1) == "old"


def leftovers(directory: Path) -> list[Path]:
    """Hidden staging folders and temporary files that builds into ``directory`` left behind.

    Includes those of builds still running; :func:`recover_folder` removes only the others.
    """
    real = _real(directory)
    pattern = _leftover_pattern(real.name)
    found: list[Path] = []
    with contextlib.suppress(OSError):
        found += sorted(p for p in real.parent.iterdir() if pattern.match(p.name))
    with contextlib.suppress(OSError):
        found += sorted(p for p in real.iterdir() if _TEMPORARY_FILE.match(p.name) and p.is_file())
    return found


def recover_folder(directory: Path) -> list[Path]:
    """Undo what a build killed part-way through left behind; returns what it removed.

    If ``directory`` is missing because a build was killed between the two renames of the
    fallback swap, the old set is moved back into place first. Staging folders and temporary
    files of builds that are no longer running are then removed.
    """
    real = _real(directory)
    pattern = _leftover_pattern(real.name)
    try:
        candidates = sorted(p for p in real.parent.iterdir() if pattern.match(p.name))
    except (FileNotFoundError, NotADirectoryError):
        return []
    removed: list[Path] = []
    unused: list[tuple[Path, int]] = []
    for path in candidates:
        if not path.is_dir() or path.is_symlink():
            continue
        try:
            fd = _lock(path)
        except OSError:  # vanished meanwhile, or not a folder
            continue
        if fd is not None:
            unused.append((path, fd))
    try:
        if not os.path.lexists(real):
            asides = [(p, fd) for p, fd in unused if _is_aside(p, pattern)]
            if asides:
                newest = max(asides, key=lambda item: item[0].stat().st_mtime)
                os.rename(newest[0], real)
                unused.remove(newest)
        for path, _ in unused:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    finally:
        for _, fd in unused:
            os.close(fd)
    if real.is_dir():
        for path in real.iterdir():
            if _TEMPORARY_FILE.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


class StagedFiles:
    """A new set of files for a folder, written aside and then swapped in as a whole.

    Each :meth:`add` writes a file into a hidden staging folder beside the target folder
    straight away, so large outputs need not stay in memory; names may hold subfolders
    (``downloads/cxgraph.ttl``). :meth:`commit` copies the target folder's other entries into
    the staging folder (hard links where possible) unless ``keep_others`` is false, then swaps
    the two folders; :meth:`discard` removes the staging folder, leaving the target untouched.
    With ``keep_others=False`` the folder ends up holding exactly the files added, so files of
    an earlier, larger set do not linger (the static site uses this).
    """

    def __init__(self, directory: Path, keep_others: bool = True) -> None:
        self.directory = directory
        self.keep_others = keep_others
        self._real = _real(directory)
        self._names: list[str] = []
        self._folder: Path | None = None
        self._lock_fd: int | None = None
        self._created: list[Path] = []
        self._check()

    def _check(self) -> None:
        """Refuse, before any work, a target that cannot be swapped as a whole."""
        real = self._real
        if os.path.lexists(real) and not real.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(self.directory))
        existing = next(p for p in real.parents if os.path.lexists(p))
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(existing))
        if not os.access(existing, os.W_OK | os.X_OK):
            raise PermissionError(
                errno.EACCES,
                "permission denied (the exports are written into a folder beside --out, "
                "so the folder that holds it must be writable)",
                str(existing),
            )
        cwd = Path.cwd().resolve()
        if real == cwd or real in cwd.parents or real.parent == real:
            raise IsADirectoryError(
                errno.EISDIR,
                "the exports replace this whole folder, so it cannot be the current folder, one that "
                "contains it, or a root; give --out a folder of their own",
                str(self.directory),
            )
        if real.is_dir() and os.path.ismount(real):
            raise OSError(
                errno.EBUSY,
                "it is a mount point, and the exports are swapped in by renaming the folder; "
                "give --out a folder inside it",
                str(self.directory),
            )

    def _staging(self) -> Path:
        if self._folder is not None:
            return self._folder
        real = self._real
        self._created = _missing_parents(real)
        real.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f".{real.name}.build-", dir=real.parent))
        self._folder = folder
        self._lock_fd = _lock(folder)
        mode = real.stat().st_mode & 0o7777 if real.is_dir() else 0o777 & ~_umask()
        os.chmod(folder, mode)
        return folder

    def add(self, name: str, data: bytes) -> None:
        """Write ``data`` for the file ``name``; it appears under that name only on commit."""
        path = self._staging() / name
        if path.parent != self._staging():
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self._names.append(name)

    def reserve(self, name: str) -> Path:
        """The staged path of the file ``name``, for a writer of its own (another process).

        The file counts as added: it must exist by the time of :meth:`commit`.
        """
        path = self._staging() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._names.append(name)
        return path

    def _carry_over(self, folder: Path) -> None:
        """Copy the target folder's entries that this set does not replace into ``folder``."""
        if not self.keep_others or not self._real.is_dir():
            return
        replaced = {name.split("/", 1)[0] for name in self._names}
        for entry in self._real.iterdir():
            if entry.name in replaced or _TEMPORARY_FILE.match(entry.name):
                continue
            target = folder / entry.name
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(str(entry), str(target))

    def commit(self) -> list[Path]:
        """Swap the new set in; returns the final paths in the order the files were added."""
        folder = self._staging()
        real = self._real
        self._carry_over(folder)
        _fsync_folder(folder)
        swapped = False
        if not os.path.lexists(real):
            try:
                os.rename(folder, real)
                swapped = True
            except OSError as exc:  # created meanwhile by someone else: swap with it instead
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
        if not swapped:
            if _exchange(folder, real):
                shutil.rmtree(folder, ignore_errors=True)  # now the old set
            else:
                self._swap_by_two_renames(folder)
        _fsync_folder(real.parent)
        self._release()
        self._folder = None
        written = [self.directory / name for name in self._names]
        self._names = []
        return written

    def _swap_by_two_renames(self, folder: Path) -> None:
        real = self._real
        aside = real.parent / f".{real.name}.old-{folder.name[-8:]}"
        # Lock the old set so that a concurrent build's recovery does not move it back meanwhile.
        old_lock = _lock(real)
        try:
            os.rename(real, aside)
            # A build killed here leaves no folder at all; the next build moves ``aside`` back.
            try:
                os.rename(folder, real)
            except OSError:
                os.rename(aside, real)
                raise
        finally:
            if old_lock is not None:
                os.close(old_lock)
        shutil.rmtree(aside, ignore_errors=True)

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def discard(self) -> None:
        """Remove the staging folder (and folders created for it); the target is left as it was."""
        self._release()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self._names = []
        _remove_empty(self._created)
        self._created = []
