"""The packs' formats written by other processes: a Dask cluster's tasks, and the data packs' second process.

Stage: write data packs, on a cluster or beside the build (``generator.packs.writer`` decides which). Guarantees:
with a Dask cluster every format is written by tasks on its workers: Parquet one task per dataset, reading the
dataset's text table (an Arrow IPC file the build's process writes once, ``share``) a row group at a time and
typing each (``generator.packs.sliced``), so neither the build nor the worker holds the typed table; the slow
formats one task per file a format makes (an XLSX part: at most Excel's 1,048,575 rows, read from the Parquet
file's row groups 65,536 rows at a time), so a worker holds a batch of rows, not a dataset; the text formats
(CSV, JSON Lines) one task per ``TEXT_ROWS`` rows of a format and dataset, reading its rows memory-mapped from
the text table, and the build joins the slices' bytes in order. The files and their order are the same as one
process writes. ``from_parquet`` (the second process's work, and a slow format's piece on a worker) writes a
slow format from the dataset's Parquet file. Any failure propagates: the caller's build fails and the previous
site stays.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.cluster import OnCluster, share_table, shared_table
from generator.packs import parquet
from generator.packs.job import Job, write_formats
from generator.packs.layout import Layout
from generator.packs.registry import FORMATS, Format
from generator.packs.sliced import TypedFile, write_typed

TEXT_ROWS = 262_144  # rows of a text format one cluster task writes (the packs' Parquet row group)


def share(job: Job, folder: Path, stack: ExitStack) -> Path:
    """On a cluster: ``job``'s text table written once as an Arrow IPC file for the tasks to read, in record
    batches of a Parquet row group (removed when ``stack`` closes); what the build itself reads of the rows
    (``relaxed``, ``too_long``) taken first, and the job left holding the file memory-mapped — so a build that
    shares each job as it makes it holds one dataset's text table at a time, not every one (at 1 M records,
    tcp:2: the build's peak in the packs stage 1.82 → 1.32 GiB)."""
    folder.mkdir(parents=True, exist_ok=True)
    job.shared = folder / f"pack-{job.layout.name}.arrow"
    stack.callback(job.shared.unlink, missing_ok=True)
    share_table(job.table, job.shared, parquet.ROW_GROUP_ROWS)
    job.relaxed, job.too_long  # noqa: B018 — read while the rows are in memory
    job.table = stack.enter_context(shared_table(job.shared))
    return job.shared


@contextmanager
def shared_tables(jobs: list[Job], on: OnCluster | None) -> Iterator[list[Path]]:
    """On a cluster, each job's text table as ``share`` leaves it (shared now unless the caller did); none
    without one."""
    if on is None:
        yield []
        return
    with ExitStack() as stack:
        yield [job.shared or share(job, on.folder, stack) for job in jobs]


def typed_on_cluster(jobs: list[Job], typed: list[Format], tables: list[Path], on: OnCluster) -> None:
    """The typed one-file formats (Parquet) as a task per dataset on the cluster's workers, each typing and
    writing the dataset's text table a row group at a time; waited for (the slow formats read Parquet), their
    files and schema taken back in the order one process writes them. A format that cannot be written from
    slices is written here."""
    for fmt in typed:
        if fmt.write_slices is None:
            write_formats([fmt], jobs)
            continue
        tasks = [
            TypedFile(fmt.name, job.layout, file, job.folder, parquet.ROW_GROUP_ROWS)
            for job, file in zip(jobs, tables, strict=True)
        ]
        for job, (written, schema) in zip(
            jobs, on.cluster.map_files(write_typed, tasks, on.folder), strict=True
        ):
            job.written += written
            job.schema = schema


@dataclass(frozen=True)
class Piece:
    """One slow format's file (``part``, 0-based) or all its files (``part`` None) for one dataset."""

    format: str
    layout: Layout
    source: Path  # the dataset's Parquet file
    folder: Path
    part: int | None = None


@contextmanager
def slow_on_cluster(jobs: list[Job], slow: list[Format], on: OnCluster) -> Iterator[Callable[[], None]]:
    """The slow formats as tasks on the cluster's workers, submitted now; the callable yielded takes back
    their files, in the order one process writes them."""
    pieces = [(job, piece) for f in slow for job in jobs for piece in _pieces(f, job)]
    results = on.cluster.map_files(write_piece, (piece for _, piece in pieces), on.folder)
    try:
        yield lambda: _take(pieces, results)
    finally:
        # after a failure: nothing more submitted, what is in flight cancelled (tasks not yet taken back at
        # all go with the client, which the build closes)
        results.close()


