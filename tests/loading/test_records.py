"""The load stage reads CSV (UTF-8 with/without BOM, GB18030/GBK) and XLSX batches into canonical tables."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import DatasetConfig, Portal
from generator.loading import read_records
from generator.loading.csvfile import read_csv_fast, read_csv_strict
from generator.loading.grid import text_column
from generator.loading.hygiene import PATTERNS
from generator.model import BATCH, FILE, LEDGER_COLUMNS, REJECTED, ROW, Catalog, DatasetSpec, StageResult
from generator.problems import Level
from generator.schema import builtin_schema

FIXTURES = Path(__file__).parents[1] / "fixtures" / "load_validate"
LOAD = FIXTURES / "load"
PENALTY = builtin_schema("penalty")
PORTAL = Portal.model_validate(
    {
        "name": "信用临江",
        "region": "临江市",
        "publisher": "临江市社会信用体系建设领导小组办公室",
        "base_url": "https://credit.linjiang.example/",
        "licence": {"id": "CC-BY-4.0", "title": "知识共享署名 4.0"},
        "contacts": {"office": "临江市信用办"},
    }
)
PENALTY_CONFIG = DatasetConfig.model_validate(
    {
        "kind": "penalty",
        "title": "行政处罚信息",
        "description": "行政处罚决定",
        "publisher": "临江市市场监督管理局",
        "update_frequency": "daily",
    }
)


def read(*names: str, root: Path = FIXTURES, folder: Path = LOAD) -> StageResult:
    """Read the named fixture files as the batches (oldest first) of one penalty dataset."""
    spec = DatasetSpec("penalties", PENALTY_CONFIG, PENALTY, folder, tuple(folder / n for n in names))
    return read_records(Catalog(root, PORTAL, (spec,)))


def frame_of(result: StageResult) -> pd.DataFrame:
    return result.tables["penalties"].frame


def codes_of(result: StageResult) -> list[str]:
    return [p.code for p in result.problems]


def test_utf8_with_bom_and_chinese_headers_gives_canonical_columns() -> None:
    frame = frame_of(read("utf8_bom.csv"))
    assert list(frame.columns) == [*PENALTY.names, FILE, ROW, BATCH]
    assert frame["CF_XDR_MC"].tolist() == [
        "临江市恒盛建材有限公司",
        "临江市东港水产有限公司",
        "临江市恒盛建材有限公司",
    ]
    assert frame["CF_XDR_SHXYM"].iloc[1] == "Y1330900MA2A1B2C3E"


def test_utf8_without_bom_and_code_headers_read_the_same_as_with_bom() -> None:
    plain, bom = frame_of(read("utf8.csv")), frame_of(read("utf8_bom.csv"))
    assert plain[PENALTY.names].equals(bom[PENALTY.names])


def test_gb18030_file_keeps_rare_characters_and_accepts_lower_case_codes() -> None:
    result = read("gb18030.csv")
    assert frame_of(result)["CF_XDR_MC"].tolist() == [
        "䶮𠀀建材有限公司",
        "临江市喆钅昜商行",
        "丂亐乛有限公司",
    ]
    assert result.problems == []


def test_gbk_file_with_chinese_headers_reads_like_utf8() -> None:
    assert frame_of(read("gbk.csv"))[PENALTY.names].equals(frame_of(read("utf8.csv"))[PENALTY.names])


@pytest.mark.parametrize(("name", "rows"), [("latin1.csv", [2, 3]), ("utf16.csv", [2, 3, 4])])
def test_undecodable_file_is_one_problem_and_every_row_rejected_without_mojibake(
    name: str, rows: list[int]
) -> None:
    result = read(name)
    assert frame_of(result).empty
    [found] = result.problems
    assert found.code == "load-undecodable" and found.level is Level.ERROR
    assert found.file == f"load/{name}" and "UTF-8" in found.message and f"{len(rows)} 行" in found.message
    assert result.ledger[ROW].tolist() == rows
    assert set(result.ledger["reason"]) == {"load-undecodable"} and set(result.ledger["fate"]) == {REJECTED}
    assert not any(s in " ".join(result.ledger["message"]) for s in ("Caf", "ï", "Ã"))


def test_damaged_workbook_is_one_problem_naming_the_file_and_nothing_else_breaks() -> None:
    result = read("broken.xlsx", "utf8.csv")
    [found] = result.problems
    assert found.code == "load-unreadable" and found.file == "load/broken.xlsx" and "XLSX" in found.message
    assert len(frame_of(result)) == 3


def test_fullwidth_and_halfwidth_brackets_and_blanks_in_headers_map_to_the_field() -> None:
    result = read("fullwidth.csv")
    assert result.problems == []
    assert frame_of(result)["CF_XDR_SHXYM"].iloc[0] == "91330902MA2A1B2C31"
    assert frame_of(result)["CF_NR_FK"].tolist() == ["1.5", "1.5", "1.5"]


def test_cells_and_headers_are_stripped_of_surrounding_blanks_including_ideographic_space() -> None:
    result = read("padded.csv")
    assert result.problems == []
    assert frame_of(result)["CF_FRDB"].tolist() == ["王建国"] * 3


def test_xlsx_date_cells_become_iso_dates_and_numbers_have_no_float_noise() -> None:
    frame = frame_of(read("penalty.xlsx"))
    assert frame["CF_JDRQ"].tolist() == ["2024-03-15"] * 3
    assert frame["CF_YXQ"].tolist() == ["2025-03-14", "", ""]
    assert frame["CF_NR_FK"].tolist() == ["2", "1.5", "12"]
    assert frame["CF_NR_WFFF"].tolist() == ["0.3", "", "0.00001"]


def test_xlsx_blank_row_is_skipped_but_counted_and_content_beyond_the_header_rejects_the_row() -> None:
    result = read("penalty.xlsx")
    assert frame_of(result)[ROW].tolist() == [2, 3, 5]
    assert result.ledger[ROW].tolist() == [6]
    assert result.ledger["reason"].tolist() == ["load-ragged-row"]
    assert "多出的一格" in result.ledger["value"].iloc[0]


def test_ragged_rows_are_rejected_and_the_rest_keep_spreadsheet_row_numbers() -> None:
    result = read("ragged.csv")
    frame = frame_of(result)
    assert frame[ROW].tolist() == [2, 4, 7]  # row 3 is blank, row 4 holds a cell with a line break
    assert frame["CF_SY"].iloc[1] == "第一行\n第二行，含“引号”"
    assert result.ledger[ROW].tolist() == [5, 6]
    assert codes_of(result) == ["load-ragged-row", "load-ragged-row"]
    assert "第 5 行有 3 个单元格，而表头有 33 列" in result.problems[0].message


def test_unknown_header_is_a_warning_that_says_how_many_values_were_not_read() -> None:
    result = read("unknown_header.csv")
    [warning] = result.problems
    assert warning.code == "load-unknown-header" and warning.level is Level.WARNING
    assert "「联系电话」" in warning.message and "3 个非空单元格未读入" in warning.message
    assert len(frame_of(result)) == 3 and result.ledger.empty


def test_two_columns_for_one_field_reject_every_row_of_that_file_only() -> None:
    result = read("utf8.csv", "duplicate_header.csv")
    assert frame_of(result)[FILE].unique().tolist() == ["load/utf8.csv"]
    assert result.ledger[ROW].tolist() == [2, 3, 4]
    assert set(result.ledger["reason"]) == {"load-duplicate-header"}
    [clash] = result.problems
    assert "「CF_XDR_SHXYM」" in clash.message and "「统一社会信用代码」" in clash.message


def test_missing_column_becomes_empty_text_and_warns_when_the_field_is_required() -> None:
    result = read("missing_column.csv")
    assert frame_of(result)["CF_CFJGDM"].tolist() == ["", "", ""]
    assert codes_of(result) == ["load-missing-column"]


def test_empty_and_header_only_files_are_errors_naming_the_file_and_give_zero_rows() -> None:
    result = read("empty.csv", "header_only.csv")
    assert frame_of(result).empty and result.ledger.empty
    assert list(frame_of(result).columns) == [*PENALTY.names, FILE, ROW, BATCH]
    assert [(p.code, p.level, p.file) for p in result.problems] == [
        ("load-empty-file", Level.ERROR, "load/empty.csv"),
        ("load-header-only", Level.ERROR, "load/header_only.csv"),
    ]
    assert all("沿用上次成功读取的版本，没有时本文件的记录不会公示" in p.message for p in result.problems)


def test_batches_are_numbered_oldest_first_and_files_named_relative_to_the_catalog() -> None:
    frame = frame_of(read("utf8.csv", "gb18030.csv"))
    assert frame[BATCH].tolist() == [0, 0, 0, 1, 1, 1]
    assert frame[FILE].tolist() == ["load/utf8.csv"] * 3 + ["load/gb18030.csv"] * 3


def test_every_schema_value_is_a_plain_string_and_row_numbers_are_integers() -> None:
    frame = frame_of(read("utf8.csv", "gb18030.csv", "penalty.xlsx", "ragged.csv", "missing_column.csv"))
    for name in (*PENALTY.names, FILE):
        assert frame[name].map(type).eq(str).all(), name
    assert frame[ROW].dtype == "int64" and frame[BATCH].dtype == "int64"


def test_ledger_has_the_model_columns() -> None:
    ledger = read("latin1.csv", "ragged.csv").ledger
    assert tuple(ledger.columns) == LEDGER_COLUMNS and ledger[ROW].dtype == "int64"


@pytest.mark.parametrize("name", sorted(p.name for p in LOAD.glob("*.csv")))
def test_fast_and_strict_csv_readers_agree(name: str) -> None:
    fast, (strict, _) = read_csv_fast(LOAD / name), read_csv_strict(LOAD / name)
    if fast is None:
        return  # the fast reader handed this file to the strict one
    assert strict is not None
    assert fast.header == strict.header
    assert fast.rows.tolist() == strict.rows.tolist()
    assert [c.to_pylist() for c in fast.columns] == [c.to_pylist() for c in strict.columns]
    assert fast.ragged == strict.ragged


# the invisible formatting characters hygiene removes (with a warning) are tested in test_hygiene
VISIBLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co")).filter(
    lambda c: not PATTERNS["invisible"].fullmatch(c)
)
CELL = st.text(VISIBLE, max_size=12) | st.sampled_from(
    ["a,b", '"引号"', "第一行\n第二行", " 前后空格 ", "䶮𠀀", "", "\u3000全角空格"]
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_any_csv_text_round_trips_stripped_with_row_numbers(
    rows: list[tuple[str, str, str]], encoding: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with open(folder / "batch.csv", "w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows([("CF_XDR_MC", "CF_WSH", "BZ"), *rows])
        result = read("batch.csv", root=folder, folder=folder)
    expected = [
        (n, tuple(c.strip() for c in r)) for n, r in enumerate(rows, start=2) if any(c.strip() for c in r)
    ]
    frame = frame_of(result)
    got = list(
        zip(frame[ROW], zip(frame["CF_XDR_MC"], frame["CF_WSH"], frame["BZ"], strict=True), strict=True)
    )
    assert got == expected
    assert {p.code for p in result.problems} <= {"load-missing-column"} | (
        set() if got else {"load-header-only"}
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=" \t\u3000ab临江", max_size=6), max_size=12), st.integers(1, 5))
def test_text_columns_lose_surrounding_blanks_like_str_strip(cells: list[str], chunk: int) -> None:
    column = pa.chunked_array(
        [pa.array(cells[i : i + chunk], pa.string()) for i in range(0, len(cells), chunk)]
        or [pa.array([], pa.string())]
    )
    assert text_column(column).to_pylist() == [c.strip() for c in cells]
