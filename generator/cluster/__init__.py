"""The Dask engine: ``gongshi build --scheduler tcp://HOST:8786`` or ``--scheduler local:N``.

Stage: shared by the build (it connects before anything is read) and the stages that hand work to it (the
load stage's batch files, the rules' parts, the data packs, the site's bulk pages, the search index). Guarantees:
- Dask (``distributed``) is imported here only, and only when a scheduler is named: a build without
  ``--scheduler`` neither imports nor needs it;
- ``connect`` reaches the scheduler (or starts a ``LocalCluster`` of N one-thread worker processes on
  loopback) and checks every worker runs this very gongshi version — a worker with another version would render
  other bytes — before the build reads or writes anything; an unreachable scheduler, a cluster without
  workers or a worker of another version is a ``ClusterUnusable`` with one clear sentence;
- ``Cluster.map_files`` runs a function over items on the workers and yields the results in item order,
  whatever order they finish in. Each item is written to its own file in a folder the workers see and loaded
  by the task itself, so the build holds no item in memory once written, nothing goes through the scheduler,
  and a task whose worker dies is simply run again by Dask on another worker, reading its file again (data
  scattered from the build instead is lost for good when every worker holding it dies, and the tasks needing
  it then wait forever). A task must therefore be safe to run twice: the page writers replace what a lost
  attempt left. A task's result comes back pickled into one ``bytes`` object (``files``, the files tasks
  exchange, says why). A task's exception, one that keeps killing its workers, or the scheduler lost
  propagates to the build's boundary, which keeps the previous site;
- ``sees`` says whether every worker sees a folder: the workers write the pages themselves, so the output
  folder must be shared, at the same path, with every worker (one machine, or NFS-like storage);
- the build's stderr gets no Dask log lines (its retries and lost connections come with tracebacks): a failure
  is a problem with one sentence, like any other.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator import __version__
from generator.cluster.files import Common, _call, _trim, share_table, shared_table, spill
from generator.failures import one_line

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

CONNECT_TIMEOUT_S = 10  # a scheduler that does not answer within this is unreachable
LOCAL = re.compile(r"local:([1-9][0-9]?)")
AHEAD = 4  # tasks submitted per worker thread ahead of the results taken back (``Cluster.map_files``)
_END = object()
REMOTE = re.compile(r"(tcp|tls)://[^/\s]+:[0-9]+")

__all__ = [
    "AHEAD",
    "CONNECT_TIMEOUT_S",
    "Cluster",
    "ClusterUnusable",
    "Common",
    "OnCluster",
    "Scheduler",
    "connect",
    "parse_scheduler",
    "share_table",
    "shared_table",
    "spill",
]


class ClusterUnusable(Exception):
    """The named scheduler cannot run this build (message: one sentence, in Chinese, for the operator)."""


@dataclass(frozen=True)
class Scheduler:
    """Where the Dask work goes: ``local:N`` (a LocalCluster of N worker processes) or a scheduler's address."""

    address: str  # tcp://host:port, or "" for a LocalCluster
    workers: int = 0  # worker processes of a LocalCluster; 0 for a remote scheduler
    memory: int = 0  # each LocalCluster worker's memory limit in bytes; 0: Dask's default (memory / workers)

    def __str__(self) -> str:
        return self.address or f"local:{self.workers}"


def parse_scheduler(text: str) -> Scheduler:
    """``local:N`` (1–99) or ``tcp://HOST:PORT`` / ``tls://HOST:PORT``; ValueError saying which forms exist."""
    local = LOCAL.fullmatch(text)
    if local:
        return Scheduler("", int(local.group(1)))
    if REMOTE.fullmatch(text):
        return Scheduler(text)
    raise ValueError(f"调度器地址“{text}”无法识别：应为 local:N（N 为 1–99）或 tcp://主机:端口")


class Cluster:
    """A connected Dask client (and the LocalCluster it owns, if any); close it with ``close``."""

    def __init__(self, client: Client, owned: Any = None) -> None:
        self.client = client
        self._owned = owned

    def map_files(
        self, fn: Callable[[T], R], items: Iterable[T], folder: Path, common: Common | None = None
    ) -> Generator[R, None, None]:
        """``fn(item)`` for every item, on the workers, each item by way of its own file in ``folder`` (which
        every worker sees; removed once its result is back); iterate for the results, in item order. The
        first ``AHEAD`` items per worker thread are submitted now, each further one as a result comes back, so
        that a few files per worker are on disk at a time however many items there are. Objects of ``common``
        in an item are named in its file, not copied (the caller removes its file once the map is done)."""
        flight = _Flight(self.client, fn, iter(items), folder, common)
        for _ in range(AHEAD * max(1, sum(self.client.nthreads().values()))):
            flight.submit()
        return self._results(flight)

    def _results(self, flight: _Flight) -> Generator[Any, None, None]:
        from distributed import KilledWorker
        from distributed.comm.core import CommClosedError

        try:
            yield from flight.results()
            self.client.run(_trim, on_error="ignore")  # a worker lost since fails nothing: the work is done
        except (CancelledError, CommClosedError) as exc:  # the scheduler went away (or cancelled the work)
            raise ClusterUnusable(f"与调度器的连接中断，工作未完成：{one_line(str(exc))}") from exc
        except KilledWorker as exc:  # Dask retried the task on other workers, and they died too
            raise ClusterUnusable(f"一项任务反复导致工作进程退出，已放弃：{one_line(str(exc))}") from exc
        finally:
            flight.cancel()  # after a failure: nothing more runs for this build

    def sees(self, folder: str) -> list[str]:
        """The workers that do not see ``folder`` as a folder (empty: all do)."""
        seen = self.client.run(os.path.isdir, folder)
        return sorted(worker for worker, found in seen.items() if not found)

    def close(self) -> None:
        self.client.close()
        if self._owned is not None:
            self._owned.close()


