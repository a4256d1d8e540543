"""Read every dataset's record batches (CSV or XLSX) into raw record tables.

Stage: load (records half; ``generator.catalog`` reads the configuration). Guarantees: each table has exactly
the schema's canonical columns, every value a plain ``str`` stripped of surrounding blanks ("" when empty),
plus FILE (relative to the catalog, forward slashes), ROW (header = 1) and BATCH (0 = oldest); a CSV is UTF-8
(with or without BOM) or else GB18030, decided strictly, and a file that is neither yields no text at all
(never mojibake); fully blank rows carry nothing and are skipped (row numbers still count them); every row
not read is in the ledger with a reason, and every file-level issue is a problem naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.loading.csvfile import UNDECODABLE, countable_rows, read_csv
from generator.loading.grid import Ragged, Sheet
from generator.loading.xlsxfile import read_xlsx
from generator.model import BATCH, FILE, LEDGER_COLUMNS, RECORD_ID, REJECTED, ROW, Catalog, StageResult, Table
from generator.problems import Problem, problem
from generator.schema import Schema, normalise_header


@dataclass
class Rejected:
    """A row the load stage did not read."""

    row: int
    reason: str
    value: str
    message: str


def read_records(catalog: Catalog) -> StageResult:
    """Read every batch of every dataset, oldest first; rows not read go to the ledger with a reason."""
    tables: dict[str, Table] = {}
    ledgers: list[pd.DataFrame] = [_ledger("", "", [])]
    problems: list[Problem] = []
    for spec in catalog.datasets:
        frames = [_empty_frame(spec.schema)]
        for batch, path in enumerate(spec.batches):
            shown = _shown(catalog.root, path)
            frame, rejected, found = _read_batch(spec.schema, path, shown, batch)
            frames.append(frame)
            ledgers.append(_ledger(spec.id, shown, rejected))
            problems += [replace(p, dataset=spec.id) for p in found]
        tables[spec.id] = Table(spec, _concat(frames))
    return StageResult(tables, pd.concat(ledgers, ignore_index=True), problems)


def _read_batch(
    schema: Schema, path: Path, shown: str, batch: int
) -> tuple[pd.DataFrame, list[Rejected], list[Problem]]:
    """One file → its records (canonical columns + FILE/ROW/BATCH), the rows not read, and problems."""
    sheet, failure = read_xlsx(path) if path.suffix.lower() == ".xlsx" else read_csv(path)
    if sheet is None:
        return _unreadable(schema, path, shown, failure)
    rejected = [_ragged(shown, len(sheet.header), r) for r in sheet.ragged]
    found = [problem(r.reason, r.message, file=shown, row=r.row, value=r.value) for r in rejected]
    mapping, problems, clash = _map_headers(schema, sheet, shown)
    if clash is not None:
        rejected += [Rejected(int(r), clash.code, "", clash.message) for r in sheet.rows]
        return _empty_frame(schema), rejected, [*found, *problems, clash]
    return _frame(schema, sheet, mapping, shown, batch), rejected, found + problems


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches as one table (arrow chunks are chained, not copied)."""
    return frames[-1] if len(frames) <= 2 else pd.concat(frames, ignore_index=True)


def _empty_frame(schema: Schema) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="str") for name in (*schema.names, FILE)})
    return frame.assign(**{ROW: pd.Series(dtype="int64"), BATCH: pd.Series(dtype="int64")})


def _map_headers(
    schema: Schema, sheet: Sheet, shown: str
) -> tuple[dict[str, int], list[Problem], Problem | None]:
    """Header cell → canonical field; unknown headers warn, two columns for one field reject the file."""
    accepted = schema.header_map()
    mapping: dict[str, int] = {}
    problems: list[Problem] = []
    for index, label in enumerate(sheet.header):
        key = normalise_header(label)
        name = accepted.get(key) or accepted.get(key.upper())
        if name is None:
            problems += _unknown_header(schema, sheet, index, label, shown)
        elif name in mapping:
            return mapping, problems, _clash(schema, sheet, name, mapping[name], index, shown)
        else:
            mapping[name] = index
    return mapping, problems + _missing_columns(schema, sheet, mapping, shown), None


