"""The pages that exist per record, per subject, per month and per list page, rendered in parallel.

Stage: render site. Guarantees: the work is cut into tasks decided from the data alone; ``jobs`` worker
processes (forked, so the tables are shared rather than copied) render them — or, with a cluster, Dask workers,
each task carrying only its own slice of the data (``generator.site.slices``); each page's bytes depend only on
the data, so the result is the same whatever the engine, the number of workers or the order tasks finish in.
Each task returns what it wrote (path, digest, linked or written: ``generator.written.Written``) and the parent
records it in the build's ``Outputs``; ``render_bulk`` returns the paths written, sorted. The workers die with
the build (``generator.workers``); when a task fails, the tasks not yet started are cancelled and the failure
propagates. Checkpoint ``site-bulk`` is passed while the workers render (with ``--scheduler``: once the first
task's result is back, so the scheduler surely holds tasks)."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.checkpoints import checkpoint
from generator.collector import give_back
from generator.outputs import Outputs
from generator.paths import CLUSTER_DIR
from generator.site.columns import Rows
from generator.site.listings import (
    LIST_PAGE_SIZE,
    dept_pages,
    list_entries,
    list_page_count,
    list_pages,
    list_span,
)
from generator.site.months import month_groups, month_pages, month_piece, piece_count, piece_rows
from generator.site.payloads import Payload, common, mapped, share
from generator.site.records import record_pages, subject_pages
from generator.site.slices import PreviousPaths, payload
from generator.site.work import BulkData, start_task, take_written
from generator.workers import die_with_parent
from generator.written import Written, WrittenBatch

if TYPE_CHECKING:
    from generator.cluster import Cluster

CHUNK = 2000  # records or subjects per task: small enough to balance two workers, large enough to amortise
MONTH_CHUNK = 4  # months per task, at most
TASK_ROWS = 4 * CHUNK  # records per task, at most, unless one subject has more (a longer month: in pieces)
LIST_PAGES = TASK_ROWS // LIST_PAGE_SIZE  # list pages per task, at most: TASK_ROWS entries
Task = tuple[str, int, int, int]  # (kind, view index or -1, start, stop); a piece: (kind, view, month, piece)

_adopted: BulkData | None = None  # the data a forked worker was started with


def render_bulk(
    data: BulkData, jobs: int, outputs: Outputs | None = None, cluster: Cluster | None = None
) -> pa.Array:
    """Write every bulk page (noting each in ``outputs``); return their paths relative to site/, sorted, as a
    large_string array. Each task's records are noted as it finishes, not gathered first, and its paths are kept
    in Arrow, not as Python strings: a city's site has millions of pages."""
    chunks: list[pa.Array] = [pa.array([], pa.large_string())]
    tasks = plan(data)
    rendering = run_tasks(data, tasks, jobs) if cluster is None else _on_cluster(cluster, data, tasks)
    for written in rendering:
        if outputs is not None:
            outputs.record(written)
        chunks.append(written.path_array)
    paths = pa.concat_arrays(chunks)
    return paths.take(pc.sort_indices(paths))


def run_tasks(data: BulkData, tasks: list[Task], jobs: int) -> Iterator[WrittenBatch]:
    """Run ``tasks`` in ``jobs`` processes (in this one when ``jobs`` is 1); what each wrote, in task order."""
    if jobs <= 1 or len(tasks) <= 1:
        checkpoint("site-bulk")
        yield from (WrittenBatch.of(run(data, task)) for task in tasks)
        return
    with _pool(data, jobs) as pool:
        rendering = pool.map(_run_adopted, tasks)
        checkpoint("site-bulk")
        yield from rendering


def _on_cluster(cluster: Cluster, data: BulkData, tasks: list[Task]) -> Iterator[WrittenBatch]:
    """Run ``tasks`` on the cluster's workers, each with its own data (``generator.site.slices``: a worker
    holds one task's rows at a time, not the city's), handed over in a file in the staging folder, which every
    worker sees; what each wrote, in task order."""
    folder = data.site_dir.parent / CLUSTER_DIR
    index = PreviousPaths(data.previous)
    shuffling = functools.partial(cluster.map_files, folder=folder)  # the archives' rows, on the workers
    shared, alike = share(data.views, folder, data.subjects, shuffling), common(data, folder)
    data.views[:] = mapped(data.views, shared)  # in place: the site's one list, so the build lets its copy go
    give_back()
    try:
        payloads = (payload(data, task, index, shared) for task in tasks)
        rendering = cluster.map_files(_run_payload, payloads, folder, alike)
        first = next(rendering, None)  # back from a worker: the scheduler surely holds every task now
        checkpoint("site-bulk")
        if first is not None:
            yield first
        yield from rendering
    finally:
        for file in [*shared.written(), alike.file]:
            Path(file).unlink(missing_ok=True)


