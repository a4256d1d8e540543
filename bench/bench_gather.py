"""Benchmark (issue 16): the build's CPU to find each subject task's rows in the shuffle's files.

On a cluster the archives' rows are shuffled into the subjects' order, a file per part of ``PART_ROWS`` view rows
(``generator.site.shuffle``), and the build gives each subject task the run of each part's file holding its
rows (``Shuffled.gather``). This times that bookkeeping alone, for one view of ``--rows`` archive rows in random
view order (as a city's subjects' records lie) and subject tasks of ``--task-rows`` consecutive ranks (2,000
subjects of about 2.5 records: ``generator.site.bulk.CHUNK``): the CPU of every task's gather, best and median
over ``--rounds``. It reads and writes no file (the parts' files are only named).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.site.shuffle import _parts, _shuffled


def gathers(rows: int, task_rows: int) -> float:
    """CPU seconds to gather every task's rows of one shuffled view."""
    pos = np.random.default_rng(0).permutation(rows)  # each rank's row in the view
    shuffled = _shuffled(_parts(0, "view.arrow", pos, Path("shuffle")), rows)
    start = time.process_time()
    for first in range(0, rows, task_rows):
        shuffled.gather(first, min(first + task_rows, rows))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--task-rows", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times = [gathers(args.rows, args.task_rows) for _ in range(args.rounds)]
    tasks = -(-args.rows // args.task_rows)
    print(f"{args.rows:,} archive rows, {tasks:,} tasks: gather CPU best {min(times):.3f} s, "
          f"median {statistics.median(times):.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
