"""Vectorised date helpers for the rules: ISO text ↔ numpy days, calendar-month arithmetic.

Stage: rules. Guarantees: no clock is read; empty or unparseable text (e.g. 长期) becomes NaT; adding N months
lands on the same day of the month or, when that month is shorter, on its last day (民法典 第二百零二条), so
2024-02-29 + 12 months = 2025-02-28 and 2024-01-31 + 1 month = 2024-02-29.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

Days = npt.NDArray[np.datetime64]  # dtype datetime64[D]; NaT where unknown
NAT = np.datetime64("NaT", "D")


def to_days(text: pd.Series) -> Days:
    """ISO ``YYYY-MM-DD`` strings → datetime64[D]; anything else → NaT.

    Parses each distinct text once (a city has a few thousand distinct dates over millions of rows): measured
    3× faster than ``pd.to_datetime`` on the whole column."""
    codes, uniques = pd.factorize(text)
    parsed = pd.to_datetime(pd.Series(uniques, dtype="str"), format="%Y-%m-%d", errors="coerce")
    table = np.append(parsed.to_numpy(dtype="datetime64[D]"), NAT)  # code -1 (missing) → NaT
    days: Days = table[codes]
    return days


def day(value: date) -> np.datetime64:
    return np.datetime64(value.isoformat(), "D")


def add_months(days: Days, months: npt.NDArray[np.int64]) -> Days:
    """``days[i] + months[i]`` calendar months, one pandas DateOffset per distinct month count (a handful)."""
    out = np.full(len(days), NAT, dtype="datetime64[D]")
    for count in np.unique(months):
        chosen = months == count
        shifted = pd.DatetimeIndex(days[chosen]) + pd.DateOffset(months=int(count))
        out[chosen] = shifted.to_numpy(dtype="datetime64[D]")
    return out


def iso(days: Days) -> pd.Series:
    """datetime64[D] → ISO strings ('' for NaT), formatting each distinct day once."""
    codes, uniques = pd.factorize(days.astype(np.int64), use_na_sentinel=False)
    text = np.datetime_as_string(uniques.astype("datetime64[D]"), unit="D")
    return labelled(np.where(text == "NaT", "", text).tolist(), codes)


def labelled(labels: list[str], codes: npt.NDArray[np.intp]) -> pd.Series:
    """``labels[codes]`` as a pandas ``str`` Series (code -1 → ''), by one Arrow take.

    Hand-written for speed: building the strings through numpy/object arrays measured 10× slower at 700k rows."""
    table = pa.array([*labels, ""], type=pa.string())
    picked = table.take(pa.array(np.where(codes < 0, len(labels), codes)))
    return pd.Series(pd.array(picked, dtype="str"))


class DayCache:
    """The date columns of one frame, each parsed once however many rules read it."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._parsed: dict[str, Days] = {}

    def __call__(self, field: str) -> Days:
        if field not in self._parsed:
            self._parsed[field] = to_days(self.frame[field])
        return self._parsed[field]