def _run_payload(task_data: Payload) -> WrittenBatch:
    """On a Dask worker: ``run`` a task on its own data, its rows read in."""
    return WrittenBatch.of(run(*task_data.opened()))


@contextmanager
def _pool(data: BulkData, jobs: int) -> Iterator[ProcessPoolExecutor]:
    """The workers, forked with the parent's objects frozen out of the garbage collector (``gc.freeze``, as
    its documentation advises before a fork): a collection in a worker would otherwise write to the header of
    every container it inherited — the tables' lists, the digest map's tuples — and so copy those pages into
    each worker."""
    gc.freeze()
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_adopt, initargs=(data, os.getpid()))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _context() -> multiprocessing.context.BaseContext:
    """Fork where the platform has it: workers inherit the tables without pickling them (measured: pickling
    1 M records to each worker costs more than rendering them)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _adopt(data: BulkData, parent: int) -> None:
    global _adopted
    die_with_parent(parent)
    _adopted = data


def _run_adopted(task: Task) -> WrittenBatch:
    assert _adopted is not None, "worker started without data"
    return WrittenBatch.of(run(_adopted, task))


def plan(data: BulkData) -> list[Task]:
    """Every task, biggest kinds first so the pool stays busy to the end."""
    tasks: list[Task] = []
    for vi, view in enumerate(data.views):
        if view.is_record_set:
            tasks += [
                ("record", vi, a, min(a + CHUNK, len(view.frame))) for a in range(0, len(view.frame), CHUNK)
            ]
            tasks += _month_tasks(data, vi)
            tasks += [("dept", vi, 0, 0)] if view.role("department") else []
        if view.kind == "list":
            pages = list_page_count(len(view.frame))
            tasks += [("list", vi, a, min(a + LIST_PAGES, pages)) for a in range(0, pages, LIST_PAGES)]
    tasks += [("subject", -1, a, b) for a, b in runs(np.diff(data.subjects.starts), CHUNK)]
    return tasks


def _month_tasks(data: BulkData, vi: int) -> list[Task]:
    """Runs of months, or the pieces of a month longer than a task (``PIECE_PAGES`` pages each)."""
    sizes = np.array([len(positions) for _, positions in month_groups(data, vi)], dtype=np.int64)
    tasks: list[Task] = []
    for a, b in runs(sizes, MONTH_CHUNK):
        if b - a == 1 and sizes[a] > TASK_ROWS:
            tasks += [("piece", vi, a, p) for p in range(piece_count(data, vi, a))]
        else:
            tasks.append(("month", vi, a, b))
    return tasks


def runs(sizes: np.ndarray, most: int) -> list[tuple[int, int]]:
    """Consecutive runs ``(a, b)`` of items (months, subjects) covering them all, each of at most ``most``
    items and ``TASK_ROWS`` records (``sizes``: each item's) unless its one item has more: a task's data, and so
    a cluster worker's memory, stays bounded however big the city."""
    found, a, rows = [], 0, 0
    for i, size in enumerate(sizes.tolist()):
        if i > a and (i - a == most or rows + size > TASK_ROWS):
            found.append((a, i))
            a, rows = i, 0
        rows += size
    return [*found, (a, len(sizes))] if len(sizes) else []


def run(data: BulkData, task: Task) -> list[Written]:
    """Render one task's pages; what it wrote."""
    kind, vi, start, stop = task
    take_written(data)  # nothing left over from an earlier task that failed
    start_task(data, task_rows(data, task))
    renderers: dict[str, Callable[[], list[str]]] = {
        "record": lambda: record_pages(data, vi, start, stop),
        "month": lambda: month_pages(data, vi, start, stop),
        "piece": lambda: month_piece(data, vi, start, stop),
        "dept": lambda: dept_pages(data, vi),
        "list": lambda: list_pages(data, vi, start, stop),
        "subject": lambda: subject_pages(data, start, stop),
    }
    renderers[kind]()
    start_task(data, {})  # its columns are not kept
    return take_written(data)


def task_rows(data: BulkData, task: Task) -> dict[int, Rows]:
    """The rows of each view a task reads (a department task: none named, it reads two columns of its view)."""
    kind, vi, start, stop = task
    if kind == "record":
        return {vi: Rows(start, stop)}
    if kind == "list":
        first, total = list_span(data, vi)
        a, b = list_entries(start, stop, total)
        return {vi: Rows(a - first, b - first)}
    if kind == "month":
        groups = month_groups(data, vi)[start:stop]
        return {vi: Rows.of(np.concatenate([positions for _, positions in groups]))} if groups else {}
    if kind == "piece":
        return {vi: Rows.of(np.concatenate([rows for _, rows in piece_rows(data, vi, start, stop)]))}
    if kind == "subject":
        subjects = data.subjects
        a, b = subjects.starts[start], subjects.starts[stop]
        views, positions = subjects.view[a:b], subjects.pos[a:b]
        return {int(v): Rows.of(positions[views == v]) for v in np.unique(views)}
    return {}
