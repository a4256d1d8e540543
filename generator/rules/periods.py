"""Penalty publication periods (domain.md §3): rule set by decision date, severity, sector, end of publication.

Stage: rules. Guarantees: vectorised — rows are grouped by (rule set × severity × sector) through small lookup
tables and dates shifted once per distinct month count. A penalty is public from its decision date through its
**last public day** ``min(公示截止期, decision date + max period)``, that day included (民法典 arts. 201–202: the
start day is not counted, the period's last day is): decided 2025-08-01 with a 1-year period, it is public
through 2026-08-01 and gone on 2026-08-02, its **first day gone** (``first_day_gone``). Likewise the minimum
period runs through decision date + min period (``Periods.min_end``, its last day): a repair decided on or
before that day is early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.rules.dates import DayCache, Days, add_months, day, iso, labelled
from generator.rules.models import PenaltyRules, RuleSet
from generator.rules.severity import (
    sector_index,
    severity_ranks,
    simple_procedure,
    warning_only,
)
from generator.rules.vocab import SEVERITIES
from generator.rules.withholding import Hold, hold

DECIDED, PUBLISH_UNTIL = "CF_JDRQ", "CF_GSJZQ"
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Periods:
    """Per row: rule set index (-1 none), severity index, decision day, last day of the minimum period, last
    public day (both days included in their periods; NaT when no rule set applies)."""

    rule_set: Ints
    severity: Ints
    start: Days
    min_end: Days  # last day of the minimum period (NaT if none): a repair decided on or before it is early
    end: Days  # last public day: public while as-of ≤ end, gone from end + 1 day


def first_day_gone(end: Days) -> Days:
    """The first day a record is no longer public, from its last public day (NaT stays NaT)."""
    gone: Days = end + np.timedelta64(1, "D")
    return gone


def penalty_periods(frame: pd.DataFrame, rules: PenaltyRules, days: DayCache) -> Periods:
    """Rule set, severity and the ends of the minimum and maximum periods of every penalty row."""
    sets = sorted(rules.rule_sets, key=lambda s: s.start)
    start = days(DECIDED)
    chosen = _rule_set(start, sets, rules.earlier_decisions == "earliest-set")
    severity = severity_ranks(frame, rules)
    with_sectors = np.array([bool(s.sectors) for s in sets] + [False])  # [-1] → no rule set
    sector = sector_index(frame, rules.sectors, with_sectors[chosen])
    lookup = np.maximum(chosen, 0)
    low, high = _tables(sets, list(rules.sectors.keywords))
    min_months = np.maximum(low[0][lookup, severity], low[1][lookup, sector])
    max_months = np.maximum(high[0][lookup, severity], high[1][lookup, sector])
    end = add_months(start, max_months)
    until = (
        days(PUBLISH_UNTIL)
        if PUBLISH_UNTIL in frame.columns
        else np.full(len(end), np.datetime64("NaT", "D"))
    )
    end = np.where(~np.isnat(until) & (until < end), until, end)
    usable = chosen >= 0
    minimum = _blank(add_months(start, min_months), usable & (min_months > 0))  # 0 months: no minimum period
    return Periods(chosen, severity, start, minimum, _blank(end, usable))


def _rule_set(start: Days, sets: list[RuleSet], extend_back: bool) -> Ints:
    starts = np.array([day(s.start) for s in sets], dtype="datetime64[D]")
    chosen = np.searchsorted(starts, start, side="right").astype(np.int64) - 1
    if extend_back:
        chosen[chosen < 0] = 0
    if (last := sets[-1].until) is not None:
        chosen[start >= day(last)] = -1
    chosen[np.isnat(start)] = -1
    return chosen


def _tables(sets: list[RuleSet], sectors: list[str]) -> tuple[tuple[Ints, Ints], tuple[Ints, Ints]]:
    """(min by severity, min by sector), (max by severity, max by sector); sector column -1 = no sector (0)."""
    by_severity = [[s.periods[name] for name in SEVERITIES] for s in sets]
    low = np.array([[p.min_months for p in row] for row in by_severity], dtype=np.int64)
    high = np.array([[p.max_months for p in row] for row in by_severity], dtype=np.int64)
    sector_low = np.zeros((len(sets), len(sectors) + 1), dtype=np.int64)
    sector_high = np.zeros_like(sector_low)
    for i, rule_set in enumerate(sets):
        for j, name in enumerate(sectors):
            if (own := rule_set.sectors.get(name)) is not None:
                sector_low[i, j], sector_high[i, j] = own.min_months or 0, own.max_months or 0
    return (low, sector_low), (high, sector_high)


def _blank(days: Days, usable: npt.NDArray[np.bool_]) -> Days:
    return np.where(usable, days, np.datetime64("NaT", "D"))


def penalty_holds(frame: pd.DataFrame, periods: Periods, rules: PenaltyRules, as_of: date) -> list[Hold]:
    """No rule set → not-published classes → expired, in that precedence."""
    sets = sorted(rules.rule_sets, key=lambda s: s.start)
    known = ~np.isnat(periods.start)
    holds = [
        hold("no-rule-set", known & (periods.rule_set < 0), "决定日期不在任何公示规则集的适用期间内", DECIDED)
    ]
    if rules.not_published.simple_procedure:
        holds.append(
            hold("not-published-class", simple_procedure(frame), "简易程序（当场处罚）的行政处罚不予公示")
        )
    if rules.not_published.warning_only:
        holds.append(
            hold("not-published-class", warning_only(frame, rules), "仅警告或通报批评的行政处罚不予公示")
        )
    holds.append(_unpublished_severity(periods, sets))
    holds.append(_expired(periods, sets, as_of))
    return holds


def _unpublished_severity(periods: Periods, sets: list[RuleSet]) -> Hold:
    publish = np.array([[s.periods[name].publish for name in SEVERITIES] for s in sets], dtype=bool)
    usable = periods.rule_set >= 0
    rows = np.flatnonzero(usable & ~publish[np.maximum(periods.rule_set, 0), periods.severity])
    return Hold(
        "not-published-class", rows, _labels(periods, sets, rows, "失信程度为 {sev}，按规则集 {set} 不予公示")
    )


def _expired(periods: Periods, sets: list[RuleSet], as_of: date) -> Hold:
    """Penalties past their last public day (public on it, gone the day after): value = the last public day."""
    rows = np.flatnonzero(~np.isnat(periods.end) & (periods.end < day(as_of)))
    template = "公示期届满（规则集 {set}，失信程度 {sev}）：公示至 {last}（含当日），{gone} 起不再公示"
    return Hold(
        "expired", rows, _dated_labels(periods, sets, rows, template), "公示截止", iso(periods.end[rows])
    )


def _dated_labels(
    periods: Periods, sets: list[RuleSet], rows: npt.NDArray[np.intp], template: str
) -> pd.Series:
    """Per-row text naming the last public day and the first day gone, formatted once per distinct
    (rule set, severity, last day) — a few thousand at city scale, not one per row."""
    pair = periods.rule_set[rows] * len(SEVERITIES) + periods.severity[rows]
    last = periods.end[rows].astype(np.int64)
    span = int(last.max(initial=0)) - int(last.min(initial=0)) + 1
    codes, uniques = pd.factorize(pair * span + (last - last.min(initial=0)))  # one int per (pair, day)
    pairs, days = np.divmod(uniques, span)
    days = (days + last.min(initial=0)).astype("datetime64[D]")
    lasts, gones = iso(days).tolist(), iso(first_day_gone(days)).tolist()
    labels = [
        template.format(
            set=sets[p // len(SEVERITIES)].id, sev=SEVERITIES[p % len(SEVERITIES)], last=a, gone=b
        )
        for p, a, b in zip(pairs.tolist(), lasts, gones, strict=True)
    ]
    return labelled(labels, codes)


def _labels(periods: Periods, sets: list[RuleSet], rows: npt.NDArray[np.intp], template: str) -> pd.Series:
    """Per-row text from the few (rule set, severity) pairs, formatted once per pair."""
    labels = [template.format(set=s.id, sev=sev) for s in sets for sev in SEVERITIES]
    pair = periods.rule_set[rows] * len(SEVERITIES) + periods.severity[rows]
    return labelled(labels, pair)
