"""CSV: the plain-text table that programs, databases and statistics tools read (people with Excel or WPS
get the XLSX: a spreadsheet opening a CSV turns long numeric codes into 3.5E+18, drops leading zeros and makes
``3-01`` a date — the data package and the dataset page say so).

Stage: write data packs. Guarantees: UTF-8 with a BOM (so a spreadsheet that does open it still shows Chinese
correctly), Chinese headers with ``记录ID`` first, every text value quoted, CRLF line ends (RFC 4180), empty
values empty; formula-like text neutralised (see ``safe``). Written by pyarrow's C++ CSV writer: about 1 s per
million records, where the csv module takes tens of seconds.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from generator.packs.layout import Layout
from generator.packs.safe import neutralise

OPTIONS = pacsv.WriteOptions(quoting_style="needed", eol="\r\n")
ROWS_ONLY = pacsv.WriteOptions(quoting_style="needed", eol="\r\n", include_header=False)


def write(layout: Layout, table: pa.Table, folder: Path) -> list[Path]:
    """Write ``<dataset>.csv`` into ``folder``."""
    path = folder / f"{layout.name}.csv"
    write_rows(layout, table, path, head=True)
    return [path]


def write_rows(layout: Layout, table: pa.Table, path: Path, head: bool) -> None:
    """Write the lines of ``table``'s rows as ``<dataset>.csv`` holds them to ``path`` (``head``: the file's
    start — BOM and header — first), so that a dataset's rows written in consecutive slices, the first with its
    head, join into the whole file (every value is quoted and neutralised on its own)."""
    safe, _ = neutralise(table, layout)
    with open(path, "wb") as f:
        if head:
            f.write(codecs.BOM_UTF8)
        pacsv.write_csv(safe, f, OPTIONS if head else ROWS_ONLY)
