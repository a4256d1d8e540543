"""Browsing pages besides the months (``generator.site.months``): each department's months of a dataset, and
the pages of each list (名单) with the measures that apply to each entry.

Stage: render site. Guarantees: a department's page lists every month it published records of a dataset in,
newest first, with counts, linking to its month pages; a list's pages hold at most ``LIST_PAGE_SIZE`` entries
in the view's order and name every page; department slugs sort by code point, so output never varies.
"""

from __future__ import annotations

from generator.site import urls
from generator.site.months import by_dept, month_groups
from generator.site.work import BulkData, brief, columns, list_label, month_title, template, write_page

LIST_PAGE_SIZE = 50


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
            for slug, ps in by_dept(data.views[vi], positions).items():
                found.setdefault(slug, (cols["department"][cols.local(int(ps[0]))], []))[1].append(
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
