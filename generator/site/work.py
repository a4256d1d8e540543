"""What every bulk-page worker shares: the data, per-process column caches, and the page writer.

Stage: render site. Guarantees: a bulk page is written as one flat file at a path from ``urls`` (two folders
deep, like the shell), stamped into the theme shell with its canonical URL under the portal's base URL — or,
when the previous site has exactly those bytes there, hard-linked from it (``generator.outputs``); a unit's
other files (the per-subject JSON) are written the same way by ``write_file``; each file
written is noted in the process's ``cache["written"]`` for its task to return (never shared state); the columns
a task reads are converted from the tables for its rows only (``generator.site.columns``); a record's short form
(``Brief``) carries what archives and reports show of the credit kinds (#15) — a grade's title, meaning and
badge from the dataset's scale, a registration's unverified label, a commitment's item and 核查结果 — all read
from view columns or the dataset's configuration, so the page-unit keys cover them.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from generator.commitments.figures import ITEM, ITEM_NAME
from generator.site import urls
from generator.site.columns import DATES, FACTS, KIND_ROLES, Columns, Rows
from generator.site.jinja import environment
from generator.site.shell import Shell
from generator.site.subjects import Subjects
from generator.site.view import (
    BROKEN,
    LIST_TYPES,
    UNVERIFIED,
    UNVERIFIED_LABEL,
    DatasetView,
    Measure,
    grade_label,
    grade_scale,
    item_names,
)
from generator.sitefiles import Previous, link_intact, put_bytes
from generator.written import Written


@dataclass
class Fresh:
    """The page units (``generator.site.units``) whose inputs are those of the previous build's: per record
    view, a flag per row; per record view, the months; per subject, a flag. Their pages are carried."""

    records: dict[int, np.ndarray] = field(default_factory=dict)
    months: dict[int, set[str]] = field(default_factory=dict)
    subjects: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class BulkData:
    """Everything the bulk pages are made from; shared with worker processes by fork."""

    site_dir: Path
    base_url: str
    views: list[DatasetView]
    subjects: Subjects
    measures: dict[str, list[Measure]]
    shell: Shell | None = None  # set once mkdocs has built the placeholder page
    previous: Previous = field(default_factory=Previous)  # the previous site, to link unchanged pages from
    fresh: Fresh = field(default_factory=Fresh)  # units to carry from the previous site without rendering
    release: str = (
        ""  # the newest release's ID: the per-subject JSON of a subject whose content changed names it
    )
    issuer: tuple[str, str] = ("", "")  # the portal's name and publisher, as credit reports print them
    cache: dict[Any, Any] = field(default_factory=dict)  # per process: columns, month groups, folders made


def columns(data: BulkData, vi: int) -> Columns:
    """The columns of view ``vi`` the current task reads, over its rows (``task_rows``; all rows when the task
    named none for the view)."""
    key = ("columns", vi)
    if key not in data.cache:
        view = data.views[vi]
        rows = data.cache.get("rows", {}).get(vi) or Rows(0, len(view.frame))
        data.cache[key] = Columns(view, rows)
    found: Columns = data.cache[key]
    return found


def start_task(data: BulkData, rows: dict[int, Rows]) -> None:
    """Forget the previous task's columns; the next task reads ``rows`` of each view it names."""
    for key in [k for k in data.cache if isinstance(k, tuple) and k[0] == "columns"]:
        del data.cache[key]
    data.cache["rows"] = rows


