"""The build report's HTML page for the credit office (generator.report.html), checked on the demo build: all
Chinese, percentages instead of ratios, no Python ``None``/``nan``, every reason in words with its code, and
及时率 explained with its first-build caveat. Its phone layout is checked in Chromium in tests/browser."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import paths
from generator.problems import problem_codes
from generator.report.html import percent, reason_words, render, share
from generator.rules.timeliness import DEPARTMENT_COLUMNS
from generator.rules.withholding import REASONS

pytestmark = pytest.mark.slow

# The headers the page used to show: the JSON keys of the per-department rows and the problem levels.
ENGLISH_HEADERS = [c for c in DEPARTMENT_COLUMNS if c.isascii()] + ["withheld", "rejected"]
ENGLISH_LEVELS = ["fatal", "config", "error", "warning", "info"]
RATIO = re.compile(r"(?<![\d.])[01]\.\d{3,}(?![\d])")
RATE = re.compile(r"^(\d{1,3}\.\d%|—)$")


@dataclass
class Table:
    caption: str = ""
    headers: list[str] = field(default_factory=list)  # the column headers (th scope=col)
    rows: list[list[str]] = field(
        default_factory=list
    )  # every body row's cells (th scope=row and td), as text


class Tables(HTMLParser):
    """Every <table> of a page, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.text: list[str] | None = None
        self.scope: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table())
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("th", "td", "caption"):
            self.text = []
            self.scope = dict(attrs).get("scope")

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("th", "td", "caption") or self.text is None:
            return
        text, table = "".join(self.text).strip(), self.tables[-1]
        if tag == "caption":
            table.caption = text
        elif tag == "th" and self.scope == "col":
            table.headers.append(text)
        else:
            table.rows[-1].append(text)
        self.text = None


def tables_of(html: str) -> list[Table]:
    parser = Tables()
    parser.feed(html)
    for table in parser.tables:
        table.rows = [row for row in table.rows if row]
    return parser.tables


@pytest.fixture(scope="module")
def report(demo_build: Path) -> tuple[str, dict[str, Any]]:
    folder = demo_build / paths.REPORT_DIR
    html = (folder / paths.BUILD_REPORT_HTML).read_text(encoding="utf-8")
    return html, json.loads((folder / paths.BUILD_REPORT_JSON).read_text(encoding="utf-8"))


def test_rates_are_percentages_with_one_decimal_and_a_dash_when_there_is_none() -> None:
    assert percent(0.8333) == "83.3%" and percent(1.0) == "100.0%" and percent(0) == "0.0%"
    assert percent(None) == percent(float("nan")) == percent("0.5") == "—"
    assert share(29, 2063) == "1.4%" and share(3, 0) == "—"


def test_the_demo_report_shows_no_python_none_nan_or_raw_ratio(report: tuple[str, dict[str, Any]]) -> None:
    html, summary = report
    assert "None" not in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    assert RATIO.findall(html) == []
    rates = [d["合规率"] for d in summary["departments"] if d["合规率"] not in (None, 0, 1)]
    assert rates, "the demo should have a department with a 合规率 strictly between 0 and 1"


def test_the_demo_report_has_only_chinese_column_headers(report: tuple[str, dict[str, Any]]) -> None:
    headers = [h for table in tables_of(report[0]) for h in table.headers]
    assert headers and "及时率" in headers and "合规率" in headers
    assert [h for h in headers if h.lower() in ENGLISH_HEADERS or re.search(r"[A-Za-z]", h)] == []
    level_cells = [row[0] for t in tables_of(report[0]) if t.headers[:1] == ["级别"] for row in t.rows]
    assert level_cells and not set(level_cells) & set(ENGLISH_LEVELS)


def test_every_department_rate_is_shown_as_the_percentage_of_its_json_value(
    report: tuple[str, dict[str, Any]],
) -> None:
    html, summary = report
    shown = {
        (table.caption, row[0]): row
        for table in tables_of(html)
        if table.headers[-2:] == ["及时率", "合规率"]
        for row in table.rows
    }
    assert len(shown) == len(summary["departments"])
    for d in summary["departments"]:
        caption = f"数据集 {d['dataset']} 各部门的报送、公示与及时率"
        row = shown[(caption, d["department"] or "（未填写部门，或该行无法读出）")]
        assert row[-2:] == [percent(d["及时率"]), percent(d["合规率"])]
        assert all(RATE.match(cell) for cell in row[-2:]), row


def test_every_reason_in_the_build_appears_in_words_beside_its_code(
    report: tuple[str, dict[str, Any]],
) -> None:
    html, summary = report
    (table,) = [t for t in tables_of(html) if t.headers == ["数据集", "去向", "原因", "代码", "行数"]]
    rows = {(row[0], row[3]): row for row in table.rows}
    withheld = 0
    for dataset, counts in summary["datasets"].items():
        for key, n in counts["reasons"].items():
            fate, _, code = key.partition(":")
            words = REASONS[code] if fate == "withheld" else problem_codes()[code]["zh"]
            assert rows[(dataset, code)][2:] == [words, code, f"{n:,}"]
            withheld += fate == "withheld"
    assert withheld and len(rows) == sum(len(c["reasons"]) for c in summary["datasets"].values())


def test_every_withheld_reason_the_rules_can_give_has_chinese_words() -> None:
    assert all(re.search(r"[\u4e00-\u9fff]", reason_words("withheld", code)) for code in REASONS)
    assert "没有说明" in reason_words(
        "withheld", "no-such-reason"
    )  # an unknown code says it is not described


def test_timeliness_is_explained_with_the_first_build_caveat(report: tuple[str, dict[str, Any]]) -> None:
    html, summary = report
    assert "及时率</strong> = 按时公示的记录数 ÷ 需测量的记录数" in html
    assert "首次构建的说明" in html and "state/first-published.parquet" in html
    measured = [d["及时率"] for d in summary["departments"] if d["及时率"] is not None]
    assert measured  # a first build: only records decided within 7 working days of as-of can be timely
    assert ("本次构建中所有可测量部门的及时率均为 0%" in html) == (not any(measured))


def a_summary(*departments: dict[str, Any]) -> dict[str, Any]:
    return {
        "portal": "测试门户", "as_of": "2026-01-05", "version": "0", "release": None,
        "totals": {"rows": 0, "published": 0, "withheld": 0, "rejected": 0},
        "datasets": {}, "files": {}, "masked_in_text": {}, "problem_counts": {}, "problems": [],
        "departments": list(departments),
    }  # fmt: skip


def a_department(timeliness: float | None, compliance: float | None) -> dict[str, Any]:
    counts = {"submitted": 0, "accepted": 0, "published": 0, "timely": 0}
    return {"dataset": "p", "department": None, **counts, "及时率": timeliness, "合规率": compliance}


def test_a_report_without_release_or_rates_shows_dashes_not_none() -> None:
    html = render(a_summary(a_department(None, float("nan"))))
    assert "None" not in html and not re.search(r"\bnan\b", html, re.IGNORECASE)
    assert "<dd>—</dd>" in html and "（未填写部门，或该行无法读出）" in html
    assert "本次构建中所有可测量部门的及时率均为 0%" not in html


def test_when_every_measured_department_is_at_0_percent_the_report_says_why() -> None:
    html = render(a_summary(a_department(0.0, 1.0), a_department(None, 1.0)))
    assert "本次构建中所有可测量部门的及时率均为 0%" in html
