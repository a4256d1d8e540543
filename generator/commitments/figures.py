"""The commitment column's fulfilment figures (履约情况): per commitment item and year, how many commitments were
made, checked, kept (践诺) and broken (失诺), and the 践诺率.

Stage: render (commitment column and site). Guarantees: the figures are read only from the rules stage's
``Publication.fulfilment`` frame (columns ``FULFILMENT_COLUMNS``: dataset, item, year, made, checked, kept, broken)
and summed over fulfilment datasets per item; 践诺率 = kept / checked, "—" when nothing was checked; the 失诺
records an item page lists are the public ones of the fulfilment views (their subject's name as the public view
shows it, and its archive code only when the subject has an archive). ``with_fulfilment`` writes both into
derived view columns — ``FIGURES`` on commitment-items rows (canonical JSON), ``ITEM`` and ``ITEM_NAME`` (the
item's record ID and name) on fulfilment rows — so the page-unit keys, which hash every view column, change exactly when an item page's or a
fulfilment record page's figures, links or item name change. Nothing here reads the clock; the same inputs give the same
bytes. A catalog without a fulfilment dataset gets no derived column and no figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from generator.model import RECORD_ID, Table

if TYPE_CHECKING:
    from generator.site.view import DatasetView

# Derived view columns: on commitment-items rows, the item's figures and public 失诺 records as JSON; on
# fulfilment rows, the record ID and 事项名称 of the row's commitment item ("" when the item is not listed).
FIGURES, ITEM, ITEM_NAME = "_fulfilment", "_item", "_item_name"
COUNTS = ("made", "checked", "kept", "broken")
BROKEN = "失诺"
NONE_CHECKED = "—"


@dataclass(frozen=True)
class Year:
    """One year's (or, with ``year`` 0, all years') figures of an item."""

    year: int
    made: int
    checked: int
    kept: int
    broken: int

    @property
    def rate(self) -> str:
        """践诺率: kept / checked as a percentage with one decimal; "—" when nothing was checked."""
        return rate_text(self.kept, self.checked)


@dataclass(frozen=True)
class Broken:
    """A public 失诺 record of an item, as its item page lists it."""

    id: str  # record ID of the fulfilment record
    name: str  # the subject's name as the public view shows it
    archive: str  # 统一社会信用代码 of its archive, or "" (natural persons and subjects without one)
    checked_on: str  # 核查日期
    department: str  # 核查部门


@dataclass(frozen=True)
class ItemFigures:
    """What an item's page shows: its figures by year (oldest first) and its public 失诺 records (newest first)."""

    years: tuple[Year, ...]
    broken: tuple[Broken, ...]

    @property
    def total(self) -> Year:
        return total(self.years)


@dataclass(frozen=True)
class ItemSummary:
    """What the column's pages show of an item: its record page and its totals."""

    id: str  # record ID of the item (its page r/<id[:2]>/<id>.html)
    total: Year


def rate_text(kept: int, checked: int) -> str:
    return f"{kept / checked * 100:.1f}%" if checked else NONE_CHECKED


def total(years: tuple[Year, ...] | list[Year]) -> Year:
    return Year(0, *(sum(getattr(y, c) for y in years) for c in COUNTS))


def item_years(fulfilment: pd.DataFrame | None) -> dict[str, tuple[Year, ...]]:
    """事项编码 → its figures by year, oldest first, summed over the fulfilment datasets."""
    if fulfilment is None or fulfilment.empty:
        return {}
    summed = fulfilment.groupby(["item", "year"], sort=True)[list(COUNTS)].sum()
    found: dict[str, list[Year]] = {}
    for (item, year), row in zip(summed.index, summed.to_numpy(dtype="int64").tolist(), strict=True):
        found.setdefault(str(item), []).append(Year(int(year), *row))
    return {item: tuple(years) for item, years in found.items()}


def item_code_column(view_or_table: DatasetView | Table) -> str | None:
    """The 事项编码 column of a commitment-items dataset: its primary key's (first) field."""
    key = view_or_table.spec.schema.primary_key
    return key[0] if key and key[0] in view_or_table.frame.columns else None


