"""Turning findings into problems (one per failing cell) and ledger rows (one per rejected row).

Stage: validate. Guarantees: every finding becomes a Problem whose message names the file, the spreadsheet
row, the field, the value and the rule in Chinese; a row with several failing cells is in the ledger once,
under its first failing cell (schema order), with a note of how many more there are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.model import FILE, LEDGER_COLUMNS, RECORD_ID, REJECTED, ROW
from generator.problems import Problem, problem
from generator.validation.checks import Finding
from generator.validation.table import record_ids


def problems_of(dataset: str, frame: pd.DataFrame, findings: list[Finding]) -> list[Problem]:
    """One Problem per failing cell, in row order, then schema order."""
    order = _order(findings)
    files, rows = _where(frame, order[0])
    return [
        problem(
            findings[f].code,
            f"{file} 第 {row} 行 {findings[f].details[i]}",
            file=file,
            row=row,
            field=findings[f].field,
            value=findings[f].values[i],
            dataset=dataset,
        )
        for file, row, f, i in zip(files, rows, order[1], order[2], strict=True)
    ]


def rejected_rows(frame: pd.DataFrame, findings: list[Finding]) -> np.ndarray:
    rejected = np.zeros(len(frame), dtype=bool)
    for finding in findings:
        rejected[finding.positions] = True
    return rejected


def ledger_of(
    dataset: str, frame: pd.DataFrame, findings: list[Finding], key: pd.Series, keyless: np.ndarray
) -> pd.DataFrame:
    """One ledger row per rejected row: its first failing cell, and how many more cells failed."""
    positions, finding, index = _order(findings)
    starts, counts = np.unique(positions, return_index=True, return_counts=True)[1:]
    first = positions[starts]
    files, rows = _where(frame, first)
    keys = key.iloc[first].tolist()
    ids = record_ids(dataset, keys)
    picked = [(findings[f], i) for f, i in zip(finding[starts], index[starts], strict=True)]
    data = {
        "dataset": [dataset] * len(first),
        FILE: files,
        ROW: np.asarray(rows, dtype=np.int64),
        RECORD_ID: ["" if no_key else rid for rid, no_key in zip(ids, keyless[first], strict=True)],
        "fate": [REJECTED] * len(first),
        "reason": [f.code for f, _ in picked],
        "field": [f.field for f, _ in picked],
        "value": [f.values[i] for f, i in picked],
        "message": [
            _message(file, row, f.details[i], n - 1)
            for (f, i), file, row, n in zip(picked, files, rows, counts, strict=True)
        ],
    }
    return pd.DataFrame({c: pd.Series(data[c], dtype="int64" if c == ROW else "str") for c in LEDGER_COLUMNS})


def _message(file: str, row: int, detail: str, more: int) -> str:
    extra = f"（本行另有 {more} 处问题，见问题清单）" if more else ""
    return f"{file} 第 {row} 行 {detail}{extra}"


def _order(findings: list[Finding]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row position, finding number, index within finding) of every failing cell, sorted by row then finding."""
    positions = np.concatenate([f.positions for f in findings]) if findings else np.array([], dtype=np.int64)
    finding = (
        np.concatenate([np.full(len(f.positions), n) for n, f in enumerate(findings)])
        if findings
        else positions
    )
    index = np.concatenate([np.arange(len(f.positions)) for f in findings]) if findings else positions
    order = np.lexsort((finding, positions))
    return positions[order], finding[order], index[order]


def _where(frame: pd.DataFrame, positions: np.ndarray) -> tuple[list[str], list[int]]:
    files = frame[FILE].iloc[positions].tolist()
    rows = frame[ROW].to_numpy()[positions].astype(int).tolist()
    return files, rows
