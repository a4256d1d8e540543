"""One batch file read: its records, the rows not read and the problems — or why it gives no records.

Stage: load. Guarantees: ``read_batch`` reads a CSV (``generator.loading.csvfile``) or XLSX
(``generator.loading.xlsxfile``) file into a ``Batch`` whose records have exactly the schema's canonical
columns, every value a plain ``str`` after hygiene ("" when empty), plus FILE, ROW and BATCH; every row not
read is a ``Rejected`` with a reason and a message; a file that gives no records — unreadable, undecodable,
empty or header-only, formulas without saved values, no known column, two columns for one field, no row that
fits the header — says so in ``Batch.unusable`` (an error naming the file and the cause), its rows (as far as
they are known) rejected for that reason; ``Batch.table`` holds the records for the batch cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.loading.cache import Entry
from generator.loading.csvfile import countable_rows, read_csv
from generator.loading.grid import Ragged, Sheet, Unreadable
from generator.loading.header import HIDDEN_WORDS, clean_header, map_headers, overflow
from generator.loading.hygiene import Hidden, clean_column
from generator.loading.xlsxfile import read_xlsx
from generator.model import BATCH, FILE, LEDGER_COLUMNS, RECORD_ID, REJECTED, ROW
from generator.problems import Problem, problem
from generator.schema import Schema


@dataclass
class Rejected:
    """A row the load stage did not read."""

    row: int
    reason: str
    value: str
    message: str


@dataclass
class Batch:
    """One batch file as read: its records, the rows not read, problems — or why it gave no records."""

    frame: pd.DataFrame
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unusable: Problem | None = None  # the file gave no records: error naming the file and the cause
    table: pa.Table | None = None  # the records for the batch cache (schema columns, ROW)
    stood_in: Entry | None = None  # the previous cache entry whose rows stand in for a file giving none
    shown: str = ""  # the file's path as FILE shows it

    def ledger(self, dataset: str) -> pd.DataFrame:
        """A ledger row per row not read."""
        return rejected_ledger(dataset, self.shown, self.rejected)


def read_batch(schema: Schema, path: Path, shown: str, batch: int) -> Batch:
    """One file → its records (canonical columns + FILE/ROW/BATCH), the rows not read, and problems."""
    try:
        sheet, why = read_xlsx(path) if path.suffix.lower() == ".xlsx" else read_csv(path)
    except OSError as exc:
        sheet, why = None, Unreadable("load-unreadable", f"无法打开（{exc.strerror or type(exc).__name__}）")
    if sheet is None:
        assert why is not None
        return _unreadable(schema, path, shown, why)
    if (
        why is not None
    ):  # a workbook whose formulas have no saved values: its rows are known, not their values
        return _whole_file(
            schema, sheet, shown, problem(why.code, f"{shown} 无法读取：{why.cause}", file=shown)
        )
    header_problems = clean_header(sheet, shown)
    if not sheet.header and not sheet.ragged:
        return _whole_file(schema, sheet, shown, _empty(shown, path))
    mapping, problems, clash = map_headers(schema, sheet, shown)
    problems = header_problems + problems + overflow(sheet, shown)
    if clash is not None:
        return _whole_file(schema, sheet, shown, clash)
    if not mapping:
        return _whole_file(schema, sheet, shown, _no_known_columns(schema, sheet, shown))
    rejected = [_ragged(shown, len(sheet.header), r) for r in sheet.ragged]
    found = [problem(r.reason, r.message, file=shown, row=r.row, value=r.value) for r in rejected]
    if not len(sheet.rows):
        return Batch(empty_frame(schema), rejected, found, _no_rows(sheet, shown))
    frame, table, cleaned = _frame(schema, sheet, mapping, shown, batch)
    return Batch(frame, rejected, found + problems + cleaned, table=table)


def _whole_file(schema: Schema, sheet: Sheet, shown: str, unusable: Problem) -> Batch:
    """No record of the file is read: its rows (as far as known) are rejected for the file's reason."""
    rows = [int(r) for r in sheet.rows] + [r[0] for r in sheet.ragged]
    rejected = [Rejected(r, unusable.code, "", unusable.message) for r in sorted(rows)]
    return Batch(empty_frame(schema), rejected, [], unusable)


def _empty(shown: str, path: Path) -> Problem:
    what = "工作表是空的" if path.suffix.lower() == ".xlsx" else "是空文件"
    message = f"{shown} {what}（没有表头，也没有数据），其中没有可读入的记录"
    return problem("load-empty-file", message, file=shown)


