"""The per-process limits: a time limit per query and a memory cap.

A pyoxigraph query runs in Rust with the GIL released and cannot be interrupted. Each
worker process therefore runs one watchdog thread that looks at the queries in flight; when
one passes its deadline, the watchdog answers that client itself (HTTP 503) and tells the
process to retire: stop taking connections, let the other queries in flight finish (each
under its own deadline), and exit, which really stops the runaway query. The supervisor
starts a replacement as soon as the retirement is announced. A query evaluated in a child
process (see :func:`cxgraph.server.engine.evaluate_in_child`) is stopped by ending the child
instead, and the worker goes on.

The same thread keeps the memory cap: when the worker's resident memory grows by more than
the cap over what it started with, every query in flight in it is answered 503 and the
worker retires. (The deadlines for sending a request are kept by the worker's event loop,
see :mod:`cxgraph.server.loop`.) Other per-process checks that must run while a query holds
the loop, such as handing the loop to a fresh thread, are called from the same thread on
every tick (:meth:`Watchdog.also_every_tick`).

Whoever finishes first owns the answer: the handler thread when the query ends in time, the
watchdog when it does not. Both claim the entry with ``dict.pop``, which is atomic.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["InFlight", "Watchdog", "resident_bytes"]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int:
    """This process's resident memory (RSS) in bytes; 0 where ``/proc`` is missing."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


@dataclass(slots=True)
class InFlight:
    """A query being evaluated: when it must end, and how to answer if it does not."""

    deadline: float
    answer_timeout: Callable[[], None]
    answer_memory: Callable[[], None] | None = None
    cancel: Callable[[], None] | None = None  # set for a query in a child process: end the child


class Watchdog:
    """Watches the deadlines of the queries in flight in this process, and its memory."""

    def __init__(self, time_limit: float, on_expired: Callable[[], None], memory_limit: int = 0) -> None:
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.baseline = 0
        self._on_expired = on_expired
        self._inflight: dict[int, InFlight] = {}
        self._cancelled: set[int] = set()
        self._tokens = itertools.count()
        self._stopped = threading.Event()
        self._tick = min(0.02, time_limit / 10)
        self._tick_hooks: list[Callable[[float], None]] = []
        self._thread = threading.Thread(target=self._watch, name="cxgraph-watchdog", daemon=True)

    def start(self) -> None:
        self.baseline = resident_bytes()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def also_every_tick(self, hook: Callable[[float], None]) -> None:
        """Call ``hook(now)`` from the watchdog's thread on every tick (a few times per 100 ms)."""
        self._tick_hooks.append(hook)

    def begin(
        self,
        answer_timeout: Callable[[], None],
        answer_memory: Callable[[], None] | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> int:
        """Register a query about to run; returns the token to pass to :meth:`finish`."""
        token = next(self._tokens)
        self._inflight[token] = InFlight(time.monotonic() + self.time_limit, answer_timeout, answer_memory, cancel)
        return token

    def finish(self, token: int) -> bool:
        """The query ended: True if the caller still owns the answer, False if the watchdog sent it."""
        self._cancelled.discard(token)
        return self._inflight.pop(token, None) is not None

    def timed_out(self, token: int) -> bool:
        """True if the watchdog ended this (child-process) query for passing the time limit."""
        return token in self._cancelled

    @property
    def busy(self) -> int:
        """How many queries are in flight."""
        return len(self._inflight)

    def _watch(self) -> None:
        while not self._stopped.wait(self._tick):
            now = time.monotonic()
            for hook in self._tick_hooks:
                hook(now)
            for token, entry in list(self._inflight.items()):
                if entry.deadline > now:
                    continue
                if entry.cancel is not None:
                    if token not in self._cancelled:
                        self._cancelled.add(token)
                        with contextlib.suppress(OSError):
                            entry.cancel()
                    continue
                if self._inflight.pop(token, None) is not None:
                    self._on_expired()  # first: stop taking connections, so no new client lands here
                    with contextlib.suppress(OSError):  # a client that has gone changes nothing
                        entry.answer_timeout()
            if self.memory_limit and self._inflight and resident_bytes() - self.baseline > self.memory_limit:
                self._over_memory()

    def _over_memory(self) -> None:
        """Resident memory passed the cap: answer every in-process query 503 and retire."""
        claimed = []
        for token, entry in list(self._inflight.items()):
            if entry.cancel is None and self._inflight.pop(token, None) is not None:
                claimed.append(entry)
        if not claimed:
            return
        self._on_expired()
        for entry in claimed:
            with contextlib.suppress(OSError):
                (entry.answer_memory or entry.answer_timeout)()
