"""Penalty publication periods: the rule set by decision date, severity, 公示截止期, boundary days (domain.md §3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.model import RECORD_ID
from tests.rules.tables import apply, penalty, public_ids, reasons, table, with_rules

D = date.fromisoformat
# (case, fields, as-of, public?) — the end day itself is no longer public; 2019 set 一般 12 / 严重 36 months,
# Order No. 58 36 months, 2025 set 一般 12 / 严重 36 months and 轻微 not published.
CASES: list[tuple[str, dict[str, str], str, bool]] = [
    ("2019 一般: day before the end", {"CF_JDRQ": "2020-03-15"}, "2021-03-14", True),
    ("2019 一般: the end day", {"CF_JDRQ": "2020-03-15"}, "2021-03-15", False),
    ("2019 一般: day after the end", {"CF_JDRQ": "2020-03-15"}, "2021-03-16", False),
    ("2019 一般: the decision day itself", {"CF_JDRQ": "2020-03-15"}, "2020-03-15", True),
    (
        "2019 严重: day before 3 years",
        {"CF_JDRQ": "2020-03-15", "CF_CFLB": "吊销许可证件"},
        "2023-03-14",
        True,
    ),
    ("2019 严重: 3 years", {"CF_JDRQ": "2020-03-15", "CF_CFLB": "吊销许可证件"}, "2023-03-15", False),
    (
        "2019 has no 轻微 class: 警告 is 一般",
        {"CF_JDRQ": "2020-03-15", "CF_CFLB": "警告"},
        "2021-03-14",
        True,
    ),
    ("2019 leap day + 12 months = 28 Feb: day before", {"CF_JDRQ": "2020-02-29"}, "2021-02-27", True),
    ("2019 leap day + 12 months = 28 Feb", {"CF_JDRQ": "2020-02-29"}, "2021-02-28", False),
    ("last day under 2019: 12 months", {"CF_JDRQ": "2023-04-30"}, "2024-04-30", False),
    ("first day of Order 58: 36 months", {"CF_JDRQ": "2023-05-01"}, "2026-04-30", True),
    ("Order 58: the end day", {"CF_JDRQ": "2023-05-01"}, "2026-05-01", False),
    ("Order 58 严重: also 36 months", {"CF_JDRQ": "2023-06-01", "CF_CFLB": "责令关闭"}, "2026-05-31", True),
    ("Order 58 leap day + 36 months: day before", {"CF_JDRQ": "2024-02-29"}, "2027-02-27", True),
    ("Order 58 leap day + 36 months = 28 Feb 2027", {"CF_JDRQ": "2024-02-29"}, "2027-02-28", False),
    ("last day under Order 58", {"CF_JDRQ": "2025-06-21"}, "2028-06-20", True),
    ("first day of 2025 set: 一般 12 months", {"CF_JDRQ": "2025-06-22"}, "2026-06-21", True),
    ("2025 一般: the end day", {"CF_JDRQ": "2025-06-22"}, "2026-06-22", False),
    ("2025 一般: day after", {"CF_JDRQ": "2025-06-22"}, "2026-06-23", False),
    ("2025 严重: day before 3 years", {"CF_JDRQ": "2025-07-01", "CF_CFLB": "行政拘留"}, "2028-06-30", True),
    ("2025 严重: 3 years", {"CF_JDRQ": "2025-07-01", "CF_CFLB": "行政拘留"}, "2028-07-01", False),
    ("2025 轻微 is never published", {"CF_JDRQ": "2025-07-01", "CF_CFLB": "警告"}, "2025-07-01", False),
    (
        "公示截止期 earlier than max: day before",
        {"CF_JDRQ": "2025-09-01", "CF_GSJZQ": "2026-01-10"},
        "2026-01-09",
        True,
    ),
    (
        "公示截止期 earlier than max: that day",
        {"CF_JDRQ": "2025-09-01", "CF_GSJZQ": "2026-01-10"},
        "2026-01-10",
        False,
    ),
    (
        "公示截止期 later than max: max wins",
        {"CF_JDRQ": "2025-09-01", "CF_GSJZQ": "2027-01-10"},
        "2026-09-01",
        False,
    ),
    ("before 2019-07: the 2019 set extended back", {"CF_JDRQ": "2019-06-30"}, "2020-06-29", True),
    ("before 2019-07: and it ends", {"CF_JDRQ": "2019-06-30"}, "2020-06-30", False),
    ("decided after as-of: not yet", {"CF_JDRQ": "2026-03-02"}, "2026-03-01", False),
]


@pytest.mark.parametrize(("fields", "as_of", "public"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_penalty_is_public_exactly_within_its_period(
    fields: dict[str, str], as_of: str, public: bool
) -> None:
    record = penalty(**fields)
    result = apply(table("penalty", [record]), as_of=D(as_of))
    assert (len(result.tables["penalties"].frame) == 1) is public


REASON_CASES = [
    ({"CF_JDRQ": "2020-03-15"}, "2021-03-15", "expired"),
    ({"CF_JDRQ": "2025-07-01", "CF_CFLB": "警告；通报批评"}, "2025-08-01", "not-published-class"),
    ({"CF_JDRQ": "2025-07-01", "CF_CXLX": "简易程序"}, "2025-08-01", "not-published-class"),
    ({"CF_JDRQ": "2026-03-02"}, "2026-03-01", "not-yet-effective"),
]


@pytest.mark.parametrize(("fields", "as_of", "reason"), REASON_CASES)
def test_withheld_penalty_carries_its_reason(fields: dict[str, str], as_of: str, reason: str) -> None:
    result = apply(table("penalty", [penalty(**fields)]), as_of=D(as_of))
    assert list(result.ledger["reason"]) == [reason]
    assert result.ledger["fate"].tolist() == ["withheld"]
    assert result.ledger["message"].str.len().min() > 0


def test_expired_ledger_row_names_the_first_day_off_the_portal() -> None:
    result = apply(table("penalty", [penalty(CF_JDRQ="2025-06-22")]), as_of=D("2026-07-01"))
    row = result.ledger.iloc[0]
    assert (row["reason"], row["value"]) == ("expired", "2026-06-22")
    assert "gbf-2025-22" in row["message"]


def test_public_until_gives_the_end_day_of_each_public_penalty() -> None:
    records = [penalty(CF_JDRQ="2025-09-01"), penalty(CF_JDRQ="2025-09-01", CF_GSJZQ="2026-05-04")]
    result = apply(table("penalty", records))
    ids = result.tables["penalties"].frame[RECORD_ID].tolist()
    assert [result.public_until[i] for i in ids] == ["2026-09-01", "2026-05-04"]


def test_publishing_2025_minor_penalties_for_three_months_is_configurable(tmp_path: Path) -> None:
    def publish_minor(data: dict[str, Any]) -> None:
        data["penalty"]["rule_sets"][2]["periods"]["轻微"]["publish"] = True

    rules = with_rules(tmp_path, publish_minor)
    records = table("penalty", [penalty(CF_JDRQ="2025-07-01", CF_CFLB="警告")])
    assert len(apply(records, as_of=D("2025-09-30"), rules=rules).tables["penalties"].frame) == 1
    assert len(apply(records, as_of=D("2025-10-01"), rules=rules).tables["penalties"].frame) == 0


def test_decisions_before_the_earliest_set_can_be_withheld(tmp_path: Path) -> None:
    def withhold(data: dict[str, Any]) -> None:
        data["penalty"]["earlier_decisions"] = "withhold"

    records = table("penalty", [old := penalty(CF_JDRQ="2019-06-30"), penalty(CF_JDRQ="2019-07-01")])
    result = apply(records, as_of=D("2020-01-01"), rules=with_rules(tmp_path, withhold))
    assert list(result.ledger["reason"]) == ["no-rule-set"]
    assert result.ledger["_row"].tolist() == [2]
    assert old["CF_WSH"] not in set(result.tables["penalties"].frame["CF_WSH"])


def test_warning_only_penalties_can_be_withheld_under_every_rule_set(tmp_path: Path) -> None:
    def samr(data: dict[str, Any]) -> None:
        data["penalty"]["not_published"]["warning_only"] = True

    records = table("penalty", [penalty(CF_JDRQ="2020-03-15", CF_CFLB="警告"), penalty(CF_JDRQ="2020-03-15")])
    result = apply(records, as_of=D("2020-04-01"), rules=with_rules(tmp_path, samr))
    assert len(public_ids(result, "penalties")) == 1
    assert set(reasons(result).values()) == {"not-published-class"}


def test_simple_procedure_penalties_are_published_when_configured(tmp_path: Path) -> None:
    def publish_simple(data: dict[str, Any]) -> None:
        data["penalty"]["not_published"]["simple_procedure"] = False

    records = table("penalty", [penalty(CF_CXLX="简易程序")])
    assert len(apply(records, rules=with_rules(tmp_path, publish_simple)).tables["penalties"].frame) == 1
