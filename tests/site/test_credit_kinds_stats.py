"""The credit kinds (#15) on the 统计 page, the record pages and the 公示规则 page: grade distributions by sector
and by evaluating department, 践诺率 by commitment item and by year, each a build-time SVG chart with its table;
an evaluation's page states its grade's title and meaning, an unverified registration carries its label; the
rules page states the evaluation, registration and fulfilment rules of publication.yaml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.rules import load_rules
from generator.site.jinja import environment
from generator.site.rulespage import rules_facts
from generator.site.stats import Section, statistics
from tests.conftest import DEMO_CATALOG
from tests.site.conftest import COMPANY_CODE, publication
from tests.site.credit_tables import (
    FIGURES,
    credit_tables,
    figures,
    record_id_of,
    record_page_bodies,
    views_of,
)

NO_TIMELINESS = publication().timeliness.iloc[0:0]


def chart(sections: list[Section], chart_id: str) -> str:
    found = [str(c) for s in sections for c in s.charts if f'id="{chart_id}"' in str(c)]
    assert len(found) == 1, chart_id
    return found[0]


def table_rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_grades_are_counted_by_sector_in_scale_order_largest_sector_first() -> None:
    sections = statistics(views_of(credit_tables()), NO_TIMELINESS, FIGURES)
    by_sector = chart(sections, "grades-grades-sector")
    head = re.findall(r'<th scope="col">(.*?)</th>', by_sector)
    assert head == ["行业领域", "诚信（A 级）", "较好（B 级）", "一般（C 级）", "较差（D 级）", "合计"]
    assert table_rows(by_sector) == [["综合", "1", "1", "0", "0", "2"], ["交通运输", "0", "0", "0", "1", "1"]]
    assert (
        "<svg" in by_sector
        and 'role="img"' in by_sector
        and "http" not in by_sector.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_grades_are_counted_by_evaluating_department_and_overall() -> None:
    sections = statistics(views_of(credit_tables()), NO_TIMELINESS, FIGURES)
    by_dept = chart(sections, "grades-grades-department")
    assert table_rows(by_dept) == [
        ["临江市公共信用信息中心", "1", "1", "0", "0", "2"],
        ["临江市交通运输局", "0", "0", "0", "1", "1"],
    ]
    overall = table_rows(chart(sections, "grades-grades"))
    assert overall == [
        ["诚信（A 级）", "1 个"],
        ["较好（B 级）", "1 个"],
        ["一般（C 级）", "0 个"],
        ["较差（D 级）", "1 个"],
    ]


def test_stacked_bars_split_each_row_by_its_share_of_grades() -> None:
    svg = chart(statistics(views_of(credit_tables()), NO_TIMELINESS, FIGURES), "grades-grades-sector")
    row = re.search(r"<g><title>综合：2 个</title>(.*?)</g>", svg, re.S)
    assert row is not None
    widths = [
        float(w) for w in re.findall(r'<rect class="gs-bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', row[1])
    ]
    assert widths == [105.0, 105.0]  # half A, half B of the plot's 210 units


def test_kept_rate_by_item_leaves_unchecked_items_out_of_the_chart_but_not_out_of_the_table() -> None:
    sections = statistics(views_of(credit_tables()), NO_TIMELINESS, FIGURES)
    rates = chart(sections, "fulfilment-items")
    assert table_rows(rates) == [["食品经营许可（新办）（LJXK-SC-001）", "50%"]]
    assert "合计" not in rates  # a sum of rates means nothing
    section = next(s for s in sections if s.title == "信用承诺履约情况")
    counts = next(str(c) for c in section.charts if "各承诺事项履约情况" in str(c))
    assert table_rows(counts) == [  # by item code
        ["道路普通货物运输经营许可（LJXK-JT-001）", "2", "0", "0", "0", "—"],
        ["食品经营许可（新办）（LJXK-SC-001）", "10", "6", "3", "3", "50.0%"],
    ]
    assert "践诺率 50.0%" in section.intro and "信用承诺共 12 件" in section.intro


def test_kept_rate_by_year_counts_every_item_of_the_year() -> None:
    section = next(
        s
        for s in statistics(views_of(credit_tables()), NO_TIMELINESS, FIGURES)
        if s.title == "信用承诺履约情况"
    )
    counts = next(str(c) for c in section.charts if "各年度履约情况" in str(c))
    assert table_rows(counts) == [
        ["2025 年", "4", "3", "2", "1", "66.7%"],
        ["2026 年", "8", "3", "1", "2", "33.3%"],
    ]
    assert table_rows(chart([section], "fulfilment-years")) == [["2025 年", "66.7%"], ["2026 年", "33.3%"]]


def test_no_figures_no_commitment_section_and_no_evaluations_no_grade_section() -> None:
    tables = credit_tables()
    del tables["grades"]
    titles = [s.title for s in statistics(views_of(tables), NO_TIMELINESS, figures([]))]
    assert "信用承诺履约情况" not in titles and not any("等级分布" in t for t in titles)


def test_chart_tables_become_cards_on_a_phone_so_nothing_overflows_sideways() -> None:
    sections = statistics(views_of(credit_tables()), NO_TIMELINESS, FIGURES)
    tables = [
        t
        for s in sections
        for c in s.charts
        for t in re.findall(r"(?:<div class=\"gs-cards\">\n)?<table[^>]*>.*?</table>", str(c), re.S)
    ]
    wide = [t for t in tables if t.count('<th scope="col">') > 2]
    assert len(wide) == 4 and all(t.startswith('<div class="gs-cards">') for t in wide)
    svgs = re.findall(r'<svg viewBox="0 0 (\d+) \d+"', "".join(str(c) for s in sections for c in s.charts))
    assert svgs and set(svgs) == {"400"}  # drawn at a phone's width and scaled by the viewBox


def test_an_evaluations_page_states_the_grade_title_and_meaning_next_to_the_code(tmp_path: Path) -> None:
    tables = credit_tables()
    pages = record_page_bodies(tmp_path, views_of(tables), "grades")
    page = pages[record_id_of(tables, "grades", "PJ_PJBH", "PJ-2")]
    assert "<dt>评价结果</dt><dd><strong>D 较差（D 级）</strong></dd>" in page
    assert "<dt>等级含义</dt><dd>列为重点监管对象</dd>" in page
    assert "<dt>评价结果</dt><dd>D 较差（D 级）</dd>" in page  # the field itself, among the others


def test_an_unverified_registration_carries_the_self_declared_label(tmp_path: Path) -> None:
    tables = credit_tables()
    pages = record_page_bodies(tmp_path, views_of(tables), "registrations")
    unverified = pages[record_id_of(tables, "registrations", "ZC_ZCBH", "ZC-1")]
    assert '<p class="gs-unverified" role="note"><strong>主体自主申报，未经核验</strong>' in unverified
    assert COMPANY_CODE in unverified
    verified = pages[record_id_of(tables, "registrations", "ZC_ZCBH", "ZC-2")]
    assert "主体自主申报，未经核验" not in verified


def rules_page(tmp_path: Path, edits: list[tuple[str, str]], unverified: str = "show") -> str:
    """guide/rules.md rendered with the demo rules, edited, and the credit tables' datasets."""
    catalog = tmp_path / "catalog"
    shutil.copytree(DEMO_CATALOG / "rules", catalog / "rules")
    path = catalog / "rules" / "publication.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    rules, problems = load_rules(catalog)
    assert rules is not None, problems
    tables = credit_tables()
    spec = tables["registrations"].spec
    specs = [t.spec for t in tables.values() if t is not tables["registrations"]]
    specs.append(spec.__class__(spec.id, spec.config.model_copy(update={"unverified": unverified}), spec.schema,
                                spec.folder, spec.batches))  # fmt: skip
    facts = rules_facts(rules.publication, specs)
    portal = publication().catalog.portal
    return environment().get_template("pages/rules.md").render(rel="../../", portal=portal, rules=facts)


