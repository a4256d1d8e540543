"""Search results a citizen can act on, in Debian's Chromium against the demo portal built by ``gongshi build``:
list badges, people of one name grouped, an honest "nothing found" — readable by everyone (axe) at a phone's
and a laptop's width, without the page scrolling sideways. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pytest

from tests.browser.conftest import off_host
from tests.browser.kit import Traffic, assert_axe_passes, result_names, wait_for_search
from tests.conftest import AS_OF

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
NOTHING = "临江市不存在的某某公司"
PERSON_TYPE = "自然人"


def published(out: Path, dataset: str) -> pd.DataFrame:
    """The current records of a demo dataset, as its JSON Lines download has them."""
    return pd.read_json(
        out / "site" / "data" / "latest" / dataset / f"{dataset}.jsonl", lines=True, dtype=str
    )


def a_punished_company(out: Path) -> tuple[str, str]:
    """(name, code) of an organisation on the demo's punishment list."""
    rows = published(out, "list-punishment")
    rows = rows[(rows["主体类别"] != PERSON_TYPE) & rows["统一社会信用代码"].fillna("").ne("")]
    return str(rows["主体名称"].iloc[0]), str(rows["统一社会信用代码"].iloc[0])


def a_shared_person_name(out: Path) -> str:
    """A name that two or more published penalty or licensing records about natural persons carry."""
    names = pd.concat(
        [
            published(out, d).query("行政相对人类别 == @PERSON_TYPE")["行政相对人名称"]
            for d in ("penalties", "licences")
        ]
    )
    counts = names.value_counts()
    return str(sorted(counts[counts >= 2].index)[0])


@pytest.fixture(params=sorted(SIZES))
def sized(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    """A fresh page at each screen size; every request it made must have stayed on 127.0.0.1."""
    context = browser.new_context(viewport=SIZES[request.param])
    page, traffic = context.new_page(), Traffic()
    traffic.watch(page)
    yield request.param, page
    context.close()
    assert off_host(traffic.urls) == [], "requests left 127.0.0.1"


def search(page: Any, portal: str, query: str) -> str:
    page.goto(f"{portal}search/?q={quote(query)}")
    return wait_for_search(page)


def readable_and_fits(page: Any) -> None:
    """axe finds nothing serious or critical, and the page does not scroll sideways."""
    assert_axe_passes(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_a_company_on_the_punishment_list_shows_its_badge_and_counts_and_passes_axe(
    sized: tuple[str, Any], portal: str, portal_out: Path, artifacts: Path
) -> None:
    size, page = sized
    name, code = a_punished_company(portal_out)
    search(page, portal, code)
    assert result_names(page) == [name]
    item = page.locator(".gongshi-search__item").first
    assert "失信惩戒名单" in item.locator(".gs-badge--punishment").inner_text()
    assert "信用主体名单 " in item.inner_text()
    readable_and_fits(page)
    page.screenshot(path=str(artifacts / f"search-badge-{size}.png"), full_page=True)


def test_people_of_one_name_are_grouped_with_their_records_told_apart_and_pass_axe(
    sized: tuple[str, Any], portal: str, portal_out: Path, artifacts: Path
) -> None:
    size, page = sized
    name = a_shared_person_name(portal_out)
    search(page, portal, name)
    group = page.locator(".gongshi-search__group").filter(has=page.get_by_text(name, exact=True)).first
    records = group.locator(".gongshi-search__record").all_inner_texts()
    assert len(records) >= 2 and "条记录" in group.inner_text()
    assert all("证件号码" in r and "*" in r and "机关" in r and "日期" in r for r in records)
    readable_and_fits(page)
    page.screenshot(path=str(artifacts / f"search-people-{size}.png"), full_page=True)


def test_nothing_found_gives_the_data_date_and_the_national_search_and_passes_axe(
    sized: tuple[str, Any], portal: str, artifacts: Path
) -> None:
    size, page = sized
    assert "未找到" in search(page, portal, NOTHING)
    note = page.locator(".gongshi-search__note")
    note.wait_for(state="visible")
    assert f"数据截至 {AS_OF.isoformat()}" in note.inner_text()
    assert note.get_by_role("link", name="信用中国网站（www.creditchina.gov.cn）").count() == 1
    readable_and_fits(page)
    page.screenshot(path=str(artifacts / f"search-nothing-{size}.png"), full_page=True)
