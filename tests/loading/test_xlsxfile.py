"""Issue 11, item 12: a workbook is read with memory bounded by the cells it holds, whatever it declares."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

from generator.loading.xlsxfile import MAX_COLUMNS, read_xlsx
from generator.model import ROW
from generator.problems import Level
from tests.loading.test_records import frame_of, read

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def workbook(path: Path, rows: str, dimension: str = "A1:XFD1048576") -> Path:
    """A real .xlsx written byte for byte: one sheet whose <dimension> claims what the test wants."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (
            ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/worksheets/sheet1.xml", sheet),
        ):  # fmt: skip
            z.writestr(name, data)
    return path


HEADER = '<row r="1">' + text("A1", "CF_XDR_MC") + text("B1", "CF_WSH") + "</row>"
RECORD = '<row r="2">' + text("A2", "临江市恒盛建材有限公司") + text("B2", "临市监处罚〔2024〕1号") + "</row>"


def peak_bytes(path: Path) -> int:
    tracemalloc.start()
    try:
        sheet, why = read_xlsx(path)
        assert sheet is not None and why is None
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_tiny_workbook_declaring_the_whole_grid_loads_with_bounded_memory(tmp_path: Path) -> None:
    far = '<row r="1048576">' + text("XFD1048576", "远处的一格") + "</row>"
    path = workbook(tmp_path / "bomb.xlsx", HEADER + RECORD + far)
    assert path.stat().st_size < 2500
    assert peak_bytes(path) < 8 * 2**20  # padding to the declared 17 billion cells would need terabytes
    result = read("bomb.xlsx", root=tmp_path, folder=tmp_path)
    assert frame_of(result)["CF_WSH"].tolist() == ["临市监处罚〔2024〕1号"]
    assert result.ledger[ROW].tolist() == [1048576]  # content beyond the header: a ragged row, not padding
    assert "远处的一格" in result.ledger["value"].iloc[0]


def test_memory_does_not_grow_with_the_distance_of_the_farthest_cell(tmp_path: Path) -> None:
    near = workbook(
        tmp_path / "near.xlsx", HEADER + RECORD + '<row r="3">' + text("C3", "x") + "</row>", "A1:C3"
    )
    far = workbook(
        tmp_path / "far.xlsx", HEADER + RECORD + '<row r="1048576">' + text("XFD1048576", "x") + "</row>"
    )
    assert peak_bytes(far) < 2 * peak_bytes(near) + 2**20


def test_header_content_beyond_the_column_limit_is_a_warning_not_read(tmp_path: Path) -> None:
    wide = (
        '<row r="1">' + text("A1", "CF_XDR_MC") + text("B1", "CF_WSH") + text("XFD1", "多余的表头") + "</row>"
    )
    workbook(tmp_path / "wide.xlsx", wide + RECORD)
    result = read("wide.xlsx", root=tmp_path, folder=tmp_path)
    assert len(frame_of(result)) == 1
    [warning] = [p for p in result.problems if p.code == "load-too-many-columns"]
    assert (
        warning.level is Level.WARNING
        and f"第 {MAX_COLUMNS} 列之后" in warning.message
        and "XFD" in warning.message
    )


def test_a_formula_whose_saved_result_is_empty_text_is_a_value_not_a_missing_one(tmp_path: Path) -> None:
    formula = '<row r="2"><c r="A2" t="str"><f>IF(1,"","x")</f><v></v></c>' + text(
        "B2", "临市监处罚〔2024〕1号"
    )
    workbook(tmp_path / "empty-result.xlsx", HEADER + formula + "</row>", "A1:B2")
    result = read("empty-result.xlsx", root=tmp_path, folder=tmp_path)
    assert frame_of(result)["CF_XDR_MC"].tolist() == [""]
    assert "load-formula-without-value" not in {p.code for p in result.problems}


def test_a_numeric_formula_saved_without_its_value_names_the_cell(tmp_path: Path) -> None:
    formula = '<row r="2"><c r="A2"><f>1+1</f></c>' + text("B2", "临市监处罚〔2024〕1号") + "</row>"
    workbook(tmp_path / "no-value.xlsx", HEADER + formula, "A1:B2")
    _, why = read_xlsx(tmp_path / "no-value.xlsx")
    assert why is not None and why.code == "load-formula-without-value"
    assert why.cause.startswith("A2 是公式但没有保存计算结果")