class _Flight:
    """The items of one ``Cluster.map_files``: written to files and submitted as room frees, taken back in
    order."""

    def __init__(
        self,
        client: Client,
        fn: Callable[[Any], Any],
        items: Iterator[Any],
        folder: Path,
        common: Common | None,
    ) -> None:
        from distributed import as_completed

        self.client, self.fn, self.items, self.folder, self.common = client, fn, items, folder, common
        self.done = as_completed(loop=client.loop)  # (without, it looks for a default client: there is none)
        self.files: dict[Any, tuple[int, Path]] = {}  # a task in flight's key → its item's place and file
        self.submitted = 0

    def submit(self) -> None:
        """Write the next item to a file and submit its task (nothing once every item is submitted)."""
        item = next(self.items, _END)
        if item is _END:
            return
        file = spill(item, self.folder, self.common)
        future = self.client.submit(_call, self.fn, str(file), pure=False)
        self.files[future.key] = (self.submitted, file)
        self.submitted += 1
        self.done.add(future)

    def results(self) -> Iterator[Any]:
        """The results in item order, submitting one more item as each comes back."""
        waiting: dict[int, Any] = {}  # finished before their turn
        turn = 0
        for future in self.done:
            index, file = self.files.pop(future.key)
            waiting[index] = pickle.loads(future.result())  # ``_call`` pickled it
            file.unlink()  # the future is let go: Dask forgets its result and never needs the file again
            self.submit()
            while turn in waiting:
                yield waiting.pop(turn)
                turn += 1

    def cancel(self) -> None:
        self.client.cancel(list(self.done.futures))


@dataclass(frozen=True)
class OnCluster:
    """Where a stage sends its tasks: the cluster, and a folder in the staging folder, which every worker sees,
    for the tasks' files (``Cluster.map_files``)."""

    cluster: Cluster
    folder: Path


def connect(scheduler: Scheduler) -> Cluster:
    """Reach ``scheduler`` (start it, for ``local:N``) and check its workers; ClusterUnusable if it cannot
    serve."""
    try:
        cluster = _client(scheduler)
    except (OSError, TimeoutError) as exc:
        raise ClusterUnusable(f"无法连接调度器 {scheduler}：{exc}") from exc
    try:
        _check_workers(cluster, scheduler)
    except BaseException:
        cluster.close()
        raise
    return cluster


def _client(scheduler: Scheduler) -> Cluster:
    try:
        from distributed import (
            Client,
            LocalCluster,
        )  # only here: a build without a scheduler never imports it
    except ImportError as exc:
        raise ClusterUnusable(f"未安装 Dask（gongshi 的 cluster 依赖）：{exc}") from exc

    _quiet()
    if scheduler.address:
        return Cluster(Client(scheduler.address, timeout=CONNECT_TIMEOUT_S, set_as_default=False))
    local = LocalCluster(
        n_workers=scheduler.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        memory_limit=scheduler.memory or "auto",
        dashboard_address=None, silence_logs=logging.CRITICAL,
        # its HTTP server (health checks only, no dashboard) on a loopback port the system picks, not 8787
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )  # fmt: skip
    return Cluster(Client(local, set_as_default=False), local)


def _quiet() -> None:
    """Silence distributed's loggers in this process (its own configuration sets levels per logger): its
    retries and lost connections come with tracebacks, and the build says what failed as a problem instead."""
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def _check_workers(cluster: Cluster, scheduler: Scheduler) -> None:
    versions: dict[str, str] = cluster.client.run(_version)
    if not versions:
        raise ClusterUnusable(f"调度器 {scheduler} 没有可用的工作进程（worker）")
    other = sorted((worker, v) for worker, v in versions.items() if v != __version__)
    if other:
        worker, version = other[0]
        raise ClusterUnusable(
            f"工作进程 {worker} 运行的是 gongshi {version}，本次构建是 {__version__}：版本不同会生成不同的页面"
        )


def _version() -> str:
    """On a worker: its gongshi version."""
    from generator import __version__ as running

    return running
