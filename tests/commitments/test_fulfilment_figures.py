"""The commitment column's 履约情况: each item's figures by year (from the rules stage's figures frame), its public
失诺 records linked to their subjects' archives, the totals on the column's pages, the links between items and
fulfilment records — and page-unit keys that change exactly for the item pages whose figures change."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from generator.commitments.figures import (
    FIGURES,
    ITEM,
    ITEM_NAME,
    ItemSummary,
    Year,
    decode,
    item_summaries,
    item_years,
)
from generator.commitments.index import index_page
from generator.commitments.model import Commitment, CommitmentMeta, CoveredItem
from generator.commitments.pages import template_page
from generator.model import Table, empty_fulfilment
from generator.site import urls
from generator.site.shell import BODY, Shell
from generator.site.subjects import find_subjects
from generator.site.units import page_units
from generator.site.view import measure_links
from generator.site.work import BulkData
from tests.site.conftest import COMPANY, COMPANY_CODE, PERSON, PERSON_MASKED, SHOP_CODE, publication
from tests.site.credit_tables import (
    BUILD,
    FOOD,
    ROAD,
    SHOP,
    credit_tables,
    figures,
    record_id_of,
    record_page_bodies,
    view_named,
    views_of,
)
from tests.site.credit_tables import FIGURES as FRAME


def rows_of(page: str, caption: str) -> list[list[str]]:
    """The cells of each body row of the table labelled ``caption`` (tags stripped)."""
    table = page[page.index(f'<table aria-label="{caption}">') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_figures_are_summed_over_fulfilment_datasets_by_item_and_year_oldest_first() -> None:
    years = item_years(FRAME)
    assert years[FOOD] == (Year(2025, 4, 3, 2, 1), Year(2026, 6, 3, 1, 2))
    assert years[ROAD] == (Year(2026, 2, 0, 0, 0),)
    assert item_years(empty_fulfilment()) == {} and item_years(None) == {}


def test_kept_rate_is_kept_over_checked_and_a_dash_when_nothing_was_checked() -> None:
    assert Year(2026, 5, 3, 2, 1).rate == "66.7%"
    assert Year(2026, 2, 0, 0, 0).rate == "—"
    assert Year(2025, 1, 1, 0, 1).rate == "0.0%"


def test_a_catalog_without_fulfilment_dataset_gets_no_derived_columns_and_no_summaries() -> None:
    tables = credit_tables()
    del tables["promises"]
    views = views_of(tables)
    assert all(FIGURES not in v.frame.columns and ITEM not in v.frame.columns for v in views)
    assert item_summaries(tables, FRAME) is None


def test_each_item_row_carries_its_figures_and_its_public_broken_records_newest_first() -> None:
    tables = credit_tables()
    items = view_named(views_of(tables), "items")
    by_code = dict(zip(items.frame["CN_SXBM"], items.frame[FIGURES], strict=True))
    food = decode(by_code[FOOD])
    assert food is not None and food.total == Year(0, 10, 6, 3, 3)
    assert [(b.name, b.checked_on) for b in food.broken] == [(PERSON, "2026-03-01"), (COMPANY, "2026-02-10")]
    person, company = food.broken
    assert person.archive == "" and company.archive == COMPANY_CODE  # a natural person never gets an archive
    assert company.id == record_id_of(tables, "promises", "LY_CNBH", "CN-1")
    build = decode(by_code[BUILD])
    assert build is not None and build.years == () and build.broken == ()


def test_each_fulfilment_row_names_its_items_page_and_name_or_nothing_when_the_item_is_not_listed() -> None:
    tables = credit_tables()
    promises = view_named(views_of(tables), "promises")
    links = dict(
        zip(
            promises.frame["LY_CNBH"],
            zip(promises.frame[ITEM], promises.frame[ITEM_NAME], strict=True),
            strict=True,
        )
    )
    assert links["CN-4"] == (record_id_of(tables, "items", "CN_SXBM", ROAD), "道路普通货物运输经营许可")
    assert links["CN-5"] == ("", "")


def test_an_items_page_shows_its_figures_by_year_and_links_broken_records_to_archives(tmp_path: Path) -> None:
    tables = credit_tables()
    pages = record_page_bodies(tmp_path, views_of(tables), "items")
    page = pages[record_id_of(tables, "items", "CN_SXBM", FOOD)]
    assert '<h1 id="gs-main">食品经营许可（新办）</h1>' in page
    assert rows_of(page, "按年度统计的履约情况") == [
        ["2025 年", "4", "3", "2", "1", "66.7%"],
        ["2026 年", "6", "3", "1", "2", "33.3%"],
        ["合计", "10", "6", "3", "3", "50.0%"],
    ]
    broken = page[page.index("公示中的失诺信息") :]
    assert f'<a href="../../{urls.subject_page(COMPANY_CODE)}">{COMPANY}</a>' in broken
    assert f'<td data-label="承诺主体">{PERSON}</td>' in broken and PERSON_MASKED not in broken
    person_record = record_id_of(tables, "promises", "LY_CNBH", "CN-3")
    assert f'href="../../{urls.record_page(person_record)}"' in broken
    road = pages[record_id_of(tables, "items", "CN_SXBM", ROAD)]
    assert rows_of(road, "按年度统计的履约情况")[0] == ["2026 年", "2", "0", "0", "0", "—"]
    assert f'<a href="../../{urls.subject_page(SHOP_CODE)}">{SHOP}</a>' in road  # a 个体工商户 has an archive
    assert "本门户尚无本事项的信用承诺记录" in pages[record_id_of(tables, "items", "CN_SXBM", BUILD)]


def test_without_a_fulfilment_dataset_an_items_page_has_no_figures(tmp_path: Path) -> None:
    tables = credit_tables()
    del tables["promises"]
    page = record_page_bodies(tmp_path, views_of(tables), "items")[
        record_id_of(tables, "items", "CN_SXBM", FOOD)
    ]
    assert "履约情况" not in page


def test_a_broken_commitments_page_puts_the_result_first_links_its_item_and_offers_repair(
    tmp_path: Path,
) -> None:
    tables = credit_tables()
    pages = record_page_bodies(tmp_path, views_of(tables), "promises")
    page = pages[record_id_of(tables, "promises", "LY_CNBH", "CN-1")]
    result = page[page.index('class="gs-fields gs-period gs-result"') :]
    assert result.index("<strong>失诺</strong>") < result.index('<dl class="gs-fields">')
    item = record_id_of(tables, "items", "CN_SXBM", FOOD)
    assert (
        f'<a href="../../{urls.record_page(item)}#gs-fulfilment">食品经营许可（新办）的履约情况</a>' in page
    )
    assert "申请信用修复" in page
    kept = pages[record_id_of(tables, "promises", "LY_CNBH", "CN-2")]
    assert "<strong>践诺</strong>" in kept and "申请信用修复" not in kept and "失信信息" not in kept
    unlisted = pages[record_id_of(tables, "promises", "LY_CNBH", "CN-5")]
    assert "的履约情况</a>" not in unlisted


def test_a_template_page_shows_each_covered_items_totals_and_links_its_figures() -> None:
    tables = credit_tables()
    summaries = item_summaries(tables, FRAME)
    assert summaries is not None
    page = template_page(_licensing_template(), None, summaries)
    food = next(line for line in page.splitlines() if line.startswith(f"| {FOOD.replace('-', '-')}"))
    item = record_id_of(tables, "items", "CN_SXBM", FOOD)
    assert "| 10 | 6 | 3 | 3 | 50.0% |" in food
    assert f'<a href="../../{urls.record_page(item)}#gs-fulfilment">逐年履约情况</a>' in food
    road = next(line for line in page.splitlines() if line.startswith(f"| {ROAD}"))
    assert "| 2 | 0 | 0 | 0 | — |" in road
    unlisted = next(line for line in page.splitlines() if line.startswith("| LJXK-XX-404"))
    assert "未列入告知承诺事项清单" in unlisted
    assert "承诺 | 已核查" not in template_page(_licensing_template(), None, None)


def test_the_column_index_shows_each_items_rate_linked_to_its_page() -> None:
    tables = credit_tables()
    summaries = item_summaries(tables, FRAME)
    assert summaries is not None
    portal = publication().catalog.portal
    page = index_page([_licensing_template()], portal, summaries)
    item = record_id_of(tables, "items", "CN_SXBM", FOOD)
    assert f'<a href="../{urls.record_page(item)}#gs-fulfilment">承诺 10 件，践诺率 50.0%</a>' in page
    assert "履约情况" not in index_page([_licensing_template()], portal, None)


def test_summaries_link_the_first_listed_item_and_count_zero_for_items_without_commitments() -> None:
    tables = credit_tables()
    summaries = item_summaries(tables, figures([]))
    assert summaries is not None
    assert summaries[BUILD] == ItemSummary(
        record_id_of(tables, "items", "CN_SXBM", BUILD), Year(0, 0, 0, 0, 0)
    )


def test_changed_figures_change_the_unit_key_of_that_items_page_alone(tmp_path: Path) -> None:
    tables = credit_tables()
    before = _keys(tmp_path, tables, FRAME)
    changed = FRAME.copy()
    changed.loc[(changed["item"] == ROAD), ["checked", "kept"]] = [1, 1]
    after = _keys(tmp_path, tables, changed)
    differ = {path for path in before.index if before[path] != after[path]}
    road = urls.record_page(record_id_of(tables, "items", "CN_SXBM", ROAD))
    assert differ == {road}  # not its month's listing, no archive, no other record


def test_a_changed_item_name_changes_the_unit_keys_of_its_fulfilment_pages(tmp_path: Path) -> None:
    tables = credit_tables()
    before = _keys(tmp_path, tables, FRAME)
    frame = tables["items"].frame
    frame.loc[frame["CN_SXBM"] == ROAD, "CN_SXMC"] = "道路货物运输经营许可（新名称）"
    after = _keys(tmp_path, tables, FRAME)
    promise = urls.record_page(record_id_of(tables, "promises", "LY_CNBH", "CN-4"))
    assert before[promise] != after[promise]
    assert (
        before[urls.record_page(record_id_of(tables, "promises", "LY_CNBH", "CN-1"))]
        == after[urls.record_page(record_id_of(tables, "promises", "LY_CNBH", "CN-1"))]
    )


def _keys(tmp_path: Path, tables: dict[str, Table], frame: pd.DataFrame) -> pd.Series:
    views = views_of(tables, frame)
    data = BulkData(
        tmp_path / "site", "https://x.example.cn/", views, find_subjects(views), measure_links(views)
    )
    keys: pd.Series = page_units(data, Shell(("", BODY, ""))).keys
    return keys


def _licensing_template() -> Commitment:
    items = (
        CoveredItem(code=FOOD, name="食品经营许可（新办）"),
        CoveredItem(code=ROAD, name="道路普通货物运输经营许可"),
        CoveredItem(code="LJXK-XX-404", name="未列入清单的事项"),
    )
    meta = CommitmentMeta(
        title="食品经营许可告知承诺书", matter="食品经营许可", category="licensing", department="临江市市场监督管理局",
        version="2024版", effective=date(2024, 3, 1), items=items,
    )  # fmt: skip
    return Commitment("food-licence", "commitments/food-licence.md", meta, ())