def _unknown_header(schema: Schema, sheet: Sheet, index: int, label: str, shown: str) -> list[Problem]:
    column = sheet.columns[index]
    filled = len(column) - pc.sum(pc.equal(column, "")).as_py() if len(column) else 0
    if not label and not filled:
        return []
    what = f"表头「{label}」不是「{schema.title}」的字段" if label else "没有表头"
    message = (
        f"{shown} 第 {index + 1} 列{what}，该列已忽略（其中 {filled} 个非空单元格未读入）；"
        "如果它是某个字段的别称，请改用标准字段名"
    )
    return [problem("load-unknown-header", message, file=shown, row=1, field=label, value=label)]


def _clash(schema: Schema, sheet: Sheet, name: str, first: int, second: int, shown: str) -> Problem:
    title = schema.field(name).title
    message = (
        f"{shown} 的第 {first + 1} 列「{sheet.header[first]}」和第 {second + 1} 列「{sheet.header[second]}」"
        f"都对应字段「{title}」（{name}），无法判断以哪一列为准；本文件 {len(sheet.rows)} 行全部未读入，"
        "请删除其中一列后重新提交"
    )
    return problem(
        "load-duplicate-header", message, file=shown, row=1, field=name, value=sheet.header[second]
    )


def _missing_columns(schema: Schema, sheet: Sheet, mapping: dict[str, int], shown: str) -> list[Problem]:
    if not sheet.header:
        return []
    needed = [f for f in schema.fields if (f.required or f.required_when) and f.name not in mapping]
    return [
        problem(
            "load-missing-column",
            f"{shown} 缺少字段「{f.title}」（{f.name}）所在的列；需要填写该字段的各行将因此被拒收",
            file=shown,
            row=1,
            field=f.name,
        )
        for f in needed
    ]


def _frame(schema: Schema, sheet: Sheet, mapping: dict[str, int], shown: str, batch: int) -> pd.DataFrame:
    n = len(sheet.rows)
    blank = pa.repeat(pa.scalar("", pa.large_string()), n)
    arrays = {name: sheet.columns[mapping[name]] if name in mapping else blank for name in schema.names}
    arrays[FILE] = pa.repeat(pa.scalar(shown, pa.large_string()), n)
    frame = pa.table(arrays).to_pandas()
    frame[ROW] = sheet.rows
    frame[BATCH] = np.full(n, batch, dtype=np.int64)
    return frame


def _ragged(shown: str, width: int, bad: Ragged) -> Rejected:
    row, cells, text = bad
    message = (
        f"{shown} 第 {row} 行有 {cells} 个单元格，而表头有 {width} 列，该行未读入"
        "（常见原因：内容里有未加引号的英文逗号、引号或换行）"
    )
    return Rejected(row, "load-ragged-row", text[:200], message)


def _unreadable(
    schema: Schema, path: Path, shown: str, failure: str
) -> tuple[pd.DataFrame, list[Rejected], list[Problem]]:
    if failure != UNDECODABLE:
        message = f"{shown} 无法读取：{failure}。请确认它是有效的 CSV 或 Excel（.xlsx）文件；其中的行均未读入"
        return _empty_frame(schema), [], [problem("load-unreadable", message, file=shown)]
    rows = countable_rows(path.read_bytes())
    count = f"{len(rows)} 行数据全部未读入" if rows else "其中的行全部未读入（行数无法确定）"
    message = (
        f"{shown} 既不是 UTF-8 也不是 GB18030（GBK）编码，无法读取，{count}；"
        "请在 Excel/WPS 中“另存为 CSV UTF-8”后重新提交"
    )
    row_message = f"{shown} 无法解码（不是 UTF-8 或 GB18030 编码），第 {{}} 行未读入"
    rejected = [Rejected(r, "load-undecodable", "", row_message.format(r)) for r in rows]
    return _empty_frame(schema), rejected, [problem("load-undecodable", message, file=shown)]


def _ledger(dataset: str, shown: str, rejected: list[Rejected]) -> pd.DataFrame:
    n = len(rejected)
    data = {
        "dataset": [dataset] * n,
        FILE: [shown] * n,
        ROW: np.array([r.row for r in rejected], dtype=np.int64),
        RECORD_ID: [""] * n,
        "fate": [REJECTED] * n,
        "reason": [r.reason for r in rejected],
        "field": [""] * n,
        "value": [r.value for r in rejected],
        "message": [r.message for r in rejected],
    }
    return pd.DataFrame({c: pd.Series(data[c], dtype="int64" if c == ROW else "str") for c in LEDGER_COLUMNS})


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.resolve().relative_to(root.resolve()).as_posix()
