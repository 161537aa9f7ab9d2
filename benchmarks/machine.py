"""What the benchmarks ran on: cores, memory, CPU, load, Python and library versions."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["LIBRARIES", "describe_machine", "load_average"]

#: Libraries whose versions the numbers depend on.
LIBRARIES = ("cxgraph", "pyoxigraph", "oxigraph", "rdflib", "owlrl", "playwright")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _chromium(executable: str = "/usr/bin/chromium") -> str:
    if not Path(executable).exists():
        return "not installed"
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.strip() or "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``top`` shows them."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe_machine() -> dict[str, str]:
    """One line per fact about the machine and the software measured."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    facts = {
        "CPU": f"{_cpu_model()} ({usable} cores usable, {os.cpu_count()} online)",
        "memory": _memory(),
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": ", ".join(f"{name} {_version(name)}" for name in LIBRARIES),
        "browser": _chromium(),
    }
    return facts