def _no_rows(sheet: Sheet, shown: str) -> Problem:
    if not sheet.ragged:
        return problem("load-header-only", f"{shown} 只有表头，没有数据行", file=shown, row=1)
    message = (
        f"{shown} 的 {len(sheet.ragged)} 行数据没有一行能读入：每一行的单元格个数都与表头的 "
        f"{len(sheet.header)} 列不符（常见原因：分隔符不是英文逗号，或内容里有未加引号的逗号）"
    )
    return problem("load-no-rows-read", message, file=shown)


def _no_known_columns(schema: Schema, sheet: Sheet, shown: str) -> Problem:
    labels = "、".join(f"「{h[:20]}」" for h in sheet.header[:3] if h) or "（空白）"
    message = (
        f"{shown} 的第一行 {labels}{'等' if len(sheet.header) > 3 else ''} 中没有任何「{schema.title}」的字段，"
        "无法读取；请确认第一行是表头、分隔符是英文逗号，且文件放在正确的数据集目录中"
    )
    return problem("load-no-known-columns", message, file=shown, row=1)


def empty_frame(schema: Schema) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="str") for name in (*schema.names, FILE)})
    return frame.assign(**{ROW: pd.Series(dtype="int64"), BATCH: pd.Series(dtype="int64")})


def _frame(
    schema: Schema, sheet: Sheet, mapping: dict[str, int], shown: str, batch: int
) -> tuple[pd.DataFrame, pa.Table, list[Problem]]:
    """The records (hygiene applied), the same rows for the batch cache, and a warning per cleaned field."""
    arrays: dict[str, pa.ChunkedArray] = {}
    problems: list[Problem] = []
    for name in schema.names:
        if name not in mapping:
            arrays[name] = blank_column(len(sheet.rows))
            continue
        arrays[name], hidden = clean_column(sheet.columns[mapping[name]])
        problems += [_hidden(schema, name, shown, sheet.rows, h) for h in hidden]
    # no FILE column: an entry file is named by the bytes it came from, so two files with the same bytes (at
    # two paths) share one entry file, whoever encodes it (on a cluster: two workers at once)
    table = pa.table({**arrays, ROW: pa.array(sheet.rows, pa.int64())})
    return to_frame(arrays, shown, sheet.rows, batch), table, problems


def to_frame(arrays: dict[str, pa.ChunkedArray], shown: str, rows: np.ndarray, batch: int) -> pd.DataFrame:
    n = len(rows)
    frame = pa.table({**arrays, FILE: _text(shown, n)}).to_pandas()
    frame[ROW] = rows
    frame[BATCH] = np.full(n, batch, dtype=np.int64)
    return frame


def blank_column(n: int) -> pa.ChunkedArray:
    return _text("", n)


def _text(value: str, n: int) -> pa.ChunkedArray:
    return pa.chunked_array([pa.repeat(pa.scalar(value, pa.large_string()), n)])


def _hidden(schema: Schema, name: str, shown: str, rows: np.ndarray, found: Hidden) -> Problem:
    row = int(rows[found.first])
    message = (
        f"{shown} 的「{schema.field(name).title}」列有 {found.cells} 个单元格含{HIDDEN_WORDS[found.kind]}"
        f"（首见第 {row} 行），已删除这些字符；请检查导出数据的系统"
    )
    return problem(f"load-{found.kind}-character", message, file=shown, row=row, field=name)


def _ragged(shown: str, width: int, bad: Ragged) -> Rejected:
    row, cells, text = bad
    message = (
        f"{shown} 第 {row} 行有 {cells} 个单元格，而表头有 {width} 列，该行未读入"
        "（常见原因：内容里有未加引号的英文逗号、引号或换行）"
    )
    return Rejected(row, "load-ragged-row", text[:200], message)


def _unreadable(schema: Schema, path: Path, shown: str, why: Unreadable) -> Batch:
    if why.code != "load-undecodable":
        message = f"{shown} 无法读取：{why.cause}。其中的行均未读入"
        return Batch(empty_frame(schema), unusable=problem(why.code, message, file=shown))
    rows = countable_rows(path.read_bytes())
    count = f"{len(rows)} 行数据全部未读入" if rows else "其中的行全部未读入（行数无法确定）"
    message = f"{shown} {why.cause}，无法读取，{count}；请在 Excel/WPS 中“另存为 CSV UTF-8”后重新提交"
    row_message = f"{shown} 无法解码（{why.cause}），第 {{}} 行未读入"
    rejected = [Rejected(r, "load-undecodable", "", row_message.format(r)) for r in rows]
    return Batch(empty_frame(schema), rejected, [], problem("load-undecodable", message, file=shown))


def rejected_ledger(dataset: str, shown: str, rejected: list[Rejected]) -> pd.DataFrame:
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
