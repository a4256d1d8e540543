"""The search script in a real Chromium against an index built on disk and served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pytest

from generator.search import build_search_index
from tests.browser.kit import Traffic, result_names, serve, wait_for_search
from tests.search.fixtures import (
    HENGSHENG,
    PERSON_ID,
    PERSON_MASKED,
    WANG_CHAO,
    read_index,
    subjects_with_facts,
    write_release_history,
    write_search_page,
)
from tests.search.synth import synth_subjects, with_facts
from tests.search.test_index import decode

pytestmark = pytest.mark.browser
BUDGET = 300_000  # bytes a first name search may transfer (issue 4's benchmark line)
AS_OF = "2026-11-20"
NATIONAL = "https://www.creditchina.gov.cn/"


def site_of(frame: pd.DataFrame, folder: Path) -> Path:
    assert build_search_index(frame, folder) == []
    write_search_page(folder)
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = site_of(subjects_with_facts(), tmp_path_factory.mktemp("small"))
    write_release_history(folder, AS_OF)
    with serve(folder) as base:
        yield base


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50,000 synthetic subjects plus the demo ones, with the facts results show: enough for frequency stop bigrams
    and many matches."""
    frame = pd.concat([with_facts(synth_subjects(50_000, seed=11)), subjects_with_facts()], ignore_index=True)
    return site_of(frame, tmp_path_factory.mktemp("large"))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def search(page: Any, base: str, query: str) -> str:
    page.goto(f"{base}search/?q={quote(query)}")
    return wait_for_search(page)


def test_part_of_a_trade_name_finds_the_company_and_links_to_its_archive(page: Any, small: str) -> None:
    status = search(page, small, "恒盛建材")
    assert result_names(page) == ["临江市恒盛建材有限公司"]
    assert "找到 1 个结果" in status
    link = page.locator(".gongshi-search__name").first.get_attribute("href")
    assert link == f"{small}subjects/{HENGSHENG[-2:]}/{HENGSHENG}.html"


def test_a_trade_name_shared_by_two_companies_finds_both_and_a_full_name_ranks_its_subject_first(
    page: Any, small: str
) -> None:
    search(page, small, "恒盛")
    assert sorted(result_names(page)) == ["临江市恒盛建材有限公司", "临江市恒盛物流有限责任公司"]
    search(page, small, "临江市恒盛物流有限责任公司")
    assert result_names(page)[0] == "临江市恒盛物流有限责任公司"


def test_brackets_spaces_case_and_full_width_letters_do_not_matter(page: Any, small: str) -> None:
    search(page, small, "青松 (江北)")
    assert result_names(page) == ["临江市青松（江北）农业专业合作社"]
    search(page, small, "abc临江")
    assert result_names(page) == ["ＡＢＣ（临江）数码科技有限公司"]


def test_names_are_shown_as_text_never_as_markup(page: Any, small: str) -> None:
    search(page, small, "恶意标签")
    assert result_names(page) == ['<img src=x onerror="document.title=1">恶意标签商行']
    assert page.locator(".gongshi-search__results img").count() == 0
    assert page.title() != "1"


def test_an_exact_code_and_a_code_prefix_find_the_company(page: Any, small: str) -> None:
    search(page, small, HENGSHENG)
    assert result_names(page) == ["临江市恒盛建材有限公司"]
    search(page, small, HENGSHENG[:10].lower())
    assert result_names(page) == ["临江市恒盛建材有限公司"]
    assert HENGSHENG in page.inner_text(".gongshi-search__results")


def test_a_legal_form_alone_gets_a_helpful_message_not_a_hang(page: Any, small: str) -> None:
    status = search(page, small, "有限公司")
    assert "太常见" in status and "字号" in status
    assert result_names(page) == []


def test_a_person_is_found_by_name_and_shows_only_the_masked_id(page: Any, small: str) -> None:
    search(page, small, "张伟")
    assert result_names(page) == ["张伟"]
    assert PERSON_MASKED in page.inner_text(".gongshi-search__results")
    assert PERSON_ID not in page.content()


def test_a_person_cannot_be_found_by_id_number(page: Any, small: str) -> None:
    assert "未找到" in search(page, small, PERSON_ID)
    assert result_names(page) == []


def test_nothing_found_says_so(page: Any, small: str) -> None:
    assert "未找到" in search(page, small, "不存在的名字")
    assert "至少" in search(page, small, "张")


def test_typing_in_the_search_box_updates_the_results_and_the_address(page: Any, small: str) -> None:
    search(page, small, "")
    page.fill("#gongshi-search-q", "华泰")
    page.wait_for_selector("text=临江华泰科技股份有限公司")
    assert "q=%E5%8D%8E%E6%B3%B0" in page.url
    page.fill("#gongshi-search-q", "小吃")
    page.wait_for_selector("text=临江市江北区张记小吃店")
    assert result_names(page) == ["临江市江北区张记小吃店"]


