"""A month too long for one page is paged by day: the month page lists its days, each day has its own pages,
and a record leaving changes the pages of its own day only (so a daily rebuild does not rewrite every later
page of the month, #12).

Real renders (real mkdocs-material) of the site fixture publication with one long month of penalties.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from generator.model import RECORD_ID, Publication
from generator.site import urls
from generator.site.months import PAGE_SIZE
from tests.buildproc import tree_digest
from tests.site.conftest import publication
from tests.site.test_units import render

DAYS = {"2026-02-11": PAGE_SIZE + 30, "2026-02-10": 40, "2026-02-03": 25}  # newest first; 2.x pages of rows
RECORD_LINK = re.compile(r'href="[./]*r/[0-9a-f]{2}/([0-9a-f]{16})\.html"')


def long_month(skip: str = "") -> Publication:
    """The fixture with penalties decided in February 2026 on three days (record ID ``skip`` left out)."""
    pub = publication()
    base = pub.tables["penalties"].frame.iloc[[0]]
    rows = []
    for day, count in DAYS.items():
        for i in range(count):
            row = base.copy()
            row["CF_JDRQ"], row["CF_WSH"] = day, f"临市监处罚〔2026〕{day[-2:]}{i:03d}号"
            row[RECORD_ID] = f"{int(day[-2:]):02d}{i:014x}"
            rows.append(row)
    frame = pd.concat(rows, ignore_index=True)
    frame = frame[frame[RECORD_ID] != skip]
    tables = {**pub.tables, "penalties": dataclasses.replace(pub.tables["penalties"], frame=frame)}
    return dataclasses.replace(pub, tables=tables)


def links(page: Path) -> list[str]:
    return RECORD_LINK.findall(page.read_text(encoding="utf-8"))


def test_a_long_month_lists_its_days_and_each_record_is_on_exactly_one_day_page(tmp_path: Path) -> None:
    site = render(long_month(), tmp_path / "site").site
    month = (site / urls.month_page("penalties", "2026-02")).read_text(encoding="utf-8")
    for day, count in DAYS.items():
        assert urls.day_page("penalties", day).split("/")[-1] in month and f"（{count}）" in month
    assert not RECORD_LINK.search(month)
    seen: list[str] = []
    for day, count in DAYS.items():
        pages = [urls.day_page("penalties", day, k + 1) for k in range(-(-count // PAGE_SIZE))]
        ids = [i for page in pages for i in links(site / page)]
        assert len(ids) == count and all(i.startswith(day[-2:]) for i in ids)
        seen += ids
        assert not (site / urls.day_page("penalties", day, len(pages) + 1)).exists()
    assert len(seen) == len(set(seen)) == sum(DAYS.values())


def test_a_record_leaving_changes_only_its_own_days_pages_and_the_month_page(tmp_path: Path) -> None:
    gone = f"10{0:014x}"  # the first (newest-listed) record of 2026-02-10
    before = tree_digest(render(long_month(), tmp_path / "a").site)
    after = tree_digest(render(long_month(skip=gone), tmp_path / "b").site)
    listings = re.compile(r"^datasets/penalties/2026-02")
    changed = {p for p in before.keys() | after.keys() if listings.match(p) and before.get(p) != after.get(p)}
    assert changed == {urls.month_page("penalties", "2026-02"), urls.day_page("penalties", "2026-02-10")}


def test_a_month_that_fits_on_one_page_is_not_paged_by_day(tmp_path: Path) -> None:
    site = render(publication(), tmp_path / "site").site
    assert not list(site.glob("datasets/penalties/????-??-??*.html"))
    assert links(site / urls.month_page("penalties", "2026-02"))
