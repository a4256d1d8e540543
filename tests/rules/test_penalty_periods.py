"""Penalty publication periods: the rule set by decision date, severity, 公示截止期, boundary days (domain.md §3):
public through the last day of the period, that day included; gone the day after."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.model import RECORD_ID
from generator.rules import RuleData
from tests.rules.tables import (
    REPO_CATALOG_RULES,
    apply,
    packaged_rules,
    penalty,
    public_ids,
    reasons,
    rules_from,
    table,
    with_rules,
    write_catalog,
)

D = date.fromisoformat
DAY = timedelta(days=1)

# A penalty is public from its decision date through its last public day, that day included (民法典 arts.
# 201–202: the start day is not counted, the last day is), and gone from the next day. (case, fields, last public
# day) per shipped rule set: 2019 set 一般 12 / 严重 36 months; Order No. 58 36 months; 2025 set 一般 12 /
# 严重 36 months; month ends land on the month's last day (2020-02-29 + 12 months = 2021-02-28).
BOUNDARIES: list[tuple[str, dict[str, str], str]] = [
    ("fgw-2019-527 一般: 1 year", {"CF_JDRQ": "2020-03-15"}, "2021-03-15"),
    ("fgw-2019-527 严重: 3 years", {"CF_JDRQ": "2020-03-15", "CF_CFLB": "吊销许可证件"}, "2023-03-15"),
    (
        "fgw-2019-527 has no 轻微 class: 警告 is 一般",
        {"CF_JDRQ": "2020-03-15", "CF_CFLB": "警告"},
        "2021-03-15",
    ),
    ("fgw-2019-527 leap day + 12 months = 28 Feb", {"CF_JDRQ": "2020-02-29"}, "2021-02-28"),
    ("fgw-2019-527 month end + 12 months", {"CF_JDRQ": "2021-08-31"}, "2022-08-31"),
    ("fgw-2019-527 last day it applies", {"CF_JDRQ": "2023-04-30"}, "2024-04-30"),
    ("fgw-2019-527 extended back before 2019-07", {"CF_JDRQ": "2019-06-30"}, "2020-06-30"),
    ("ndrc-order-58 first day: 3 years", {"CF_JDRQ": "2023-05-01"}, "2026-05-01"),
    ("ndrc-order-58 严重: also 3 years", {"CF_JDRQ": "2023-06-01", "CF_CFLB": "责令关闭"}, "2026-06-01"),
    ("ndrc-order-58 leap day + 36 months = 28 Feb", {"CF_JDRQ": "2024-02-29"}, "2027-02-28"),
    ("ndrc-order-58 last day it applies", {"CF_JDRQ": "2025-06-21"}, "2028-06-21"),
    ("gbf-2025-22 first day: 一般 1 year", {"CF_JDRQ": "2025-06-22"}, "2026-06-22"),
    ("gbf-2025-22 the domain.md example", {"CF_JDRQ": "2025-08-01"}, "2026-08-01"),
    ("gbf-2025-22 严重: 3 years", {"CF_JDRQ": "2025-07-01", "CF_CFLB": "行政拘留"}, "2028-07-01"),
    ("gbf-2025-22 month end + 12 months", {"CF_JDRQ": "2025-10-31"}, "2026-10-31"),
    ("gbf-2025-22 leap day + 12 months = 28 Feb", {"CF_JDRQ": "2028-02-29"}, "2029-02-28"),
    ("公示截止期 earlier than the max", {"CF_JDRQ": "2025-09-01", "CF_GSJZQ": "2026-01-10"}, "2026-01-10"),
    (
        "公示截止期 later than the max: max wins",
        {"CF_JDRQ": "2025-09-01", "CF_GSJZQ": "2027-01-10"},
        "2026-09-01",
    ),
    ("公示截止期 on the decision day", {"CF_JDRQ": "2025-09-01", "CF_GSJZQ": "2025-09-01"}, "2025-09-01"),
]
RULE_FILES = ["packaged defaults", "catalog/rules/publication.yaml"]


def _rules(source: str, root: Path) -> RuleData:
    if source == "packaged defaults":
        return packaged_rules()
    text = (REPO_CATALOG_RULES / "publication.yaml").read_text(encoding="utf-8")
    return rules_from(write_catalog(root, yaml.safe_load(text)))


@pytest.mark.parametrize("source", RULE_FILES)
@pytest.mark.parametrize(("fields", "last"), [c[1:] for c in BOUNDARIES], ids=[c[0] for c in BOUNDARIES])
def test_penalty_is_public_on_its_last_day_and_gone_the_day_after(
    tmp_path: Path, source: str, fields: dict[str, str], last: str
) -> None:
    rules = _rules(source, tmp_path)
    record = table("penalty", [penalty(**fields)])
    on_last_day = apply(record, as_of=D(last), rules=rules)
    assert len(on_last_day.tables["penalties"].frame) == 1
    assert on_last_day.public_until.tolist() == [(D(last) + DAY).isoformat()]  # the first day gone
    day_after = apply(record, as_of=D(last) + DAY, rules=rules)
    assert day_after.tables["penalties"].frame.empty
    assert day_after.ledger[["reason", "value"]].values.tolist() == [["expired", last]]


OTHER_CASES: list[tuple[str, dict[str, str], str, bool]] = [
    ("the decision day itself", {"CF_JDRQ": "2020-03-15"}, "2020-03-15", True),
    ("2025 轻微 is never published", {"CF_JDRQ": "2025-07-01", "CF_CFLB": "警告"}, "2025-07-01", False),
    ("decided after as-of: not yet", {"CF_JDRQ": "2026-03-02"}, "2026-03-01", False),
]


@pytest.mark.parametrize(
    ("fields", "as_of", "public"), [c[1:] for c in OTHER_CASES], ids=[c[0] for c in OTHER_CASES]
)
def test_penalty_is_public_exactly_within_its_period(
    fields: dict[str, str], as_of: str, public: bool
) -> None:
    result = apply(table("penalty", [penalty(**fields)]), as_of=D(as_of))
    assert (len(result.tables["penalties"].frame) == 1) is public


def test_a_year_under_a_rule_set_configured_for_12_months_ends_on_28_february_after_a_leap_day(
    tmp_path: Path,
) -> None:
    def one_year(data: dict[str, Any]) -> None:
        data["penalty"]["rule_sets"][1]["periods"]["一般"]["max_months"] = 12

    rules = with_rules(tmp_path, one_year)
    record = table("penalty", [penalty(CF_JDRQ="2024-02-29")])
    assert len(apply(record, as_of=D("2025-02-28"), rules=rules).tables["penalties"].frame) == 1
    assert apply(record, as_of=D("2025-03-01"), rules=rules).tables["penalties"].frame.empty


REASON_CASES = [
    ({"CF_JDRQ": "2020-03-15"}, "2021-03-16", "expired"),
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


def test_expired_ledger_row_names_the_last_public_day_and_the_first_day_gone() -> None:
    result = apply(table("penalty", [penalty(CF_JDRQ="2025-06-22")]), as_of=D("2026-07-01"))
    row = result.ledger.iloc[0]
    assert (row["reason"], row["field"], row["value"]) == ("expired", "公示截止", "2026-06-22")
    assert "gbf-2025-22" in row["message"]
    assert "公示至 2026-06-22（含当日），2026-06-23 起不再公示" in row["message"]


def test_public_until_is_the_first_day_gone_of_each_public_penalty() -> None:
    records = [penalty(CF_JDRQ="2025-09-01"), penalty(CF_JDRQ="2025-09-01", CF_GSJZQ="2026-05-04")]
    result = apply(table("penalty", records))
    ids = result.tables["penalties"].frame[RECORD_ID].tolist()
    assert [result.public_until[i] for i in ids] == ["2026-09-02", "2026-05-05"]


def test_publishing_2025_minor_penalties_for_three_months_is_configurable(tmp_path: Path) -> None:
    def publish_minor(data: dict[str, Any]) -> None:
        data["penalty"]["rule_sets"][2]["periods"]["轻微"]["publish"] = True

    rules = with_rules(tmp_path, publish_minor)
    records = table("penalty", [penalty(CF_JDRQ="2025-07-01", CF_CFLB="警告")])
    assert len(apply(records, as_of=D("2025-10-01"), rules=rules).tables["penalties"].frame) == 1
    assert len(apply(records, as_of=D("2025-10-02"), rules=rules).tables["penalties"].frame) == 0


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


EARLY_REPAIR = "数据集,记录编号,修复决定书文号,修复日期,修复机关\npenalties,{id},临信修〔2025〕1号,{day},临江市发展改革委\n"


@pytest.mark.parametrize(("day", "warned"), [("2025-12-01", True), ("2025-12-02", False)])
def test_repair_on_the_last_day_of_the_minimum_period_is_early_and_the_day_after_is_not(
    tmp_path: Path, day: str, warned: bool
) -> None:
    records = table("penalty", [penalty(CF_JDRQ="2025-09-01")])  # 2025 set 一般: minimum 3 months
    text = EARLY_REPAIR.format(id=records.frame[RECORD_ID].iloc[0], day=day)
    result = apply(records, as_of=D("2026-01-01"), rules=rules_from(write_catalog(tmp_path, repairs=text)))
    early = [p for p in result.problems if p.code == "rules-repair-before-minimum"]
    assert len(early) == int(warned)
    assert not warned or "最短公示期至 2025-12-01，含当日" in early[0].message
    assert result.ledger["reason"].tolist() == ["repaired"]


def test_a_zero_month_minimum_makes_no_repair_early(tmp_path: Path) -> None:
    def publish_minor(data: dict[str, Any]) -> None:
        data["penalty"]["rule_sets"][2]["periods"]["轻微"]["publish"] = True  # min 0, max 3 months

    records = table("penalty", [penalty(CF_JDRQ="2025-09-01", CF_CFLB="警告")])
    text = EARLY_REPAIR.format(id=records.frame[RECORD_ID].iloc[0], day="2025-09-01")
    root = write_catalog(tmp_path, repairs=text)
    rules = with_rules(root, publish_minor)
    result = apply(records, as_of=D("2025-10-01"), rules=rules)
    assert not [p for p in result.problems if p.code == "rules-repair-before-minimum"]
    assert result.ledger["reason"].tolist() == ["repaired"]
