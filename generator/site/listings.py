"""Browsing pages: a dataset's records by month (newest first, paged), filtered by department, and the pages
of each list (名单) with the measures that apply to each entry.

Stage: render site. Guarantees: every published record of a dated dataset appears on exactly one page of its
month — the month page itself when the month fits on one page, else one page of its day (the month page then
lists the days) — and, when it names a department, one page of that department's month; pages hold at most
``PAGE_SIZE`` rows; orders are those of the views (newest first, ties by record ID) and department names sort by
code point, so output never varies. Long months are paged by day so that a record withdrawn or added changes the
pages of its own day only, not every later page of the month (a daily rebuild at city scale would otherwise
rewrite most month pages: #12).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from generator.site import urls
from generator.site.view import MONTH
from generator.site.work import (
    BulkData,
    brief,
    carry_pages,
    columns,
    list_label,
    month_title,
    template,
    write_page,
)

PAGE_SIZE = 100
LIST_PAGE_SIZE = 50
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    """All pages of months ``start:stop`` (by ``month_groups`` order): all departments, then each one."""
    groups = month_groups(data, vi)
    view, c = data.views[vi], columns(data, vi)
    written = []
    for i in range(start, stop):
        month, positions = groups[i]
        by_dept = _by_dept(data, vi, positions) if view.role("department") else {}
        days = _days(data, vi, month, positions)
        if month in data.fresh.months.get(vi, ()):
            pages = _month_paths(view.id, month, len(positions), days)
            pages += [page for slug, ps in by_dept.items() for page in _pages(view.id, month, len(ps), slug)]
            if carry_pages(data, pages):
                written += pages
                continue
        depts = [
            (c["department"][c.local(ps[0])], urls.month_page(view.id, month, 1, s), len(ps))
            for s, ps in by_dept.items()
        ]
        depts.sort(key=lambda d: (d[0], d[1]))
        near = {
            "newer": _near(view.id, groups, i - 1),
            "older": _near(view.id, groups, i + 1),
            "depts": depts,
        }
        if days:
            written += _day_listings(data, vi, month, days, near)
        else:
            written += _listing(data, vi, month, list(positions), "", near)
        for slug, ps in by_dept.items():
            written += _listing(data, vi, month, ps, slug, {"newer": None, "older": None, "depts": []})
    return written


def _near(dataset: str, groups: list[tuple[str, np.ndarray]], i: int) -> tuple[str, str] | None:
    if i < 0 or i >= len(groups):
        return None
    return urls.month_page(dataset, groups[i][0]), month_title(groups[i][0])


def _by_dept(data: BulkData, vi: int, positions: np.ndarray) -> dict[str, list[int]]:
    c = columns(data, vi)
    slugs = c["dept"]
    buckets: dict[str, list[int]] = {}
    for p in positions.tolist():
        slug = slugs[c.local(p)]
        if slug:
            buckets.setdefault(slug, []).append(p)
    return buckets


def _listing(
    data: BulkData, vi: int, month: str, rows: list[int], slug: str, near: dict[str, Any]
) -> list[str]:
    view = data.views[vi]
    pages = _pages(view.id, month, len(rows), slug)
    c = columns(data, vi)
    dept = c["department"][c.local(rows[0])] if slug else ""
    heading = f"{view.title} · {month_title(month)}" + (f" · {dept}" if dept else "")
    page = template("bulk/listing.html")
    written = []
    for k, path in enumerate(pages):
        chunk = [brief(data, vi, p) for p in rows[k * PAGE_SIZE : (k + 1) * PAGE_SIZE]]
        body = page.render(
            view=view, rel=urls.BULK_REL, heading=heading, month=month, month_title=month_title(month),
            dept=dept, dept_slug=slug, total=len(rows), rows=chunk, pages=pages, page=k + 1,
            has_dept=bool(view.role("department")), **near,
        )  # fmt: skip
        title = heading + (f"（第 {k + 1} 页）" if k else "")
        written.append(write_page(data, path, title, f"{heading}：共 {len(rows)} 条公示信息", body))
    return written


def _days(data: BulkData, vi: int, month: str, positions: np.ndarray) -> list[tuple[str, list[int]]]:
    """A long month's (day, row positions), newest day first; [] when the month fits on one page (or has a
    date that is not a whole ISO day, so that it cannot be paged by day)."""
    if len(positions) <= PAGE_SIZE or month == urls.UNDATED:
        return []
    c = columns(data, vi)
    dates = c["date"]
    days: dict[str, list[int]] = {}
    for p in positions.tolist():
        date = dates[c.local(p)]
        day = date[:10]
        if not ISO_DAY.match(day) or date != day:
            return []
        days.setdefault(day, []).append(p)
    return list(days.items())  # positions are newest first, so days are too


def _month_paths(dataset: str, month: str, rows: int, days: list[tuple[str, list[int]]]) -> list[str]:
    """Every page of a month's listing (all departments): the month page, and its day pages when paged by day."""
    if not days:
        return _pages(dataset, month, rows, "")
    return [
        urls.month_page(dataset, month),
        *(p for day, ps in days for p in _day_paths(dataset, day, len(ps))),
    ]


