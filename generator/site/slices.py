"""A bulk-page task's own data, for a Dask worker: only the rows, subjects and previous pages the task reads.

Stage: render site, on a cluster (``generator.site.bulk``). Guarantees: ``payload(data, task, index)`` gives a
``BulkData`` and the task renumbered into it such that ``bulk.run`` on them writes exactly the pages, with
exactly the bytes, that the task writes on the whole data (tested task by task). The payload holds, of the
city's data, only:

- the rows of each view the task renders (``bulk.task_rows``), renumbered from 0 in view order; every other
  view is kept empty but with its columns, kind and configuration (pages read those of every dataset);
- the fresh flags of those rows (``generator.site.work.Fresh``) and the subjects it renders, renumbered;
- the entries of the previous build's digest map for the paths the task can write — whose file a fresh unit
  is linked from, or whose bytes decide whether a page is linked instead of written.

So a worker holds one task's data at a time, not the city's: at most ``bulk.TASK_ROWS`` records (record tasks
``bulk.CHUNK``; a list task the entries of its ``bulk.LIST_PAGES`` pages, and the list's length; a piece of a
long month the rows on its ``months.PIECE_PAGES`` pages, and the month's days and departments with their
counts), except a subject that alone has more, and the commitment-items views every payload keeps whole (the
names of the items fulfilment records link to; a catalog's item list). A department task gets its figures
counted by the build (records per department and month), not the rows.

Rows do not travel in the payload itself when the view is shared: the payload names the view's Arrow IPC file
and the positions to take, which the worker reads, memory-mapped, when it opens the payload
(``generator.site.payloads``).

A task's rows are one run of a file or lie within one (a piece of a month: within its month's run, which its
departments' rows are spread over), never scattered over a whole view: the pages of a memory-mapped file a task
touches count in its worker's resident memory, and the kernel maps a cached file's neighbouring pages with each
one, so scattered rows map a view nearly whole. The archives' rows (a subject's records are anywhere in a view) are therefore written a
second time, in the subjects' order, for the subject tasks: by a shuffle on the workers (``generator.site.shuffle``:
a subject task reads one run of each part's file), not by the build's process.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from generator.digests import DigestMap
from generator.model import RECORD_ID
from generator.site import api, urls
from generator.site.listings import dept_months, list_entries
from generator.site.months import month_groups, month_layout, piece_pages, piece_rows
from generator.site.payloads import ELSEWHERE, KEPT_WHOLE, NONE, Payload, Shared, Taken, Task
from generator.site.subjects import Subjects
from generator.site.view import DatasetView
from generator.site.work import BulkData, Fresh
from generator.sitefiles import Previous

DEPT_PAGE = re.compile(r"d[0-9a-f]{10}\.html")  # a department's page, under its dataset's folder


class PreviousPaths:
    """The previous site's digest map with its paths as a sorted array, for finding the entries under a folder
    (made once per build, on first use)."""

    def __init__(self, previous: Previous) -> None:
        self.previous = previous
        self._sorted: np.ndarray | None = None

    def exact(self, paths: Iterable[str]) -> Previous:
        """The previous site with only the entries at ``paths``."""
        files = self.previous.files
        found = {path: entry for path in paths if (entry := files.get(path)) is not None}
        return replace(self.previous, files=DigestMap.of(found))

    def under(self, folder: str, keep: Callable[[str], bool]) -> Previous:
        """The previous site with only the entries under ``folder`` whose rest of path ``keep`` accepts."""
        if self._sorted is None:
            self._sorted = self.previous.files.paths().to_numpy(zero_copy_only=False)
        a, b = np.searchsorted(self._sorted, [folder, folder + "\uffff"])
        return self.exact(p for p in self._sorted[a:b].tolist() if keep(p[len(folder) :]))


def payload(data: BulkData, task: Task, index: PreviousPaths, shared: Shared | None = None) -> Payload:
    """Task ``task``'s own data and the task renumbered into it (see the module's docstring); the rows of the
    views in ``shared`` are named, not carried."""
    slicers = {
        "record": _record, "month": _month, "piece": _piece, "dept": _dept, "list": _list, "subject": _subject,
    }  # fmt: skip
    return slicers[task[0]](data, task, index, shared or Shared())


def _record(data: BulkData, task: Task, index: PreviousPaths, shared: Shared) -> Payload:
    kind, vi, start, stop = task
    ids = data.views[vi].frame[RECORD_ID].iloc[start:stop].tolist()
    flags = data.fresh.records.get(vi)
    fresh = Fresh(records={} if flags is None else {vi: flags[start:stop]})
    previous = index.exact(urls.record_page(i) for i in ids)
    rows = {vi: np.arange(start, stop)}
    return _sliced(data, rows, fresh, previous, shared, (kind, vi, 0, stop - start))


def _month(data: BulkData, task: Task, index: PreviousPaths, shared: Shared) -> Payload:
    """A month task keeps every month's key (its pages link to the next newer and older months) but only the
    rows of its own months."""
    _, vi, start, stop = task
    groups = month_groups(data, vi)
    mine = [m for m, _ in groups[start:stop]]
    rows = np.sort(np.concatenate([positions for _, positions in groups[start:stop]] or [NONE]))
    local = [(m, np.searchsorted(rows, p) if start <= i < stop else NONE) for i, (m, p) in enumerate(groups)]
    fresh = Fresh(months={vi: data.fresh.months.get(vi, set()) & set(mine)})
    folder = urls.dataset_page(data.views[vi].id)
    previous = index.under(folder, lambda name: any(m in name for m in mine))  # its month, day and dept pages
    sliced = _sliced(data, {vi: rows}, fresh, previous, shared, task)
    sliced.data.cache[("months", vi)] = local
    return sliced


def _piece(data: BulkData, task: Task, index: PreviousPaths, shared: Shared) -> Payload:
    """A piece of a long month keeps the month's layout (its days and departments with their counts), every
    month's key, and only the rows on its own pages."""
    _, vi, i, piece = task
    layout, _ = month_layout(data, vi, i)
    held = piece_rows(data, vi, i, piece)
    rows = np.unique(np.concatenate([positions for _, positions in held]))
    month = layout.month
    fresh = Fresh(months={vi: data.fresh.months.get(vi, set()) & {month}})
    pages = piece_pages(data, vi, i, piece)
    sliced = _sliced(data, {vi: rows}, fresh, index.exact(p for _, _, p in pages), shared, task)
    local = [(offset, np.searchsorted(rows, positions)) for offset, positions in held]
    sliced.data.cache["month-layout"] = ((vi, i), layout, local)
    sliced.data.cache[("month-piece", vi, i, piece)] = pages
    sliced.data.cache[("months", vi)] = [(m, NONE) for m, _ in month_groups(data, vi)]
    return sliced


