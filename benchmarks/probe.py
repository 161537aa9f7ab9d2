"""Measuring one step inside a process: wall time and the peak resident memory while it ran.

Linux keeps a per-process high-water mark of resident memory (``VmHWM`` in
``/proc/self/status``); writing ``5`` to ``/proc/self/clear_refs`` resets it to the current
resident size, so the mark read after a step is the peak *during* that step (including what
the process already held). Elsewhere the lifetime peak from ``getrusage`` is the fallback.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

__all__ = ["PEAK_METHOD", "Measured", "measure", "peak_kib", "reset_peak"]

T = TypeVar("T")

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def _can_reset() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return "VmHWM" in _STATUS.read_text()
    except OSError:
        return False


#: How peak memory is measured in this process: per step, or lifetime peak (fallback).
PEAK_METHOD = "VmHWM per step" if _can_reset() else "ru_maxrss (lifetime peak)"


def reset_peak() -> None:
    """Start a new high-water mark at the current resident size (no-op where unsupported)."""
    if PEAK_METHOD.startswith("VmHWM"):
        _CLEAR_REFS.write_text("5")


def peak_kib() -> int:
    """The resident high-water mark in KiB since the last :func:`reset_peak`."""
    if PEAK_METHOD.startswith("VmHWM"):
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


@dataclass(frozen=True)
class Measured:
    """One step's wall time and CPU time (user + system, all threads) in seconds, and peak memory (KiB)."""

    seconds: float
    peak_kib: int
    cpu_seconds: float


def measure(step: Callable[[], T]) -> tuple[T, Measured]:
    """Run ``step`` once; return what it returned and how long and how much memory it took."""
    reset_peak()
    cpu = time.process_time()
    began = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - began
    return result, Measured(seconds, peak_kib(), time.process_time() - cpu)