def test_the_rules_page_states_current_grade_only_and_the_validity_of_evaluations(tmp_path: Path) -> None:
    page = rules_page(tmp_path, [])
    section = page[page.index("## 信用评价结果") : page.index("## 自愿注册信息")]
    assert "只公示其现行的一次评价" in section and "有效期届满后不再公示" in section


def test_the_rules_page_states_how_each_registration_dataset_treats_unverified_items(tmp_path: Path) -> None:
    shown = rules_page(tmp_path / "a", [])
    assert "- 自愿注册信息：公示，并标注“主体自主申报，未经核验”" in shown
    withheld = rules_page(tmp_path / "b", [], unverified="withhold")
    assert "- 自愿注册信息：不公示，核验后再公示" in withheld


def test_the_rules_page_states_broken_periods_repair_and_kept_handling_from_the_rules(tmp_path: Path) -> None:
    page = rules_page(tmp_path / "a", [("broken_max_months: 12", "broken_max_months: 36")])
    section = page[page.index("## 信用承诺履约信息") :]
    assert "最长 3 年" in section and "公示满 3 个月后" in section and "申请信用修复" in section
    assert "不逐条公示，只计入履约统计" in section and "核查中" in section
    public = rules_page(
        tmp_path / "b", [("kept: counted", "kept: public"), ("kept_months: 12", "kept_months: 6")]
    )
    assert "自核查日期起公示 6 个月，期满自动撤下" in public


def test_rules_without_the_credit_sections_leave_them_off_the_page() -> None:
    rules, problems = load_rules(DEMO_CATALOG)
    assert rules is not None, problems
    facts = rules_facts(rules.publication) | {"evaluations": None, "registrations": None, "fulfilment": None}
    page = (
        environment()
        .get_template("pages/rules.md")
        .render(rel="../../", portal=publication().catalog.portal, rules=facts)
    )
    assert "## 行政处罚信息公示多久" in page
    assert "信用评价结果" not in page and "信用承诺履约信息" not in page and "自愿注册信息" not in page
