"""Corrections: a later batch with the same record key replaces the earlier record.

Stage: rules. Guarantees: exactly one current version per record key — the row of the latest batch (and, within
one batch, the last row) — which keeps the key's public ID; every earlier version is withheld as ``superseded``
with a message naming the file and row that replaced it.

Fail-safe: a row the validate stage *rejected* (e.g. its date 2026-02-30, or an unreadable 移出日期) is a
correction that could not be applied. When its record key matches a valid record and it comes after that
record's current version — a later batch, or a later row of the same batch that is not an exact copy of it
(an exact copy, ``validate-duplicate-row``, leaves nothing in doubt; batches are ordered by file name,
oldest first: design.md, catalog.py) — the record is withheld as ``correction-rejected`` (an ERROR naming the
rejected row) until the correction passes: the version still on file is the one the department said was wrong.
The rejected row's record ID is the validate stage's (``identifiers.record_id`` of its raw key), so it is the
ID of the record it corrects.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.model import BATCH, FILE, KEY, RECORD_ID, ROW
from generator.problems import Problem, problem
from generator.rules.columns import isin
from generator.rules.withholding import Hold

EXACT_COPY = "validate-duplicate-row"  # a repeated row identical to the first: nothing is in doubt


def latest_versions(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """True for the current version of each record key: the last in (batch, row) order."""
    codes, _ = pd.factorize(frame[KEY])
    order = np.lexsort((frame[ROW].to_numpy(), frame[BATCH].to_numpy()))
    last_first = order[::-1]
    _, first_seen = np.unique(codes[last_first], return_index=True)
    current = np.zeros(len(frame), dtype=bool)
    current[last_first[first_seen]] = True
    return current


def superseded(frame: pd.DataFrame, current: npt.NDArray[np.bool_]) -> Hold:
    """The hold for every non-current version: message names the replacing file and row."""
    rows = np.flatnonzero(~current)
    keys = frame[KEY].iloc[rows]
    winners = frame.loc[current & isin(frame[KEY], keys), [KEY, FILE, ROW]]
    replaced_by = winners.set_index(KEY).reindex(keys)
    message = (
        "已被更正：以 " + replaced_by[FILE].astype(str) + " 第 " + replaced_by[ROW].astype(str) + " 行为准"
    )
    return Hold("superseded", rows, message.reset_index(drop=True))


def rejected_corrections(
    frame: pd.DataFrame, current: npt.NDArray[np.bool_], rejected: pd.DataFrame, dataset: str
) -> tuple[Hold, list[Problem]]:
    """The hold for records whose later correction was rejected, and an ERROR per such rejected row.

    ``rejected``: the validate stage's ledger rows of fate rejected (``dataset``, FILE, ROW, RECORD_ID, reason,
    field); rows without a record ID (no key) name no record."""
    named = (rejected["dataset"] == dataset) & (rejected[RECORD_ID] != "")
    mine = rejected[named & (rejected["reason"] != EXACT_COPY)]
    # only the current versions these rows name (not all: 0.30 → 0.09 s for 1 M records)
    live = frame.loc[current & isin(frame[RECORD_ID], mine[RECORD_ID]), [RECORD_ID, FILE, ROW]]
    mine = mine[isin(mine[RECORD_ID], live[RECORD_ID])]
    now = live.set_index(RECORD_ID).reindex(mine[RECORD_ID])
    files, rows = mine[FILE].to_numpy(dtype=object), mine[ROW].to_numpy(dtype=np.int64)
    now_files, now_rows = now[FILE].to_numpy(dtype=object), now[ROW].to_numpy(dtype=np.int64)
    later = (files > now_files) | ((files == now_files) & (rows > now_rows))
    found = mine[later].assign(now_file=now_files[later], now_row=now_rows[later])
    latest = found.sort_values([FILE, ROW], kind="stable").drop_duplicates(RECORD_ID, keep="last")
    problems = [_rejected(r, dataset) for r in found.to_dict("records")]
    return _held(frame, latest.set_index(RECORD_ID)), problems


def _held(frame: pd.DataFrame, latest: pd.DataFrame) -> Hold:
    rows = np.flatnonzero(isin(frame[RECORD_ID], latest.index))
    chosen = latest.reindex(frame[RECORD_ID].iloc[rows]).reset_index(drop=True)
    message = (
        "更正被退回：" + chosen[FILE].astype("str") + " 第 " + chosen[ROW].astype("str")
        + " 行的更正未通过校验（" + chosen["reason"].astype("str") + "），更正通过前暂停公示"
    )  # fmt: skip
    return Hold("correction-rejected", rows, message, "", chosen["reason"].astype("str"))


def _rejected(row: dict[str, object], dataset: str) -> Problem:
    text = (
        f"{row[FILE]} 第 {row[ROW]} 行是对已公示记录（{row['now_file']} 第 {row['now_row']} 行）的更正，"
        f"但未通过校验（{row['reason']}）；原版本可能有误，该记录在更正通过前暂停公示"
    )
    where = {"file": str(row[FILE]), "row": int(str(row[ROW])), "dataset": dataset}
    return problem(
        "rules-correction-rejected", text, field=str(row["field"]), value=str(row[RECORD_ID]), **where
    )
