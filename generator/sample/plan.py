"""The numeric skeleton of a synthetic dataset: decision and submission days, batches, corrections, bad rows.

Stage: sample. Guarantees: a plan is numbers only (a million records fit in a few tens of MB); the dates lie
in the fixed span ``START`` … ``END`` (independent of any as-of date); batches are calendar periods of the
submission date and sort oldest first by label; corrections land in a strictly later batch than the record
they correct; every deliberately bad row is chosen from rows that are otherwise untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import chinese_calendar
import numpy as np

from generator.sample.rand import I64

START, END = date(2019, 1, 1), date(2026, 11, 20)
EPOCH = date(1970, 1, 1)
START_DAY, END_DAY = (START - EPOCH).days, (END - EPOCH).days
YEAR_WEIGHTS = {2019: 0.7, 2020: 0.75, 2021: 0.95, 2022: 1.0, 2023: 1.1, 2024: 1.2, 2025: 1.25, 2026: 1.3}


@dataclass
class Plan:
    """One row per distinct record, sorted by decision day; ``cols`` holds dataset-specific numbers."""

    day: I64
    submit: I64
    cols: dict[str, I64] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.day)

    def col(self, name: str) -> I64:
        return self.cols.get(name, np.zeros(self.n, dtype=np.int64))


def decision_days(rng: np.random.Generator, n: int) -> I64:
    """Working-day decision dates, more in later years (digital filing grew), sorted."""
    years = np.asarray(sorted(YEAR_WEIGHTS))
    first = np.asarray([max((date(int(y), 1, 1) - EPOCH).days, START_DAY) for y in years])
    last = np.asarray([min((date(int(y), 12, 31) - EPOCH).days, END_DAY) for y in years])
    weights = np.asarray([YEAR_WEIGHTS[int(y)] for y in years]) * (last - first + 1)
    year = rng.choice(len(years), size=n, p=weights / weights.sum())
    day = first[year] + (rng.random(n) * (last[year] - first[year] + 1)).astype(np.int64)
    return np.sort(_next_workday()[np.clip(day, START_DAY, END_DAY) - START_DAY])


@cache
def _next_workday() -> I64:
    """For each day of the span, that day or the next legal working day (chinese_calendar), clipped to END."""
    days = np.arange(START_DAY, END_DAY + 1)
    work = np.asarray([chinese_calendar.is_workday(EPOCH + timedelta(days=int(d))) for d in days])
    nxt = np.full(len(days), END_DAY, dtype=np.int64)
    upcoming = END_DAY
    for i in range(len(days) - 1, -1, -1):
        upcoming = int(days[i]) if work[i] else upcoming
        nxt[i] = upcoming
    return nxt


def submission_days(rng: np.random.Generator, day: I64) -> I64:
    """Day the record reached the credit office: mostly within a week or two, a few late."""
    which = rng.choice(3, size=len(day), p=[0.8, 0.15, 0.05])
    lag = np.select(
        [which == 0, which == 1],
        [rng.integers(1, 10, len(day)), rng.integers(10, 41, len(day))],
        rng.integers(41, 151, len(day)),
    )
    return np.minimum(day + lag, END_DAY)


def serials(group: I64, day: I64) -> I64:
    """1, 2, 3 … within each (group, calendar year), in decision-day order — the 文号 serial number."""
    year = day_years(day)
    order = np.lexsort((day, year, group))
    g, y = group[order], year[order]
    start = np.ones(len(order), dtype=bool)
    start[1:] = (g[1:] != g[:-1]) | (y[1:] != y[:-1])
    run_start = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.arange(len(order)) - run_start + 1
    return out


def day_years(day: I64) -> I64:
    return day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def granularity(rows: int) -> str:
    """Batch period: monthly files for big datasets, quarterly for middling ones, yearly for small ones."""
    return "month" if rows >= 95_000 else "quarter" if rows >= 1300 else "year"


def periods(day: I64, gran: str) -> I64:
    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if gran == "month" else months // 3 if gran == "quarter" else months // 12


def period_label(period: int, gran: str) -> str:
    if gran == "month":
        return f"{1970 + period // 12}-{period % 12 + 1:02d}"
    return f"{1970 + period // 4}-Q{period % 4 + 1}" if gran == "quarter" else str(1970 + period)


def period_bounds(period: int, gran: str) -> tuple[int, int]:
    """First and last day of a period (days since 1970-01-01), clipped to END."""
    months = {"month": 1, "quarter": 3, "year": 12}[gran]
    first = np.datetime64("1970-01", "M") + np.timedelta64(period * months, "M")
    nxt = first + np.timedelta64(months, "M")
    return _as_day(first), min(_as_day(nxt) - 1, END_DAY)


def _as_day(month: np.datetime64) -> int:
    return int(month.astype("datetime64[D]").astype(np.int64))


def workdays(day: I64) -> I64:
    """Each day, or the next legal working day (clipped to the span ``START`` … ``END``)."""
    return _next_workday()[np.clip(day, START_DAY, END_DAY) - START_DAY]


def recent_days(rng: np.random.Generator, first: I64, last: int, power: float) -> I64:
    """One working day per entry of ``first`` in [first, last], denser towards ``last`` when ``power`` < 1
    (unsorted: the caller sorts its plan)."""
    span = np.maximum(last - first, 0)
    return workdays(first + (span * rng.random(len(first)) ** power).astype(np.int64))


def as_day(d: date) -> int:
    return (d - EPOCH).days
