"""The archives' rows brought together by subject on the workers: a shuffle on the subject code.

Stage: render site, on a cluster (``generator.site.slices``). A subject task renders the archives of a run of
subjects, in code order, and needs their records from every view; a view is in record order, where a subject's
records lie anywhere. Guarantees: ``shuffle`` cuts each view's archive rows into parts of ``PART_ROWS`` view rows,
and a map task per part (``sort_part``, run on the workers) writes that part's archive rows in the subjects'
order (``Subjects``' entries: by code, kind, dataset, newest first) to an Arrow IPC file beside the view's; a
subject task's rows of a view are then one run of each part's file, found by their ranks (``Shuffled.gather``)
and put back in the subjects' order when read (``Gather.read``): exactly the rows, in the order, that taking
the view's rows in the subjects' order gives (tested). A sort-based shuffle, range-partitioned on the
subjects' order: the build's process computes ranks from the subjects' index and never reads a row; each part's
file is written by one task, and a worker lost mid-map has its task run again (``Cluster.map_files``).

Why not Dask's own shuffle (``dask.dataframe``): the page tasks read their rows memory-mapped from files in the
staging folder, one run of each (a worker maps the pages it touches, and scattered reads map a file nearly
whole); a shuffle of dataframes would move the rows through the workers' memory and give them back as
partitions the tasks would have to write out again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.cluster import share_table, shared_table
from generator.site.subjects import Subjects

PART_ROWS = 65_536  # view rows a map task reads: a run of the view's file, like the rules' parts
NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Part:
    """A map task: rows ``start + rows`` of the view in ``file`` (the part's archive rows, in the subjects'
    order), to be written to ``out``."""

    file: str
    start: int
    rows: np.ndarray
    out: str


Run = Callable[[Callable[[Part], str], Iterable[Part]], Iterable[str]]  # map, or the cluster's map_files


def sort_part(part: Part) -> str:
    """On a worker: write the part's archive rows in the subjects' order (reading only its run of the view)."""
    with shared_table(part.file) as table:
        share_table(table.take(pa.array(part.start + part.rows, type=pa.int64())), Path(part.out))
    return part.out


@dataclass(frozen=True)
class Gather:
    """Rows to read: a run ``[start, stop)`` of each file, one after the other, then taken in ``order``."""

    pieces: tuple[tuple[str, int, int], ...]
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.order)

    def read(self) -> pd.DataFrame:
        """The rows as a frame numbered from 0 (files memory-mapped only while they are copied out)."""
        with ExitStack() as stack:
            runs = [stack.enter_context(shared_table(f)).slice(a, b - a) for f, a, b in self.pieces]
            rows = pa.concat_tables(runs).take(pa.array(self.order, type=pa.int64()))
            return rows.to_pandas()


@dataclass(frozen=True)
class Shuffled:
    """A view's archive rows after the shuffle: each part's file, and for each rank (place in the subjects' order
    among the view's archive rows) the part whose file holds that row and its place in that file."""

    files: tuple[str, ...]
    part: np.ndarray  # rank → index in ``files``
    place: np.ndarray  # rank → row in that part's file

    def gather(self, first: int, stop: int) -> Gather:
        """The rows ranked ``first`` to ``stop - 1``: a run of each part's file, put in rank order. Costs the rows
        gathered, not the view's parts (a part's rows are in rank order, so those in a run of ranks are a run of
        its file)."""
        by_part = np.argsort(self.part[first:stop], kind="stable")  # in part order, each part's in rank order
        parts, places = self.part[first:stop][by_part], self.place[first:stop][by_part]
        found, at, count = np.unique(parts, return_index=True, return_counts=True)
        pieces = [(self.files[p], int(places[a]), int(places[a]) + n) for p, a, n in
                  zip(found.tolist(), at.tolist(), count.tolist(), strict=True)]  # fmt: skip
        order = np.empty_like(by_part)  # the runs, concatenated, hold the ranks in ``by_part``'s order
        order[by_part] = np.arange(len(by_part))
        pieces = pieces or [(self.files[0], 0, 0)]  # no rows: none of a file, for its columns
        return Gather(tuple(pieces), order)


def shuffle(
    files: dict[int, str], subjects: Subjects, folder: Path, run: Run = map
) -> tuple[dict[int, Shuffled], np.ndarray]:
    """Each view's archive rows (of the views shared in ``files``), shuffled into the subjects' order by
    ``run``-ning a map task per part; and each subject entry's rank among its view's."""
    rank = np.zeros(len(subjects.view), dtype=np.int64)
    parts: list[Part] = []
    shuffled = {}
    for vi, file in files.items():
        entries = np.flatnonzero(subjects.view == vi)
        if len(entries):
            rank[entries] = np.arange(len(entries))
            mine = _parts(vi, file, subjects.pos[entries], folder)
            parts += [part for part, _ in mine]
            shuffled[vi] = _shuffled(mine, len(entries))
    done = set(run(sort_part, parts))
    assert done == {p.out for p in parts}, "a shuffle part was not written"
    return shuffled, rank


def _shuffled(mine: list[tuple[Part, np.ndarray]], count: int) -> Shuffled:
    """Where each rank's row is once the parts in ``mine`` (each with the ranks of the rows it writes, in order)
    are written."""
    part, place = np.empty(count, dtype=np.int32), np.empty(count, dtype=np.int32)
    for index, (_, ranks) in enumerate(mine):
        part[ranks], place[ranks] = index, np.arange(len(ranks), dtype=np.int32)
    return Shuffled(tuple(p.out for p, _ in mine), part, place)


def _parts(vi: int, file: str, pos: np.ndarray, folder: Path) -> list[tuple[Part, np.ndarray]]:
    """The map tasks of one view whose archive rows are at ``pos`` (in the subjects' order), each with the
    ranks of the rows it writes."""
    part = pos // PART_ROWS
    by_part = np.argsort(part, kind="stable")  # the ranks, by part, each part's in rank order
    cuts = np.flatnonzero(np.diff(part[by_part])) + 1
    found = []
    for ranks in np.split(by_part, cuts):
        start = int(part[ranks[0]]) * PART_ROWS
        out = str(folder / f"view-{vi}-by-subject-{start // PART_ROWS}.arrow")
        found.append((Part(file, start, pos[ranks] - start, out), ranks))
    return found
