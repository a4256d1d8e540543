"""Working days (chinese_calendar + rules/calendar.yaml, Mon–Fri fallback) and 及时率 / 合规率 (domain.md §7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from generator.model import RECORD_ID
from generator.problems import Level
from generator.rules.models import CalendarRules
from generator.rules.workdays import build_calendar, working_days_after
from tests.rules.tables import (
    DEPARTMENT,
    apply,
    default_publication,
    licence,
    penalty,
    rules_from,
    table,
    write_catalog,
)

D = date.fromisoformat


def _count(start: str, end: str, overrides: CalendarRules | None = None) -> int:
    calendar = build_calendar(range(int(start[:4]), int(end[:4]) + 1), overrides or CalendarRules())
    days = working_days_after(np.array([start], "datetime64[D]"), np.array([end], "datetime64[D]"), calendar)
    return int(days[0])


WORKDAY_CASES = [
    ("same day", "2025-09-01", "2025-09-01", 0),
    ("next working day", "2025-09-01", "2025-09-02", 1),
    ("over a weekend", "2025-09-05", "2025-09-08", 1),
    ("National Day 2025: 1–8 Oct off", "2025-09-30", "2025-10-10", 2),
    ("makeup Saturday 2025-10-11 counts", "2025-10-10", "2025-10-11", 1),
    ("Spring Festival 2026 with makeup 14 and 28 Feb", "2026-02-13", "2026-02-28", 6),
    ("published before the decision date", "2025-09-10", "2025-09-01", 0),
]


@pytest.mark.parametrize(
    ("start", "end", "days"), [c[1:] for c in WORKDAY_CASES], ids=[c[0] for c in WORKDAY_CASES]
)
def test_working_days_follow_the_official_schedule(start: str, end: str, days: int) -> None:
    assert _count(start, end) == days


def test_uncovered_year_falls_back_to_monday_to_friday() -> None:
    calendar = build_calendar([2027], CalendarRules())
    assert calendar.fallback_years == (2027,)
    assert _count("2027-09-30", "2027-10-08") == 6  # no National Day known: plain weekdays


def test_calendar_yaml_completes_a_year_and_overrides_the_package() -> None:
    overrides = CalendarRules.model_validate(
        {
            "years": {
                2027: {
                    "complete": True,
                    "holidays": ["2027-10-01", "2027-10-04"],
                    "workdays": ["2027-10-09"],
                },
                2025: {"complete": True, "holidays": ["2025-09-01"]},
            }
        }
    )
    assert build_calendar([2025, 2027], overrides).fallback_years == ()
    assert _count("2027-09-30", "2027-10-09", overrides) == 5  # 1 and 4 Oct off, Saturday 9 Oct worked
    assert _count("2025-08-29", "2025-09-02", overrides) == 1  # a local day off on top of chinese_calendar


def test_record_spanning_an_uncovered_year_is_reported_once_and_never_crashes() -> None:
    records = table("penalty", [penalty(CF_JDRQ="2026-12-28"), penalty(CF_JDRQ="2026-12-30")])
    result = apply(records, as_of=D("2027-01-08"))
    fallback = [p for p in result.problems if p.code == "rules-calendar-fallback"]
    assert [(p.level, p.value) for p in fallback] == [(Level.WARNING, "2027")]
    assert result.timeliness["working_days"].tolist() == [9, 7]


def test_a_complete_calendar_entry_silences_the_fallback(tmp_path: Path) -> None:
    calendar = {"years": {2027: {"complete": True, "holidays": [D("2027-01-01")], "workdays": []}}}
    rules = rules_from(write_catalog(tmp_path, default_publication(), calendar))
    result = apply(table("penalty", [penalty(CF_JDRQ="2026-12-30")]), as_of=D("2027-01-08"), rules=rules)
    assert not [p for p in result.problems if p.code == "rules-calendar-fallback"]
    assert result.timeliness["working_days"].tolist() == [6]


def test_timeliness_uses_the_earlier_first_publication_date() -> None:
    records = table("penalty", [penalty(CF_JDRQ="2025-09-30"), penalty(CF_JDRQ="2025-09-01")])
    ids = records.frame[RECORD_ID].tolist()
    earlier = pd.Series(["2025-10-10"], index=[ids[0]], dtype="str")
    result = apply(records, as_of=D("2025-11-03"), first=earlier)
    assert result.first_published.to_dict() == {ids[0]: "2025-10-10", ids[1]: "2025-11-03"}
    timely = result.timeliness.set_index(RECORD_ID)
    assert timely.loc[ids[0], ["working_days", "timely"]].tolist() == [2, True]
    assert timely.loc[ids[1], ["working_days", "timely"]].tolist() == [
        41,
        False,
    ]  # 22 in September (with Sunday 28th), 18 in October, 1
    assert timely.loc[ids[0], ["dataset", "department", "decided_on"]].tolist() == [
        "penalties",
        DEPARTMENT,
        "2025-09-30",
    ]


def test_the_seven_working_day_limit_is_inclusive_and_configurable(tmp_path: Path) -> None:
    records = table("penalty", [penalty(CF_JDRQ="2025-09-01")])  # Monday; +7 working days = Wednesday 10th
    assert apply(records, as_of=D("2025-09-10")).timeliness["timely"].tolist() == [True]
    assert apply(records, as_of=D("2025-09-11")).timeliness["timely"].tolist() == [False]

    def five(data: dict[str, Any]) -> None:
        data["timeliness"]["working_days"] = 5

    data = default_publication()
    five(data)
    rules = rules_from(write_catalog(tmp_path, data))
    assert apply(records, as_of=D("2025-09-10"), rules=rules).timeliness["timely"].tolist() == [False]


def test_departments_report_timeliness_and_compliance_rates() -> None:
    other = "临江市应急管理局"
    records = table(
        "penalty",
        [
            penalty(CF_JDRQ="2026-02-26"),
            penalty(CF_JDRQ="2019-01-01"),
            penalty(CF_CFJG=other, CF_JDRQ="2026-01-05"),
        ],
    )
    rejected = pd.DataFrame(
        {"dataset": ["penalties", "penalties", "licences"], "department": [DEPARTMENT, other, "x"]}
    )
    from generator.rules import apply_rules
    from tests.rules.tables import packaged_rules, stage

    result = apply_rules(
        stage(records, table("licensing", [licence()])),
        packaged_rules(),
        D("2026-03-01"),
        pd.Series(dtype="str"),
        rejected,
    )
    rows = result.departments.set_index(["dataset", "department"])
    assert rows.loc[("penalties", DEPARTMENT)].to_dict() == {
        "submitted": 3, "accepted": 2, "published": 1, "timely": 1, "及时率": 1.0, "合规率": round(2 / 3, 4)
    }  # fmt: skip
    assert rows.loc[("penalties", other), ["published", "timely", "及时率", "合规率"]].tolist() == [
        1,
        0,
        0.0,
        0.5,
    ]
    assert rows.loc[("licences", "x"), ["submitted", "accepted", "合规率"]].tolist() == [1, 0, 0.0]
    assert rows.loc[("licences", DEPARTMENT), ["published", "timely"]].tolist() == [1, 0]


def test_without_a_rejected_table_rejections_come_from_the_validation_ledger() -> None:
    from generator.model import StageResult, empty_ledger
    from generator.rules import apply_rules
    from tests.rules.tables import packaged_rules

    records = table("penalty", [penalty()])
    ledger = pd.concat(
        [empty_ledger(), pd.DataFrame({"dataset": ["penalties"], "fate": ["rejected"], "_row": [9]})]
    )
    valid = StageResult(tables={"penalties": records}, ledger=ledger)
    result = apply_rules(valid, packaged_rules(), D("2026-03-01"), pd.Series(dtype="str"))
    rows = result.departments.set_index(["dataset", "department"])
    assert rows.loc[("penalties", ""), ["submitted", "accepted"]].tolist() == [1, 0]
    assert rows.loc[("penalties", DEPARTMENT), ["submitted", "accepted", "合规率"]].tolist() == [1, 1, 1.0]


def test_rejected_rows_are_attributed_to_the_department_their_raw_row_names() -> None:
    from generator.model import StageResult
    from generator.rules import rejected_departments

    raw = table("penalty", [penalty(), penalty(CF_CFJG="临江市应急管理局")])
    ledger = pd.DataFrame({"dataset": ["penalties", "penalties", "penalties"], "_file": ["datasets/penalties/batch-00.csv"] * 3,
                           "_row": [3, 2, 40], "fate": ["rejected", "withheld", "rejected"]})  # fmt: skip
    rejected = rejected_departments(StageResult(tables={"penalties": raw}), ledger)
    assert rejected[["_row", "department"]].values.tolist() == [[3, "临江市应急管理局"], [40, ""]]
