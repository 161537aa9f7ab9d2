"""Run a function in a forked child process while the parent goes on working.

The build checks the vocabulary while it renders the exports: both need the same large store,
and Oxigraph holds Python's global interpreter lock while it evaluates a query, so threads would
take turns instead of using a second core. A forked child shares the parent's memory
copy-on-write, so the store is not copied or re-parsed. Where ``fork`` is unavailable the
function simply runs in the calling process.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Background", "in_background"]

T = TypeVar("T")


class Background(Generic[T]):
    """A result that a child process is computing."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd = fd

    def result(self) -> T:
        """Wait for the child; return its result or raise the exception it raised."""
        chunks = []
        with os.fdopen(self._fd, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self._pid, 0)
        if not chunks:
            raise RuntimeError(f"background worker ended without a result (status {status})")
        ok, value = pickle.loads(b"".join(chunks))
        if ok:
            return value  # type: ignore[no-any-return]
        raise value


class _Done(Background[T]):
    def __init__(self, value: T | None, error: BaseException | None) -> None:
        self._value = value
        self._error = error

    def result(self) -> T:
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def in_background(function: Callable[..., T], *args: object) -> Background[T]:
    """Start ``function(*args)`` in a forked child; ``.result()`` collects it."""
    if not hasattr(os, "fork"):
        try:
            return _Done(function(*args), None)
        except Exception as exc:
            return _Done(None, exc)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            try:
                payload = pickle.dumps((True, function(*args)))
            except Exception as exc:
                payload = pickle.dumps((False, exc))
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_fd)
    return Background(pid, read_fd)
