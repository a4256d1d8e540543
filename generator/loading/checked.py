"""Batch files read now, through validate: together in the build's process, or one Dask task per file.

Stage: load → validate (``generator.inputs`` decides which files are read now: those without a cached outcome,
each a ``FileTask``). Guarantees:
- ``validated`` checks the rows of a dataset's files read now as one table (one pass over their rows, not one
  per file) and cuts the result back into each file's ``Outcome``: a file's valid rows are contiguous (in
  batch order), its problems and ledger rows name it;
- ``on_cluster`` gives the very same outcomes with one task per file on a Dask cluster (``--scheduler``): a
  worker reads its file, validates it alone, writes its new cache entry into the staging state's spool and
  its outcome to a file, and returns names only; the build reads the outcome back with ``decode_outcome``,
  as it reads a cached one. Validating a file alone gives its share of validating the dataset
  (``generator.validate``: every verdict depends on one batch file alone), so the batch files are the table
  stage's partitions, and the build's process neither parses nor checks a row. The duplicate-key check needs
  no shuffle: validation rejects a key repeated within one batch (one file, one task); a key repeated in a
  later batch is a correction, which the rules stage decides on the whole table;
- on the cluster the outcomes come back in task order whatever order the workers finish in, and a task whose
  worker dies is run again (``Cluster.map_files``): its writes replace what the lost attempt left.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from generator.checkpoints import checkpoint
from generator.cluster import OnCluster
from generator.loading.cache import BatchCache, Entry, PreviousCache
from generator.loading.keys import Snapshot
from generator.loading.outcome import Outcome, arrow_table, decode_outcome, encode_outcome
from generator.loading.records import load_batch, remember
from generator.model import BATCH, FILE, DatasetSpec, Table
from generator.problems import Problem
from generator.validate import check_table


@dataclass(frozen=True)
class FileTask:
    """One batch file to read and validate now."""

    spec: DatasetSpec
    path: Path
    shown: str  # the file's path as FILE shows it
    batch: int
    snapshot: Snapshot | None  # its hash when it was planned (None: no cache is kept, or it cannot be read)
    previous: PreviousCache  # the previous build's cache, narrowed to this file's entry (its fallback)

    def narrowed(self) -> FileTask:
        """This task with ``previous`` holding only this file's entry (what a worker needs, whatever the
        catalog's size)."""
        entries = self.previous.entries
        mine = {self.shown: entries[self.shown]} if self.shown in entries else {}
        return replace(self, previous=replace(self.previous, entries=mine))


@dataclass
class ReadNow:
    """A file read now, its rows waiting to be validated (with the dataset's other files read now)."""

    batch: int
    shown: str
    frame: pd.DataFrame
    load_ledger: pd.DataFrame
    load_problems: list[Problem]
    entry: Entry | None  # its new cache entry, which names the outcome to add


def read_now(task: FileTask, cache: BatchCache | None) -> ReadNow:
    """Read one file (a file that gives no records falls back on its cached rows) and put it into ``cache``."""
    spec, previous = task.spec, task.previous
    got = load_batch(spec, task.path, task.shown, task.batch, previous)
    entry = remember(cache, spec, task.path, got, task.snapshot, previous, outcome=True)
    return ReadNow(task.batch, task.shown, got.frame, got.ledger(spec.id), got.problems, entry)


def validated(spec: DatasetSpec, read: list[ReadNow]) -> list[Outcome]:
    """Validate the rows of the files read now as one table, then cut the result back into each file's
    outcome."""
    if not read:
        return []
    frames = [one.frame for one in read]
    for one in read:
        one.frame = one.frame.iloc[:, :0]  # the joined table below is the only holder of the rows
    table = Table(spec, frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True))
    del frames
    checked = check_table(spec.id, table)
    valid, ledger, departments = (
        arrow_table(f) for f in (checked.valid, checked.ledger, checked.departments)
    )
    batches = checked.valid[BATCH].to_numpy()
    numbers = [one.batch for one in read]
    starts, ends = np.searchsorted(batches, numbers, "left"), np.searchsorted(batches, numbers, "right")
    ledger_rows, department_rows = _rows_of(checked.ledger[FILE]), _rows_of(checked.departments[FILE])
    problems: dict[str, list[Problem]] = {}
    for found in checked.problems:
        problems.setdefault(found.file, []).append(found)
    return [
        Outcome(
            valid.slice(start, end - start),
            ledger.take(ledger_rows.get(one.shown, _NONE)),
            problems.get(one.shown, []),
            departments.take(department_rows.get(one.shown, _NONE)),
            arrow_table(one.load_ledger),
            one.load_problems,
        )
        for one, start, end in zip(read, starts, ends, strict=True)
    ]


