"""The 公示规则 guide page states the rules the build applies, read from the catalog's publication.yaml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.rules import load_rules
from generator.site.pages import portal_docs
from generator.site.rulespage import months
from generator.site.subjects import find_subjects
from generator.site.view import dataset_views, measure_links
from generator.site.work import BulkData
from tests.conftest import DEMO_CATALOG
from tests.site.conftest import publication

RULES = "rules/publication.yaml"


def rules_page(tmp_path: Path, edit: tuple[str, str] | None = None, with_rules: bool = True) -> str:
    """The Markdown of guide/rules.md for the site fixture's records and the demo rules, edited."""
    catalog = tmp_path / "catalog"
    shutil.copytree(DEMO_CATALOG / "rules", catalog / "rules")
    if edit:
        text = (catalog / RULES).read_text(encoding="utf-8")
        assert edit[0] in text
        (catalog / RULES).write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    rules, problems = load_rules(catalog)
    assert rules is not None, problems
    pub = publication()
    pub.rules = rules.publication if with_rules else None
    views, _ = dataset_views(pub.tables)
    data = BulkData(
        tmp_path / "site", "https://x.example.cn/", views, find_subjects(views), measure_links(views)
    )
    return portal_docs(pub, data, {})["guide/rules.md"]


def row_of(page: str, start: str) -> str:
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page) if r.startswith(f"<tr><td>{start} 起")]
    assert len(rows) == 1, page
    return rows[0]


@pytest.mark.parametrize(("count", "words"), [(3, "3 个月"), (12, "1 年"), (18, "1 年 6 个月"), (36, "3 年")])
def test_months_read_as_years_when_whole(count: int, words: str) -> None:
    assert months(count) == words


def test_each_rule_set_is_a_row_with_the_periods_of_the_catalog(tmp_path: Path) -> None:
    page = rules_page(tmp_path, ("严重: {publish: true, min_months: 12, max_months: 36}",
                                 "严重: {publish: true, min_months: 12, max_months: 60}"))  # fmt: skip
    newest = row_of(page, "2025-06-22")
    assert "最短 1 年，最长 5 年" in newest and "最长 3 年" not in newest
    assert "不公示" in newest  # 轻微 under 国办发〔2025〕22号 in the demo rules
    assert "2023-05-01 前" in row_of(page, "2019-07-01")


def test_a_city_that_publishes_minor_penalties_says_so(tmp_path: Path) -> None:
    page = rules_page(tmp_path, ("轻微: {publish: false, min_months: 0, max_months: 3}",
                                 "轻微: {publish: true, min_months: 0, max_months: 3}"))  # fmt: skip
    assert "不公示" not in row_of(page, "2025-06-22") and "最长 3 个月" in row_of(page, "2025-06-22")
    assert "规定不予公示的失信程度" not in page


@pytest.mark.parametrize("warning_only", [True, False])
def test_warning_only_penalties_are_listed_as_withheld_exactly_when_the_rules_withhold_them(
    tmp_path: Path, warning_only: bool
) -> None:
    setting = f"warning_only: {str(warning_only).lower()}"
    page = rules_page(tmp_path, ("warning_only: false", setting))
    assert ("仅给予警告、通报批评的处罚" in page) is warning_only


def test_the_working_days_and_sector_minimums_come_from_the_rules(tmp_path: Path) -> None:
    page = rules_page(tmp_path, ("working_days: 7", "working_days: 5"))
    assert "5 个工作日内" in page and "7 个工作日" not in page
    assert "特种设备领域的处罚最短不少于 1 年" in row_of(page, "2023-05-01")


def test_without_rules_the_page_states_no_numbers(tmp_path: Path) -> None:
    page = rules_page(tmp_path, with_rules=False)
    assert "规定时限内" in page and "<table>" not in page
