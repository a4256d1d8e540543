"""Parquet: typed columns for analysts (pandas, DuckDB, Spark).

Stage: write data packs. Guarantees: the same rows and headers as the CSV, with dates as ``date32``, numbers as
exact decimals and integers as ``int64`` (see ``typed``); each column's Chinese title, description and field
code in its Arrow field metadata; zstd compression; no pandas metadata, no timestamps — the same records give
the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from generator.packs.layout import Layout
from generator.packs.typed import Slices, typed_schema, typed_slice

ROW_GROUP_ROWS = 262_144
READ_ROWS = 65_536  # rows decoded at a time by ``read_rows``


def write(layout: Layout, table: pa.Table, folder: Path) -> list[Path]:
    """Write ``<dataset>.parquet`` into ``folder`` from the typed table."""
    path = folder / f"{layout.name}.parquet"
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    return [path]


def write_slices(layout: Layout, slices: Slices, folder: Path, rows: int) -> tuple[list[Path], pa.Schema]:
    """``write`` from the text table read a slice at a time (``slices()``: ``rows`` rows each but the last): the
    same bytes, each slice a row group of ``rows``, one slice held at a time (two passes decide the types,
    ``typed_schema``; a third writes). Also the typed schema, for the packs' checks."""
    schema = typed_schema(slices, layout)
    path = folder / f"{layout.name}.parquet"
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for part in slices():  # (an empty table: one empty slice, written as ``write`` writes it)
            writer.write_table(typed_slice(part, schema), row_group_size=rows)
    return [path], schema


def read(path: Path) -> pa.Table:
    return pq.read_table(path)


def row_count(path: Path) -> int:
    """The rows of a Parquet file, from its footer (nothing decoded)."""
    rows: int = pq.ParquetFile(path).metadata.num_rows
    return rows


def read_rows(path: Path, start: int, count: int, batch: int = READ_ROWS) -> Iterator[pa.Table]:
    """Rows ``start`` to ``start + count`` of a Parquet file, ``batch`` rows at a time: only the row groups that
    hold them are read, and they are decoded a batch at a time (a worker writing a workbook part holds a
    batch, not the part: measured at 1 M records, whole row groups took a worker from 0.29 to 0.62 GiB)."""
    source = pq.ParquetFile(path)
    groups: list[int] = []
    offset, first = 0, 0
    for index in range(source.num_row_groups):
        rows = source.metadata.row_group(index).num_rows
        if offset < start + count and offset + rows > start:
            first = offset if not groups else first
            groups.append(index)
        offset += rows
    at = first  # the row number of the next batch's first row
    for record_batch in source.iter_batches(batch_size=batch, row_groups=groups) if groups else ():
        begin, end = max(start, at), min(start + count, at + record_batch.num_rows)
        if begin < end:
            yield pa.Table.from_batches([record_batch.slice(begin - at, end - begin)])
        at += record_batch.num_rows