_NONE = np.zeros(0, dtype=np.int64)


def _rows_of(files: pd.Series) -> dict[str, np.ndarray]:
    """Each file's row positions in a column of FILE values."""
    codes, uniques = pd.factorize(files)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniques)}


@dataclass(frozen=True)
class _Work:
    """What a worker gets: the file's task and where it writes."""

    task: FileTask
    spool: Path | None  # the new cache's entry files go here; None: no cache is kept (``gongshi check``)
    folder: Path  # an outcome that is not a cache entry goes here


@dataclass
class _Done:
    """What a worker gives back: the cache it filled for its file, and the files holding the outcome."""

    cache: BatchCache
    rows: Path
    rest: Path
    own: bool  # the outcome files are the task's own (not cache entries): removed once read


def on_cluster(
    tasks: list[FileTask],
    on: OnCluster,
    cache: BatchCache | None,
    spool: Path | None,
    columns: list[tuple[str, ...] | None] | None = None,
) -> Iterator[Outcome]:
    """The outcome of each task, in task order, read and validated on the cluster's workers; their cache
    entries join ``cache`` (the entry files are already in ``spool``, which ``cache`` spools into). With
    ``columns`` (per task; None: all), a task's valid rows are read back with only those when they are a cache
    entry, which stays where later stages can read the rest (``Outcome.source``)."""
    wanted = columns or [None] * len(tasks)
    if spool is not None:
        spool.mkdir(parents=True, exist_ok=True)  # here: a worker makes no folder
    works = (_Work(task.narrowed(), spool, on.folder) for task in tasks)
    results = on.cluster.map_files(_check_file, works, on.folder)
    for n, (task, done) in enumerate(zip(tasks, results, strict=True)):
        if n == 0:  # back from a worker: the scheduler surely holds every task now
            checkpoint("load-files")
        outcome = decode_outcome(done.rows, done.rest, task.batch, None if done.own else wanted[n])
        if done.own:
            done.rows.unlink()
            done.rest.unlink()
        if cache is not None:
            _join(cache, done.cache)
        yield outcome
    if not tasks:
        checkpoint("load-files")


def _join(cache: BatchCache, theirs: BatchCache) -> None:
    cache.entries.update(theirs.entries)
    cache.carried.update(theirs.carried)
    cache.spooled |= theirs.spooled


def _check_file(work: _Work) -> _Done:
    """On a Dask worker: read and validate one file, cache it into the spool, write its outcome."""
    cache = BatchCache(spool=work.spool, spool_made=True) if work.spool is not None else None
    read = read_now(work.task, cache)
    outcome = validated(work.task.spec, [read])[0]
    entry = read.entry
    if cache is not None and entry is not None and entry.checked and work.spool is not None:
        cache.add_outcome(entry, outcome)
        rows, rest = (work.spool / name for name in entry.outcome_files)
        return _Done(cache, rows, rest, own=False)
    rows, rest = (
        _written(data, work.folder, end) for data, end in zip(encode_outcome(outcome), _ENDS, strict=True)
    )
    return _Done(cache or BatchCache(), rows, rest, own=True)


_ENDS = (".valid.arrow", ".outcome.json")


def _written(data: bytes, folder: Path, suffix: str) -> Path:
    """``data`` in a new file in ``folder`` (made by the build: a worker makes no folder)."""
    fd, name = tempfile.mkstemp(prefix="outcome-", suffix=suffix, dir=folder)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(name)
