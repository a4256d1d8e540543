"""Month listings: a dataset's records by month, newest first, paged, of all departments and of each one.

Stage: render site. Guarantees: every published record of a dated dataset appears on exactly one page of its
month — the month page itself when the month fits on one page, else one page of its day (the month page then
lists the days) — and, when it names a department, one page of that department's month; pages hold at most
``PAGE_SIZE`` rows; orders are those of the views (newest first, ties by record ID) and department names sort by
code point, so output never varies. Long months are paged by day so that a record withdrawn or added changes the
pages of its own day only, not every later page of the month (a daily rebuild at city scale would otherwise
rewrite most month pages: #12).

A month's pages are one sequence (``Layout``): its own page or pages, its days' pages, then each department's.
Any run of them is rendered alone (``month_piece``) from the month's layout — its days and departments with
their counts — and the rows on those pages only, so a month longer than a task is cut into pieces of
``PIECE_PAGES`` pages (``generator.site.bulk``) whose cluster tasks carry only their own rows
(``generator.site.slices``): a month of a province's penalties can hold 100,000 records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generator.site import urls
from generator.site.view import DEPT, MONTH, DatasetView
from generator.site.work import BulkData, brief, carry_pages, month_title, template, write_page

PAGE_SIZE = 100
PIECE_PAGES = 80  # pages of a long month per task: ``bulk.TASK_ROWS`` records when they are full
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NONE = np.zeros(0, dtype=np.int64)
Held = list[tuple[int, np.ndarray]]  # per listing: (the listing's row its positions start at, the positions)


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing of a month: all its departments' records (a long month: its page of days, ``days``, and
    each day's records, ``day``), or one department's (``slug``)."""

    rows: int
    day: str = ""
    slug: str = ""
    name: str = ""  # the department's name
    days: bool = False