@dataclass(slots=True)
class Brief:
    """The short form of a record that listings, archives and list pages show (attributes, not a dict: Jinja
    reads attributes directly, and a page reads dozens of them)."""

    id: str
    date: str
    name: str
    kind: str
    archive: str  # USCC of its subject's archive, or ""
    document: str
    summary: str
    department: str
    month: str
    list_name: str = ""
    valid_until: str = ""
    measures: list[Measure] = field(default_factory=list)
    list_type: str = ""  # set on archives for list entries
    list_label: str = ""
    view_title: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)  # set on list pages
    last_day: str = ""  # 公示截止期 as the rules compute it (its last public day), or ""
    repair_from: str = ""  # 可申请信用修复日期, or ""
    facts: list[tuple[str, str]] = field(default_factory=list)  # (title, value) of the non-empty FACTS
    dataset_kind: str = ""  # the dataset's kind, set for the credit kinds (#15) that archives show apart
    grade: str = ""  # evaluation: the grade as the record writes it (评价结果), its title, meaning and badge
    grade_title: str = ""
    grade_meaning: str = ""
    grade_badge: bool = False
    grade_tone: str = ""  # "good" for the scale's best grade, "bad" for its worst, else "mid"
    grade_label: str = ""  # its badge text, e.g. 信用等级 诚信（A 级）
    sector: str = ""  # evaluation: 行业领域
    category: str = ""  # registration: 信息类别
    unverified: str = ""  # registration: UNVERIFIED_LABEL when 未核验, else ""
    item: str = ""  # fulfilment: 承诺事项编码, and the record ID of its item's page and its name (from the
    item_page: str = ""  # commitment-items datasets: ``generator.commitments.figures``), "" when not listed
    item_name: str = ""
    result: str = ""  # fulfilment: 核查结果 (践诺 / 失诺), and 核查日期
    checked_on: str = ""
    broken: bool = False  # fulfilment: 失诺 — 失信 information


def brief(data: BulkData, vi: int, p: int) -> Brief:
    """The short form of record ``p`` of view ``vi``."""
    c = columns(data, vi)
    p = c.local(p)  # from here on, the row's place in the task's lists
    record = Brief(
        c["id"][p], c["date"][p], c["subject_name"][p], c["subject_type"][p], c["archive"][p], c["document"][p],
        c["summary"][p], c["department"][p], c["month"][p],
    )  # fmt: skip
    if data.views[vi].kind == "list":
        record.list_name, record.valid_until = c["list_name"][p], c["valid_until"][p]
        record.measures = data.measures.get(record.list_name, [])
    if c[DATES[0]]:
        record.last_day, record.repair_from = c[DATES[0]][p], c[DATES[1]][p]
    record.facts = [(title, c[name][p]) for name, title in fact_titles(data, vi) if c[name][p]]
    kind = data.views[vi].kind
    if kind in KIND_ROLES:
        _credit_kind(data, vi, kind, c, p, record)
    return record


def _credit_kind(data: BulkData, vi: int, kind: str, c: Columns, p: int, record: Brief) -> None:
    """Fill the facts the archive and the report show for a record of a credit kind (#15)."""
    record.dataset_kind = kind
    if kind == "evaluation":
        record.grade, record.sector, record.valid_until = c["grade"][p], c["sector"][p], c["valid_until"][p]
        grade = grades(data, vi).get(record.grade)
        if grade is not None:
            record.grade_title, record.grade_meaning, record.grade_badge, record.grade_tone = grade
            record.grade_label = grade_label(record.grade, record.grade_title)
    elif kind == "registration":
        record.category, record.valid_until = c["category"][p], c["valid_until"][p]
        record.unverified = UNVERIFIED_LABEL if c["verification"][p] == UNVERIFIED else ""
    else:
        record.item, record.result, record.checked_on = (
            c["commitment_item"][p],
            c["result"][p],
            c["checked_on"][p],
        )
        if c[ITEM]:  # the commitment column's derived columns (``figures.with_fulfilment``): keyed
            record.item_page, record.item_name = c[ITEM][p], c[ITEM_NAME][p]
        else:  # views not annotated with them (the name is then not in the archive's unit key)
            record.item_name = _item_names(data).get(record.item, "")
        record.broken = record.result == BROKEN


def _item_names(data: BulkData) -> dict[str, str]:
    """事项编码 → 事项名称 of the catalog's commitment-items views, once per process."""
    if "item-names" not in data.cache:
        data.cache["item-names"] = item_names(data.views)
    found: dict[str, str] = data.cache["item-names"]
    return found


