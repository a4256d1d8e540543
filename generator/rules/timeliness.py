"""Timeliness of first publication (7 个工作日) per record, and 及时率 / 合规率 per department.

Stage: rules. Guarantees: pure (the only dates are the records', the build state's and the as-of date);
``first_published`` of a record already public in an earlier build is kept, a new one gets the as-of date; an
uncovered calendar year is reported once (``rules-calendar-fallback``), never an exception.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from generator.model import FILE, RECORD_ID, REJECTED, ROW, StageResult, Table
from generator.problems import Problem, problem
from generator.rules.columns import lookup
from generator.rules.dates import to_days
from generator.rules.models import CalendarRules, Timeliness
from generator.rules.workdays import build_calendar, working_days_after, years_spanned

TIMELINESS_COLUMNS = (
    "dataset",
    RECORD_ID,
    "department",
    "decided_on",
    "first_published",
    "working_days",
    "timely",
)
DEPARTMENT_COLUMNS = (
    "dataset",
    "department",
    "submitted",
    "accepted",
    "published",
    "timely",
    "及时率",
    "合规率",
)


def first_publication(public: dict[str, Table], earlier: pd.Series, as_of: date) -> dict[str, pd.Series]:
    """Per dataset, aligned with its public frame: the ISO date each record was first public — the earlier
    build's date, or the as-of date for a record public for the first time."""
    index, values = earlier.index.astype("str"), earlier.astype("str")
    return {name: lookup(t.frame[RECORD_ID], index, values, as_of.isoformat()) for name, t in public.items()}


def as_series(public: dict[str, Table], first: dict[str, pd.Series]) -> pd.Series:
    """The per-dataset first-publication dates as one Series: record ID → ISO date."""
    ids = [t.frame[RECORD_ID].astype("str") for t in public.values()] or [pd.Series(dtype="str")]
    dates = [first[name] for name in public] or [pd.Series(dtype="str")]
    index = pd.Index(pd.concat(ids, ignore_index=True), name=RECORD_ID)
    return pd.concat(dates, ignore_index=True).set_axis(index).rename("first_published")


def timeliness(
    public: dict[str, Table], first: dict[str, pd.Series], rules: Timeliness, overrides: CalendarRules
) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per public record of a measured kind that has a decision date."""
    parts = [
        _measured(name, t, first[name]) for name, t in public.items() if t.spec.config.kind in rules.kinds
    ]
    frame = pd.concat([p for p in parts if p is not None] or [_empty_timeliness()], ignore_index=True)
    start, end = to_days(frame["decided_on"]), to_days(frame["first_published"])
    calendar = build_calendar(years_spanned(start + np.timedelta64(1, "D"), end), overrides)
    frame["working_days"] = working_days_after(start, end, calendar)
    frame["timely"] = frame["working_days"] <= rules.working_days
    return frame[list(TIMELINESS_COLUMNS)], [_fallback(year) for year in calendar.fallback_years]


def _measured(name: str, table: Table, first: pd.Series) -> pd.DataFrame | None:
    schema, frame = table.spec.schema, table.frame
    decided = schema.role("date")
    if decided is None or decided not in frame.columns:
        return None
    department = schema.role("department")
    ok = ~np.isnat(to_days(frame[decided]))
    return pd.DataFrame(
        {
            "dataset": name,
            RECORD_ID: frame[RECORD_ID][ok].reset_index(drop=True),
            "department": frame[department][ok].reset_index(drop=True) if department in frame.columns else "",
            "decided_on": frame[decided][ok].reset_index(drop=True),
            "first_published": first[ok].reset_index(drop=True),
        }
    )


def _empty_timeliness() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in TIMELINESS_COLUMNS[:5]})


def _fallback(year: int) -> Problem:
    text = f"{year} 年的法定节假日安排未知（chinese_calendar 与 rules/calendar.yaml 均未覆盖），工作日按周一至周五计算"
    return problem(
        "rules-calendar-fallback", text, file="rules/calendar.yaml", field=f"years.{year}", value=str(year)
    )


def departments(
    accepted: dict[str, pd.Series], public: dict[str, Table], timely: pd.DataFrame, rejected: pd.DataFrame
) -> pd.DataFrame:
    """Per dataset and department: rows submitted (accepted + rejected), accepted (``accepted``: dataset →
    ``department_counts`` of its validated table), published, timely, rates."""
    measured = timely.groupby(["dataset", "department"]).size()
    counts = [
        _joined(accepted).rename("accepted"),
        rejected.astype("str").groupby(["dataset", "department"]).size().rename("rejected"),
        _by_department(public).rename("published"),
        timely[timely["timely"]].groupby(["dataset", "department"]).size().rename("timely"),
    ]
    table = pd.concat(counts, axis=1).fillna(0).astype("int64").sort_index()
    table["submitted"] = table["accepted"] + table["rejected"]
    table["及时率"] = (table["timely"] / measured.reindex(table.index)).round(4)
    table["合规率"] = (table["accepted"] / table["submitted"].where(table["submitted"] > 0)).round(4)
    return table.rename_axis(["dataset", "department"]).reset_index()[list(DEPARTMENT_COLUMNS)]


def department_counts(table: Table) -> pd.Series:
    """Department → the table's rows (the department text as submitted, '' when the dataset has none)."""
    return _department(table).value_counts(sort=False)


