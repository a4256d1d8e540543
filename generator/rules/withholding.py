"""Why a row is not published: reason codes, holds, and the ledger rows they become.

Stage: rules. Guarantees: every withheld row gets exactly one reason — the first hold (in precedence order)
that names it — and one ledger row in ``generator.model.LEDGER_COLUMNS`` shape; no ID number is written into
a ledger message or value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from generator.model import FILE, LEDGER_COLUMNS, RECORD_ID, ROW, WITHHELD, empty_ledger
from generator.rules.dates import labelled

# Reason codes of withheld rows, in precedence order (the report shows the Chinese text).
REASONS: dict[str, str] = {
    "superseded": "已被更正（以后续批次中同一记录键的版本为准）",
    "revoked": "已撤销（异议核实或决定被撤销）",
    "repaired": "已信用修复，停止公示",
    "decision-invalid": "指向本记录的信用修复或撤销决定有误（如日期无法识别），更正前暂停公示",
    "correction-rejected": "本记录的后续更正未通过校验，原版本可能有误，更正通过前暂停公示",
    "minor": "未成年人案件，不予公示",
    "invalid-date": "决定日期无法识别，无法确定公示期",
    "not-yet-effective": "决定日期晚于基准日，尚未到公示时间",
    "no-rule-set": "决定日期早于（或晚于）所有公示规则集",
    "not-published-class": "按公示规则不予公示的类别（轻微、仅警告、简易程序等）",
    "expired": "公示期已届满，自动撤下",
    "delisted": "已移出名单",
    "list-expired": "名单有效期已过",
    "licence-expired": "许可有效期已过",
    "evaluation-expired": "信用评价结果有效期已过",
    "grade-superseded": "该主体已有更新的信用评价结果，仅公示当前信用等级",
    "unverified-withheld": "未经核验的自愿注册信息，按数据集设置不予公示",
    "registration-expired": "自愿注册信息有效期已过",
    "fulfilment-pending": "信用承诺核查中，仅计入履约统计",
    "kept-counted": "已践诺，按公示规则仅计入履约统计，不单独公示",
}

Positions = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Hold:
    """Rows (positions in the current-version frame) withheld for one reason, with per-row detail."""

    reason: str
    rows: Positions
    message: pd.Series | str  # aligned with rows, or one text for all
    field: str = ""
    value: pd.Series | str = ""


def hold(reason: str, mask: npt.NDArray[np.bool_], message: str, field: str = "") -> Hold:
    """A hold with one message for all rows."""
    return Hold(reason, np.flatnonzero(mask), message, field)


def settle(
    frame: pd.DataFrame, dataset: str, holds: list[Hold]
) -> tuple[npt.NDArray[np.bool_], pd.DataFrame]:
    """Which rows stay public, and the ledger of the others (each row once, under its first hold), in row order."""
    taken = np.zeros(len(frame), dtype=bool)
    chosen: list[tuple[Hold, Positions, npt.NDArray[np.bool_]]] = []
    for item in holds:
        fresh = ~taken[item.rows]
        if fresh.any():
            taken[item.rows[fresh]] = True
            chosen.append((item, item.rows[fresh], fresh))
    return ~taken, _ledger(frame, dataset, chosen) if chosen else empty_ledger()


def _ledger(
    frame: pd.DataFrame, dataset: str, chosen: list[tuple[Hold, Positions, npt.NDArray[np.bool_]]]
) -> pd.DataFrame:
    """One ledger for all holds, built with a single take of the meta columns (sorted by row position)."""
    positions = np.concatenate([rows for _, rows, _ in chosen])
    order = np.argsort(positions, kind="stable")
    which = np.repeat(np.arange(len(chosen)), [len(rows) for _, rows, _ in chosen])[order]
    meta = frame[[FILE, ROW, RECORD_ID]].take(positions[order]).reset_index(drop=True)
    holds = [item for item, _, _ in chosen]
    return pd.DataFrame(
        {
            "dataset": labelled([dataset], np.zeros(len(order), dtype=np.intp)),
            FILE: meta[FILE].astype("str"),
            ROW: meta[ROW].astype("int64"),
            RECORD_ID: meta[RECORD_ID].astype("str"),
            "fate": labelled([WITHHELD], np.zeros(len(order), dtype=np.intp)),
            "reason": labelled([h.reason for h in holds], which),
            "field": labelled([h.field for h in holds], which),
            "value": _texts([(h.value, rows, fresh) for h, rows, fresh in chosen], order),
            "message": _texts([(h.message, rows, fresh) for h, rows, fresh in chosen], order),
        }
    )


def _texts(
    details: list[tuple[pd.Series | str, Positions, npt.NDArray[np.bool_]]], order: Positions
) -> pd.Series:
    """Per-hold texts (one for all rows, or one per row of the hold) in ledger order."""
    pieces = [
        labelled([detail], np.zeros(len(rows), dtype=np.intp)) if isinstance(detail, str)
        else detail[fresh].astype("str").reset_index(drop=True)
        for detail, rows, fresh in details
    ]  # fmt: skip
    # One Arrow concat + take: pandas' concat().take() of the same measured 5× slower (1.7 s vs 0.35 s at 1M rows).
    arrays = [pa.array(p, type=pa.large_string()) for p in pieces]
    chunks = [c for a in arrays for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
    joined = pa.concat_arrays(chunks).take(pa.array(order))
    return pd.Series(pd.array(joined, dtype="str"))


def concat_ledgers(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Ledger pieces → one ledger with the model's columns and dtypes (empty when there are none)."""
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return empty_ledger()
    ledger = pd.concat(pieces, ignore_index=True)[list(LEDGER_COLUMNS)]
    wrong = [c for c in LEDGER_COLUMNS if ledger[c].dtype != _DTYPES[c]]
    return ledger.astype({c: _DTYPES[c] for c in wrong}) if wrong else ledger


_DTYPES = empty_ledger().dtypes.to_dict()