@contextmanager
def text_on_cluster(
    jobs: list[Job], text: list[Format], tables: list[Path], on: OnCluster
) -> Iterator[Callable[[], None]]:
    """The text formats (CSV, JSON Lines) as tasks on the cluster's workers, submitted now: each writes the
    bytes of ``TEXT_ROWS`` consecutive rows of one format of one dataset, reading them memory-mapped from the
    dataset's text table (``tables``: a task's memory is its slice, not the dataset); the callable yielded
    joins each file's slices in order into the dataset folder (and writes here a format that cannot be
    sliced)."""
    pieces = {
        f.name: [
            (job, Slice(f.name, job.layout, file, on.folder, start, TEXT_ROWS))
            for job, file in zip(jobs, tables, strict=True)
            for start in range(0, max(job.table.num_rows, 1), TEXT_ROWS)  # no rows: one slice, the head
        ]
        for f in text
        if f.write_rows is not None
    }
    every = (piece for sliced in pieces.values() for _, piece in sliced)
    results = on.cluster.map_files(write_slice, every, on.folder)
    try:
        yield lambda: _written_text(jobs, text, pieces, results)
    finally:
        results.close()


def _written_text(
    jobs: list[Job], text: list[Format], pieces: dict[str, list[tuple[Job, Slice]]], results: Iterator[Path]
) -> None:
    """Each text format in turn, as one process writes them: its slices joined, or written here."""
    for fmt in text:
        if fmt.name not in pieces:
            write_formats([fmt], jobs)
            continue
        for (job, piece), written in zip(pieces[fmt.name], results):  # noqa: B905 — results go on
            _join(job, piece, written)


@dataclass(frozen=True)
class Slice:
    """``rows`` rows from ``start`` (fewer at the end) of one dataset's text format, written by a task."""

    format: str
    layout: Layout
    source: Path  # the dataset's text table, an Arrow IPC file
    folder: Path  # where the slice's file goes (the build's folder for task files, not the site)
    start: int
    rows: int


def write_slice(piece: Slice) -> Path:
    """On a Dask worker: write one slice of a text format; its file."""
    write_rows = next(f.write_rows for f in FORMATS if f.name == piece.format)
    assert write_rows is not None  # only formats with ``write_rows`` are sliced
    fd, name = tempfile.mkstemp(prefix=f"slice-{piece.format}-", dir=piece.folder)
    os.close(fd)
    with shared_table(piece.source) as table:
        write_rows(piece.layout, table.slice(piece.start, piece.rows), Path(name), piece.start == 0)
    return Path(name)


def _join(job: Job, piece: Slice, written: Path) -> None:
    """Append a slice's bytes to its format's file in its dataset's folder (the first slice starts it)."""
    target = job.folder / f"{piece.layout.name}.{piece.format}"
    with open(written, "rb") as source, open(target, "wb" if piece.start == 0 else "ab") as sink:
        shutil.copyfileobj(source, sink, 1 << 20)
    written.unlink()
    if piece.start == 0:
        job.written.append(target)


def _pieces(fmt: Format, job: Job) -> list[Piece]:
    source = job.path(".parquet")
    if fmt.parts is None or fmt.write_part is None:
        return [Piece(fmt.name, job.layout, source, job.folder)]
    parts = fmt.parts(job.table.num_rows)
    return [Piece(fmt.name, job.layout, source, job.folder, part) for part in range(parts)]


def _take(pieces: list[tuple[Job, Piece]], results: Iterator[list[Path]]) -> None:
    for (job, _), written in zip(pieces, results, strict=True):
        job.written += written


def write_piece(piece: Piece) -> list[Path]:
    """On a Dask worker: write one piece of a slow format from the dataset's Parquet file."""
    fmt = next(f for f in FORMATS if f.name == piece.format)
    if piece.part is None or fmt.write_part is None:
        return from_parquet(piece.format, piece.layout, piece.source, piece.folder)
    return [fmt.write_part(piece.layout, piece.source, piece.folder, piece.part)]


def from_parquet(name: str, layout: Layout, source: Path, folder: Path) -> list[Path]:
    """Run in the second process: write format ``name`` from the typed records in a Parquet file — a format
    written in parts a part at a time, each reading its rows a batch at a time (``write_part``), so that the
    process holds a batch, not the dataset (reading the whole table first, it reached 0.73 GiB at 2 M records;
    at 1 M, 0.52–0.54 GiB either way: there the batches' writing sets its peak)."""
    fmt = next(f for f in FORMATS if f.name == name)
    if fmt.parts is not None and fmt.write_part is not None:
        parts = fmt.parts(parquet.row_count(source))
        return [fmt.write_part(layout, source, folder, part) for part in range(parts)]
    return fmt.write(layout, parquet.read(source), folder)
