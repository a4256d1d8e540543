"""Writing every format of some datasets, using both cores when there is a lot to write.

Stage: write data packs (also used by the release stage to rewrite a purged release). Guarantees: each
dataset folder gets every registered format (or the ones the caller names) plus ``datapackage.json``
describing exactly those files. Parquet
is written first; the slow format (XLSX, typed) then runs in a second process reading that Parquet file while
this process writes CSV and JSON Lines, the caller's extra work (the all-data zip) and the checksums — the
bytes are the same either way. With a Dask cluster (``on``) every format is written by tasks on its workers
instead (``generator.packs.tasks``). The files and their order are the same.
Any failure propagates: the caller's build fails and the previous site stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from pathlib import Path

from generator.cluster import OnCluster
from generator.packs import datapackage
from generator.packs.files import facts
from generator.packs.job import Job, write_formats
from generator.packs.registry import FORMATS, Format
from generator.packs.tasks import (
    from_parquet,
    shared_tables,
    slow_on_cluster,
    text_on_cluster,
    typed_on_cluster,
)
from generator.workers import second_process

OFFLOAD_ROWS = 200_000  # below this a second process costs more than it saves


def write_datasets(
    jobs: list[Job],
    meanwhile: Callable[[], None] = lambda: None,
    offload_rows: int = OFFLOAD_ROWS,
    formats: tuple[Format, ...] = FORMATS,
    on: OnCluster | None = None,
) -> None:
    """Write ``formats`` (all by default) and the data package of each job; ``meanwhile`` runs while the slow
    formats are being written in the background (a second process from ``offload_rows`` records on, or the
    cluster's workers when ``on`` names one)."""
    for job in jobs:
        job.folder.mkdir(parents=True, exist_ok=True)
    first = [f for f in formats if f.typed and not f.slow]  # Parquet first: the slow formats read it
    slow, text = [f for f in formats if f.slow], [f for f in formats if not f.typed and not f.slow]
    with shared_tables(jobs, on) as tables:
        if on is None:
            write_formats(first, jobs)
        else:
            typed_on_cluster(jobs, first, tables, on)
        texts = (
            text_on_cluster(jobs, text, tables, on) if on else nullcontext(lambda: write_formats(text, jobs))
        )
        slows = _slow_formats(jobs, offload_rows, slow) if on is None else slow_on_cluster(jobs, slow, on)
        with texts as write_text, slows as wait:  # text tasks first: their files are needed first (the zip)
            write_text()
            meanwhile()
            for path in (p for job in jobs for p in job.written):
                facts(path)  # checksums for the data package, while the slow formats are still being written
            wait()
    for job in jobs:
        job.written.append(datapackage.write(job.layout, job.folder, job.written, job.relaxed))


@contextmanager
def _slow_formats(jobs: list[Job], offload_rows: int, slow: list[Format]) -> Iterator[Callable[[], None]]:
    if not slow or sum(job.table.num_rows for job in jobs) < offload_rows:
        yield lambda: write_formats(slow, jobs)
        return
    pool = second_process()
    try:
        futures = [
            (job, pool.submit(from_parquet, f.name, job.layout, job.path(".parquet"), job.folder))
            for f in slow
            for job in jobs
        ]
        yield lambda: _collect(futures)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(futures: list[tuple[Job, Future[list[Path]]]]) -> None:
    for job, future in futures:
        job.written += future.result()
