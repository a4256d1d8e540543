"""What every bulk-page worker shares: the data, per-process column caches, and the page writer.

Stage: render site. Guarantees: a bulk page is written as one flat file at a path from ``urls`` (two folders
deep, like the shell), stamped into the theme shell with its canonical URL under the portal's base URL — or,
when the previous site has exactly those bytes there, hard-linked from it (``generator.outputs``); a unit's
other files (the per-subject JSON) are written the same way by ``write_file``; each file
written is noted in the process's ``cache["written"]`` for its task to return (never shared state); the columns
a worker reads are converted from the tables once per process and then only indexed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from generator.model import RECORD_ID
from generator.outputs import Previous, Written, carry_file, put_bytes
from generator.site import urls
from generator.site.jinja import environment
from generator.site.periods import LAST_DAY, REPAIR_FROM
from generator.site.shell import Shell
from generator.site.subjects import Subjects
from generator.site.view import ARCHIVE, DEPT, LIST_TYPES, MONTH, DatasetView, Measure

BRIEF_ROLES = (
    "date", "subject_name", "subject_type", "document", "summary", "department", "list_name", "valid_until",
)  # fmt: skip
DATES = (LAST_DAY, REPAIR_FROM)  # 公示截止期, 可申请信用修复日期 (``periods``; absent from unannotated views)
# The key facts an archive entry shows besides its roles: content and amounts of the built-in schemas.
FACTS = ("CF_NR", "CF_NR_FK", "CF_NR_WFFF", "XK_NR", "XK_XKBH", "MD_RDYJ")


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


def columns(data: BulkData, vi: int) -> dict[str, list[str]]:
    """The columns listings need, as Python lists, converted once per process."""
    key = ("columns", vi)
    if key not in data.cache:
        view = data.views[vi]
        cols = {role: view.column(role).tolist() for role in BRIEF_ROLES}
        for name, column in (("id", RECORD_ID), ("archive", ARCHIVE), ("month", MONTH), ("dept", DEPT)):
            cols[name] = view.frame[column].tolist()
        for column in DATES + FACTS:
            cols[column] = view.frame[column].tolist() if column in view.frame.columns else []
        data.cache[key] = cols
    result: dict[str, list[str]] = data.cache[key]
    return result


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


def brief(data: BulkData, vi: int, p: int) -> Brief:
    """The short form of record ``p`` of view ``vi``."""
    c = columns(data, vi)
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
    return record


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
    if len(pages) > 1 and not all(data.previous.intact(path) is not None for path in pages):
        return False  # (one page: ``carry_file`` checks it)
    written: list[Written] = data.cache.setdefault("written", [])
    for path in pages:
        _folder(data, path)
        carried = carry_file(data.site_dir, data.previous, path)
        if carried is None:
            return False
        written.append(carried)
    return True


def _folder(data: BulkData, path: str) -> None:
    """Make the folder of ``path`` (once per process)."""
    folder = os.path.dirname(f"{data.site_dir}/{path}")  # strings, not Paths: called per page
    made = data.cache.setdefault("folders", set())
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)


def take_written(data: BulkData) -> list[Written]:
    """The pages this process wrote or carried since the last call, one per path (a unit carried in part and
    then rendered: the rendering) — a task returns them to the parent."""
    written: list[Written] = data.cache.pop("written", [])
    return list({w.path: w for w in written}.values())
