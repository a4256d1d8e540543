"""XLSX: the Excel workbook journalists open directly.

Stage: write data packs. Guarantees: one sheet per file with a bold, frozen header row (pane at A2), Chinese
headers with ``记录ID`` first; dates are real Excel dates (numbers with a ``yyyy-mm-dd`` format), amounts are
numbers, text is always a string cell — never a formula — and formula-like text is marked "quote prefix" (see
``safe``); past Excel's 1,048,576-row limit the records are split into parts, each with the header, and the
first part keeps the plain name — ``<dataset>.xlsx``, then ``<dataset>-2.xlsx``, ``-3`` … — so a link to the
workbook never breaks when a table grows past the limit. Bytes depend only on the records: fixed document dates, xlsxwriter's fixed zip timestamps.

xlsxwriter (``constant_memory``) builds the package — styles, workbook, freeze pane, column widths, header —
but its per-cell API costs about 8.5 µs a cell (240 s for 1 M × 32), so the data rows are built as sheet XML a
column at a time with Arrow (``rows.py``) and appended to the worksheet's row stream by ``BulkSheet``, with
exactly the cell XML xlsxwriter itself writes in this mode.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from generator.packs import parquet
from generator.packs.arrowtext import batches
from generator.packs.layout import Column, Layout
from generator.packs.rows import Styles, rows_xml

MAX_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header
FIXED_CREATED = datetime(2000, 1, 1)  # document property; the real date is in datapackage.json
FORBIDDEN_IN_SHEET_NAME = "[]:*?/\\"
COPY_CHUNK = 1 << 20


class BulkSheet(Worksheet):  # type: ignore[misc]
    """A ``constant_memory`` worksheet that also takes whole rows as ready-made XML."""

    def append_rows(self, xml: memoryview, first: int, last: int, last_col: int) -> None:
        self._write_single_row(first)  # flushes the pending (header) row, as a write to row ``first`` would
        self._check_dimensions(first, 0)
        self._check_dimensions(last, last_col)
        self.row_data_fh.flush()
        self.row_data_fh.buffer.write(xml)
        self.previous_row = last

    def _write_optimized_sheet_data(self) -> None:
        """As xlsxwriter's, but copying the row stream as bytes: its text-mode copy decodes and re-encodes
        every row (about 20 s per million records)."""
        if self.dim_rowmin is None:
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        self.fh.flush()
        self.row_data_fh.close()
        with open(self.row_data_filename, "rb") as rows:
            shutil.copyfileobj(rows, self.fh.buffer, COPY_CHUNK)
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")


def write(layout: Layout, table: pa.Table, folder: Path, max_rows: int = MAX_DATA_ROWS) -> list[Path]:
    """Write ``<dataset>.xlsx`` (or numbered parts) into ``folder`` from the typed table."""
    paths = [folder / part_name(layout.name, i + 1) for i in range(parts(table.num_rows, max_rows))]
    for i, path in enumerate(paths):
        _write_part(layout, [table.slice(i * max_rows, max_rows)], path)
    return paths


def parts(total: int, max_rows: int = MAX_DATA_ROWS) -> int:
    """How many workbook files ``write`` makes of ``total`` records."""
    return max(1, -(-total // max_rows))


def write_part(layout: Layout, source: Path, folder: Path, index: int, max_rows: int = MAX_DATA_ROWS) -> Path:
    """Write workbook part ``index`` (0-based) into ``folder`` from the typed records of the Parquet file
    ``source``, reading only that part's rows: the same file ``write`` makes of the whole table."""
    path = folder / part_name(layout.name, index + 1)
    _write_part(layout, parquet.read_rows(source, index * max_rows, max_rows), path)
    return path


def _write_part(layout: Layout, tables: Iterable[pa.Table], path: Path) -> None:
    """One workbook file of the rows of ``tables``, in order (taken one at a time: ``write_part`` hands them
    ``parquet.READ_ROWS`` rows at a time, so a part's memory is that many rows')."""
    with tempfile.TemporaryDirectory(prefix="gongshi-xlsx-") as tmp:
        options = {"constant_memory": True, "tmpdir": tmp, "strings_to_numbers": False,
                   "strings_to_formulas": False, "strings_to_urls": False}  # fmt: skip
        book = xlsxwriter.Workbook(str(path), options)
        book.use_zip64()  # only used when a part needs it (sheets past 4 GiB)
        book.set_properties(
            {"title": str(layout.package.get("title", layout.name)), "created": FIXED_CREATED}
        )
        sheet = book.add_worksheet(_sheet_name(layout), worksheet_class=BulkSheet)
        styles = _prepare(book, sheet, layout)
        _append(sheet, tables, layout, styles)
        book.close()


def _prepare(book: xlsxwriter.Workbook, sheet: BulkSheet, layout: Layout) -> Styles:
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    quoted = book.add_format({"quote_prefix": True})
    sheet.freeze_panes(1, 0)
    for i, column in enumerate(layout.columns):
        sheet.set_column(i, i, _width(column))
    sheet.write_row(0, 0, layout.headers, header)
    header._get_xf_index()  # XF indices in a fixed order: header 1, date 2, quote prefix 3
    return Styles(date=date._get_xf_index(), quoted=quoted._get_xf_index())


def _append(sheet: BulkSheet, tables: Iterable[pa.Table], layout: Layout, styles: Styles) -> None:
    row = 1
    for table in tables:
        for batch in batches(table):
            last = row + batch.num_rows - 1
            sheet.append_rows(rows_xml(batch, row, styles), row, last, len(layout.columns) - 1)
            row += batch.num_rows


def _width(column: Column) -> float:
    if column.type == "date":
        return 12
    if column.type in ("number", "integer"):
        return 14
    longest = int((column.descriptor.get("constraints") or {}).get("maxLength") or 50)
    return 18 if longest <= 20 else 28 if longest <= 200 else 48


def _sheet_name(layout: Layout) -> str:
    title = str(layout.package.get("title") or layout.name)
    cleaned = "".join("_" if ch in FORBIDDEN_IN_SHEET_NAME else ch for ch in title).strip("'")
    return cleaned[:31] or "data"


def part_name(dataset: str, part: int) -> str:
    """The file name of workbook part ``part`` (1-based): the first keeps the plain name."""
    return f"{dataset}.xlsx" if part == 1 else f"{dataset}-{part}.xlsx"


def part_number(dataset: str, name: str) -> int:
    """The part (1-based) that workbook file ``name`` of ``dataset`` is: ``penalties.xlsx`` → 1,
    ``penalties-3.xlsx`` → 3 (0 for a name that is no part of it)."""
    if name == f"{dataset}.xlsx":
        return 1
    tail = name.removeprefix(f"{dataset}-").removesuffix(".xlsx")
    return int(tail) if name.startswith(f"{dataset}-") and name.endswith(".xlsx") and tail.isdigit() else 0


def part_rows(total: int, index: int, parts: int, max_rows: int = MAX_DATA_ROWS) -> int:
    """Records in part ``index`` (0-based) of ``parts`` files holding ``total`` records."""
    return total if parts == 1 else min(max_rows, total - index * max_rows)
