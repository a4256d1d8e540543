"""XLSX batches: the first worksheet, read with openpyxl in read-only mode.

Stage: load. Guarantees: cells become text the way a clerk sees them — dates as ISO dates (a time other than
midnight is kept), whole numbers without ".0", other numbers without float noise; formulas give their cached
value; a damaged or foreign file is reported, never raised.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl

from generator.loading.grid import Sheet, sheet_from_records


def read_xlsx(path: Path) -> tuple[Sheet | None, str]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = [[cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged or foreign file
        return None, f"不是有效的 XLSX 工作簿（{type(exc).__name__}）"
    return sheet_from_records(rows, exact=False), ""


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: dates ISO, whole numbers without ".0", no float noise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value)
