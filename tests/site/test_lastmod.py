"""The sitemap's dates of record and archive pages (generator.site.lastmod): looked up at once over the keys'
bytes, they are what a plain look-up page by page gives — a record's date (its last dataset's, when its ID is in
two), an archive's newest — and nothing for a page whose path only looks like one."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import RECORD_ID
from generator.site import urls
from generator.site.lastmod import lastmods
from generator.site.view import ARCHIVE, DatasetView, dataset_views
from tests.site.conftest import tables

IDS = ["0123456789abcdef", "01234567890abcde", "ffeeddccbbaa0099", "a0a0a0a0a0a0a0a0"]
CODES = ["", "91330902MA2A1B2C3X", "92330902MA2B3C4D5Y", "11330900002570512A"]
DATES = ["2026-02-10", "2025-11-03", "2026-02-11", "", "2026-2-1", "soon"]
ROWS = st.lists(st.tuples(*(st.sampled_from(values) for values in (IDS, CODES, DATES))), max_size=8)


def penalties_view() -> DatasetView:
    views, _ = dataset_views({"penalties": tables()["penalties"]})
    return views[0]


BASE = penalties_view()
DATE_COLUMN = str(BASE.role("date"))


def view_of(rows: list[tuple[str, str, str]], name: str) -> DatasetView:
    """The fixture's penalty view holding ``rows`` (record ID, archive code, date) instead of its own."""
    frame = pd.DataFrame(
        {RECORD_ID: [r[0] for r in rows], ARCHIVE: [r[1] for r in rows], DATE_COLUMN: [r[2] for r in rows]},
        dtype=object,
    )
    spec = dataclasses.replace(BASE.spec, id=name)
    return DatasetView(spec, frame.reindex(columns=BASE.frame.columns, fill_value=""), BASE.fields)


def looked_up_one_by_one(views: list[DatasetView]) -> dict[str, str]:
    """What each record and archive page's date is, page by page, in plain Python."""
    found: dict[str, str] = {}
    for view in views:
        for record_id, date in zip(view.frame[RECORD_ID], view.column("date"), strict=True):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                found[urls.record_page(record_id)] = date  # the last dataset's
    for view in views:
        for code, date in zip(view.frame[ARCHIVE], view.column("date"), strict=True):
            if code and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                page = urls.subject_page(code)
                found[page] = max(found.get(page, ""), date)
    return found


@settings(deadline=None, max_examples=60)
@given(ROWS, ROWS, st.randoms(use_true_random=False))  # the pages in any order
def test_record_and_archive_pages_take_the_dates_a_page_by_page_look_up_gives(
    first: list[tuple[str, str, str]], second: list[tuple[str, str, str]], shuffler: object
) -> None:
    views = [view_of(first, "penalties"), view_of(second, "fines")]
    expected = looked_up_one_by_one(views)
    unrelated = ["r/ff/0123456789abcdef.html", "s/ZZ/91330902MA2A1B2C3X.html", "guide/objection/", "r/01/"]
    pages = [urls.record_page(i) for i in IDS] + [urls.subject_page(c) for c in CODES if c] + unrelated
    shuffler.shuffle(pages)  # type: ignore[attr-defined]
    dates = lastmods(views, pa.array(pages, pa.large_string())).to_pylist()
    assert {p: d for p, d in zip(pages, dates, strict=True) if p.startswith(("r/", "s/"))} == {
        p: expected.get(p, "") for p in pages if p.startswith(("r/", "s/"))
    }


def test_no_pages_and_no_records_give_no_dates() -> None:
    assert lastmods([view_of([], "penalties")], pa.array([], pa.large_string())).to_pylist() == []
    assert lastmods([], pa.array(["r/01/0123456789abcdef.html"], pa.large_string())).to_pylist() == [""]
