"""Memory and CPU of a process tree, for the bench scripts: PSS, so pages that forked workers share count once;
CPU time (user + system) each process has used so far.

Stage: none (benchmarks). Guarantees: reads /proc only; a process that has ended counts 0.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return found


def pss(pid: int) -> int:
    """The process's proportional set size in bytes (0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = [line.split()[1] for line in text.splitlines() if line.startswith("Pss:")]
    return int(found[0]) * 1024 if found else 0


def tree_pss(pid: int) -> int:
    """The PSS of ``pid`` and all its descendants together."""
    return sum(pss(p) for p in tree(pid))


def cpu(pid: int) -> float:
    """The process's CPU time so far in seconds, user and system, all its threads (0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime: fields 14 and 15 of stat(5)
