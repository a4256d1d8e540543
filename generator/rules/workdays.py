"""Legal working days (domain.md §7): chinese_calendar + rules/calendar.yaml, Mon–Fri fallback with a warning.

Stage: rules. Guarantees: never raises for an uncovered year — a year neither chinese_calendar (2004–2026 in
1.11) nor a ``complete: true`` calendar.yaml entry covers is counted Monday–Friday (plus any days listed for it)
and reported once; calendar.yaml days win over the package. Counting is vectorised with numpy.busday_count
(weekday holidays as its holiday list) plus a sorted array of makeup workdays that fall on weekends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import chinese_calendar
import numpy as np
import numpy.typing as npt

from generator.rules.dates import Days
from generator.rules.models import CalendarRules


@dataclass(frozen=True)
class WorkCalendar:
    """Weekdays that are days off, weekend days that are workdays, and the years counted Mon–Fri."""

    days_off: Days  # sorted weekday dates that are not working days
    makeup: Days  # sorted weekend dates that are working days
    fallback_years: tuple[int, ...]


def build_calendar(years: Iterable[int], overrides: CalendarRules) -> WorkCalendar:
    """The working-day calendar for the given years (built once per build)."""
    off: set[date] = set()
    makeup: set[date] = set()
    fallback: list[int] = []
    for year in sorted(set(years)):
        own = overrides.years.get(year)
        package = _package_covers(year)
        if not package and not (own and own.complete):
            fallback.append(year)
        holidays = {d for d in chinese_calendar.holidays if d.year == year} if package else set()
        workdays = {d for d in chinese_calendar.workdays if d.year == year} if package else set()
        if own:
            holidays = (holidays - set(own.workdays)) | set(own.holidays)
            workdays = (workdays - set(own.holidays)) | set(own.workdays)
        off |= {d for d in holidays if d.weekday() < 5}
        makeup |= {d for d in workdays if d.weekday() >= 5}
    return WorkCalendar(_days(off), _days(makeup), tuple(fallback))


def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _days(values: set[date]) -> Days:
    return np.array(sorted(values), dtype="datetime64[D]")


def working_days_after(start: Days, end: Days, calendar: WorkCalendar) -> npt.NDArray[np.int64]:
    """Working days in (start, end]: 0 when published on the decision day or on the next day off."""
    begin, stop = start + np.timedelta64(1, "D"), end + np.timedelta64(1, "D")
    counted = np.busday_count(begin, stop, holidays=calendar.days_off).astype(np.int64)
    extra = np.searchsorted(calendar.makeup, stop) - np.searchsorted(calendar.makeup, begin)
    return np.maximum(counted + extra.astype(np.int64), 0)


def years_spanned(start: Days, end: Days) -> set[int]:
    """Every calendar year touched by some (start, end] span (computed on the distinct year pairs)."""
    first = start.astype("datetime64[Y]").astype(np.int64) + 1970
    last = end.astype("datetime64[Y]").astype(np.int64) + 1970
    pairs = set(zip(first.tolist(), last.tolist(), strict=True))
    return {year for low, high in pairs for year in range(min(low, high), max(low, high) + 1)}
