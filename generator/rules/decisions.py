"""Read ``decisions/repairs.csv`` (信用修复) and ``decisions/revocations.csv`` (撤销/更正后撤下).

Stage: rules (input half). Guarantees: a file is CSV in UTF-8 (with or without BOM) or GB18030; headers are
matched like record headers (blanks, BOMs and full-/half-width brackets ignored, codes case-insensitive); a bad
row (impossible date such as 2026-02-30, missing decision number, …) is never a traceback and never silently
dropped: it is returned apart, one row per defect with the field (as written), value and text, and the rules
stage decides (``matching.resolve_invalid``) — naming a known record, it withholds that record until fixed
(ERROR); naming none, it is a WARNING. A missing file yields no rows; an unreadable one, or one without a
required column, is a CONFIG problem (withdrawals must never be silently ignored).

File format (one row per decision; extra columns such as 备注 are ignored):

=========================  ==========================================  ======================================
column (accepted headers)   repairs.csv                                 revocations.csv
=========================  ==========================================  ======================================
数据集 / dataset            required: the dataset id (folder name)      required
record key                 required (see below)                        required
修复决定书文号 / decision_no required: the repair decision's number      optional (撤销决定文号)
修复日期 / decided_on        required: date of the repair decision       required (撤销日期)
修复机关 / authority         required: who approved the repair           optional (撤销机关)
撤销原因 / reason            —                                           required: why (e.g. 异议核实有误)
=========================  ==========================================  ======================================

The record key names the withdrawn record in one of three ways: its public 记录编号 (``record_id``); or its
primary-key values under the dataset's own headers (codes or Chinese titles, e.g. ``行政处罚决定书文号`` +
``处罚机关统一社会信用代码`` or ``CF_WSH`` + ``CF_CFJGDM``); or the generic ``记录文号`` + ``机关统一社会信用代码``
(the document number and deciding authority's credit code, for every dataset whose key is those two).
Dates may be written 2024-03-15, 2024/3/15, 2024.3.15, 20240315 or 2024年3月15日.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from generator.config import DATASET_ID
from generator.loading.csvfile import decode
from generator.model import FILE, ROW
from generator.problems import Problem, problem
from generator.schema import normalise_header

DOCUMENT, DEPARTMENT_CODE = "@document", "@department_code"  # generic key columns (by role)
ALIASES: dict[str, tuple[str, ...]] = {
    "dataset": ("数据集", "数据集编号", "数据集ID", "dataset", "dataset_id"),
    "record_id": ("记录编号", "记录ID", "公示编号", "record_id", "_id"),
    "decision_no": ("修复决定书文号", "修复决定文号", "修复文号", "撤销决定文号", "撤销文号", "决定文号", "decision_no"),
    "decided_on": ("修复日期", "修复决定日期", "撤销日期", "撤销决定日期", "决定日期", "decided_on", "date"),
    "authority": ("修复机关", "撤销机关", "决定机关", "authority"),
    "reason": ("撤销原因", "原因", "理由", "reason"),
    DOCUMENT: ("记录文号", "原决定书文号", "原文号", "文号", "document"),
    DEPARTMENT_CODE: ("机关统一社会信用代码", "原决定机关统一社会信用代码", "机关代码", "department_code"),
}  # fmt: skip
IGNORED = frozenset({"备注", "note", "notes", "remark"})
GENERIC = ("dataset", "record_id", "decision_no", "decided_on", "authority", "reason")
REQUIRED = {
    "repairs": ("dataset", "decided_on", "decision_no", "authority"),
    "revocations": ("dataset", "decided_on", "reason"),
}
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


DEFECT = ("_field", "_value", "_text")  # invalid rows: the field as written, its value, what is wrong


def empty_decisions(*extra: str) -> pd.DataFrame:
    columns = {c: pd.Series(dtype="str") for c in (*GENERIC, FILE, *extra)}
    return pd.DataFrame(columns | {ROW: pd.Series(dtype="int64")})


def read_decisions(root: Path, shown: str, kind: str) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """The valid rows of one decisions file (``kind`` is repairs or revocations), its invalid rows (one per
    defect, columns ``DEFECT`` added) and its CONFIG problems."""
    path = root / shown
    if not path.is_file():
        return empty_decisions(), empty_decisions(*DEFECT), []
    frame, problems = _parse(path, shown)
    if frame is None:
        return empty_decisions(), empty_decisions(*DEFECT), problems
    headers = {column: _canonical(column) for column in frame.columns}
    if missing := [c for c in REQUIRED[kind] if c not in headers.values()]:
        names = "、".join(ALIASES[c][0] for c in missing)
        text = f"{shown} 缺少必需的列: {names}"
        found = [problem("rules-decisions-missing-column", text, file=shown, field=names)]
        return empty_decisions(), empty_decisions(*DEFECT), found
    frame = frame.rename(columns=headers).drop(columns=[c for c in headers.values() if c in IGNORED])
    for column in GENERIC:
        if column not in frame.columns:
            frame[column] = ""
    frame[FILE], frame[ROW] = shown, range(2, len(frame) + 2)
    valid, invalid = _split_rows(frame, kind, {v: k for k, v in headers.items()})
    return valid, invalid, []


def _parse(path: Path, shown: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    text = decode(path.read_bytes())  # the batch reader's rule: UTF-8 (BOM optional), else GB18030
    if text is None:
        return None, [
            problem("rules-decisions-unreadable", f"{shown} 不是 UTF-8 或 GB18030 编码", file=shown)
        ]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        return None, [problem("rules-decisions-unreadable", f"{shown} 无法解析为 CSV: {exc}", file=shown)]
    return frame.apply(lambda column: column.str.strip()), []


def _canonical(header: str) -> str:
    text = normalise_header(str(header))
    for name, spellings in ALIASES.items():
        if text in spellings or text.lower() in spellings:
            return name
    return text


def _split_rows(frame: pd.DataFrame, kind: str, written: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(valid rows with ISO dates, one row per defect of the invalid rows). No problem is made here: the rules
    stage reports an invalid row once it knows whether the row names a record."""
    keep: list[bool] = []
    defects: list[dict[str, object]] = []
    key_columns = [c for c in frame.columns if c not in (*GENERIC, FILE, ROW)]
    for record in frame.to_dict("records"):
        found = _row_problems(record, kind, key_columns)
        defects += [record | _defect(field, value, text, written) for field, value, text in found]
        keep.append(not found)
    valid = frame.loc[np.array(keep, dtype=bool)].copy()
    valid["decided_on"] = valid["decided_on"].map(lambda v: _iso(v) or v)
    invalid = pd.DataFrame(defects, columns=[*frame.columns, *DEFECT])
    invalid = invalid.astype({c: "int64" if c == ROW else "str" for c in invalid.columns})
    return valid.reset_index(drop=True), invalid


