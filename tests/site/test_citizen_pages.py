"""What a citizen reads on record, archive and guide pages: the dates the rules compute (公示截止期,
可申请信用修复日期), list badges and jump links on archives, tappable contacts that promise nothing the static
site cannot do, the 数据截至 line of the shell, and an even time axis on the statistics page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from generator.inputs import read_inputs
from generator.model import RECORD_ID
from generator.rules import RulesResult, apply_rules
from generator.rules.models import PublicationRules
from generator.rules.ruleset import load_rules
from generator.site import render_site, urls
from tests.conftest import AS_OF, DEMO_CATALOG
from tests.site.conftest import COMPANY_CODE, penalty, publication, table, with_data_files

LAST_DAY = re.compile(r"<dt>公示截止期</dt><dd>(\d{4}-\d{2}-\d{2})（")
REPAIR_FROM = re.compile(r"<dt>可申请信用修复日期</dt><dd>(\d{4}-\d{2}-\d{2}) 起")


@pytest.fixture(scope="module")
def demo_ruled() -> RulesResult:
    """The rules stage's own output for the demo catalog, as the build runs it on a first build."""
    inputs = read_inputs(DEMO_CATALOG, cache=False)
    assert inputs.valid is not None and inputs.rules is not None
    return apply_rules(inputs.valid, inputs.rules, AS_OF, pd.Series(dtype="str"), inputs.rejected)


def demo_rules() -> PublicationRules:
    rules, _ = load_rules(DEMO_CATALOG)
    assert rules is not None
    return rules.publication


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_penalty_record_page_states_the_last_public_day_the_rules_compute(
    demo_build: Path, demo_ruled: RulesResult
) -> None:
    ids = demo_ruled.tables["penalties"].frame[RECORD_ID].tolist()
    assert len(ids) > 100
    for record in ids:
        first_gone = demo_ruled.public_until[record]
        expected = (date.fromisoformat(first_gone) - timedelta(days=1)).isoformat()
        found = LAST_DAY.findall(page(demo_build / "site", urls.record_page(record)))
        assert found == [expected], record


def test_a_record_whose_department_gave_a_later_end_shows_only_the_rules_end(demo_build: Path) -> None:
    shown = [LAST_DAY.findall(p.read_text(encoding="utf-8")) for p in (demo_build / "site/r").rglob("*.html")]
    assert all(
        len(dates) <= 1 for dates in shown
    )  # the source's 公示截止期 field gives way to the rules' one


def with_rules(tmp_path: Path, rules: PublicationRules) -> tuple[Path, list[str]]:
    """The fixture publication with two penalties of 2026 (一般 under 国办发〔2025〕22号: min 3, max 12 months)."""
    pub = publication()
    rows = [penalty("临市监处罚〔2026〕1号"), penalty("临市监处罚〔2026〕7号", CF_JDRQ="2026-01-31")]
    pub.tables["penalties"] = table("penalties", "penalty", rows, title="行政处罚信息")
    pub.rules = rules
    site = tmp_path / "site"
    assert [p for p in render_site(with_data_files(pub, site), site) if p.level == "error"] == []
    return site, pub.tables["penalties"].frame[RECORD_ID].tolist()


def record_pages(site: Path, ids: list[str]) -> list[str]:
    return [page(site, urls.record_page(record)) for record in ids]


def test_repair_date_follows_the_minimum_period_of_the_catalog_rules(tmp_path: Path) -> None:
    site, ids = with_rules(tmp_path, demo_rules())
    dates = sorted(
        (LAST_DAY.findall(text)[0], REPAIR_FROM.findall(text)[0]) for text in record_pages(site, ids)
    )
    # 2026-01-31 + 3 months = 2026-04-30 (month end), the last day of the minimum period; repair from the next day
    assert dates == [("2027-01-31", "2026-05-01"), ("2027-02-10", "2026-05-11")]
    archive = page(site, urls.subject_page(COMPANY_CODE))
    assert "<dt>可申请信用修复日期</dt><dd>2026-05-11 起</dd>" in archive
    assert "<dt>公示截止期</dt><dd>2027-02-10</dd>" in archive


