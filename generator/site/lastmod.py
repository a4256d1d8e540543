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
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.collector import give_back_arrow
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
DATE = "date"
_TEXT = pa.array([], pa.large_string())


def lastmods(views: list[DatasetView], pages: pa.Array) -> pa.Array:
    """The date of each of ``pages`` (relative to site/), in their order ('' for a page without one), as an
    Arrow string array. The record and archive pages — nearly all of a city's — are found at once by the record
    ID or subject code in their path, among the records' sorted keys; only the others go through ``_grouped``
    one by one."""
    dated = [(view, _dates(view)) for view in views]
    at = np.full(len(pages), -1, dtype=np.int64)
    known: list[pa.Array] = []
    for key in (RECORD_PAGE, ARCHIVE_PAGE):
        columns = [(v.frame[key.column], d) for v, d in dated if v.is_record_set or not key.record_sets]
        keyed = _keyed(columns, key)
        rows, found = _found(pages, key, keyed)
        at[rows] = np.where(found >= 0, found + sum(map(len, known)), -1)
        known.append(keyed.dates)
        give_back_arrow()  # the sort's and the look-up's buffers, before the next key's are made
    dates = pa.concat_arrays(known).take(pa.array(at, mask=at < 0)).fill_null("")
    return _with_grouped(pages, dates, dated)


def _with_grouped(pages: pa.Array, found: pa.Array, dated: list[tuple[DatasetView, pd.Series]]) -> pa.Array:
    """``found``, with the date of each page it has none for from ``_grouped``."""
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


class PageKey(NamedTuple):
    """Pages named by a key of fixed width: ``<letter>/<shard>/<key>.html``, the shard two of the key's
    characters."""

    column: str
    """The views' column of the key."""
    page: str
    """The pattern of the pages' paths."""
    width: int
    """The key's length, in bytes (ASCII)."""
    shard: int
    """Where in the key the two characters of its folder start."""
    newest: bool
    """A key found in several rows takes its newest date (else its last row's)."""
    record_sets: bool
    """Only the views of dated records (each with a page) have these pages."""


RECORD_PAGE = PageKey(
    RECORD_ID, r"^r/[0-9a-f]{2}/[0-9a-f]{16}\.html$", 16, 0, False, True
)  # urls.record_page
ARCHIVE_PAGE = PageKey(
    ARCHIVE, r"^s/[0-9A-Z]{2}/[0-9A-Z]{18}\.html$", 18, 16, True, False
)  # urls.subject_page
KEY_AT = len("r/xx/")
ISO_WIDTH = len("2026-01-01")


class Keyed(NamedTuple):
    """The dated rows of one kind of key."""

    keys: np.ndarray[Any, Any]
    """Each key once, as fixed-width bytes, sorted."""
    rows: np.ndarray[Any, Any]
    """The row of ``dates`` each key takes."""
    dates: pa.Array
    """The dated rows' dates, in the views' order."""


def _keyed(columns: list[tuple[pd.Series, pd.Series]], key: PageKey) -> Keyed:
    """The rows of ``columns`` (keys, dates) with a key and a date, keyed. A key found twice comes once: with its
    newest date (``key.newest``: an archive's) or else its last row's (a record in two datasets). Sorted by
    NumPy over the keys' bytes, not hashed: at 1 M records Arrow's hash look-up of the pages' paths and its
    grouping of the archives added 0.3 GiB to the site stage's peak."""
    parts = [pa.table({"k": urls.arrow_strings(k), DATE: urls.arrow_strings(d)}) for k, d in columns]
    table = pa.concat_tables(parts) if parts else pa.table({"k": _TEXT, DATE: _TEXT})
    widths = (pc.binary_length(table["k"]), pc.binary_length(table[DATE]))
    table = table.filter(pc.and_(pc.equal(widths[0], key.width), pc.equal(widths[1], ISO_WIDTH)))
    keys, dates = (table[name].combine_chunks() for name in ("k", DATE))
    fixed = _fixed(keys, key.width)
    order = np.lexsort((_fixed(dates, ISO_WIDTH) if key.newest else np.arange(len(fixed)), fixed))
    ordered = fixed[order]
    last = np.ones(len(ordered), dtype=bool)  # each key's last row in that order: its newest, or its last
    last[:-1] = ordered[1:] != ordered[:-1]
    return Keyed(ordered[last], order[last], dates)


def _found(pages: pa.Array, key: PageKey, keyed: Keyed) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The rows of ``pages`` that are ``key``'s pages, and the row of ``keyed.dates`` of each one's key (-1:
    none)."""
    rows = np.flatnonzero(pc.match_substring_regex(pages, key.page).to_numpy(zero_copy_only=False))
    width = KEY_AT + key.width + len(".html")
    chars = _fixed(pages.take(rows), width).view(np.uint8).reshape(len(rows), width)
    wanted = np.ascontiguousarray(chars[:, KEY_AT : KEY_AT + key.width]).view(f"S{key.width}").ravel()
    sharded = (chars[:, 2:4] == chars[:, KEY_AT + key.shard : KEY_AT + key.shard + 2]).all(axis=1)
    if not len(keyed.keys):
        return rows, np.full(len(rows), -1, dtype=np.int64)
    at = np.searchsorted(keyed.keys, wanted).clip(0, len(keyed.keys) - 1)
    return rows, np.where(sharded & (keyed.keys[at] == wanted), keyed.rows[at], -1)


def _fixed(strings: pa.Array, width: int) -> np.ndarray[Any, Any]:
    """``strings`` (a ``large_string`` array, each ``width`` bytes) as NumPy's ``width``-byte strings over
    Arrow's data buffer, not copied."""
    if not len(strings):
        return np.empty(0, dtype=f"S{width}")
    strings = strings.cast(pa.large_string())  # (as it is, when it is one already)
    start = np.frombuffer(strings.buffers()[1], dtype=np.int64, count=1, offset=8 * strings.offset)[0]
    return np.frombuffer(strings.buffers()[2], dtype=f"S{width}", count=len(strings), offset=int(start))


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
