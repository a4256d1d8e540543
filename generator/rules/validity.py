"""Holds that do not depend on penalty periods: not yet decided, undated, delisted, past validity.

Stage: rules. Guarantees: vectorised over a dataset's current versions, using the schema's roles (``date``,
``valid_until``, ``removed_on``) so other-act datasets with their own schema are treated alike. Boundaries: a
removal date (移出日期) is an event — on that day the entry is gone (``移出日期 ≤ as-of``); a valid-until date
(有效期至) is the last valid day — on that day the record is still public (``有效期至 < as-of`` means
expired), as a penalty is on the last day of its period (``periods``). Empty, 长期 or dates ≥
``open_ended_from`` mean no end.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from generator.rules.dates import DayCache, Days, day
from generator.rules.models import PublicationRules, Validity
from generator.rules.withholding import Hold, hold
from generator.schema import Schema

EXPIRY_REASON = {"licensing": "licence-expired", "list": "list-expired", "other-act": "expired"}


def dated_holds(frame: pd.DataFrame, schema: Schema, as_of: date, days: DayCache) -> list[Hold]:
    """Undated records and records decided after the as-of date (any dataset with a date role)."""
    field = schema.role("date")
    if field is None or field not in frame.columns:
        return []
    decided = days(field)
    undated = np.isnat(decided)
    return [
        hold("invalid-date", undated, f"{field} 不是有效日期，无法确定是否公示", field),
        Hold("not-yet-effective", np.flatnonzero(~undated & (decided > day(as_of))),
             f"决定日期晚于基准日 {as_of.isoformat()}", field, frame[field][decided > day(as_of)].reset_index(drop=True)),
    ]  # fmt: skip


def validity_holds(
    frame: pd.DataFrame, schema: Schema, kind: str, rules: PublicationRules, as_of: date, days: DayCache
) -> list[Hold]:
    """Delisting (lists) and end of validity (licences, lists, other acts with a valid-until role)."""
    holds: list[Hold] = []
    removed = schema.role("removed_on")
    if kind == "list" and removed and removed in frame.columns:
        gone = days(removed) <= day(as_of)
        holds.append(_with_date(frame, removed, gone, "delisted", "已于 {} 移出名单"))
    config = {"licensing": rules.licensing, "list": rules.lists, "other-act": rules.other_acts}.get(kind)
    valid_until = schema.role("valid_until")
    if config is not None and valid_until and valid_until in frame.columns and not config.keep_expired:
        holds.append(_past(frame, days(valid_until), valid_until, config, EXPIRY_REASON[kind], as_of))
    return holds


def _past(frame: pd.DataFrame, until: Days, field: str, config: Validity, reason: str, as_of: date) -> Hold:
    open_ended = np.isnat(until) | (until >= day(config.open_ended_from))
    return _with_date(frame, field, ~open_ended & (until < day(as_of)), reason, "有效期至 {}，已过期")


def _with_date(frame: pd.DataFrame, field: str, mask: np.ndarray, reason: str, template: str) -> Hold:
    rows = np.flatnonzero(mask)
    values = frame[field].iloc[rows].reset_index(drop=True)
    prefix, suffix = template.split("{}")
    return Hold(reason, rows, prefix + values + suffix, field, values)
