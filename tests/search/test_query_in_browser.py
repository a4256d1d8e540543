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
from tests.search.fixtures import HENGSHENG, PERSON_ID, PERSON_MASKED, read_index, subjects, write_search_page
from tests.search.synth import synth_subjects
from tests.search.test_index import decode

pytestmark = pytest.mark.browser
BUDGET = 300_000  # bytes a first name search may transfer (issue 4's benchmark line)


def site_of(frame: pd.DataFrame, folder: Path) -> Path:
    assert build_search_index(frame, folder) == []
    write_search_page(folder)
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(site_of(subjects(), tmp_path_factory.mktemp("small"))) as base:
        yield base


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50,000 synthetic subjects plus the demo ones: enough for frequency stop bigrams and many matches."""
    frame = pd.concat([synth_subjects(50_000, seed=11), subjects()], ignore_index=True)
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
    assert "找到 1 个主体" in status
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
        page.wait_for_function("document.querySelectorAll('.gongshi-search__item').length === 40")


def busy_bigram(site: Path, low: int) -> str:
    """A selective bigram that more than ``low`` subjects share."""
    for name, shard in read_index(site).items():
        for gram, postings in shard.items() if name.startswith("n/") else ():
            if len(gram) == 2 and len({posting[0] for posting in decode(postings)}) > low:
                return str(gram)
    raise AssertionError("no busy bigram in the synthetic subjects")