def _day_paths(dataset: str, day: str, rows: int) -> list[str]:
    return [urls.day_page(dataset, day, k + 1) for k in range(-(-rows // PAGE_SIZE))]


def day_title(day: str) -> str:
    """``2024-03-05`` → ``2024年3月5日``."""
    return f"{day[:4]}年{int(day[5:7])}月{int(day[8:10])}日"


def _day_listings(
    data: BulkData, vi: int, month: str, days: list[tuple[str, list[int]]], near: dict[str, Any]
) -> list[str]:
    """A long month: its page lists the days (with counts); each day has its own pages of records."""
    view = data.views[vi]
    index = [(day_title(d), urls.day_page(view.id, d), len(ps)) for d, ps in days]
    heading = f"{view.title} · {month_title(month)}"
    body = template("bulk/listing.html").render(
        view=view, rel=urls.BULK_REL, heading=heading, month=month, month_title=month_title(month), dept="",
        dept_slug="", total=sum(n for _, _, n in index), rows=[], pages=[], page=1, days=index,
        has_dept=bool(view.role("department")), **near,
    )  # fmt: skip
    text = f"{heading}：共 {sum(n for _, _, n in index)} 条公示信息，按日期浏览"
    written = [write_page(data, urls.month_page(view.id, month), heading, text, body)]
    for i, (day, rows) in enumerate(days):
        written += _day(data, vi, month, day, rows, {"newer": _near_day(view.id, days, i - 1),
                                                      "older": _near_day(view.id, days, i + 1)})  # fmt: skip
    return written


def _near_day(dataset: str, days: list[tuple[str, list[int]]], i: int) -> tuple[str, str] | None:
    if i < 0 or i >= len(days):
        return None
    return urls.day_page(dataset, days[i][0]), day_title(days[i][0])


def _day(data: BulkData, vi: int, month: str, day: str, rows: list[int], near: dict[str, Any]) -> list[str]:
    """The pages of one day of a long month, newest first as everywhere."""
    view = data.views[vi]
    pages = _day_paths(view.id, day, len(rows))
    heading = f"{view.title} · {day_title(day)}"
    page = template("bulk/listing.html")
    written = []
    for k, path in enumerate(pages):
        chunk = [brief(data, vi, p) for p in rows[k * PAGE_SIZE : (k + 1) * PAGE_SIZE]]
        body = page.render(
            view=view, rel=urls.BULK_REL, heading=heading, month=month, month_title=day_title(day), dept="",
            dept_slug="", total=len(rows), rows=chunk, pages=pages, page=k + 1, day_of=month_title(month),
            has_dept=bool(view.role("department")), depts=[], **near,
        )  # fmt: skip
        title = heading + (f"（第 {k + 1} 页）" if k else "")
        written.append(write_page(data, path, title, f"{heading}：共 {len(rows)} 条公示信息", body))
    return written


def _pages(dataset: str, month: str, rows: int, slug: str) -> list[str]:
    """The pages of a month's listing of ``rows`` rows (of one department when ``slug`` is set)."""
    return [urls.month_page(dataset, month, k + 1, slug) for k in range(-(-rows // PAGE_SIZE))]


def dept_pages(data: BulkData, vi: int) -> list[str]:
    """For each department of view ``vi``: its months with counts, linking to its month pages."""
    view = data.views[vi]
    page = template("bulk/dept.html")
    written = []
    for slug, (name, counts) in sorted(dept_months(data, vi).items()):
        months = [(month_title(m), urls.month_page(view.id, m, 1, slug), n) for m, n in counts]
        total = sum(n for _, n in counts)
        body = page.render(view=view, rel=urls.BULK_REL, dept=name, total=total, months=months)
        text = f"{view.title}：{name} 公示的 {total} 条信息，按月份浏览"
        written.append(write_page(data, urls.dept_page(view.id, slug), f"{name} - {view.title}", text, body))
    return written


def dept_months(data: BulkData, vi: int) -> dict[str, tuple[str, list[tuple[str, int]]]]:
    """Department slug → (its name, [(month, records)] newest month first) of view ``vi``; cached per process
    (a cluster task gets it made: ``generator.site.slices``)."""
    key = ("dept-months", vi)
    if key not in data.cache:
        cols, found = columns(data, vi), dict[str, tuple[str, list[tuple[str, int]]]]()
        for month, positions in month_groups(data, vi):
            for slug, ps in _by_dept(data, vi, positions).items():
                found.setdefault(slug, (cols["department"][cols.local(ps[0])], []))[1].append(
                    (month, len(ps))
                )
        data.cache[key] = found
    months: dict[str, tuple[str, list[tuple[str, int]]]] = data.cache[key]
    return months


def list_page_count(rows: int) -> int:
    return max(1, -(-rows // LIST_PAGE_SIZE))


def list_entries(start: int, stop: int, total: int) -> tuple[int, int]:
    """The entries (first, end) on pages ``start:stop`` (0-based) of a list of ``total`` entries."""
    return min(start * LIST_PAGE_SIZE, total), min(stop * LIST_PAGE_SIZE, total)


def list_span(data: BulkData, vi: int) -> tuple[int, int]:
    """(the entry of list view ``vi`` its frame starts at, the list's length): (0, the frame's length), except
    in a cluster task, which holds only its own pages' entries (``generator.site.slices``)."""
    span: tuple[int, int] = data.cache.get(("list-span", vi), (0, len(data.views[vi].frame)))
    return span


def list_pages(data: BulkData, vi: int, start: int, stop: int) -> list[str]:
    """Pages ``start:stop`` (0-based) of a list dataset's entries."""
    view = data.views[vi]
    first, total = list_span(data, vi)
    pages = [urls.list_page(view.id, k + 1) for k in range(list_page_count(total))]
    name_field = view.role("subject_name")
    shown = [(f.name, f.title) for f in view.fields if f.name != name_field]
    page = template("bulk/list.html")
    written = []
    for k in range(start, stop):
        at = k * LIST_PAGE_SIZE - first  # the page's first entry in the frame
        part = view.frame.iloc[at : at + LIST_PAGE_SIZE]
        rows = []
        for p, values in enumerate(part[[n for n, _ in shown]].to_numpy(dtype=object), at):
            entry = brief(data, vi, p)
            entry.fields = [(t, v) for (_, t), v in zip(shown, values, strict=True) if v]
            rows.append(entry)
        names = sorted({r.list_name for r in rows if r.measures})
        anchors = {name: f"measures-{n + 1}" for n, name in enumerate(names)}
        body = page.render(
            view=view, rel=urls.BULK_REL, rows=rows, pages=pages, page=k + 1, total=total,
            list_label=list_label(view), anchors=anchors,
            measure_sets=[(name, anchors[name], data.measures[name]) for name in names],
        )  # fmt: skip
        title = view.title + (f"（第 {k + 1} 页）" if k else "")
        written.append(write_page(data, pages[k], title, f"{view.title}：{list_label(view)}", body))
    return written
