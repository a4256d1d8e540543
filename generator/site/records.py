"""Record detail pages and organisations' credit archives (信用档案), stamped into the theme shell, each archive
with its per-subject JSON (``api``).

Stage: render site. Guarantees: a record page shows the record's public schema fields only (never META
columns), in schema order, empty ones left out, and links its dataset and its month's listing (first page: a
record page depends on its own row alone, derived view columns included); above them the dates the rules compute
(``periods``: 公示截止期 — replacing the department's own 公示截止期 field, which the rules may have cut short — and
可申请信用修复日期) and what the credit kinds (#15) put first: an evaluation's grade with its title and meaning
(dataset.yaml ``grades``), an unverified registration's label 「主体自主申报，未经核验」, a commitment's 核查结果
with a link to its item's page; a commitment item's page shows its 履约情况 by year and its public 失诺 records
(``generator.commitments.figures``, read from the view's derived columns, so its unit key covers them);
an archive exists only for a subject with a 统一社会信用代码, carries its list badges and counts by kind in
its heading, lists its records grouped by dataset (jump links to each group) with their key facts and an
anchor per record, and its list status; all text is escaped by
the templates; an archive, its JSON file and its credit report (``credit_report``, made from the JSON file's
final bytes) are one page unit: carried together or rendered together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.commitments.figures import FIGURES, ITEM, ITEM_NAME, decode
from generator.rules.periods import PUBLISH_UNTIL
from generator.site import api, credit_report, urls
from generator.site.view import KIND_TITLES, LIST_TYPES, DatasetView
from generator.site.work import (
    Brief,
    BulkData,
    brief,
    carry_pages,
    columns,
    field_title,
    list_label,
    month_title,
    template,
    write_page,
)


def record_pages(data: BulkData, vi: int, start: int, stop: int) -> list[str]:
    """The detail pages of rows ``start:stop`` of view ``vi``."""
    view = data.views[vi]
    titles = [f.title for f in view.fields]
    names = [f.name for f in view.fields]
    rows = view.frame.iloc[start:stop][names].to_numpy(dtype=object)
    page = template("bulk/record.html")
    date_title = field_title(view, "date", "日期")
    c, fresh = columns(data, vi), data.fresh.records.get(vi)
    ids = c["id"][c.local(start) : c.local(start) + stop - start]  # (a record task reads a run of rows)
    links, grade = _links(view, start, stop), view.role("grade") or ""
    written = []
    for p, row in enumerate(rows, start):
        if fresh is not None and fresh[p] and carry_pages(data, [urls.record_page(ids[p - start])]):
            written.append(urls.record_page(ids[p - start]))
            continue
        r = brief(data, vi, p)
        heading = r.name or r.document or (r.summary if view.kind == "commitment-items" else "") or r.id
        link = links[p - start]
        body = page.render(
            view=view, r=r, rel=urls.BULK_REL, heading=heading, date_title=date_title,
            fields=_fields(names, titles, row, r, grade), measures=r.measures,
            month_title=month_title(r.month), month_url=urls.month_page(view.id, r.month),
            item=link, figures=decode(link.figures) if link.figures else None,
        )  # fmt: skip
        title = f"{heading} - {view.title}"
        text = "，".join(x for x in (view.title, r.name, r.summary, r.document, r.date) if x)
        written.append(write_page(data, urls.record_page(r.id), title, text, body))
    return written


def _fields(
    names: list[str], titles: list[str], row: list[str], r: Brief, grade: str
) -> list[tuple[str, str]]:
    """The record's non-empty fields; the department's own 公示截止期 gives way to the one the rules computed
    (the earlier of it and the maximum period's end), which the page states above the fields; an evaluation's
    grade is shown with its title (dataset.yaml ``grades``)."""
    shown = zip(names, titles, row, strict=True)
    return [
        (t, f"{v} {r.grade_title}" if n == grade and r.grade_title else v)
        for n, t, v in shown
        if v and not (r.last_day and n == PUBLISH_UNTIL)
    ]


@dataclass(frozen=True, slots=True)
class ItemLink:
    """What a record page shows of the commitment column (``generator.commitments.figures``): a fulfilment
    record's item (its page's record ID and name), an item's own figures (JSON)."""

    id: str = ""
    name: str = ""
    figures: str = ""


def _links(view: DatasetView, start: int, stop: int) -> list[ItemLink]:
    """The derived commitment columns of rows ``start:stop`` (empty links when the view has none)."""
    frame = view.frame.iloc[start:stop]
    if FIGURES in frame.columns:
        return [ItemLink(figures=text) for text in frame[FIGURES]]
    if ITEM in frame.columns:
        return [ItemLink(i, n) for i, n in zip(frame[ITEM], frame[ITEM_NAME], strict=True)]
    return [ItemLink()] * len(frame)


def subject_pages(data: BulkData, start: int, stop: int) -> list[str]:
    """The archives of subjects ``start:stop``."""
    page = template("bulk/subject.html")
    written = []
    fresh = data.fresh.subjects
    rows: api.Rows | None = None  # the records' values, looked up once a subject is rendered
    for i in range(start, stop):
        code, name = str(data.subjects.codes[i]), str(data.subjects.names[i])
        unit = [urls.subject_page(code), api.subject_path(code), urls.report_page(code)]
        if i < len(fresh) and fresh[i] and carry_pages(data, unit):
            written += unit
            continue
        records = [(vi, brief(data, vi, p)) for vi, p in data.subjects.records(i)]
        groups = _groups(data, records)
        body = page.render(
            code=code, name=name, kind=records[0][1].kind, total=len(records), groups=groups,
            listed=[r for g in groups if g.is_list for r in g.rows], rel=urls.BULK_REL,
        )  # fmt: skip
        text = f"{name}（统一社会信用代码 {code}）的信用档案：本门户公示的 {len(records)} 条信息及名单状态。"
        written.append(write_page(data, urls.subject_page(code), f"{name} - 信用档案", text, body))
        rows = rows if rows is not None else api.subject_rows(data, start, stop)
        written.append(api.write_subject(data, i, records, rows))
        written.append(credit_report.write_report(data, code, written[-1], records))  # from the JSON's bytes
    return written


@dataclass(slots=True)
class Group:
    """A dataset's part of an archive."""

    vi: int
    id: str
    title: str
    is_list: bool
    list_type: str
    list_label: str
    date_title: str
    document_title: str
    department_title: str
    kind: str  # the kind's title (行政处罚 …): archives count records by kind
    rows: list[Brief] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def _groups(data: BulkData, records: list[tuple[int, Brief]]) -> list[Group]:
    """Records grouped by dataset (in archive order; newest first inside)."""
    groups: list[Group] = []
    for vi, record in records:
        if not groups or groups[-1].vi != vi:
            groups.append(_group(data, vi))
        group = groups[-1]
        if group.is_list:
            record.list_type, record.list_label, record.view_title = (
                group.list_type,
                group.list_label,
                group.title,
            )
        group.rows.append(record)
    return groups


def _group(data: BulkData, vi: int) -> Group:
    """A new, empty group for view ``vi`` (its titles worked out once per process)."""
    key = ("group", vi)
    if key not in data.cache:
        view = data.views[vi]
        list_type = view.spec.config.list_type or ""
        data.cache[key] = (
            vi, view.id, view.title, view.kind == "list", list_type if list_type in LIST_TYPES else "punishment",
            list_label(view), field_title(view, "date", "日期"), field_title(view, "document", "文号"),
            field_title(view, "department", "部门"), KIND_TITLES.get(view.kind, view.title),
        )  # fmt: skip
    return Group(*data.cache[key])