def grades(data: BulkData, vi: int) -> dict[str, tuple[str, str, bool, str]]:
    """Grade code → (title, meaning, badge, tone) of evaluation view ``vi``'s scale (dataset.yaml ``grades``,
    best first)."""
    key = ("grades", vi)
    if key not in data.cache:
        data.cache[key] = grade_scale(data.views[vi])
    found: dict[str, tuple[str, str, bool, str]] = data.cache[key]
    return found


def fact_titles(data: BulkData, vi: int) -> list[tuple[str, str]]:
    """(field name, title) of the FACTS view ``vi`` carries, worked out once per process."""
    key = ("facts", vi)
    if key not in data.cache:
        view = data.views[vi]
        data.cache[key] = [(f.name, f.title) for f in view.fields if f.name in FACTS]
    result: list[tuple[str, str]] = data.cache[key]
    return result


def list_label(view: DatasetView) -> str:
    return LIST_TYPES.get(view.spec.config.list_type or "", "信用主体名单")


def field_title(view: DatasetView, role: str, default: str) -> str:
    name = view.role(role)
    return view.spec.schema.field(name).title if name else default


def month_title(month: str) -> str:
    """``2024-03`` → ``2024年3月``."""
    if month == urls.UNDATED:
        return "未注明日期"
    return f"{month[:4]}年{int(month[5:7])}月"


def template(name: str) -> jinja2.Template:
    return environment().get_template(name)


def write_page(data: BulkData, path: str, title: str, description: str, body: str) -> str:
    """Stamp ``body`` into the shell and write it at ``path`` (relative to site/); returns ``path``."""
    assert data.shell is not None, "bulk pages need the theme shell"
    html = data.shell.stamp(title, description[:160], data.base_url + path, body)
    return write_file(data, path, html.encode("utf-8"))


def write_file(data: BulkData, path: str, content: bytes) -> str:
    """Write ``content`` at ``path`` (relative to site/; linked when the previous site has those bytes there);
    returns ``path``."""
    _folder(data, path)
    written: list[Written] = data.cache.setdefault("written", [])
    written.append(put_bytes(data.site_dir, data.previous, path, content))
    return path


def carry_pages(data: BulkData, pages: list[str]) -> bool:
    """Link each of a fresh unit's ``pages`` from the previous site, when every one is there as the previous
    digest map says; False when one is not (the unit is then rendered)."""
    found = [data.previous.intact(path) for path in pages]  # each checked once (an lstat), before any link
    if any(intact is None for intact in found):
        return False
    written: list[Written] = data.cache.setdefault("written", [])
    for path, intact in zip(pages, found, strict=True):
        assert intact is not None
        _folder(data, path)
        carried = link_intact(data.site_dir, data.previous, path, intact)
        if carried is None:
            return False
        written.append(carried)
    return True


def _folder(data: BulkData, path: str) -> None:
    """Make the folder of ``path`` (once per process)."""
    folder = os.path.dirname(path)  # strings, not Paths: called per page
    made = data.cache.setdefault("folders", set())
    if folder not in made:
        _make_below(str(data.site_dir), folder)
        made.add(folder)


def _make_below(root: str, folder: str) -> None:
    """Make ``root/folder`` one level at a time, never ``root`` itself (FileNotFoundError when it is gone): a
    task that outlives its build — a Dask worker finishing a task after the build failed and discarded its
    staging folder — then fails instead of recreating that folder."""
    at = root
    for part in folder.split("/") if folder else ():
        at = f"{at}/{part}"
        with contextlib.suppress(FileExistsError):
            os.mkdir(at)


def take_written(data: BulkData) -> list[Written]:
    """The pages this process wrote or carried since the last call, one per path (a unit carried in part and
    then rendered: the rendering) — a task returns them to the parent."""
    written: list[Written] = data.cache.pop("written", [])
    return list({w.path: w for w in written}.values())
