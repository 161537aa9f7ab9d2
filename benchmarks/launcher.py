"""Run one command and measure it as a whole: ``python -S benchmarks/launcher.py REPORT LIMIT OUT ARGV...``.

Standard library only, run with ``python -S`` so the launcher itself stays small. Writes a JSON
report to REPORT: wall seconds, CPU seconds (user + system of the command and every descendant
it waited for, from ``wait4``), the exit code, and the peak memory of the whole process tree:
every 5 ms for the first two seconds, then every 20 ms, the launcher sums the proportional set
size (PSS, ``/proc/PID/smaps_rollup``) of the command and all its descendants, so a forked
helper counts, and pages two processes share count once between them. The launcher waits at
least 20 times as long as a sample took before the next, so it never takes more than 5% of a
core from the command it measures. ``ru_maxrss`` (one
process only) is kept beside it for comparison.
The command's standard output goes to OUT; it is killed after LIMIT seconds.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

INTERVAL = 0.02
#: Short commands are sampled more often, so their peak is not missed.
EARLY_INTERVAL, EARLY_SECONDS = 0.005, 2.0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
        except OSError:
            continue
    return kids


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    report, limit, out, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]
    began = time.perf_counter()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    actions = [(os.POSIX_SPAWN_DUP2, fd, 1)]
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    os.close(fd)
    deadline = began + limit
    peak = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        sampled = time.perf_counter()
        peak = max(peak, sum(_pss_kib(p) for p in _tree(pid)))
        cost = time.perf_counter() - sampled
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
        # Reading smaps_rollup walks the page tables, milliseconds for a process of gigabytes:
        # wait at least 20 times what the sample cost, so the sampler takes under 5% of a core.
        wait = EARLY_INTERVAL if time.perf_counter() - began < EARLY_SECONDS else INTERVAL
        time.sleep(max(wait, 20 * cost))
    seconds = time.perf_counter() - began
    with open(report, "w") as f:
        json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "maxrss": usage.ru_maxrss,
                   "tree_pss_kib": peak, "code": os.waitstatus_to_exitcode(status)}, f)


if __name__ == "__main__":
    main()
