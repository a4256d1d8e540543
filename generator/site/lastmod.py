"""The ``lastmod`` of each sitemap URL, from the records' own dates — never the clock.

Stage: render site (for the sitemap, ``feeds``). Guarantees: a record page's date is its record's date (the
decision, listing or check date: the ``date`` role, when a well-formed ISO date); a day page of a long month
has its day; an archive's, a month listing's (every page and department filter of that month), a department
summary's and a list page's is the newest date among the records it shows or summarises; a dataset's pages take the newest date of its records,
the portal-wide data pages (home, catalogue, lists, measures, statistics, releases) the newest of all; a page
with no dated record behind it (guides, search, commitment letters, undated datasets) has no ``lastmod``. So the
same data give the same sitemap, whatever the build date, and a rebuild without change rewrites no sitemap.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.model import RECORD_ID
from generator.site import urls
from generator.site.view import ARCHIVE, DEPT, MONTH, DatasetView

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
MONTH_PAGE = re.compile(r"^datasets/([^/]+)/(?:d([0-9a-f]{10})-)?(\d{4}-\d{2}|undated)(?:-\d+)?\.html$")
DAY_PAGE = re.compile(r"^datasets/[^/]+/(\d{4}-\d{2}-\d{2})(?:-\d+)?\.html$")
DEPT_PAGE = re.compile(r"^datasets/([^/]+)/d([0-9a-f]{10})\.html$")
LIST_PAGE = re.compile(r"^lists/([^/]+)/p\d+\.html$")
DATASET_DOC = re.compile(r"^datasets/([^/]+)/(?:dictionary/)?$")
PORTAL_DOCS = ("", "catalog/", "lists/", "measures/", "stats/", "releases/")
PATH, DATE = "path", "date"
_TEXT = pa.array([], pa.large_string())


def lastmods(views: list[DatasetView], pages: pa.Array) -> pa.Array:
    """The date of each of ``pages`` (relative to site/), in their order ('' for a page without one), as an
    Arrow string array. The record and archive pages — nearly all of a city's — are looked up at once in a table
    of their dates, in Arrow; only the others go through ``_grouped`` one by one (measured on the 1.29 M pages
    of a 1 M-record site: with a look-up per page in a dict of every dated page, the feeds and sitemaps took
    4.3–5.2 s of CPU, 2.3–3.1 s with the table in pandas — whose index made every page path a Python string,
    +0.3 GiB at the peak of the site stage). The table's paths are made in Arrow too: with pandas' string
    concatenation and index the look-up's Python and Arrow memory together peaked at 283 MiB, 207 MiB now."""
    dated = [(view, _dates(view)) for view in views]
    known = pa.concat_tables([*_records(dated), _archives(dated)])
    paths, dates = (known[name].combine_chunks() for name in (PATH, DATE))
    at = pc.index_in(pages, value_set=paths[::-1])  # the last of a path twice
    found = dates[::-1].take(at).fill_null("")
    groups = _groups(dated)
    newest = max((d for d in groups.get("dataset", {}).values()), default="")
    others = np.flatnonzero(pc.equal(found, "").to_numpy(zero_copy_only=False))
    grouped = [
        _grouped(page, groups) or (newest if page in PORTAL_DOCS else "")
        for page in pages.take(others).to_pylist()
    ]
    chosen = np.zeros(len(pages), dtype=bool)
    chosen[others] = True
    replaced: pa.Array = pc.replace_with_mask(found, pa.array(chosen), pa.array(grouped, pa.large_string()))
    return replaced


def _dates(view: DatasetView) -> pd.Series:
    """The view's record dates where well-formed, else empty."""
    dates = view.column("date").astype("str")
    return dates.where(dates.str.match(ISO_DATE).fillna(False).astype(bool), "")


def _records(dated: list[tuple[DatasetView, pd.Series]]) -> list[pa.Table]:
    return [
        _nonempty(urls.record_pages(urls.arrow_strings(view.frame[RECORD_ID])), urls.arrow_strings(dates))
        for view, dates in dated
        if view.is_record_set
    ]


def _archives(dated: list[tuple[DatasetView, pd.Series]]) -> pa.Table:
    """Each archive's newest date."""
    parts = [
        pa.table({"code": urls.arrow_strings(v.frame[ARCHIVE]), DATE: urls.arrow_strings(d)})
        for v, d in dated
    ]
    table = pa.concat_tables(parts) if parts else pa.table({"code": _TEXT, DATE: _TEXT})
    table = table.filter(pc.not_equal(table["code"], "")).group_by("code").aggregate([(DATE, "max")])
    return _nonempty(
        urls.subject_pages(table["code"].combine_chunks()), table[f"{DATE}_max"].combine_chunks()
    )


def _groups(dated: list[tuple[DatasetView, pd.Series]]) -> dict[str, dict[tuple[str, ...], str]]:
    """Newest date per dataset, per (dataset, month), per (dataset, department, month), per (dataset, dept)."""
    groups: dict[str, dict[tuple[str, ...], str]] = {"dataset": {}, "month": {}, "dept-month": {}, "dept": {}}
    for view, dates in dated:
        frame = pd.DataFrame({"month": view.frame[MONTH], "dept": view.frame[DEPT], "date": dates})
        groups["dataset"][(view.id,)] = str(dates.max()) if len(dates) else ""
        for name, keys in (("month", ["month"]), ("dept-month", ["dept", "month"]), ("dept", ["dept"])):
            for key, value in frame.groupby(keys)["date"].max().items():
                groups[name][(view.id, *(key if isinstance(key, tuple) else (key,)))] = str(value)
    return groups


def _grouped(page: str, groups: dict[str, dict[tuple[str, ...], str]]) -> str:
    """The date of a listing, summary, list or dataset page, by its path."""
    if match := DAY_PAGE.match(page):
        return match.group(1)  # a day's page of a long month: every record on it has that date
    if match := MONTH_PAGE.match(page):
        dataset, dept, month = match.groups()
        return (
            groups["dept-month"].get((dataset, dept, month), "")
            if dept
            else groups["month"].get((dataset, month), "")
        )
    if match := DEPT_PAGE.match(page):
        return groups["dept"].get(match.groups(), "")
    if (match := LIST_PAGE.match(page)) or (match := DATASET_DOC.match(page)):
        return groups["dataset"].get((match.group(1),), "")
    return ""


def _nonempty(pages: pa.Array, dates: pa.Array) -> pa.Table:
    """The dated entries (page → ISO date)."""
    table = pa.table({PATH: pages, DATE: dates})
    return table.filter(pc.not_equal(table[DATE], ""))
