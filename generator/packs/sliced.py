"""A typed one-file format (Parquet) written by a Dask task from a dataset's text table, a slice at a time.

Stage: write data packs, on a cluster (``generator.packs.tasks``). Guarantees: ``write_typed`` reads the text
table the build shared (an Arrow IPC file in record batches of at most a row group) a batch at a time — not
memory-mapped: mapped pages count in the worker's resident memory until the file is closed — re-cuts the batches
into slices of exactly the task's rows (a Parquet row group), and has the format write its file from them
(``Format.write_slices``: the types decided over every slice first, ``generator.packs.typed``): the same bytes as
the whole typed table written by one process (tested), a worker holding about two slices, never the dataset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from pyarrow import ipc

from generator.packs.layout import Layout
from generator.packs.registry import FORMATS


@dataclass(frozen=True)
class TypedFile:
    """A typed one-file format of one dataset, written by a task from the dataset's text table."""

    format: str
    layout: Layout
    source: Path  # the dataset's text table, an Arrow IPC file in record batches of at most ``rows`` rows
    folder: Path  # the dataset's folder
    rows: int  # rows a slice (a Parquet row group)


def write_typed(task: TypedFile) -> tuple[list[Path], pa.Schema]:
    """On a Dask worker: write a typed format's file from the text table, read a batch at a time."""
    write_slices = next(f.write_slices for f in FORMATS if f.name == task.format)
    assert write_slices is not None  # only formats with ``write_slices`` are written by a task
    with pa.OSFile(str(task.source)) as source:
        reader = ipc.open_file(source)
        return write_slices(task.layout, lambda: _slices(reader, task.rows), task.folder, task.rows)


def _slices(reader: ipc.RecordBatchFileReader, rows: int) -> Iterator[pa.Table]:
    """The file's rows ``rows`` at a time (the last fewer; one empty slice when there are none)."""
    held, count, sent = list[pa.RecordBatch](), 0, False
    for i in range(reader.num_record_batches):
        batch = reader.get_batch(i)
        held.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(held, schema=reader.schema)
            yield table.slice(0, rows)
            sent, held, count = True, table.slice(rows).to_batches(), count - rows
    if count or not sent:
        yield pa.Table.from_batches(held, schema=reader.schema)
