"""The published tables as the portal shows them: one view per dataset, sorted and annotated once.

Stage: render site. Guarantees: a view holds only the dataset's public schema fields plus ``_id`` and a few
derived ``_``-prefixed helper columns (never rendered as fields); META columns (file, row, batch, key) are
dropped here so no template can show them; rows are sorted newest first by the ``date`` role, ties by record
ID, so every listing has a stable order without reading any clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.model import RECORD_ID, DatasetSpec, Table
from generator.problems import Problem, problem
from generator.schema import Field
from generator.site import urls
from generator.validation.codes import uscc_valid

MONTH, DEPT, ARCHIVE = "_month", "_dept", "_archive"  # derived columns: month key, department slug, USCC page
NATURAL_PERSON = "自然人"
KIND_TITLES = {
    "penalty": "行政处罚",
    "licensing": "行政许可",
    "other-act": "其他行政行为",
    "list": "信用主体名单",
    "measures": "失信惩戒措施清单",
    "commitment-items": "告知承诺事项",
    "evaluation": "信用评价",
    "registration": "自愿注册信息",
    "fulfilment": "信用承诺履约",
}
UNVERIFIED = "未核验"  # 核验状态 of a self-declared registration
UNVERIFIED_LABEL = "主体自主申报，未经核验"  # how a public unverified registration is shown everywhere
BROKEN, KEPT = "失诺", "践诺"  # 核查结果 of a commitment: 失诺 is 失信 information
LIST_TYPES = {"punishment": "失信惩戒名单", "watch": "重点关注名单", "incentive": "守信激励名单"}
FREQUENCIES = {
    "daily": "每日",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "irregular": "不定期",
}


@dataclass(frozen=True)
class DatasetView:
    """One dataset's public records, newest first, with the fields the portal shows."""

    spec: DatasetSpec
    frame: pd.DataFrame
    fields: tuple[Field, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.config.title

    @property
    def kind(self) -> str:
        return self.spec.config.kind

    def role(self, role: str) -> str | None:
        """The column playing ``role``, if the schema has it and the table carries it."""
        name = self.spec.schema.role(role)
        return name if name and name in self.frame.columns else None

    @property
    def is_record_set(self) -> bool:
        """Records with a date get a page each and are browsed by month (measures and item lists do not)."""
        return self.role("date") is not None

    def column(self, role: str) -> pd.Series:
        """The values of the column playing ``role`` (empty strings when the dataset has no such role)."""
        name = self.role(role)
        return self.frame[name] if name else pd.Series("", index=self.frame.index, dtype="str")


@dataclass(frozen=True)
class Measure:
    """A measure (失信惩戒措施) as linked from a list entry."""

    anchor: str  # element ID on the measures page
    label: str  # its number, e.g. 1-01
    text: str  # the measure itself


def dataset_views(tables: dict[str, Table]) -> tuple[list[DatasetView], list[Problem]]:
    """Views of every table, in dataset-ID order; rows whose record ID is malformed are left out, reported."""
    views, problems = [], []
    for key in sorted(tables):
        frame = tables[key].frame
        ok = frame[RECORD_ID].astype("str").str.fullmatch(urls.RECORD_ID.pattern).fillna(False).astype(bool)
        problems += [_bad_id(key, value) for value in frame.loc[~ok, RECORD_ID].astype("str")]
        views.append(_view(Table(tables[key].spec, frame.loc[ok])))
        problems += _undated(views[-1])
    return views, problems


def _bad_id(dataset: str, value: str) -> Problem:
    return problem(
        "site-bad-record-id",
        f"{dataset}：记录 ID {value!r} 格式不对，不生成详情页",
        dataset=dataset,
        value=value,
    )


def _undated(view: DatasetView) -> list[Problem]:
    undated = int((view.frame[MONTH] == urls.UNDATED).sum()) if view.is_record_set else 0
    if not undated:
        return []
    text = f"{view.id}：{undated} 条记录没有可识别的日期，列在“未注明日期”页"
    return [problem("site-no-date", text, dataset=view.id, field=view.role("date") or "")]


def measure_links(views: list[DatasetView]) -> dict[str, list[Measure]]:
    """List name → the measures whose 适用名单 names it (in measures-page order)."""
    links: dict[str, list[Measure]] = {}
    for view in views:
        if view.kind != "measures" or not view.role("list_name"):
            continue
        key = view.spec.schema.primary_key[0]
        labels = view.frame[key if key in view.frame.columns else RECORD_ID]
        rows = zip(
            view.frame[RECORD_ID], view.column("list_name"), labels, view.column("summary"), strict=True
        )
        for record_id, names, label, text in rows:
            for name in split_values(names):
                links.setdefault(name, []).append(Measure(urls.measure_anchor(record_id), label, text))
    return links


def item_names(views: list[DatasetView]) -> dict[str, str]:
    """事项编码 → 事项名称 of every commitment-items dataset (its key is the code; first dataset wins)."""
    names: dict[str, str] = {}
    for view in views:
        if view.kind != "commitment-items" or not view.spec.schema.primary_key:
            continue
        key = view.spec.schema.primary_key[0]
        if key in view.frame.columns:
            for code, name in zip(view.frame[key], view.column("summary"), strict=True):
                names.setdefault(code, name)
    return names


def grade_scale(view: DatasetView) -> dict[str, tuple[str, str, bool, str]]:
    """Grade code → (title, meaning, badge, tone) of an evaluation view's scale (dataset.yaml ``grades``, best
    first): tone "good" for the best grade, "bad" for the worst, "mid" between."""
    scale = view.spec.config.grades
    last = len(scale) - 1
    tones = ["good" if i == 0 else "bad" if i == last else "mid" for i in range(len(scale))]
    return {g.code: (g.title, g.meaning, g.badge, tone) for g, tone in zip(scale, tones, strict=True)}


def grade_label(code: str, title: str) -> str:
    """A grade's badge text: 信用等级 and its title, with the code in front unless the title names it."""
    if title and code in title:
        return f"信用等级 {title}"
    return " ".join(("信用等级", code, title)).strip()


def _view(table: Table) -> DatasetView:
    schema = table.spec.schema
    names = [n for n in schema.public_names() if n in table.frame.columns]
    frame = table.frame[[*names, RECORD_ID]].astype("str").fillna("")
    fields = tuple(schema.field(n) for n in names)
    view = DatasetView(table.spec, frame, fields)
    frame = frame.assign(**{MONTH: view.column("date").map(urls.month_key)})
    frame[DEPT] = view.column("department").map(lambda name: urls.dept_slug(name) if name else "")
    frame[ARCHIVE] = _archive_codes(view)
    date = view.role("date")
    keys = [date] if date else [k for k in schema.primary_key if k in frame.columns]
    frame = frame.sort_values([*keys, RECORD_ID], ascending=[not date] * len(keys) + [True], kind="stable")
    return DatasetView(table.spec, frame.reset_index(drop=True), fields)


def _archive_codes(view: DatasetView) -> pd.Series:
    """The subject code of rows whose subject gets a credit archive: organisations (and 个体工商户) with a
    well-formed 统一社会信用代码. Natural persons never get one, whatever their row holds."""
    codes = view.column("subject_code").str.strip().str.upper()
    person = view.column("subject_type").eq(NATURAL_PERSON)
    ok = codes.str.fullmatch(urls.SUBJECT_CODE.pattern).fillna(False).astype(bool) & ~person
    uniques = codes[
        ok
    ].unique()  # per subject, not per record; vectorised: per code it took 8 s at 1 M records
    ok &= codes.isin(uniques[uscc_valid(uniques)])
    return codes.where(ok, "")


def split_values(value: str) -> list[str]:
    """A multi-valued cell (``；``, ``;``, ``，`` or ``,`` separated) as its non-empty parts (``、`` joins
    words inside one value, e.g. 没收违法所得、没收非法财物, so it is not a separator)."""
    for sep in ("；", "，", ","):
        value = value.replace(sep, ";")
    return [part.strip() for part in value.split(";") if part.strip()]