def _by_department(tables: dict[str, Table]) -> pd.Series:
    """(dataset, department) → rows, by value_counts per dataset (the dataset column is never materialised)."""
    return _joined({name: department_counts(table) for name, table in tables.items()})


def _joined(parts: dict[str, pd.Series]) -> pd.Series:
    """Each dataset's ``department_counts`` as one series by (dataset, department)."""
    if not parts:
        return pd.Series(dtype="int64", index=pd.MultiIndex.from_tuples([], names=["dataset", "department"]))
    return pd.concat(parts, names=["dataset", "department"])


def _department(table: Table) -> pd.Series:
    column = table.spec.schema.role("department")
    if column in table.frame.columns:
        return table.frame[str(column)].astype("str")
    return pd.Series("", index=table.frame.index, dtype="str")


def rejected_rows(ledger: pd.DataFrame, rejected: pd.DataFrame | None) -> pd.DataFrame:
    """The rejected rows to count, as (dataset, department): the caller's rows (only fate ``rejected`` when it
    has a fate column; department '' when it has none), else the validation ledger's under department ''."""
    rows = ledger if rejected is None else rejected
    if "fate" in rows.columns:
        rows = rows[rows["fate"] == REJECTED]
    department = rows["department"] if "department" in rows.columns else ""
    return pd.DataFrame({"dataset": rows["dataset"], "department": department}).astype("str")


def rejected_departments(raw: StageResult, ledger: pd.DataFrame) -> pd.DataFrame:
    """The ``rejected`` argument of ``apply_rules``: each rejected row of ``ledger`` with the department its raw
    row names ('' when the row could not be read at all), so 合规率 is per department."""
    rows = ledger.loc[ledger["fate"] == REJECTED, ["dataset", FILE, ROW]].astype(
        {"dataset": "str", FILE: "str"}
    )
    parts = [pd.DataFrame({"dataset": pd.Series(dtype="str"), FILE: pd.Series(dtype="str"), ROW: pd.Series(dtype="int64"),
                           "department": pd.Series(dtype="str")})]  # fmt: skip
    for name, table in raw.tables.items():
        column = table.spec.schema.role("department")
        if column is not None and column in table.frame.columns:
            found = (
                table.frame[[FILE, ROW, column]].rename(columns={column: "department"}).assign(dataset=name)
            )
            parts.append(found.astype({FILE: "str", "department": "str", ROW: "int64"}))
    lookup = pd.concat(parts, ignore_index=True).drop_duplicates(["dataset", FILE, ROW])
    merged = rows.astype({ROW: "int64"}).merge(lookup, on=["dataset", FILE, ROW], how="left")
    return merged.assign(department=merged["department"].fillna("").astype("str"))
