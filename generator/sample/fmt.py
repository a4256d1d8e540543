"""Formatting numbers and days as the text that goes into batch files.

Stage: sample. Guarantees: dates are ISO ``YYYY-MM-DD`` (or 2024年3月5日 inside prose); amounts in 万元
are canonical decimals without trailing zeros (0.5, 1.25, 12); each distinct value is formatted once.
"""

from __future__ import annotations

import numpy as np

from generator.sample.rand import I64, Obj, strs


def iso(day: I64) -> Obj:
    """Days since 1970-01-01 → ISO dates."""
    return np.asarray(
        np.datetime_as_string(np.asarray(day, dtype=np.int64).astype("datetime64[D]")), dtype=object
    )


def cn_date(day: I64) -> Obj:
    """Days → 2024年3月5日."""
    return _per_value(day, lambda s: f"{int(s[:4])}年{int(s[5:7])}月{int(s[8:10])}日")


def cn_month(day: I64) -> Obj:
    """Days → 2024年3月."""
    return _per_value(day, lambda s: f"{int(s[:4])}年{int(s[5:7])}月")


def _per_value(day: I64, render: object) -> Obj:
    uniq, inverse = np.unique(np.asarray(day, dtype=np.int64), return_inverse=True)
    texts = [render(s) for s in iso(uniq).tolist()]  # type: ignore[operator]
    return np.asarray(texts, dtype=object)[inverse.ravel()]


def wan(yuan: I64) -> Obj:
    """Whole yuan → 万元 as canonical decimal text (5000 → 0.5)."""
    uniq, inverse = np.unique(np.asarray(yuan, dtype=np.int64), return_inverse=True)
    texts = [_wan(int(v)) for v in uniq.tolist()]
    return np.asarray(texts, dtype=object)[inverse.ravel()]


def _wan(yuan: int) -> str:
    sign = "-" if yuan < 0 else ""
    whole, rest = divmod(abs(yuan), 10000)
    return f"{sign}{whole}.{rest:04d}".rstrip("0").rstrip(".") if rest else f"{sign}{whole}"


def padded(numbers: I64, width: int) -> Obj:
    """Integers → zero-padded text."""
    return (
        strs(numbers)
        if width == 0
        else np.asarray([str(v).zfill(width) for v in np.asarray(numbers).tolist()], dtype=object)
    )