def test_a_name_search_transfers_under_300_kb_first_and_little_later(browser: Any, large_site: Path) -> None:
    with serve(large_site) as base:
        context = browser.new_context()
        page, traffic = context.new_page(), Traffic()
        traffic.watch(page)
        search(page, base, "恒盛建材")
        assert "临江市恒盛建材有限公司" in result_names(page)
        first, traffic.sizes = traffic.total(), {}
        page.fill("#gongshi-search-q", "张记小吃")
        page.wait_for_selector("text=临江市江北区张记小吃店")
        context.close()
    assert first <= BUDGET, f"first query transferred {first} bytes"
    assert traffic.total() <= BUDGET // 2


def test_many_matches_are_capped_with_a_note_and_more_can_be_shown(page: Any, large_site: Path) -> None:
    gram = busy_bigram(large_site, low=250)
    with serve(large_site) as base:
        status = search(page, base, gram)
        assert "超过 200 个" in status and "已显示 20 个" in status
        assert len(result_names(page)) == 20
        page.click("text=显示更多")
        page.wait_for_function("document.querySelectorAll('.gongshi-search__entry').length === 40")


def busy_bigram(site: Path, low: int) -> str:
    """A selective bigram that more than ``low`` subjects share."""
    for name, shard in read_index(site).items():
        for gram, postings in shard.items() if name.startswith("n/") else ():
            if len(gram) == 2 and len({posting[0] for posting in decode(postings)}) > low:
                return str(gram)
    raise AssertionError("no busy bigram in the synthetic subjects")


def test_a_company_on_the_punishment_list_shows_the_badge_in_words_and_its_counts_by_kind(
    page: Any, small: str
) -> None:
    search(page, small, "恒盛建材")
    item = page.locator(".gongshi-search__item").first
    badge = item.locator(".gs-badge")
    assert badge.all_inner_texts() == ["失信惩戒名单"]
    assert "gs-badge--punishment" in (badge.get_attribute("class") or "")
    assert "公示信息 3 条：行政处罚 2 条 · 行政许可 1 条" in item.inner_text()


def test_a_company_on_no_list_shows_no_badge(page: Any, small: str) -> None:
    search(page, small, "华泰")
    assert result_names(page) == ["临江华泰科技股份有限公司"]
    assert page.locator(".gongshi-search__results .gs-badge").count() == 0
    assert "行政许可 2 条" in page.inner_text(".gongshi-search__results")


def test_people_of_one_name_are_one_group_and_each_record_shows_id_authority_date_and_reason(
    page: Any, small: str
) -> None:
    search(page, small, "王超")
    assert result_names(page) == ["王超"]
    group = page.locator(".gongshi-search__group")
    assert "2 条记录" in group.inner_text() and "至少涉及 2 人" in group.inner_text()
    records = group.locator(".gongshi-search__record").all_inner_texts()
    assert len(records) == 2
    for shown, record in zip(records, WANG_CHAO, strict=True):
        for fact in ("masked_id", "authority", "date", "reason"):
            assert record[fact] in shown, fact
    link = group.locator(".gongshi-search__record-link").first.get_attribute("href")
    assert link == f"{small}{WANG_CHAO[0]['url']}"


def test_nothing_found_explains_the_coverage_with_the_data_date_and_links_the_national_search(
    page: Any, small: str
) -> None:
    assert "未找到" in search(page, small, "不存在的名字")
    note = page.locator(".gongshi-search__note")
    note.wait_for(state="visible")
    text = note.inner_text()
    assert f"数据截至 {AS_OF}" in text and "目前公示" in text
    assert "公示期满、已信用修复、被撤销或已移出名单的记录不再显示" in text
    assert note.locator(f'a[href="{NATIONAL}"]').count() == 1


def test_a_code_with_a_wrong_check_character_is_called_invalid_and_the_coverage_is_explained(
    page: Any, small: str
) -> None:
    wrong = HENGSHENG[:17] + ("0" if HENGSHENG[17] != "0" else "1")
    status = search(page, small, wrong)
    assert "不是有效的统一社会信用代码" in status and "校验码" in status
    assert "I、O、S、V、Z" in search(page, small, "91330902MA2A1B2C3O")
    page.locator(".gongshi-search__note").wait_for(state="visible")


def test_a_result_is_hidden_until_searched_again_after_nothing_found(page: Any, small: str) -> None:
    search(page, small, "不存在的名字")
    page.locator(".gongshi-search__note").wait_for(state="visible")
    search(page, small, "恒盛建材")
    assert page.locator(".gongshi-search__note").is_hidden()
