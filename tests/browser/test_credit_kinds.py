"""The #15 credit kinds as a citizen sees them in Debian's Chromium, on a real build of the fixture catalog
tests/fixtures/credit_kinds (as of 2026-11-20): a company's archive and its 信用报告 read its current credit
grade with its meaning, a verified registration, an unverified one labelled as self-declared, and its broken
commitment (失诺) as 失信 information; the report's check page says 一致; the subject search shows the grade
badge; the archive fits a 390 px phone with no serious accessibility violation; the 统计 page's grade
distribution and 践诺率 charts and a commitment item's 履约情况 fit a 390 px phone too (wide tables become cards),
with no serious accessibility violation. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator.site import api, urls
from generator.site.credit_report import check_url, report_number
from tests.browser.kit import assert_axe_passes, serve, wait_for_search
from tests.conftest import REPO, run_build

pytestmark = pytest.mark.browser
FIXTURE = REPO / "tests" / "fixtures" / "credit_kinds"
FOOD = "LJXK-SC-001"
HENGXIN = "91610300MA6HX00017"  # current A grade, verified and unverified registrations, a public 失诺
PHONE = {"width": 390, "height": 844}
DATES_FILLED = (
    "() => [...document.querySelectorAll('.gs-report [data-gs-asof]')].every(e => e.textContent.trim())"
)
CHECKED = "() => { const v = document.querySelector('.gs-check__verdict'); return v && !v.textContent.includes('正在'); }"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_build(FIXTURE, tmp_path_factory.mktemp("credit-kinds-browser") / "published") / "site"


@pytest.fixture(scope="module")
def portal(site: Path) -> Iterator[str]:
    with serve(site) as base:
        yield base


def read_credit_kinds(text: str) -> None:
    """What a citizen must be able to read: the grade and its meaning, the registrations, the 失诺."""
    assert "诚信（A 级）" in text and "信用状况好，可享受“绿色通道”等激励措施" in text
    assert "2025年度临江市守合同重信用企业" in text and "临江市市场监督管理局" in text
    at = text.index("年产商品混凝土50万立方米（自报）")
    assert "主体自主申报，未经核验" in text[at - 120 : at + 120]
    verified = text.index("2025年度临江市守合同重信用企业")
    assert "主体自主申报，未经核验" not in text[verified : verified + 120]
    broken = text[text.index("LJCN-ZJ-2026-0001") - 300 :]
    assert "失诺" in broken[:600] and "撤销建筑业企业资质，纳入重点关注" in broken


def test_the_archive_reads_the_grade_the_registrations_and_the_broken_commitment_on_a_phone(
    page: Any, portal: str, artifacts: Path
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(portal + urls.subject_page(HENGXIN))
    badges = page.locator(".gs-badges .gs-badge").all_inner_texts()
    assert "信用等级 诚信（A 级）" in badges and "失诺 1 条" in badges
    read_credit_kinds(page.inner_text("article"))
    page.screenshot(path=str(artifacts / "credit-kinds-archive-phone.png"), full_page=True)
    fits_and_passes_axe(page, "the archive")


def test_the_report_reads_the_same_and_its_check_page_says_consistent(
    page: Any, portal: str, site: Path, artifacts: Path
) -> None:
    page.goto(portal + urls.report_page(HENGXIN))
    page.wait_for_function(DATES_FILLED)
    report = page.inner_text(".gs-report")
    read_credit_kinds(report)
    assert "失诺（失信信息）" in report
    page.screenshot(path=str(artifacts / "credit-kinds-report.png"), full_page=True)
    raw = (site / api.subject_path(HENGXIN)).read_bytes()
    document = json.loads(raw)
    base_url = document["archive"].removesuffix(urls.subject_page(HENGXIN))
    url = check_url(base_url, HENGXIN, report_number(document["release"], hashlib.sha256(raw).hexdigest()))
    page.goto(portal + url.removeprefix(base_url))
    page.wait_for_function(CHECKED)
    assert page.inner_text(".gs-check__result").startswith("一致")


def test_the_subject_search_shows_the_grade_badge_and_the_new_kinds_counted(page: Any, portal: str) -> None:
    page.goto(f"{portal}search/?q={quote('恒信建材')}")
    wait_for_search(page)
    item = page.locator(".gongshi-search__item").first
    assert item.locator(".gs-badge").all_inner_texts() == ["信用等级 诚信（A 级）"]
    assert "gs-badge--grade-good" in (item.locator(".gs-badge").get_attribute("class") or "")
    text = item.inner_text()
    assert "信用承诺履约 1 条" in text and "自愿注册信息 2 条" in text and "信用评价 1 条" in text


def fits_and_passes_axe(page: Any, what: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width}px wide on a 390px screen"
    assert_axe_passes(page, what)


def test_the_stats_page_shows_grades_and_kept_rates_on_a_phone(
    page: Any, portal: str, artifacts: Path
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(portal + "stats/")
    for details in page.locator("details").all():
        details.evaluate("d => d.open = true")  # the data tables, as a reader opens them
    text = page.inner_text("article")
    assert "按行业领域的等级分布" in text and "按评价机关的等级分布" in text and "各承诺事项践诺率" in text
    assert page.locator("#evaluations-grades-sector svg").is_visible()
    page.screenshot(path=str(artifacts / "credit-kinds-stats-phone.png"), full_page=True)
    fits_and_passes_axe(page, "the statistics page")


def test_an_items_figures_fit_a_phone(page: Any, portal: str, site: Path, artifacts: Path) -> None:
    item = next(
        p for p in sorted(site.glob("r/*/*.html")) if f"<dd>{FOOD}</dd>" in (t := p.read_text(encoding="utf-8"))
        and 'id="gs-fulfilment"' in t
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto(portal + item.relative_to(site).as_posix())
    text = page.inner_text("article")
    assert "履约情况" in text and "践诺率" in text and "公示中的失诺信息" in text
    page.screenshot(path=str(artifacts / "credit-kinds-item-phone.png"), full_page=True)
    fits_and_passes_axe(page, "the item page")
