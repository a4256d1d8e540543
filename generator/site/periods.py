"""The dates a record states beside its fields: its last public day (公示截止期) and, for a penalty (or a 失诺
commitment) with a minimum publication period, the first day credit repair (信用修复) may be applied for.

Stage: render site (views annotated before any page is keyed or rendered). Guarantees: the dates come from the
rules' own code and the catalog's rule data (``generator.rules.periods.penalty_periods``,
``generator.rules.credit.fulfilment_periods``; the validity settings of licences, lists, other acts,
evaluations and registrations), applied to the public table, so a page states the very day the rules take
the record down after — that day included, as the rules count it; they become two derived view columns
(``LAST_DAY``, ``REPAIR_FROM``, ISO dates or '') so the page-unit keys, which hash every view column, cover
them; nothing depends on the clock: a date once stated stays right until the record itself changes. No rule
data (a bare publication, as in unit tests) → both columns empty.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from generator.model import RECORD_ID, Table
from generator.rules.credit import fulfilment_periods
from generator.rules.dates import NAT, DayCache, Days, day, iso
from generator.rules.models import PublicationRules, Validity
from generator.rules.periods import first_day_gone, penalty_periods
from generator.site.view import DatasetView

LAST_DAY, REPAIR_FROM = "_last_day", "_repair_from"


def with_periods(
    views: list[DatasetView], tables: dict[str, Table], rules: PublicationRules | None
) -> list[DatasetView]:
    """``views`` with the two date columns added (every view gets them, empty where nothing applies)."""
    return [_annotated(view, tables.get(view.id), rules) for view in views]


def _annotated(view: DatasetView, table: Table | None, rules: PublicationRules | None) -> DatasetView:
    if LAST_DAY in view.frame.columns:
        return view
    last, repair = _dates(view, table, rules)
    ids = view.frame[RECORD_ID]
    frame = view.frame.assign(**{LAST_DAY: _align(last, ids), REPAIR_FROM: _align(repair, ids)})
    return replace(view, frame=frame)


def _align(dates: pd.Series, ids: pd.Series) -> pd.Series:
    """Dates by record ID, in the view's row order ('' for a record without one)."""
    if dates.empty:
        return pd.Series("", index=ids.index, dtype="str")
    return pd.Series(dates.reindex(ids.to_numpy()).fillna("").to_numpy(dtype=object), index=ids.index).astype(
        "str"
    )


def _dates(
    view: DatasetView, table: Table | None, rules: PublicationRules | None
) -> tuple[pd.Series, pd.Series]:
    """(last public day, first day repair may be applied for), by record ID."""
    empty = pd.Series(dtype="str")
    if rules is None or table is None or table.frame.empty:
        return empty, empty
    frame = table.frame.reset_index(drop=True)
    ids = frame[RECORD_ID].to_numpy()
    if view.kind == "penalty":
        return _penalty_dates(frame, rules, ids)
    if view.kind == "fulfilment":
        return _fulfilment_dates(view, frame, rules, ids)
    last = _validity_end(view, frame, rules)
    return (empty, empty) if last is None else (iso(last).set_axis(ids), empty)


def _penalty_dates(
    frame: pd.DataFrame, rules: PublicationRules, ids: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """The rules' last public day, and the day after the minimum period's last day — when that day still falls
    within the publication (a repair is possible only while the record is public)."""
    periods = penalty_periods(frame, rules.penalty, DayCache(frame))
    repair = first_day_gone(periods.min_end)
    repair = np.where(~np.isnat(repair) & (repair <= periods.end), repair, NAT)
    return iso(periods.end).set_axis(ids), iso(repair).set_axis(ids)


def _fulfilment_dates(
    view: DatasetView, frame: pd.DataFrame, rules: PublicationRules, ids: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """失诺 (and public 践诺): the rules' last public day from the 核查日期; 失诺: the day after the minimum
    period's last day, while the record is still public then (``generator.rules.credit.fulfilment_periods``)."""
    if rules.fulfilment is None:
        empty = pd.Series(dtype="str")
        return empty, empty
    end, min_end = fulfilment_periods(frame, view.spec.schema, rules.fulfilment, DayCache(frame))
    repair = first_day_gone(min_end)
    repair = np.where(~np.isnat(repair) & (repair <= end), repair, NAT)
    return iso(end).set_axis(ids), iso(repair).set_axis(ids)


def _validity_end(view: DatasetView, frame: pd.DataFrame, rules: PublicationRules) -> Days | None:
    """Licences, list entries, other acts: the last valid day (有效期至) unless open-ended or kept after it;
    a list entry with a removal date (移出日期) is public through the day before it."""
    config: Validity | None = {
        "licensing": rules.licensing,
        "list": rules.lists,
        "other-act": rules.other_acts,
        "evaluation": rules.evaluations,
        "registration": rules.registrations,
    }.get(view.kind)
    if config is None:
        return None
    days = DayCache(frame)
    end = np.full(len(frame), NAT, dtype="datetime64[D]")
    until = view.spec.schema.role("valid_until")
    if until and until in frame.columns and not config.keep_expired:
        valid = days(until)
        end = np.where(np.isnat(valid) | (valid >= day(config.open_ended_from)), NAT, valid)
    removed = view.spec.schema.role("removed_on")
    if view.kind == "list" and removed and removed in frame.columns:
        before = days(removed) - np.timedelta64(1, "D")
        end = np.where(~np.isnat(before) & (np.isnat(end) | (before < end)), before, end)
    return end
