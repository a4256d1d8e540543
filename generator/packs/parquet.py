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

ROW_GROUP_ROWS = 262_144


def write(layout: Layout, table: pa.Table, folder: Path) -> list[Path]:
    """Write ``<dataset>.parquet`` into ``folder`` from the typed table."""
    path = folder / f"{layout.name}.parquet"
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    return [path]


def read(path: Path) -> pa.Table:
    return pq.read_table(path)


def read_rows(path: Path, start: int, count: int) -> Iterator[pa.Table]:
    """Rows ``start`` to ``start + count`` of a Parquet file, a row group at a time (only the row groups that
    hold them are read, and one is held at a time)."""
    source = pq.ParquetFile(path)
    offset = 0
    for index in range(source.num_row_groups):
        rows = source.metadata.row_group(index).num_rows
        if offset < start + count and offset + rows > start:
            table = source.read_row_group(index)
            first = max(start - offset, 0)
            yield table.slice(first, min(start + count, offset + rows) - offset - first)
        offset += rows
