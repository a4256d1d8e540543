"""Benchmark (issue 16): the build process's own anonymous memory, stage by stage.

What bounds a build's size on one machine is the memory its own process must keep resident: its anonymous
memory (``RssAnon``) — not the pages of files it maps, which the system drops and reads again under pressure.
This runs one build of a ``gongshi sample`` catalog into a fresh output folder in this process (``--scheduler``
as the CLI takes it: ``local:2`` by default; ``none`` for a one-process build), samples ``RssAnon`` every 0.1 s
and prints each stage's peak and the anonymous memory as the stage starts, with the wall time. The workers of a
cluster are other processes and not counted (``bench_cluster.py`` measures them).

    .venv/bin/python bench/bench_build_memory.py [--records 1000000] [--work DIR] [--scheduler local:2]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.build import BuildOptions, build
from generator.cluster import parse_scheduler

SAMPLE_EVERY = 0.1  # seconds


def anon_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("RssAnon:"))


class Peaks:
    """Each stage's peak of ``RssAnon`` (MiB), sampled by a thread, and what it was as the stage started."""

    def __init__(self) -> None:
        self.stage, self.peaks, self.starts = "(before)", {"(before)": anon_mib()}, {}
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0), anon_mib())
            time.sleep(SAMPLE_EVERY)

    def enter(self, stage: str) -> None:
        self.starts[stage] = anon_mib()
        self.stage = stage

    def stop(self) -> None:
        self.running = False
        self.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("bench/out/build-memory"))
    parser.add_argument("--scheduler", default="local:2", help="as gongshi build takes it, or none")
    args = parser.parse_args()
    catalog, out = args.work / "catalog", args.work / "published"
    if not catalog.is_dir():
        gongshi = Path(sys.executable).with_name("gongshi")
        subprocess.run([gongshi, "sample", "--records", str(args.records), "--out", catalog], check=True)
    shutil.rmtree(out, ignore_errors=True)
    scheduler = None if args.scheduler == "none" else parse_scheduler(args.scheduler)
    options = BuildOptions(catalog=catalog.absolute(), out=out.absolute(), as_of=date(2026, 12, 1),
                           scheduler=scheduler)  # fmt: skip
    peaks, began = Peaks(), time.time()
    result = build(options, peaks.enter)
    peaks.stop()
    assert not result.failed, [p.message for p in result.problems if p.level == "fatal"]
    print(f"{args.scheduler}, {time.time() - began:.0f} s: the build process's RssAnon, MiB")
    for stage, peak in peaks.peaks.items():
        print(f"  {stage}: at its start {peaks.starts.get(stage, '-')}, peak {peak}")
    print(f"  peak of the build: {max(peaks.peaks.values())}")


if __name__ == "__main__":
    main()