def item_summaries(
    tables: dict[str, Table], fulfilment: pd.DataFrame | None
) -> dict[str, ItemSummary] | None:
    """事项编码 → its record page and totals, for the column's pages; ``None`` when the catalog has no fulfilment
    dataset (the pages then show no figures). The first commitment-items dataset (by ID) listing a code wins."""
    if not any(t.spec.config.kind == "fulfilment" for t in tables.values()):
        return None
    years = item_years(fulfilment)
    found: dict[str, ItemSummary] = {}
    for key in sorted(tables):
        table = tables[key]
        column = item_code_column(table) if table.spec.config.kind == "commitment-items" else None
        if column is None:
            continue
        for code, record in zip(
            table.frame[column].astype("str"), table.frame[RECORD_ID].astype("str"), strict=True
        ):
            if code and code not in found:
                found[code] = ItemSummary(record, total(years.get(code, ())))
    return found


def with_fulfilment(views: list[DatasetView], fulfilment: pd.DataFrame | None) -> list[DatasetView]:
    """``views`` with ``FIGURES`` on commitment-items views and ``ITEM`` on fulfilment views (unchanged when the
    catalog has no fulfilment dataset)."""
    if not any(v.kind == "fulfilment" for v in views):
        return views
    items = _items(views)
    broken = _broken_by_item(views)
    years = item_years(fulfilment)
    annotated = []
    for view in views:
        if view.kind == "commitment-items" and FIGURES not in view.frame.columns:
            codes = _codes(view)
            texts = [encode(ItemFigures(years.get(c, ()), broken.get(c, ()))) for c in codes]
            view = replace(
                view,
                frame=view.frame.assign(**{FIGURES: pd.Series(texts, index=view.frame.index, dtype="str")}),
            )
        elif view.kind == "fulfilment" and ITEM not in view.frame.columns:
            found = [items.get(c, ("", "")) for c in view.column("commitment_item")]
            columns = {
                name: pd.Series([pair[i] for pair in found], index=view.frame.index, dtype="str")
                for i, name in enumerate((ITEM, ITEM_NAME))
            }
            view = replace(view, frame=view.frame.assign(**columns))
        annotated.append(view)
    return annotated


def _codes(view: DatasetView) -> list[str]:
    column = item_code_column(view)
    return view.frame[column].tolist() if column else [""] * len(view.frame)


def _items(views: list[DatasetView]) -> dict[str, tuple[str, str]]:
    """事项编码 → (record ID of its item page, 事项名称), from the first commitment-items view listing it."""
    found: dict[str, tuple[str, str]] = {}
    for view in views:
        if view.kind == "commitment-items":
            rows = zip(_codes(view), view.frame[RECORD_ID], view.column("summary"), strict=True)
            for code, record, name in rows:
                if code:
                    found.setdefault(code, (record, name))
    return found


def _broken_by_item(views: list[DatasetView]) -> dict[str, tuple[Broken, ...]]:
    """事项编码 → the public 失诺 records naming it, newest 核查日期 first (ties by record ID)."""
    from generator.site.view import ARCHIVE  # the site package imports this module

    rows: list[tuple[str, Broken]] = []
    for view in views:
        if view.kind != "fulfilment":
            continue
        frame = pd.DataFrame({
            "item": view.column("commitment_item"), "result": view.column("result"), "id": view.frame[RECORD_ID],
            "name": view.column("subject_name"), "archive": view.frame[ARCHIVE], "checked_on": view.column("checked_on"),
            "department": view.column("department"),
        })  # fmt: skip
        frame = frame[frame["result"] == BROKEN]
        for item, *values in frame.drop(columns="result").itertuples(index=False):
            rows.append((item, Broken(*values)))
    rows.sort(key=lambda pair: pair[1].id)
    rows.sort(key=lambda pair: pair[1].checked_on, reverse=True)  # stable: ties stay in record-ID order
    found: dict[str, list[Broken]] = {}
    for item, record in rows:
        found.setdefault(item, []).append(record)
    return {item: tuple(records) for item, records in found.items()}


def encode(figures: ItemFigures) -> str:
    """Canonical JSON of an item's figures (the view column ``FIGURES``)."""
    data = {
        "years": [[y.year, y.made, y.checked, y.kept, y.broken] for y in figures.years],
        "broken": [[b.id, b.name, b.archive, b.checked_on, b.department] for b in figures.broken],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> ItemFigures | None:
    """The figures ``encode`` wrote; ``None`` for "" (no fulfilment dataset)."""
    if not text:
        return None
    data = json.loads(text)
    years = tuple(Year(*(int(v) for v in y)) for y in data["years"])
    return ItemFigures(years, tuple(Broken(*(str(v) for v in b)) for b in data["broken"]))
