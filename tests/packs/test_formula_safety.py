"""Spreadsheet cells can never run as formulas (OWASP CSV injection): = + - @ tab CR at the start of text."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from generator.packs import write_packs
from generator.packs.layout import TEXT
from generator.packs.safe import dangerous
from tests.packs.builders import penalty, publication
from tests.packs.frictionless_check import frictionless_errors

ATTACKS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formulas")
    rows = [
        penalty(n, CF_SY=attack, BZ=attack, CF_XDR_MC=f"{attack}公司") for n, attack in enumerate(ATTACKS, 1)
    ]
    write_packs(publication(date(2026, 11, 25), {"penalties": rows}), root)
    return root / "data" / "latest" / "penalties"


def _by_document(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["行政处罚决定书文号"]: r for r in rows}


def test_csv_prefixes_every_formula_like_text_with_a_quote(site: Path) -> None:
    text = (
        site.joinpath("penalties.csv").read_bytes().decode("utf-8-sig")
    )  # no newline translation: CR stays CR
    rows = _by_document(list(csv.DictReader(io.StringIO(text, newline=""))))
    for n, attack in enumerate(ATTACKS, 1):
        row = rows[f"临市监处罚〔2025〕{n}号"]
        assert row["违法事实"] == row["备注"] == "'" + attack
        assert row["行政相对人名称"] == "'" + attack + "公司"


def test_xlsx_cells_are_strings_marked_as_text_never_formulas(site: Path) -> None:
    sheet = openpyxl.load_workbook(site / "penalties.xlsx").active
    header = [c.value for c in sheet[1]]
    cells = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    seen = set()
    for row in cells:
        for title in ("违法事实", "备注", "行政相对人名称"):
            cell = row[title]
            assert cell.data_type == "s" and cell.quotePrefix, (title, cell.value)
            seen.add(
                cell.value.replace("_x000D_", "\r").removesuffix("公司")
            )  # xlsxwriter writes CR as _x000D_
    assert seen == set(ATTACKS)


def test_json_lines_keep_the_exact_values(site: Path) -> None:
    lines = site.joinpath("penalties.jsonl").read_text(encoding="utf-8").split("\n")
    values = {json.loads(line)["违法事实"] for line in lines if line}
    assert values == set(ATTACKS)


def test_csv_schema_allows_the_quote_and_the_package_still_validates(site: Path) -> None:
    package = json.loads(site.joinpath("datapackage.json").read_text(encoding="utf-8"))
    csv_fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    xlsx_fields = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}
    assert (
        csv_fields["备注"]["constraints"]["maxLength"] == xlsx_fields["备注"]["constraints"]["maxLength"] + 1
    )
    assert csv_fields["处罚机关"] == xlsx_fields["处罚机关"]  # untouched columns keep every constraint
    assert frictionless_errors(site / "datapackage.json") == []


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [("-3", "number", False), ("-3.25", "number", False), ("-2+3", "number", True), ("=1", "number", True),
     ("-3", "string", True), ("1.5", "number", False), ("临江", "string", False), ("", "string", False),
     ("2024-01-01", "date", False), ("@x", "date", True)],
)  # fmt: skip
def test_plain_negative_numbers_in_number_columns_are_numbers_not_formulas(
    value: str, kind: str, expected: bool
) -> None:
    assert dangerous(pa.array([value, None], TEXT), kind).to_pylist() == [expected, False]