def _dept(data: BulkData, task: Task, index: PreviousPaths, shared: Shared) -> Payload:
    """A department task gets its pages' figures made (which department published how many records in which
    month: a dataset-wide count), not the rows they are counted from."""
    _, vi, _, _ = task
    months = dept_months(replace(data, cache={}), vi)  # (its own cache: the columns it reads are not kept)
    previous = index.under(
        urls.dataset_page(data.views[vi].id), lambda name: DEPT_PAGE.fullmatch(name) is not None
    )
    sliced = _sliced(data, {}, Fresh(), previous, shared, task)
    sliced.data.cache[("dept-months", vi)] = months
    return sliced


def _list(data: BulkData, task: Task, index: PreviousPaths, shared: Shared) -> Payload:
    """A list task keeps the entries of its own pages and, to number and link every page, the list's length."""
    _, vi, start, stop = task
    view, total = data.views[vi], len(data.views[vi].frame)
    first, end = list_entries(start, stop, total)
    rows = np.arange(first, end)
    previous = index.exact(urls.list_page(view.id, k + 1) for k in range(start, stop))
    sliced = _sliced(data, {vi: rows}, Fresh(), previous, shared, task)
    sliced.data.cache[("list-span", vi)] = (first, total)
    return sliced


def _subject(data: BulkData, task: Task, index: PreviousPaths, shared: Shared) -> Payload:
    """A subject task keeps its subjects (renumbered from 0) and their records' rows of each view: gathered in
    the subjects' order from the shuffle's files when they are shared (one run of each), else taken in view
    order."""
    kind, vi, start, stop = task
    s = data.subjects
    a, b = int(s.starts[start]), int(s.starts[stop])
    views, positions = s.view[a:b], s.pos[a:b]
    rows, local, gathered = {}, np.empty_like(positions), {}
    for v in np.unique(views).tolist():
        mask = views == v
        if v in shared.by_subject:  # their ranks are a run: one run of each of the shuffle's files
            ranks = shared.rank[a:b][mask]
            gathered[v] = shared.by_subject[v].gather(int(ranks[0]), int(ranks[-1]) + 1)
            local[mask] = ranks - ranks[0]
        else:
            rows[v] = np.unique(positions[mask])
            local[mask] = np.searchsorted(rows[v], positions[mask])
    subjects = Subjects(
        s.codes[start:stop], s.names[start:stop], s.starts[start : stop + 1] - a, views, local
    )
    codes = [str(code) for code in subjects.codes]
    previous = index.exact(
        p for c in codes for p in (urls.subject_page(c), api.subject_path(c), urls.report_page(c))
    )
    fresh = Fresh(subjects=data.fresh.subjects[start:stop])
    sliced = _sliced(data, rows, fresh, previous, shared, (kind, vi, 0, stop - start))
    taken = {**sliced.taken, **gathered}  # a view with archive rows: gathered from the shuffle's files
    return replace(sliced, data=replace(sliced.data, subjects=subjects), taken=taken)


def _sliced(
    data: BulkData, rows: dict[int, np.ndarray], fresh: Fresh, previous: Previous, shared: Shared, task: Task
) -> Payload:
    """``data`` with only ``rows`` of each view named (positions, ascending), no subjects, ``fresh`` and
    ``previous``, for ``task``."""
    views, taken = _views(data.views, rows, shared)
    return Payload(_with(data, views, fresh, previous), task, taken)


def _views(
    views: list[DatasetView], rows: dict[int, np.ndarray], shared: Shared
) -> tuple[list[DatasetView], dict[int, Taken]]:
    """Each view: its ``rows`` — named, not carried, when the view is ``shared`` (its frame a placeholder, its
    rows, if any, in the second value returned); whole for a kind every payload keeps; else empty."""
    kept, taken = [], dict[int, Taken]()
    for vi, view in enumerate(views):
        # named even with no rows: an empty frame of 30-odd columns pickles slower than a name
        if vi in shared.files:
            kept.append(replace(view, frame=ELSEWHERE))
            taken[vi] = (shared.files[vi], rows.get(vi, NONE))
        elif vi in rows:
            kept.append(replace(view, frame=view.frame.take(rows[vi]).reset_index(drop=True)))
        else:
            kept.append(view if view.kind in KEPT_WHOLE else replace(view, frame=view.frame.iloc[:0]))
    return kept, taken


def _with(data: BulkData, views: list[DatasetView], fresh: Fresh, previous: Previous) -> BulkData:
    empty = Subjects(
        np.zeros(0, dtype=object), np.zeros(0, dtype=object), np.zeros(1, dtype=np.int64), NONE, NONE
    )
    return replace(data, views=views, subjects=empty, fresh=fresh, previous=previous, cache={})
