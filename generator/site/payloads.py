"""A bulk-page task's own data as it travels to a Dask worker: its rows named by file and positions, not carried.

Stage: render site, on a cluster (``generator.site.bulk``; what a task's payload holds is cut by
``generator.site.slices``). Guarantees: a ``Payload`` opened (``Payload.opened``) is the task's ``BulkData`` with
each shared view's frame the rows it names, read back as ``view.frame.take(rows)`` renumbered from 0, with the
same columns and dtypes (tested view by view); ``common`` names what every payload holds alike.

Rows do not travel in the payload itself when the view is shared (``share``): the build writes each view once
to an Arrow IPC file beside the tasks' files (its columns are Arrow-backed already), and the payload names the
file and the positions to take, which the worker reads, memory-mapped, when it opens the payload
(``Payload.opened``). A shared view the task has no rows of is named too, with no positions: even an empty
frame of 30-odd columns pickles slowly (≈ 0.5 ms). Measured at 200 k records on ``local:2``: pickling the 220
page payloads took 4.2 s for their rows and 5.6 s in all, and slicing them 2.3 s; with the views shared, 0.8
and 0.65 s, and writing the views 0.1 s. A view whose frame would come back from Arrow with other columns or
dtypes travels pickled as before.

Once written, a shared view is read back memory-mapped (``mapped``): the same frame, its columns the file's
Arrow buffers (zero-copy), so the build's process holds the view in pages of a file the system can drop and read
again instead of in its own memory — at 1 M records 357 MiB of its 1.28 GiB of anonymous memory in the site
stage. The mapping outlives the file's removal when the stage ends.

A subject's records are anywhere in a view, so ``share`` also has the archives' rows written a second time, in
the subjects' order, for the subject tasks: by a shuffle on the workers (``generator.site.shuffle``: a subject
task reads one run of each part's file), not by the build's process.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.cluster import Common, share_table, shared_table
from generator.site.shuffle import Gather, Run, Shuffled, shuffle
from generator.site.subjects import Subjects
from generator.site.view import DatasetView
from generator.site.work import BulkData

Task = tuple[str, int, int, int]  # as ``generator.site.bulk.Task``
KEPT_WHOLE = ("commitment-items",)  # view kinds every payload keeps whole
NONE = np.zeros(0, dtype=np.int64)
# the rows of a shared view a payload names: (file, positions), or gathered from the shuffle's files
Taken = tuple[str, np.ndarray] | Gather
ELSEWHERE = pd.DataFrame()  # a shared view's frame in a payload that has not been opened


@dataclass(frozen=True)
class Payload:
    """A task's own data as it travels: ``data`` without its shared views' frames (``ELSEWHERE`` in their
    place) and, for those, ``taken``: the view's file and the positions to read from it (none: an empty
    frame)."""

    data: BulkData
    task: Task
    taken: dict[int, Taken] = field(default_factory=dict)

    def opened(self) -> tuple[BulkData, Task]:
        """The task's data with its rows read in, and the task (what ``bulk.run`` takes)."""
        if not self.taken:
            return self.data, self.task
        views = list(self.data.views)
        for vi, taken in self.taken.items():
            frame = taken.read() if isinstance(taken, Gather) else _take(*taken)
            views[vi] = replace(views[vi], frame=frame)
        return replace(self.data, views=views), self.task


@dataclass(frozen=True)
class Shared:
    """The Arrow IPC files ``share`` wrote: each view in its own order (``files``, by view index) and, for the
    subject tasks, the rows of each view that archives show, shuffled into the subjects' order
    (``by_subject``), where entry ``e`` of the subjects (``Subjects.view``, ``Subjects.pos``) has rank
    ``rank[e]``."""

    files: dict[int, str] = field(default_factory=dict)
    by_subject: dict[int, Shuffled] = field(default_factory=dict)
    rank: np.ndarray = field(default_factory=lambda: NONE)

    def written(self) -> list[str]:
        return [*self.files.values(), *(f for s in self.by_subject.values() for f in s.files)]


def share(views: list[DatasetView], folder: Path, subjects: Subjects | None = None, run: Run = map) -> Shared:
    """Write each view a payload would slice to its own Arrow IPC file in ``folder`` and, given the
    ``subjects``, have ``run`` (the cluster's map) shuffle its archives' rows into their order: a subject
    task's rows are then one run of each part's file (read scattered, a memory-mapped file is paged in nearly
    whole, and every page counts in the worker's resident memory, which Dask's memory limit watches: measured
    at 2 M records, a subject task's worker went from 0.36 to 0.74 GiB while it read 1,700 rows of a 394 MB
    view)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for vi, view in enumerate(views):
        table = None if view.kind in KEPT_WHOLE else _arrow(view.frame)
        if table is not None:
            files[vi] = _written(table, folder / f"view-{vi}.arrow")
    if subjects is None:
        return Shared(files)
    return Shared(files, *shuffle(files, subjects, folder, run))


def mapped(views: list[DatasetView], shared: Shared) -> list[DatasetView]:
    """``views`` with each shared one's frame read back from its file, memory-mapped (the same columns, dtypes
    and values: the file was written only if they come back so)."""
    return [
        replace(v, frame=_frame(shared.files[vi])) if vi in shared.files else v for vi, v in enumerate(views)
    ]


def _frame(file: str) -> pd.DataFrame:
    with shared_table(file) as table:  # the frame keeps the mapping when the file is closed (and removed)
        return table.to_pandas()


def _written(table: pa.Table, file: Path) -> str:
    share_table(table, file)
    return str(file)


def _arrow(frame: pd.DataFrame) -> pa.Table | None:
    """``frame`` as an Arrow table, or None if it would not come back with the same columns and dtypes."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    back = table.slice(0, 0).to_pandas()
    same = list(back.columns) == list(frame.columns) and list(back.dtypes) == list(frame.dtypes)
    return table if same else None


def _take(file: str, rows: np.ndarray) -> pd.DataFrame:
    """Rows ``rows`` of the view in ``file``, as the frame ``view.frame.take(rows)`` renumbered from 0."""
    with shared_table(file) as table:
        return table.take(pa.array(rows, type=pa.int64())).to_pandas()


def common(data: BulkData, folder: Path) -> Common:
    """What every payload holds alike, to be named in a payload's file rather than copied (``Common``): each
    view's spec and fields, the views kept whole, the placeholder of a shared view's frame, the page shell and
    the measures."""
    views = data.views
    kept = [v for v in views if v.kind in KEPT_WHOLE]
    alike = [
        *(v.spec for v in views),
        *(v.fields for v in views),
        *kept,
        ELSEWHERE,
        data.shell,
        data.measures,
    ]
    return Common.of(alike, folder)
