"""Run a function in a second thread while the caller goes on working.

The build checks the vocabulary while it renders the exports. Both need the same large store,
and Oxigraph releases Python's global interpreter lock while it evaluates a query, so a thread
running the SPARQL checks uses the second core while the exports are rendered in Python on the
first. A thread shares the store as it is: nothing is copied, re-parsed or pickled, and no page
of memory is duplicated (a forked child would copy every page either process writes to, which
at a hundred thousand concepts cost several hundred megabytes). The checks that run in Python
(:mod:`cxgraph.native_checks`) take turns with the exports for the lock; they are a small part
of the checks' time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Background", "in_background"]

T = TypeVar("T")


class Background(Generic[T]):
    """A result that a second thread is computing."""

    def __init__(self, function: Callable[..., T], args: tuple[object, ...]) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args), name="cxgraph-background",
                                        daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., T], args: tuple[object, ...]) -> None:
        try:
            self._value = function(*args)
        except BaseException as exc:  # handed to the caller of result(), whatever it is
            self._error = exc

    def result(self) -> T:
        """Wait for the thread; return its result or raise the exception it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def in_background(function: Callable[..., T], *args: object) -> Background[T]:
    """Start ``function(*args)`` in a second thread; ``.result()`` collects it."""
    return Background(function, args)
