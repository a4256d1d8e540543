"""Writing synthetic batch files the way departments send them: CSV in UTF-8 (with or without BOM) or
GB18030, headers as XK_/CF_ codes, Chinese titles or old aliases, and now and then an XLSX workbook.

Stage: sample. Guarantees: byte-identical output for identical input (no timestamps: the workbook's creation
date is fixed); every cell is text (XLSX cells are written as strings, never numbers or formulas); CSV uses
minimal quoting (the csv module; pyarrow's writer quotes every string and was no faster here).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter

from generator.sample.rand import Obj
from generator.schema import Schema

ENCODINGS = ("utf-8-sig", "gb18030", "utf-8")
HEADERS = ("title", "code", "alias")


@dataclass(frozen=True)
class Style:
    """How one batch file is written."""

    header: str = "title"  # title | code | alias
    encoding: str = "utf-8-sig"
    xlsx: bool = False

    @property
    def suffix(self) -> str:
        return ".xlsx" if self.xlsx else ".csv"


def style_for(batch: int, offset: int, xlsx: bool) -> Style:
    """Rotate encodings and header spellings over a dataset's batches so every combination occurs."""
    return Style(HEADERS[(batch + offset) % 3], ENCODINGS[(batch // 3 + batch + offset) % 3], xlsx)


def headers(schema: Schema, style: Style) -> list[str]:
    if style.header == "code":
        return [f.name for f in schema.fields]
    if style.header == "alias":
        return [next((a for a in f.aliases if "（" in a), f.title) for f in schema.fields]
    return [f.title for f in schema.fields]


def write_batch(path: Path, schema: Schema, columns: dict[str, Obj], style: Style) -> None:
    """Write one batch: the schema's columns in schema order, header spelled as ``style`` says."""
    names = [f.name for f in schema.fields]
    rows = zip(*(columns[n].tolist() for n in names), strict=True)
    if style.xlsx:
        _write_xlsx(path, headers(schema, style), rows)
        return
    text = io.StringIO()
    eol = "\r\n" if style.encoding == "gb18030" else "\n"  # Windows-made GBK files come with CRLF
    writer = csv.writer(text, lineterminator=eol)
    writer.writerow(headers(schema, style))
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(style.encoding))


def _write_xlsx(path: Path, header: list[str], rows: object) -> None:
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"created": datetime(2019, 1, 1), "author": "临江市公共信用信息中心"})
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate([header, *rows]):  # type: ignore[misc]
        for c, value in enumerate(row):
            if value != "":
                sheet.write_string(r, c, value)
    book.close()


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A plain UTF-8 (BOM) CSV, as clerks save decisions lists from Excel."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.getvalue().encode("utf-8-sig"))
