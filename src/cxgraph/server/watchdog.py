"""The per-process time limit: answer 503 for a query that runs too long, then retire.

A pyoxigraph query runs in Rust with the GIL released and cannot be interrupted. Each
worker process therefore runs one watchdog thread that looks at the queries in flight; when
one passes its deadline, the watchdog answers that client itself (HTTP 503) and tells the
process to retire: stop taking connections, let the other queries in flight finish (each
under its own deadline), and exit, which really stops the runaway query. The supervisor
starts a replacement as soon as the retirement is announced.

Whoever finishes first owns the answer: the handler thread when the query ends in time, the
watchdog when it does not. Both claim the entry with ``dict.pop``, which is atomic.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["InFlight", "Watchdog"]


@dataclass(frozen=True)
class InFlight:
    """A query being evaluated: when it must end, and how to answer if it does not."""

    deadline: float
    answer_timeout: Callable[[], None]


class Watchdog:
    """Watches the deadlines of the queries in flight in this process."""

    def __init__(self, time_limit: float, on_expired: Callable[[], None]) -> None:
        self.time_limit = time_limit
        self._on_expired = on_expired
        self._inflight: dict[int, InFlight] = {}
        self._tokens = itertools.count()
        self._stopped = threading.Event()
        self._tick = min(0.05, time_limit / 10)
        self._thread = threading.Thread(target=self._watch, name="cxgraph-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def begin(self, answer_timeout: Callable[[], None]) -> int:
        """Register a query about to run; returns the token to pass to :meth:`finish`."""
        token = next(self._tokens)
        self._inflight[token] = InFlight(time.monotonic() + self.time_limit, answer_timeout)
        return token

    def finish(self, token: int) -> bool:
        """The query ended: True if the caller still owns the answer, False if the watchdog sent it."""
        return self._inflight.pop(token, None) is not None

    @property
    def busy(self) -> int:
        """How many queries are in flight."""
        return len(self._inflight)

    def _watch(self) -> None:
        while not self._stopped.wait(self._tick):
            now = time.monotonic()
            for token, entry in list(self._inflight.items()):
                if entry.deadline <= now and self._inflight.pop(token, None) is not None:
                    self._on_expired()  # first: stop taking connections, so no new client lands here
                    with contextlib.suppress(OSError):  # a client that has gone changes nothing
                        entry.answer_timeout()
