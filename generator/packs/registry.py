"""The output formats of a dataset, behind one tiny interface.

Stage: write data packs. Guarantees: every format is a module with ``write(layout, table, folder) -> paths``;
``typed`` formats get the typed table (dates, decimals), the others the text table; ``slow`` formats are worth
a second process on big data. A format that splits big tables into several files may also say how many
(``parts``) and write one of them from the Parquet file on its own (``write_part``): on a Dask cluster each part
is then a task, whose memory is bounded by a part, not by the dataset. A one-file format may write the bytes of
some consecutive rows (``write_rows``), which joined in order make its file: on a cluster a task writes a slice. A
typed one-file format may write its file from the text table read a slice at a time (``write_slices``): on a
cluster a task writes it, holding a slice, not the dataset.
Adding a format means adding a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from generator.packs import csv, jsonl, parquet, xlsx
from generator.packs.layout import Layout
from generator.packs.typed import Slices

Writer = Callable[[Layout, pa.Table, Path], list[Path]]
PartWriter = Callable[[Layout, Path, Path, int], Path]  # (layout, Parquet source, folder, part index) → file
RowsWriter = Callable[[Layout, pa.Table, Path, bool], None]  # (layout, some rows, file, with the file's head)
# (layout, the text table's slices, folder, rows a slice) → files and their typed schema
SlicesWriter = Callable[[Layout, Slices, Path, int], tuple[list[Path], pa.Schema]]


@dataclass(frozen=True)
class Format:
    """One output format."""

    name: str
    write: Writer
    typed: bool = False  # takes typed columns (date32, decimal) rather than text
    slow: bool = False  # worth a second process when there are many records
    parts: Callable[[int], int] | None = None  # how many files ``write`` makes of so many records
    write_part: PartWriter | None = None  # one of those files, from the Parquet file's rows
    # a one-file format: the bytes some consecutive rows have in ``<dataset>.<name>``
    write_rows: RowsWriter | None = None
    # a typed one-file format: the same file from the text table read a slice at a time (typed slice by slice)
    write_slices: SlicesWriter | None = None


FORMATS = (
    Format("parquet", parquet.write, typed=True, write_slices=parquet.write_slices),
    Format("csv", csv.write, write_rows=csv.write_rows),
    Format("jsonl", jsonl.write, write_rows=jsonl.write_rows),
    Format("xlsx", xlsx.write, typed=True, slow=True, parts=xlsx.parts, write_part=xlsx.write_part),
)
