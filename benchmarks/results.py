"""The numbers one suite run collects: samples per (measurement, size), medians and peaks."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["NO_SIZE", "Results", "Sample"]

#: The size key of measurements that are not about a synthetic vocabulary (start-up, endpoint).
NO_SIZE = 0


@dataclass(frozen=True)
class Sample:
    """One run of one measurement: wall and CPU (user + system) seconds, peak resident KiB (0: not measured)."""

    seconds: float
    peak_kib: int = 0
    detail: str = ""
    cpu_seconds: float = float("nan")
    load: float = float("nan")  # 1-minute load average when the run started
    rss_kib: int = 0  # for whole commands: ru_maxrss of the command's own process (one process only)


@dataclass
class Results:
    """Every sample of a suite run, plus what could not be measured and why."""

    samples: dict[tuple[str, int], list[Sample]] = field(default_factory=lambda: defaultdict(list))
    missing: dict[tuple[str, int], str] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, size: int, sample: Sample) -> None:
        self.samples[(name, size)].append(sample)

    def fail(self, name: str, size: int, reason: str) -> None:
        """Record why ``name`` has no number at ``size`` (the first reason is kept)."""
        self.missing.setdefault((name, size), reason)

    def runs(self, name: str, size: int) -> int:
        return len(self._timed(name, size))

    def _timed(self, name: str, size: int) -> list[Sample]:
        return [s for s in self.samples.get((name, size), []) if s.seconds == s.seconds]  # drop NaN

    def median(self, name: str, size: int) -> float | None:
        """Median wall time over the runs, or None when there is none."""
        timed = self._timed(name, size)
        return statistics.median(s.seconds for s in timed) if timed else None

    def cpu_median(self, name: str, size: int) -> float | None:
        """Median CPU time over the runs that measured it, or None."""
        cpu = [s.cpu_seconds for s in self._timed(name, size) if s.cpu_seconds == s.cpu_seconds]
        return statistics.median(cpu) if cpu else None

    def peak_rss(self, name: str, size: int) -> int | None:
        """The highest single-process ``ru_maxrss`` over the runs (KiB), or None when not measured."""
        peaks = [s.rss_kib for s in self._timed(name, size) if s.rss_kib > 0]
        return max(peaks) if peaks else None

    def loads(self, name: str, size: int) -> tuple[float, float] | None:
        """The lowest and highest 1-minute load average at the start of the runs, or None."""
        loads = [s.load for s in self._timed(name, size) if s.load == s.load]
        return (min(loads), max(loads)) if loads else None

    def peak(self, name: str, size: int) -> int | None:
        """The highest peak resident memory seen over the runs (KiB), or None when not measured."""
        peaks = [s.peak_kib for s in self._timed(name, size) if s.peak_kib > 0]
        return max(peaks) if peaks else None

    def detail(self, name: str, size: int) -> str:
        samples = self.samples.get((name, size), [])
        return samples[-1].detail if samples else ""

    def why_missing(self, name: str, size: int) -> str:
        if (name, size) in self.missing:
            return self.missing[(name, size)]
        samples = self.samples.get((name, size), [])
        if samples and not self._timed(name, size):
            return samples[-1].detail or "failed"
        return "not run"

    def ratio(self, numerator: tuple[str, int], denominator: tuple[str, int]) -> float | None:
        top, bottom = self.median(*numerator), self.median(*denominator)
        if top is None or bottom is None or bottom <= 0:
            return None
        return top / bottom
