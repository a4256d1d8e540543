"""A real Dask cluster for the tests: ``dask scheduler`` and ``dask worker`` processes on loopback (TCP).

Each process runs in its own session, so the test can kill one (a worker, the scheduler) like an operator's
machine failing. Waits are bounded and synchronise on the cluster's own word (the scheduler file written, the
scheduler counting its workers), never on the clock.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.buildproc import LIMIT, TICK

DASK = str(Path(sys.executable).parent / "dask")


@dataclass
class DaskCluster:
    """A scheduler process and its worker processes (each a nanny that restarts its worker if it dies)."""

    folder: Path
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    address: str = ""

    def start_scheduler(self) -> str:
        file = self.folder / "scheduler.json"
        self.scheduler = _start(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file",
             str(file)], self.folder / "scheduler.log",
        )  # fmt: skip
        _until(lambda: file.exists() and bool(file.read_text(encoding="utf-8").strip()), self.scheduler, file)
        self.address = json.loads(file.read_text(encoding="utf-8"))["address"]
        return self.address

    def start_worker(self, preload: Path | None = None, prefix: tuple[str, ...] = ()) -> None:
        """A worker (under its nanny); ``prefix`` wraps the command (e.g. another mount namespace)."""
        command = [*prefix, DASK, "worker", self.address, "--nthreads", "1", "--no-dashboard",
                   "--local-directory", str(self.folder / "scratch")]  # fmt: skip
        command += ["--preload", str(preload)] if preload else []
        log = self.folder / f"worker-{len(self.workers)}.log"
        self.workers.append(_start(command, log))

    def client(self) -> Any:
        from distributed import Client

        return Client(self.address, timeout=LIMIT, set_as_default=False)

    def wait_for_workers(self, n: int) -> None:
        with self.client() as client:
            client.wait_for_workers(n, timeout=LIMIT)

    def kill_scheduler(self) -> None:
        assert self.scheduler is not None
        os.killpg(self.scheduler.pid, signal.SIGKILL)
        self.scheduler.wait(LIMIT)

    def stop(self) -> None:
        for proc in [*self.workers, *([self.scheduler] if self.scheduler else [])]:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(LIMIT)


@contextmanager
def dask_cluster(
    folder: Path, workers: int = 2, preload: Path | None = None, prefix: tuple[str, ...] = ()
) -> Iterator[DaskCluster]:
    """A scheduler with ``workers`` workers (all running ``preload`` first, when given), ready."""
    folder.mkdir(parents=True, exist_ok=True)
    cluster = DaskCluster(folder)
    try:
        cluster.start_scheduler()
        for _ in range(workers):
            cluster.start_worker(preload, prefix)
        cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.stop()


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _until(condition: Any, proc: subprocess.Popen[bytes], what: Path) -> None:
    waited = 0.0
    while not condition():
        try:
            proc.wait(TICK)
        except subprocess.TimeoutExpired:
            waited += TICK
            assert waited < LIMIT, f"no {what} within {LIMIT} s"
            continue
        raise AssertionError(f"{proc.args[:2]} ended (exit {proc.returncode}) before writing {what}")


def files_beside(item: tuple[str, int]) -> tuple[int, int]:
    """A task for ``Cluster.map_files``: its item's number and how many item files are in its folder now."""
    folder, number = item
    return number, len(os.listdir(folder))


def collector_thresholds(_: object) -> tuple[int, int, int]:
    """A task for ``Cluster.map_files``: the garbage collector's thresholds while a task runs on its worker."""
    return gc.get_threshold()


KEPT: list[Any] = []  # what ``fragment_memory`` leaves alive on its worker
BLOCK = 120 * 1024  # bytes: under glibc's mmap threshold, so blocks come from the heap


def fragment_memory(_: object) -> int:
    """A task for ``Cluster.map_files``: allocate ≈ 240 MiB in heap blocks, free every other one while the rest
    stay alive (holes the heap cannot give back by itself), and return the worker's RssAnon in KiB."""
    import numpy as np

    blocks = [np.ones(BLOCK, dtype=np.uint8) for _ in range(2000)]
    KEPT.extend(blocks[1::2])
    del blocks
    return anon_kib()


def anon_kib() -> int:
    """This process's anonymous resident memory (``RssAnon``), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("RssAnon:"))