def _defect(field: str, value: str, text: str, written: dict[str, str]) -> dict[str, str]:
    header = written.get(field, ALIASES.get(field, (field,))[0])
    return dict(zip(DEFECT, (header, value, text), strict=True))


def _row_problems(record: dict[str, str], kind: str, key_columns: list[str]) -> list[tuple[str, str, str]]:
    found = [(c, "", "不能为空") for c in REQUIRED[kind] if not record[c]]
    if record["dataset"] and not DATASET_ID.match(record["dataset"]):
        found.append(("dataset", record["dataset"], "不是合法的数据集编号（小写字母、数字和连字符）"))
    if record["decided_on"] and _iso(record["decided_on"]) is None:
        found.append(("decided_on", record["decided_on"], "不是有效日期（应为 YYYY-MM-DD）"))
    if not record["record_id"] and not any(record[c] for c in key_columns):
        found.append(
            ("record_id", "", "未给出记录编号或记录键（如 行政处罚决定书文号 + 处罚机关统一社会信用代码）")
        )
    return found


def _iso(text: str) -> str | None:
    match = DATE.match(text)
    if not match:
        return None
    parts = [int(g) for g in match.groups() if g is not None]
    try:
        return date(parts[0], parts[1], parts[2]).isoformat()
    except ValueError:
        return None
