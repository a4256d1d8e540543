"""The #15 statistics and commitment figures as a citizen sees them in Debian's Chromium, on a real build of the
fixture catalog tests/fixtures/credit_kinds: the 统计 page's grade distribution and 践诺率 charts and a commitment
item's 履约情况 fit a 390 px phone (no sideways scrolling of the page: wide tables become cards), their tables are
readable, and neither page has a serious accessibility violation. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.kit import serve
from tests.conftest import REPO, run_build

pytestmark = pytest.mark.browser
FIXTURE = REPO / "tests" / "fixtures" / "credit_kinds"
PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}
FOOD = "LJXK-SC-001"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_build(FIXTURE, tmp_path_factory.mktemp("credit-figures-browser") / "published") / "site"


@pytest.fixture(scope="module")
def portal(site: Path) -> Iterator[str]:
    with serve(site) as base:
        yield base


def fits_and_passes_axe(page: Any, what: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width}px wide on a 390px screen"
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps([v["id"] for v in blocking])


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
