"""The XLSX writer: its column-at-a-time rows are exactly what xlsxwriter writes cell by cell, and big
datasets are split into numbered workbooks below Excel's row limit."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import xlsxwriter

from generator.packs import xlsx
from generator.packs.layout import Stamp, layout_for, public_table
from generator.packs.typed import typed_table
from tests.packs.builders import catalog, frame, penalty

STAMP = Stamp("2026-11-25", date(2026, 11, 25))
AWKWARD = ["a&b<c>d", "_x0041_ literal", "\x01\x1f控制", " leading", "trailing ", "\u3000全角空格", "tab\tand\nnewline",
           "=1+1", "\r=1", "-2", "🙂 emoji", "x" * 20_000, "\ufffe"]  # fmt: skip


def _typed(rows: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    spec = catalog(datasets=("penalties",)).dataset("penalties")
    layout = layout_for(spec, catalog().portal, STAMP)
    return layout, typed_table(public_table(frame("penalties", rows), layout), layout)


def _sheet_data(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return re.search(r"<sheetData>.*</sheetData>", xml, re.S).group(0)  # type: ignore[union-attr]


def _reference(layout, table, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same sheet written with xlsxwriter's public per-cell API."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day, quoted = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"quote_prefix": True})
    sheet.write_row(0, 0, layout.headers, header)
    for fmt in (header, day, quoted):
        fmt._get_xf_index()  # the same XF numbering as the writer's
    for r, row in enumerate(table.to_pylist(), start=1):
        for c, value in enumerate(row.values()):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif not isinstance(value, str):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value, quoted if value[:1] in "=+-@\t\r" else None)
    book.close()


def test_bulk_rows_equal_xlsxwriters_own_cells(tmp_path: Path) -> None:
    rows = [penalty(n, CF_SY=text, BZ=text) for n, text in enumerate(AWKWARD, 1)]
    layout, table = _typed(rows)
    xlsx.write(layout, table, tmp_path)
    _reference(layout, table, tmp_path / "reference.xlsx")
    ours, theirs = _sheet_data(tmp_path / "penalties.xlsx"), _sheet_data(tmp_path / "reference.xlsx")
    numbers = re.compile(r"<v>(-?[0-9.]+)</v>")  # xlsxwriter writes 1.5; we write the exact decimal 1.500000
    assert numbers.sub(lambda m: f"<v>{float(m.group(1)):g}</v>", ours) == numbers.sub(
        lambda m: f"<v>{float(m.group(1)):g}</v>", theirs
    )


def test_rich_text_lookalikes_are_escaped_not_injected(tmp_path: Path) -> None:
    layout, table = _typed([penalty(1, BZ="<r><t>x</t></r>")])
    xlsx.write(layout, table, tmp_path)
    assert "&lt;r&gt;&lt;t&gt;x&lt;/t&gt;&lt;/r&gt;" in _sheet_data(tmp_path / "penalties.xlsx")


def test_records_past_the_row_limit_go_to_numbered_workbooks_each_with_the_header(tmp_path: Path) -> None:
    layout, table = _typed([penalty(n) for n in range(1, 8)])
    paths = xlsx.write(layout, table, tmp_path, max_rows=3)
    assert [p.name for p in paths] == ["penalties.xlsx", "penalties-2.xlsx", "penalties-3.xlsx"]
    ids = []
    for path in paths:
        sheet = openpyxl.load_workbook(path).active
        assert sheet.freeze_panes == "A2" and sheet["A1"].value == "记录ID"
        ids += [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert [len(ids[i : i + 3]) for i in (0, 3, 6)] == [3, 3, 1]
    assert ids == table.column("记录ID").to_pylist()
    assert [xlsx.part_rows(7, i, 3, max_rows=3) for i in range(3)] == [3, 3, 1]


def test_the_real_limit_leaves_room_for_the_header() -> None:
    assert xlsx.MAX_DATA_ROWS + 1 == 1_048_576
