"""The sample catalog's decisions: approved credit repairs and revocations, as the rules stage reads them.

Stage: sample. Guarantees: files are UTF-8 with BOM, comma-separated, one header row, ISO dates, sorted by
date then dataset then key. Columns (the record key is the dataset's ``document`` + ``department_code``
roles — the two primary-key fields of every dataset here):

``decisions/repairs.csv``      数据集, 记录文号, 机关统一社会信用代码, 修复决定文号, 修复日期, 修复机关
``decisions/revocations.csv``  数据集, 记录文号, 机关统一社会信用代码, 撤销原因, 撤销日期

Repairs (≈ 4 % of penalty records) fall 15 days to 3 years after the decision: about one in seven before the
3-month minimum period (the rules report those), 特种设备/安全生产/消防 ones otherwise after a year; one repair
names a record that does not exist. Revocations: ≈ 0.5 % of penalties,
≈ 0.1 % of licences. Only untouched records (not spoiled, not duplicated) are repaired or revoked. Some 失诺
fulfilment records (never a featured subject's; half of the recent ones) are repaired after the 3-month minimum,
drawn from their own random stream after the others (the penalty repairs and revocations keep their values).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from generator import paths
from generator.sample import fmt
from generator.sample import penalty_text as T
from generator.sample import plan as P
from generator.sample.batches import Written
from generator.sample.context import Context
from generator.sample.departments import BY_KEY, CREDIT_CENTRE, DEPARTMENTS
from generator.sample.fulfilment import broken_checked
from generator.sample.registry import by_id
from generator.sample.writer import write_table

REPAIR_HEADER = ["数据集", "记录文号", "机关统一社会信用代码", "修复决定文号", "修复日期", "修复机关"]
REVOCATION_HEADER = ["数据集", "记录文号", "机关统一社会信用代码", "撤销原因", "撤销日期"]
UNKNOWN_REPAIR = [
    "penalties",
    "临市监处罚〔2018〕9999号",
    BY_KEY["sj"].code,
    "临信修〔2024〕0001号",
    "2024-06-28",
    CREDIT_CENTRE.name,
]
REASONS = (
    "行政复议决定撤销原决定（临政复决〔{y}〕{n}号）",
    "人民法院生效判决撤销原决定",
    "异议申诉核实：信息有误，予以撤销",
    "作出决定的机关自行纠错，撤销原决定",
)


def write_decisions(root: Path, ctx: Context, written: dict[str, Written]) -> tuple[int, int, int]:
    """Write repairs.csv and revocations.csv; returns (repairs of known penalties, revocations, repairs of 失诺)."""
    rng = np.random.default_rng([ctx.seed & 0xFFFFFFFF, 7])
    repairs, used = _repairs(ctx, rng, written.get("penalties"))
    revocations = _revocations(ctx, rng, written, used)
    broken = _broken_repairs(
        ctx, np.random.default_rng([ctx.seed & 0xFFFFFFFF, 8]), written.get("fulfilment")
    )
    every = sorted([*repairs, *broken], key=lambda r: (r[4], r[1], r[2]))
    write_table(root / paths.REPAIRS_FILE, REPAIR_HEADER, [*every, UNKNOWN_REPAIR])
    write_table(root / paths.REVOCATIONS_FILE, REVOCATION_HEADER, revocations)
    return len(repairs), len(revocations), len(broken)


def _keys(ctx: Context, dataset: str, w: Written, idx: np.ndarray) -> tuple[list[str], list[str]]:
    gen = by_id(dataset)
    assert w.plan is not None
    zeros = np.zeros(len(idx), dtype=np.int64)
    cols = gen.materialise(ctx, w.plan, idx.astype(np.int64), zeros, zeros)
    schema = gen.schema()
    return cols[schema.role("document") or ""].tolist(), cols[schema.role("department_code") or ""].tolist()


def _repairs(ctx: Context, rng: np.random.Generator, w: Written | None) -> tuple[list[list[str]], set[int]]:
    if w is None or w.plan is None:
        return [], set()
    day = w.plan.day
    pool = np.flatnonzero(w.clean & (day <= P.END_DAY - 15))
    chosen = np.sort(rng.choice(pool, size=min(len(pool), round(w.plan.n * 0.04)), replace=False))
    early = rng.random(len(chosen)) < 0.15
    room = P.END_DAY - day[chosen]
    sector = (T.FIELD[w.plan.col("act")[chosen]] != "") | (
        rng.random(len(chosen)) < 0.5
    )  # 1-year minimum or later
    usual = np.where(sector, rng.integers(365, 3 * 365, len(chosen)), rng.integers(90, 365, len(chosen)))
    delay = np.where(early, rng.integers(15, 90, len(chosen)), usual)
    when = day[chosen] + np.where(
        delay <= room, delay, 15 + (rng.random(len(chosen)) * (room - 14)).astype(np.int64)
    )
    by_centre = rng.random(len(chosen)) < 0.7
    numbers, docs = (
        _repair_numbers(when, by_centre, w.plan.col("dept")[chosen]),
        _keys(ctx, "penalties", w, chosen),
    )
    dept_names = [DEPARTMENTS[d].name for d in w.plan.col("dept")[chosen].tolist()]
    rows = [
        ["penalties", doc, code, number, date, CREDIT_CENTRE.name if centre else dept]
        for doc, code, number, date, centre, dept in zip(
            *docs, numbers, fmt.iso(when).tolist(), by_centre.tolist(), dept_names, strict=True
        )
    ]
    return sorted(rows, key=lambda r: (r[4], r[1], r[2])), set(chosen.tolist())


def _broken_repairs(ctx: Context, rng: np.random.Generator, w: Written | None) -> list[list[str]]:
    """Repairs of 失诺 records checked at least ~4 months before the end, 3 months and a day to 1 year after: half
    of those still public at the end (checked within ~11 months), a sixth of the older ones."""
    if w is None or w.plan is None:
        return []
    broken, checked = broken_checked(w.plan)
    ok = w.clean & broken & (checked <= P.END_DAY - 100)
    recent, older = (
        np.flatnonzero(ok & (checked > P.END_DAY - 330)),
        np.flatnonzero(ok & (checked <= P.END_DAY - 330)),
    )
    chosen = np.sort(np.concatenate([
        rng.choice(recent, size=(len(recent) + 1) // 2, replace=False),
        rng.choice(older, size=(len(older) + 3) // 6, replace=False),
    ])).astype(np.int64)  # fmt: skip
    room = P.END_DAY - checked[chosen] - 93  # 3 months are at most 92 days: the day after, at the earliest
    when = checked[chosen] + 93 + (rng.random(len(chosen)) * np.minimum(room, 270)).astype(np.int64)
    by_centre = rng.random(len(chosen)) < 0.7
    numbers = _repair_numbers(when, by_centre, w.plan.col("dept")[chosen], "承修")
    docs, codes = _keys(ctx, "fulfilment", w, chosen)
    dept_names = [DEPARTMENTS[d].name for d in w.plan.col("dept")[chosen].tolist()]
    return [
        ["fulfilment", doc, code, number, day, CREDIT_CENTRE.name if centre else dept]
        for doc, code, number, day, centre, dept in zip(
            docs, codes, numbers, fmt.iso(when).tolist(), by_centre.tolist(), dept_names, strict=True
        )
    ]


def _repair_numbers(when: np.ndarray, by_centre: np.ndarray, dept: np.ndarray, mid: str = "修") -> list[str]:
    """修复决定文号: the credit centre's 临信修〔year〕serial号, or the deciding department's own 信修 number
    (``mid`` 承修 for repairs of 失诺, numbered apart)."""
    issuer = np.where(by_centre, -1, dept)
    serial = P.serials(issuer + 1, when)
    out = []
    for i, s, y in zip(issuer.tolist(), serial.tolist(), P.day_years(when).tolist(), strict=True):
        short = CREDIT_CENTRE.short + mid if i < 0 else DEPARTMENTS[i].short + "信" + mid
        out.append(f"{short}〔{y}〕{s:04d}号")
    return out


def _revocations(
    ctx: Context, rng: np.random.Generator, written: dict[str, Written], used: set[int]
) -> list[list[str]]:
    rows: list[list[str]] = []
    for dataset, rate in (("penalties", 0.005), ("licences", 0.001)):
        w = written.get(dataset)
        if w is None or w.plan is None:
            continue
        clean = w.clean.copy()
        if dataset == "penalties":
            clean[list(used)] = False
        pool = np.flatnonzero(clean & (w.plan.day <= P.END_DAY - 10))
        chosen = np.sort(rng.choice(pool, size=min(len(pool), round(w.plan.n * rate)), replace=False))
        room = np.minimum(P.END_DAY - w.plan.day[chosen], 400)
        when = w.plan.day[chosen] + 10 + (rng.random(len(chosen)) * (room - 9)).astype(np.int64)
        docs, codes = _keys(ctx, dataset, w, chosen)
        reason = rng.integers(0, len(REASONS), len(chosen))
        for doc, code, r, d in zip(docs, codes, reason.tolist(), when.tolist(), strict=True):
            text = REASONS[r].format(y=P.day_years(np.asarray([d]))[0], n=int(rng.integers(1, 200)))
            rows.append([dataset, doc, code, text, fmt.iso(np.asarray([d]))[0]])
    return sorted(rows, key=lambda r: (r[4], r[0], r[1], r[2]))
