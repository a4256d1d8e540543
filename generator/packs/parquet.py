"""Parquet: typed columns for analysts (pandas, DuckDB, Spark).

Stage: write data packs. Guarantees: the same rows and headers as the CSV, with dates as ``date32``, numbers as
exact decimals and integers as ``int64`` (see ``typed``); each column's Chinese title, description and field
code in its Arrow field metadata; zstd compression; no pandas metadata, no timestamps — the same records give
the same bytes.
"""

from __future__ import annotations

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


def read_rows(path: Path, start: int, count: int) -> pa.Table:
    """Rows ``start`` to ``start + count`` of a Parquet file, reading only the row groups that hold them."""
    source = pq.ParquetFile(path)
    groups, first, offset = [], None, 0
    for index in range(source.num_row_groups):
        rows = source.metadata.row_group(index).num_rows
        if offset < start + count and offset + rows > start:
            groups.append(index)
            first = offset if first is None else first
        offset += rows
    if not groups:
        return source.schema_arrow.empty_table()
    table = source.read_row_groups(groups)
    return table.slice(start - (first or 0), count)
