"""Pre-forked worker processes sharing one listening socket, and the supervisor that keeps them.

The supervisor (the ``cxgraph serve`` process) loads the graph and binds the socket, then
forks the workers: each inherits the socket and the graph (shared copy-on-write, never
reloaded) and accepts connections itself. When a worker announces that it retires (a query
ran past the time limit) or dies, the supervisor forks a replacement at once.

Children never outlive the supervisor: on Linux the kernel kills them when it dies
(``PR_SET_PDEATHSIG``), and everywhere each child watches a pipe whose only writer is the
supervisor, exiting when the pipe reports end of file. SIGTERM and SIGINT stop the
supervisor, which stops every child before it returns.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["Supervisor", "WorkerMain", "announce_retirement"]

#: What a worker runs after the fork: given the listening socket and the status pipe's write end.
WorkerMain = Callable[[socket.socket, int], None]

_PR_SET_PDEATHSIG = 1
_PID = struct.Struct("<q")
_FAST_RESTART = 1.0  # a worker that dies sooner than this after starting waits this long to be replaced


def announce_retirement(status_fd: int) -> None:
    """Tell the supervisor (from a worker) to start this worker's replacement now."""
    with contextlib.suppress(OSError):
        os.write(status_fd, _PID.pack(os.getpid()))


def _die_with_parent(parent: int, life_fd: int) -> None:
    """In a fresh child: make sure it exits when the supervisor does, however that happens."""
    if sys.platform.startswith("linux"):
        libc_name = ctypes.util.find_library("c")
        if libc_name:
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the supervisor died between fork() and prctl()
        os._exit(0)

    def watch() -> None:
        try:
            while os.read(life_fd, 1):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="cxgraph-parent-watch", daemon=True).start()


class Supervisor:
    """Forks ``count`` workers on ``listener`` and replaces each one that retires or dies."""

    def __init__(self, listener: socket.socket, count: int, worker_main: WorkerMain) -> None:
        if count < 1:
            raise ValueError("the server needs at least one worker")
        self.listener = listener
        self.count = count
        self.worker_main = worker_main
        self.workers: dict[int, float] = {}  # pid -> start time, for live (not retiring) workers
        self.retiring: set[int] = set()
        self.replaced = 0
        self._stopping = False
        self._status_r, self._status_w = os.pipe()
        self._life_r, self._life_w = os.pipe()
        os.set_blocking(self._status_r, False)

    # --- in the supervisor ---------------------------------------------------------------------

    def stop(self) -> None:
        """Ask :meth:`run` to return (safe from a signal handler)."""
        self._stopping = True

    def run(self) -> None:
        """Fork the workers and keep them at ``count`` until :meth:`stop`, SIGTERM or SIGINT."""
        previous: dict[signal.Signals, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, self._on_signal)
        try:
            while not self._stopping:
                self._fill()
                ready, _, _ = select.select([self._status_r], [], [], 0.25)
                if ready:
                    self._read_announcements()
                self._reap()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def close(self) -> None:
        """Stop every worker (SIGTERM, then SIGKILL for any that lingers) and release the socket."""
        self._stopping = True
        children = set(self.workers) | self.retiring
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while children and time.monotonic() < deadline:
            for pid in list(children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    children.discard(pid)
            if children:
                time.sleep(0.02)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.workers.clear()
        self.retiring.clear()
        for fd in (self._status_r, self._status_w, self._life_r, self._life_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.listener.close()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True

    def _fill(self) -> None:
        while len(self.workers) < self.count and not self._stopping:
            self._fork()

    def _read_announcements(self) -> None:
        try:
            data = os.read(self._status_r, _PID.size * 64)
        except BlockingIOError:
            return
        for offset in range(0, len(data) - _PID.size + 1, _PID.size):
            (pid,) = _PID.unpack_from(data, offset)
            if self.workers.pop(pid, None) is not None:
                self.retiring.add(pid)
                self.replaced += 1

    def _reap(self) -> None:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.retiring.discard(pid)
            started = self.workers.pop(pid, None)
            if started is not None:
                self.replaced += 1
                if time.monotonic() - started < _FAST_RESTART:
                    time.sleep(_FAST_RESTART)  # a worker that cannot start must not become a fork loop

    def _fork(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid:
            self.workers[pid] = time.monotonic()
            return
        code = 0
        try:  # the child: never returns into the caller's code
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the supervisor, which stops us
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.close(self._status_r)
            os.close(self._life_w)
            _die_with_parent(parent, self._life_r)
            self.worker_main(self.listener, self._status_w)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
