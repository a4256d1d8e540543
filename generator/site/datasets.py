"""The catalogue's per-dataset pages (Markdown for mkdocs): the dataset page with its downloads, browsing links
and schema.org ``Dataset`` JSON-LD (``schemaorg``), and its data dictionary page.

Stage: render site. Guarantees: downloads, sizes and checksums come from the data-pack stage's ``DataFile``s
(none yet: the page says so), listed with the XLSX first — the page recommends it for Excel/WPS, says what a
spreadsheet does to the codes in a CSV, and shows pandas, R and DuckDB reading the CSV with every column as
text; the dictionary lists every public field with its Chinese title, type, description and example.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from generator.config import Portal
from generator.model import DataFile, ReleaseInfo
from generator.packs.xlsx import part_number
from generator.site import urls
from generator.site.jinja import environment
from generator.site.months import month_groups
from generator.site.schemaorg import dataset_jsonld
from generator.site.view import DEPT, FREQUENCIES, KIND_TITLES, DatasetView
from generator.site.work import BulkData, month_title

TYPES = {"string": "文本", "date": "日期（YYYY-MM-DD）", "number": "数值", "integer": "整数"}
FORMATS = {  # format → (label, what it is for), in the order the downloads are listed
    "xlsx": ("Excel（XLSX）", "推荐：用 Excel 或 WPS 查看"),
    "csv": ("CSV", "供程序读取（按文本读取）"),
    "jsonl": ("JSON Lines", "供程序逐行处理"),
    "parquet": ("Parquet", "带类型，供数据分析"),
    "datapackage": ("数据包描述（datapackage.json）", "字段、类型与校验值"),
    "zip": ("ZIP 压缩包", ""),
}
MAX_TABLE_ROWS = 2000  # undated datasets (e.g. item lists) are shown whole up to this many rows


def dataset_docs(
    data: BulkData, vi: int, portal: Portal, files: list[DataFile], release: ReleaseInfo | None
) -> dict[str, str]:
    """The dataset page and the dictionary page of view ``vi``, by Markdown path."""
    view = data.views[vi]
    env = environment()
    page_doc, dict_doc = f"datasets/{view.id}/index.md", f"datasets/{view.id}/dictionary.md"
    mine = [f for f in files if f.dataset == view.id]
    context = _context(data, vi, portal, mine, release)
    return {
        page_doc: env.get_template("pages/dataset.md").render(
            rel=urls.rel_root(urls.doc_url(page_doc)), **context
        ),
        dict_doc: env.get_template("pages/dictionary.md").render(
            rel=urls.rel_root(urls.doc_url(dict_doc)), view=view, rows=dictionary(view)
        ),
    }


def _context(
    data: BulkData, vi: int, portal: Portal, files: list[DataFile], release: ReleaseInfo | None
) -> dict[str, Any]:
    view = data.views[vi]
    licence = view.spec.config.licence or portal.licence
    months = [(month_title(m), urls.month_page(view.id, m), len(p)) for m, p in month_groups(data, vi)]
    return {
        "view": view, "kind": KIND_TITLES.get(view.kind, view.kind), "licence": licence,
        "frequency": FREQUENCIES.get(view.spec.config.update_frequency, ""), "files": _downloads(files),
        "months": months if view.is_record_set else [], "depts": _depts(data, vi),
        "span": _span(view), "table": _table(view), "list_pages": view.kind == "list",
        "jsonld": Markup(dataset_jsonld(view, portal, files, release, _span(view))),
        "csv_url": next((portal.base_url + f.path for f in files if f.format == "csv"), ""),
        "has_xlsx": any(f.format == "xlsx" for f in files),
    }  # fmt: skip


def _downloads(files: list[DataFile]) -> list[dict[str, Any]]:
    """The files with a label and what each is for, XLSX (its parts in order) first."""
    order = list(FORMATS)
    rows = [{"label": FORMATS.get(f.format, (f.format, ""))[0], "use": FORMATS.get(f.format, ("", ""))[1], "file": f}
            for f in files]  # fmt: skip
    rank = {f.format: order.index(f.format) if f.format in order else len(order) for f in files}
    return sorted(rows, key=lambda r: (rank[r["file"].format], _part(r["file"]), r["file"].path))


def _part(f: DataFile) -> int:
    return part_number(f.dataset, f.path.rsplit("/", 1)[-1]) if f.format == "xlsx" else 0


def _depts(data: BulkData, vi: int) -> list[tuple[str, str, int]]:
    """(department, its page, records) for a dated dataset with a department role, by name."""
    view = data.views[vi]
    if not (view.is_record_set and view.role("department")):
        return []
    counts = view.frame.groupby(DEPT, sort=True).size()
    # each slug's name (the last row's, as a dict of all rows would give), without the per-process column
    # lists: this runs in the parent before the workers fork, and lists made here would be theirs too
    pairs = pd.DataFrame({"slug": view.frame[DEPT], "name": view.column("department")})
    last = pairs.drop_duplicates("slug", keep="last")
    names = dict(zip(last["slug"].tolist(), last["name"].tolist(), strict=True))
    rows = [(names[slug], urls.dept_page(view.id, slug), int(n)) for slug, n in counts.items() if slug]
    return sorted(rows)


def _span(view: DatasetView) -> tuple[str, str]:
    dates = view.column("date")
    dates = dates[dates.str.match(r"^\d{4}-\d{2}-\d{2}$").fillna(False).astype(bool)]
    return (str(dates.min()), str(dates.max())) if len(dates) else ("", "")


def _table(view: DatasetView) -> list[list[str]]:
    """All rows of an undated, non-measures dataset (shown on its page); empty otherwise."""
    if view.is_record_set or view.kind == "measures":
        return []
    rows: list[list[str]] = view.frame[[f.name for f in view.fields]].head(MAX_TABLE_ROWS).to_numpy().tolist()
    return rows


def dictionary(view: DatasetView) -> list[dict[str, str]]:
    """The data dictionary: one row per public field, then the record ID."""
    rows = []
    for f in view.fields:
        notes = "（公开时遮蔽中间部分）" if f.privacy == "mask" else ""
        required = "必填" if f.required else ("按条件必填" if f.required_when else "")
        rows.append({"name": f.name, "title": f.title, "type": TYPES.get(f.type, f.type),
                     "description": f.description + notes, "example": f.example, "required": required})  # fmt: skip
    rows.append({"name": "_id", "title": "记录ID", "type": "文本", "required": "",
                 "description": "记录的稳定公开编号：由数据集和记录键计算，更正后不变，不含个人信息。",
                 "example": "3f9a0c2e7b1d4a56"})  # fmt: skip
    return rows