@dataclass(frozen=True)
class Layout:
    """A month's listings in the order of its pages (all departments first, then each department's)."""

    month: str
    listings: list[Listing]

    def paths(self, dataset: str, li: int) -> list[str]:
        """The pages of listing ``li``."""
        listing, month = self.listings[li], self.month
        count = range(-(-listing.rows // PAGE_SIZE))
        if listing.days:
            return [urls.month_page(dataset, month)]
        if listing.day:
            return [urls.day_page(dataset, listing.day, k + 1) for k in count]
        return [urls.month_page(dataset, month, k + 1, listing.slug) for k in count]

    def pages(self, dataset: str) -> list[tuple[int, int, str]]:
        """Every page of the month, in order: (listing, page of that listing from 0, path)."""
        return [(li, k, p) for li in range(len(self.listings)) for k, p in enumerate(self.paths(dataset, li))]


def month_groups(data: BulkData, vi: int) -> list[tuple[str, np.ndarray]]:
    """(month, row positions) of view ``vi``, newest month first (``undated`` last); cached per process."""
    key = ("months", vi)
    if key not in data.cache:
        groups = data.views[vi].frame.groupby(MONTH, sort=False).indices
        order = sorted((m for m in groups if m != urls.UNDATED), reverse=True)
        order += [urls.UNDATED] if urls.UNDATED in groups else []
        data.cache[key] = [(m, groups[m]) for m in order]
    result: list[tuple[str, np.ndarray]] = data.cache[key]
    return result


def month_pages(data: BulkData, vi: int, start: int, stop: int) -> list[str]:
    """All pages of months ``start:stop`` (by ``month_groups`` order)."""
    written = []
    for i in range(start, stop):
        layout, _ = month_layout(data, vi, i)
        written += _render(data, vi, i, layout.pages(data.views[vi].id))
    return written


def month_piece(data: BulkData, vi: int, i: int, piece: int) -> list[str]:
    """The pages of piece ``piece`` of month ``i``."""
    return _render(data, vi, i, piece_pages(data, vi, i, piece))


def piece_count(data: BulkData, vi: int, i: int) -> int:
    """How many pieces of ``PIECE_PAGES`` pages month ``i``'s pages make."""
    layout, _ = month_layout(data, vi, i)
    return -(-len(layout.pages(data.views[vi].id)) // PIECE_PAGES)


def piece_pages(data: BulkData, vi: int, i: int, piece: int) -> list[tuple[int, int, str]]:
    """Piece ``piece`` of month ``i``'s pages (``Layout.pages``); a cluster task's are made by the build."""
    made: list[tuple[int, int, str]] | None = data.cache.get(("month-piece", vi, i, piece))
    if made is not None:
        return made
    layout, _ = month_layout(data, vi, i)
    return layout.pages(data.views[vi].id)[piece * PIECE_PAGES : (piece + 1) * PIECE_PAGES]


def piece_rows(data: BulkData, vi: int, i: int, piece: int) -> Held:
    """For each listing of month ``i``, the rows its pages on piece ``piece`` show (none for a listing not on
    them)."""
    pages = piece_pages(data, vi, i, piece)
    _, held = month_layout(data, vi, i)
    span: dict[int, tuple[int, int]] = {}  # listing → (its first page on the piece, the page after its last)
    for li, k, _ in pages:
        span[li] = (span.get(li, (k, k))[0], k + 1)
    mine: Held = [(0, NONE)] * len(held)
    for li, (first, end) in span.items():
        offset, positions = held[li]
        mine[li] = (first * PAGE_SIZE, positions[first * PAGE_SIZE - offset : end * PAGE_SIZE - offset])
    return mine


def _render(data: BulkData, vi: int, i: int, pages: list[tuple[int, int, str]]) -> list[str]:
    """``pages`` of month ``i``, carried from the previous site when the month is a fresh unit and they are
    all there."""
    layout, held = month_layout(data, vi, i)
    if layout.month in data.fresh.months.get(vi, ()) and carry_pages(data, [p for _, _, p in pages]):
        return [p for _, _, p in pages]
    return [_page(data, vi, i, layout, held, li, k) for li, k, _ in pages]


def month_layout(data: BulkData, vi: int, i: int) -> tuple[Layout, Held]:
    """Month ``i``'s layout and each listing's rows; the last month's kept per process (a cluster task gets
    its piece's made: ``generator.site.slices``)."""
    found = data.cache.get("month-layout")
    if found is None or found[0] != (vi, i):
        found = ((vi, i), *_layout(data, vi, i))
        data.cache["month-layout"] = found
    return found[1], found[2]


def _layout(data: BulkData, vi: int, i: int) -> tuple[Layout, Held]:
    month, positions = month_groups(data, vi)[i]
    view = data.views[vi]
    days = _days(view, month, positions)
    listings = [Listing(len(positions), days=True)] if days else [Listing(len(positions))]
    held: Held = [(0, NONE if days else positions)]
    for day, ps in days:
        listings.append(Listing(len(ps), day=day))
        held.append((0, ps))
    depts = by_dept(view, positions)
    names = _values(view, view.role("department"), np.array([ps[0] for ps in depts.values()], dtype=np.int64))
    for (slug, ps), name in zip(depts.items(), names, strict=True):
        listings.append(Listing(len(ps), slug=slug, name=name))
        held.append((0, ps))
    return Layout(month, listings), held


def by_dept(view: DatasetView, positions: np.ndarray) -> dict[str, np.ndarray]:
    """Department slug → the positions of its rows among ``positions`` (in order; rows without one left out;
    none when the dataset names no department), departments in the order of their first row."""
    if not view.role("department"):
        return {}
    return {slug: ps for slug, ps in _grouped(_values(view, DEPT, positions), positions) if slug}


def _days(view: DatasetView, month: str, positions: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """A long month's (day, row positions), newest day first; [] when the month fits on one page (or has a
    date that is not a whole ISO day, so that it cannot be paged by day)."""
    if len(positions) <= PAGE_SIZE or month == urls.UNDATED:
        return []
    dates = _values(view, view.role("date"), positions)
    if not all(
        isinstance(d, str) and ISO_DAY.fullmatch(d) for d in pd.unique(np.asarray(dates, dtype=object))
    ):
        return []
    return _grouped(dates, positions)  # positions are newest first, so days are too


def _values(view: DatasetView, column: str | None, positions: np.ndarray) -> list[Any]:
    """Column ``column``'s values at ``positions`` (a role the dataset lacks: empty strings)."""
    if not column:
        return [""] * len(positions)
    values = view.frame[column]
    if len(positions) and bool(np.all(np.diff(positions) == 1)):  # a month's rows: one run, sliced not taken
        values = values.iloc[positions[0] : positions[-1] + 1]
    else:
        values = values.take(positions)
    found: list[Any] = values.tolist()
    return found


def _grouped(values: list[Any], positions: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """(value, the positions holding it, in order), values in the order of their first position; vectorised
    because a long month holds tens of thousands of rows and the build counts it for each of its pieces."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return [(u, positions[order[bounds[k] : bounds[k + 1]]]) for k, u in enumerate(uniques.tolist())]


def day_title(day: str) -> str:
    """``2024-03-05`` → ``2024年3月5日``."""
    return f"{day[:4]}年{int(day[5:7])}月{int(day[8:10])}日"


def _page(data: BulkData, vi: int, i: int, layout: Layout, held: Held, li: int, k: int) -> str:
    """Page ``k`` of listing ``li`` of month ``i``."""
    view, listing, month = data.views[vi], layout.listings[li], layout.month
    offset, positions = held[li]
    at = k * PAGE_SIZE - offset
    rows = [brief(data, vi, p) for p in positions[at : at + PAGE_SIZE].tolist()]
    paths = layout.paths(view.id, li)
    heading = f"{view.title} · {month_title(month)}"
    args: dict[str, Any] = {
        "view": view, "rel": urls.BULK_REL, "month": month, "month_title": month_title(month), "dept": "",
        "dept_slug": "", "total": listing.rows, "rows": rows, "pages": paths, "page": k + 1,
        "has_dept": bool(view.role("department")), "newer": None, "older": None, "depts": [],
    }  # fmt: skip
    text = ""
    if listing.days:
        args.update(_near(data, vi, i, layout), pages=[], days=_day_links(view.id, layout))
        text = "，按日期浏览"
    elif listing.day:
        heading = f"{view.title} · {day_title(listing.day)}"
        args.update(
            _near_days(view.id, layout, li), month_title=day_title(listing.day), day_of=args["month_title"]
        )
    elif listing.slug:
        heading += f" · {listing.name}"
        args.update(dept=listing.name, dept_slug=listing.slug)
    else:
        args.update(_near(data, vi, i, layout))
    body = template("bulk/listing.html").render(heading=heading, **args)
    title = heading + (f"（第 {k + 1} 页）" if k else "")
    return write_page(data, paths[k], title, f"{heading}：共 {listing.rows} 条公示信息{text}", body)


def _near(data: BulkData, vi: int, i: int, layout: Layout) -> dict[str, Any]:
    """The newer and older months' pages, and the month's departments with their counts (by name)."""
    dataset, groups = data.views[vi].id, month_groups(data, vi)
    newer, older = (
        (urls.month_page(dataset, groups[j][0]), month_title(groups[j][0])) if 0 <= j < len(groups) else None
        for j in (i - 1, i + 1)
    )
    depts = [
        (d.name, urls.month_page(dataset, layout.month, 1, d.slug), d.rows) for d in layout.listings if d.slug
    ]
    return {"newer": newer, "older": older, "depts": sorted(depts, key=lambda d: (d[0], d[1]))}


def _near_days(dataset: str, layout: Layout, li: int) -> dict[str, Any]:
    """The newer and older days' first pages (``li``: a day's listing)."""
    days = [d.day for d in layout.listings if d.day]
    at = days.index(layout.listings[li].day)
    newer, older = (
        (urls.day_page(dataset, days[j]), day_title(days[j])) if 0 <= j < len(days) else None
        for j in (at - 1, at + 1)
    )
    return {"newer": newer, "older": older}


def _day_links(dataset: str, layout: Layout) -> list[tuple[str, str, int]]:
    return [(day_title(d.day), urls.day_page(dataset, d.day), d.rows) for d in layout.listings if d.day]
