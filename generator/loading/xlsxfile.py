"""XLSX batches: the first worksheet, streamed cell by cell with openpyxl's worksheet parser.

Stage: load. Guarantees: cells become text the way a clerk sees them — dates as ISO dates (a time other than
midnight is kept), whole numbers without ".0", other numbers without float noise; formulas give their cached
value, and a formula saved without one (as programs that write workbooks leave them) makes the file
unreadable, naming the cell — its value is unknown, not empty. Memory is bounded by the cells the file
really holds, whatever its ``<dimension>`` declares: only cells present in the sheet's XML are looked at,
rows are never padded (missing rows cost nothing), a data row is materialised only as wide as the header,
and the header stops at ``MAX_COLUMNS`` (content beyond it is reported as an ``Overflow``, not read). A
damaged, truncated or foreign file is reported with its cause in words, never raised.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from generator.loading.grid import Overflow, Ragged, Sheet, Unreadable, sheet_from_grid

MAX_COLUMNS = 1000  # header cells read at most; a batch has a few dozen fields
RAGGED_TEXT_CELLS = 20  # cells beyond the header kept to show a ragged row's content
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted workbook
STRING_TYPES = ("s", "str", "inlineStr")  # an empty cached value is a real value for these


def read_xlsx(path: Path) -> tuple[Sheet | None, Unreadable | None]:
    """The first worksheet as a Sheet, or why not. A sheet whose formulas lack saved values comes back
    with the ``load-formula-without-value`` reason (its rows are known, their values are not)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged or foreign file
        return None, _damaged(path, exc)
    try:
        cells = _Cells(book.worksheets[0])
        grid = _Grid()
        for number, row in cells.rows():
            grid.add(number, row)
    except Exception as exc:
        return None, _damaged(path, exc)
    finally:
        book.close()
    return grid.sheet(), cells.missing_values()


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


class _Cells(WorkSheetParser):  # type: ignore[misc]  # openpyxl ships no type hints
    """openpyxl's streaming worksheet parser (what its read-only mode uses, minus the padding to the
    declared dimension), noting formulas saved without a value."""

    def __init__(self, sheet: ReadOnlyWorksheet) -> None:
        book = sheet.parent
        self.sheet = sheet
        super().__init__(
            None, sheet._shared_strings, data_only=True, epoch=book.epoch,
            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,
        )  # fmt: skip
        self.uncached: list[str] = []  # coordinates of formulas without a saved value

    def rows(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        with self.sheet._get_source() as self.source:
            yield from self.parse()

    def parse_cell(self, element: Element) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and _formula_without_value(element):
            self.uncached.append(element.get("r") or f"{get_column_letter(cell['column'])}{cell['row']}")
        return cell

    def missing_values(self) -> Unreadable | None:
        if not self.uncached:
            return None
        more = f"（共 {len(self.uncached)} 个这样的单元格）" if len(self.uncached) > 1 else ""
        cause = f"{self.uncached[0]} 是公式但没有保存计算结果，请在 Excel 中打开并保存后重新提交{more}"
        return Unreadable("load-formula-without-value", cause)


def _formula_without_value(element: Element) -> bool:
    if element.find(FORMULA_TAG) is None:
        return False
    value = element.find(VALUE_TAG)
    return value is None or (not value.text and element.get("t", "n") not in STRING_TYPES)


@dataclass
class _Grid:
    """Rows as they stream in → header, data rows exactly as wide as the header, ragged rows."""

    header: list[str] = field(default_factory=list)
    kept: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    ragged: list[Ragged] = field(default_factory=list)
    overflow: Overflow | None = None

    def add(self, number: int, cells: list[dict[str, Any]]) -> None:
        texts = [(c["column"], text) for c in cells if (text := cell_text(c["value"]))]
        if not any(t.strip() for _, t in texts):
            return
        if not self.header:
            self._set_header(texts)
            return
        width = len(self.header)
        row = [""] * width
        beyond = [(column, text) for column, text in texts if column > width and text.strip()]
        for column, text in texts:
            if column <= width:
                row[column - 1] = text
        if beyond:
            shown = row + [text for _, text in beyond[:RAGGED_TEXT_CELLS]]
            self.ragged.append((number, beyond[-1][0], ",".join(shown)))
        else:
            self.kept.append(row)
            self.numbers.append(number)

    def _set_header(self, texts: list[tuple[int, str]]) -> None:
        inside = [(column, text) for column, text in texts if column <= MAX_COLUMNS and text.strip()]
        outside = [column for column, text in texts if column > MAX_COLUMNS and text.strip()]
        width = max((column for column, _ in inside), default=0)
        self.header = [""] * width
        for column, text in inside:
            self.header[column - 1] = text.strip()
        if outside:
            self.overflow = Overflow(len(outside), get_column_letter(outside[0]))

    def sheet(self) -> Sheet:
        sheet = sheet_from_grid(self.header, self.kept, self.numbers, self.ragged)
        sheet.overflow = self.overflow
        return sheet


def _damaged(path: Path, exc: Exception) -> Unreadable:
    """Why a workbook cannot be opened, in a clerk's words."""
    with open(path, "rb") as f:
        head = f.read(len(OLE_SIGNATURE))
    if head == OLE_SIGNATURE:
        cause = "是旧版 Excel（.xls）或加密的工作簿，不是 .xlsx；请在 Excel/WPS 中另存为 .xlsx（不设密码）后重新提交"
    elif isinstance(exc, zipfile.BadZipFile | EOFError | zlib.error):
        cause = "文件不完整或已损坏（XLSX 压缩包无法解开，常见于上传或复制中断）；请重新导出后提交"
    elif isinstance(exc, ParseError):
        cause = "工作表内容已损坏（XML 格式错误）；请在 Excel/WPS 中打开并另存为 .xlsx 后重新提交"
    elif isinstance(exc, IndexError):
        cause = "工作簿里没有工作表"
    else:
        cause = f"不是有效的 XLSX 工作簿（{type(exc).__name__}）；请在 Excel/WPS 中另存为 .xlsx 后重新提交"
    return Unreadable("load-unreadable", cause)
