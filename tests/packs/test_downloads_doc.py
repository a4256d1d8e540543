"""docs/downloads.md tells the truth: its pandas block, run as it stands on a CSV the data-pack stage wrote,
keeps every code as text, while pandas' default read mangles them — as the doc and the dataset page say."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pandas as pd

from generator.packs import write_packs
from tests.packs.builders import licence, publication

DOC = Path(__file__).resolve().parents[2] / "docs" / "downloads.md"
AUTHORITY = "116103000578486515"  # an all-digit 18-character 机关代码
REGISTRATION = "0123456789012345"  # a 工商注册号 with a leading zero


def doc_block(language: str) -> str:
    (block,) = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return str(block)


def written(tmp_path: Path) -> Path:
    rows = [licence(n, XK_XKJGDM=AUTHORITY, XK_XDR_GSZC=REGISTRATION) for n in (1, 2)]
    write_packs(publication(date(2026, 11, 25), {"licences": rows}), tmp_path)
    return tmp_path / "data/latest/licences"


def test_the_pandas_block_reads_every_code_as_text(tmp_path: Path) -> None:
    folder = written(tmp_path)
    here = os.getcwd()
    os.chdir(folder)
    try:
        scope: dict[str, object] = {}
        exec(doc_block("python"), scope)  # the documented code, as it stands
    finally:
        os.chdir(here)
    df = scope["df"]
    assert isinstance(df, pd.DataFrame)
    assert df["许可机关统一社会信用代码"].tolist() == [AUTHORITY] * 2
    assert df["工商注册号"].tolist() == [REGISTRATION] * 2
    assert df["记录ID"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert str(df["许可决定日期"].dtype).startswith("datetime64")


def test_pandas_default_read_mangles_the_codes_the_doc_warns_about(tmp_path: Path) -> None:
    df = pd.read_csv(written(tmp_path) / "licences.csv")
    assert df["工商注册号"].dtype != object and str(df["工商注册号"].iloc[0]) != REGISTRATION


def test_the_r_and_duckdb_blocks_read_every_column_as_text() -> None:
    assert "col_types = cols(.default = col_character())" in doc_block("r")
    assert "all_varchar = true" in doc_block("sql")
