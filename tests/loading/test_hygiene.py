"""Issue 11, item 10: control characters and invisible formatting characters never reach a record."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.loading.grid import text_column
from generator.loading.hygiene import PATTERNS, clean_column
from generator.model import FILE, ROW
from generator.problems import Level
from tests.loading.test_records import PENALTY, frame_of, read

HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def test_control_and_invisible_characters_are_removed_with_one_warning_per_file_and_field() -> None:
    result = read("hidden.csv")
    frame = frame_of(result)
    assert frame["CF_XDR_MC"].tolist() == [
        "临江市司公限有恒盛",
        "临江市恒盛建材有限公司",
        "临江市东港水产有限公司",
    ]
    assert frame["CF_WSH"].iloc[1] == "临市监处罚〔2024〕2号" and frame["CF_SY"].iloc[1] == "正常内容"
    assert not any(HIDDEN.search(v) for name in PENALTY.names for v in frame[name])
    found = {(p.code, p.field, p.row) for p in result.problems}
    assert found == {
        ("load-invisible-character", "CF_FRDB", 1),  # a header cell: it still maps to its field
        ("load-control-character", "CF_XDR_MC", 4),
        ("load-invisible-character", "CF_XDR_MC", 2),
        ("load-invisible-character", "CF_XDR_SHXYM", 3),
        ("load-invisible-character", "CF_WSH", 3),
        ("load-control-character", "CF_SY", 2),
    }
    assert all(p.level is Level.WARNING and p.file == "load/hidden.csv" for p in result.problems)
    [names] = [p for p in result.problems if p.field == "CF_XDR_MC" and p.code == "load-invisible-character"]
    assert "2 个单元格" in names.message and "首见第 2 行" in names.message
    assert frame["CF_FRDB"].tolist() == ["王建国"] * 3


def test_tab_and_line_breaks_inside_a_cell_are_kept() -> None:
    assert frame_of(read("hidden.csv"))["CF_SY"].iloc[0] == "第一行\n\t第二行"


def test_a_nul_after_the_first_64_kib_of_a_csv_is_removed_not_published(tmp_path: Path) -> None:
    rows = [[f"临江市第{n}号商行", f"临市监处罚〔2024〕{n}号", "x" * 40] for n in range(2000)]
    rows[1500][0] = "临江市\x00藏有空字符商行"
    with open(tmp_path / "late.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["CF_XDR_MC", "CF_WSH", "BZ"], *rows])
    assert (tmp_path / "late.csv").read_bytes().index(b"\x00") > 65536
    result = read("late.csv", root=tmp_path, folder=tmp_path)
    frame = frame_of(result)
    assert len(frame) == 2000 and frame["CF_XDR_MC"].iloc[1500] == "临江市藏有空字符商行"
    [warning] = [p for p in result.problems if p.code == "load-control-character"]
    assert (warning.row, warning.field, warning.file) == (1502, "CF_XDR_MC", "late.csv")
    assert frame[ROW].iloc[1500] == 1502 and set(frame[FILE]) == {"late.csv"}


NEAR = st.sampled_from(
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u061c", "\u200b", "\u200d", "\u200e", "\u202e", "\u2060", "\u2067",
     "\ufeff", "\t", "\n", "\r", "\u00b7", "\u201c", "\u2026", "\u2014", "\u2070", "\ufe00", "\uff0c", "\u0600",
     "\u00a0", "临", "a", " "]
)  # fmt: skip
CELL = st.lists(NEAR | st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL, max_size=30), st.integers(1, 7))
def test_the_byte_scan_finds_every_hidden_character_a_regex_finds(cells: list[str], chunk: int) -> None:
    column = text_column(  # cells reach hygiene trimmed, as every reader gives them
        pa.chunked_array(
            [pa.array(cells[i : i + chunk], pa.large_string()) for i in range(0, len(cells), chunk)]
            or [pa.array([], pa.large_string())]
        )
    )
    trimmed = column.to_pylist()
    cleaned, found = clean_column(column)
    expected = pc.utf8_trim_whitespace(pa.array([HIDDEN.sub("", c) for c in trimmed], pa.large_string()))
    assert cleaned.to_pylist() == expected.to_pylist()
    assert {h.kind: h.cells for h in found} == Counter(kind for c in trimmed for kind in kinds(c))
    assert all(h.first == min(i for i, c in enumerate(trimmed) if h.kind in kinds(c)) for h in found)


def kinds(cell: str) -> set[str]:
    return {k for k, pattern in PATTERNS.items() if pattern.search(cell)}