def test_no_repair_date_where_the_catalog_sets_no_minimum_period(tmp_path: Path) -> None:
    rules = demo_rules()
    sets = list(rules.penalty.rule_sets)
    general = sets[-1].periods["一般"].model_copy(update={"min_months": 0})
    sets[-1] = sets[-1].model_copy(update={"periods": {**sets[-1].periods, "一般": general}})
    penalty_rules = rules.penalty.model_copy(update={"rule_sets": sets})
    site, ids = with_rules(tmp_path, rules.model_copy(update={"penalty": penalty_rules}))
    pages = record_pages(site, ids)
    assert sorted(day for text in pages for day in LAST_DAY.findall(text)) == ["2027-01-31", "2027-02-10"]
    assert not any("可申请信用修复日期" in text for text in pages)
    assert "可申请信用修复日期" not in page(site, urls.subject_page(COMPANY_CODE))


def test_without_rule_data_no_date_is_made_up(site: Path) -> None:
    for path in (site / "r").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not LAST_DAY.search(text) and "可申请信用修复日期" not in text, path


def test_objection_and_repair_guides_give_tappable_contacts_and_no_online_promise(site: Path) -> None:
    for guide in ("guide/objection/index.html", "guide/repair/index.html"):
        text = page(site, guide)
        assert 'href="mailto:xinyong@linjiang.example.cn"' in text, guide
        assert 'href="tel:057688001234"' in text, guide
        assert "不能在线提交" in text and "栏目在线提交" not in text, guide
    assert 'href="https://www.creditchina.gov.cn/xinyongxiufu/"' in page(site, "guide/repair/index.html")


def test_the_guides_carry_the_offices_own_channel_text_from_portal_yaml(site: Path) -> None:
    assert "电子邮件或现场窗口提交书面异议" in page(site, "guide/objection/index.html")
    assert "信用中国（临江）信用修复窗口" in page(site, "guide/repair/index.html")


def test_the_demo_promises_no_online_submission(demo_build: Path) -> None:
    for guide in ("guide/objection/index.html", "guide/repair/index.html"):
        text = page(demo_build / "site", guide)
        assert "7个工作日内核实并答复" in text or "提前移出" in text, (
            guide
        )  # the office's channel text is shown
        assert "栏目在线提交" not in text, guide


def test_the_demo_hotline_becomes_a_tel_link(demo_build: Path) -> None:
    text = page(demo_build / "site", "guide/objection/index.html")
    assert 'href="tel:12345"' in text and 'href="mailto:credit@linjiang.example.gov.cn"' in text


def test_every_page_has_the_as_of_line_and_a_no_script_link_to_the_release_history(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "<html" not in text:
            continue
        assert '<html lang="zh-CN"' in text, path
        assert "数据截至 <span data-gs-asof></span>" in text and "<span data-gs-release></span>" in text, path
        assert re.search(r'<noscript><a href="[^"]*">数据截至日期与发布版本见“发布历史”</a>', text), path


def test_archive_heading_carries_list_badges_counts_and_jump_links(site: Path) -> None:
    text = page(site, urls.subject_page(COMPANY_CODE))
    head = text.split('id="gs-main"')[1].split('<h2 id="lists">')[0]
    assert '<span class="gs-badge gs-badge--punishment">失信</span>' in head
    assert "公示信息共 5 条" in head and "行政处罚 2 条" in head and "信用主体名单 1 条" in head
    jumps = re.findall(r'<li><a href="#(ds-[\w-]+)">', head)
    assert jumps and all(f'id="{anchor}"' in text for anchor in jumps)


def test_archive_entries_show_the_key_facts_of_a_penalty(site: Path) -> None:
    text = page(site, urls.subject_page(COMPANY_CODE))
    entry = text.split('<h2 id="ds-penalties">')[1].split("</section>")[0]
    for fact in (
        "临市监处罚〔2026〕1号",
        "罚款人民币壹万元",
        "<dt>罚款金额（万元）</dt><dd>1</dd>",
        "临江市市场监督管理局",
    ):
        assert fact in entry


def test_statistics_time_axis_counts_months_without_records_as_zero(site: Path) -> None:
    chart = page(site, "stats/index.html").split('id="penalties-months"')[1].split("</figure>")[0]
    months = re.findall(r"<tr><td>(\d{4}-\d{2})</td><td>([\d,]+) 条</td></tr>", chart)
    assert months == [("2025-11", "1"), ("2025-12", "0"), ("2026-01", "1"), ("2026-02", "2")]
