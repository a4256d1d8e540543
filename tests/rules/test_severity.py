"""Severity (失信程度) from the record or from 处罚类别, sectors, and the minimum period they set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.rules.severity import severity_ranks
from generator.rules.vocab import SEVERITIES, normalise_categories
from tests.rules.tables import apply, packaged_rules, penalty, rules_from, table, write_catalog

CATEGORY_CASES = [
    ("罚款", "", "一般"),
    ("警告", "", "轻微"),
    ("通报批评", "", "轻微"),
    ("警告；通报批评", "", "轻微"),
    ("警告；罚款", "", "一般"),
    ("罚款,警告", "", "一般"),
    ("警告；吊销许可证件", "", "严重"),
    ("责令关闭", "", "严重"),
    ("限制从业", "", "严重"),
    ("责令停产停业；罚款", "", "严重"),
    ("行政拘留", "", "严重"),
    ("暂扣或者吊销执照", "", "严重"),  # old name: 暂扣许可证件 + 吊销许可证件
    ("暂扣或者吊销许可证、暂扣或者吊销执照", "", "严重"),
    ("吊销许可证", "", "严重"),
    ("没收违法所得、没收非法财物", "", "一般"),  # one old value holding two categories, not split on 、
    ("暂扣许可证", "", "一般"),
    ("其他-责令改正", "", "一般"),  # unknown → the default
    ("", "", "一般"),
    ("警告", "严重", "严重"),  # the department's 失信程度 wins
    ("吊销许可证件", "轻微", "轻微"),
]


@pytest.mark.parametrize(("categories", "given", "expected"), CATEGORY_CASES)
def test_severity_comes_from_the_record_else_from_the_most_severe_category(
    categories: str, given: str, expected: str
) -> None:
    frame = table("penalty", [penalty(CF_CFLB=categories, CF_SXCD=given)]).frame
    assert SEVERITIES[severity_ranks(frame, packaged_rules().publication.penalty)[0]] == expected


def test_old_category_names_normalise_through_the_schema_vocabulary() -> None:
    assert normalise_categories("暂扣或者吊销执照；罚款") == ("暂扣许可证件", "吊销许可证件", "罚款")
    assert normalise_categories(" 警告 , 罚款 ") == ("警告", "罚款")


def test_severity_chooses_the_period_end_to_end() -> None:
    records = [penalty(CF_JDRQ="2025-07-01", CF_CFLB="警告", CF_SXCD="严重"), penalty(CF_JDRQ="2025-07-01")]
    result = apply(table("penalty", records), as_of=date(2026, 7, 2))  # 一般 (12 months) gone, 严重 stays
    assert result.tables["penalties"].frame["CF_SXCD"].tolist() == ["严重"]


REPAIR = "数据集,记录编号,修复决定书文号,修复日期,修复机关\npenalties,{id},临信修〔2023〕{n}号,{day},临江市发展改革委\n"


@pytest.mark.parametrize(
    ("fields", "warned"),
    [
        ({"CF_LY": "特种设备"}, True),  # Order No. 58: 特种设备 minimum 12 months
        ({"CF_LY": "特种设备安全监察"}, True),
        ({"CF_YJ": "《中华人民共和国消防法》第六十条"}, True),  # recognised from the law cited
        ({"CF_YJ": "《中华人民共和国安全生产法》第九十九条"}, True),
        ({}, False),  # otherwise 3 months
    ],
)
def test_sector_minimum_period_decides_whether_an_early_repair_is_reported(
    tmp_path: Path, fields: dict[str, str], warned: bool
) -> None:
    record = penalty(CF_JDRQ="2023-06-01", **fields)
    records = table("penalty", [record])
    rid = records.frame["_id"].iloc[0]
    rules = rules_from(write_catalog(tmp_path, repairs=REPAIR.format(id=rid, n=1, day="2023-12-01")))
    result = apply(records, as_of=date(2024, 1, 1), rules=rules)
    early = [p for p in result.problems if p.code == "rules-repair-before-minimum"]
    assert len(early) == int(warned)
    assert result.ledger["reason"].tolist() == ["repaired"]  # honoured either way
    if warned:
        assert (
            early[0].file == "decisions/repairs.csv"
            and early[0].row == 2
            and "2024-06-01" in early[0].message
        )


def test_sector_rules_apply_only_under_the_rule_set_that_has_them(tmp_path: Path) -> None:
    record = penalty(CF_JDRQ="2025-07-01", CF_LY="消防")  # 2025 set: 一般 minimum 3 months, no sector rule
    records = table("penalty", [record])
    rid = records.frame["_id"].iloc[0]
    rules = rules_from(write_catalog(tmp_path, repairs=REPAIR.format(id=rid, n=2, day="2025-10-02")))
    result = apply(records, as_of=date(2025, 11, 1), rules=rules)
    assert not [p for p in result.problems if p.code == "rules-repair-before-minimum"]
