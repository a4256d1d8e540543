"""The public layout of a dataset's data files: which columns, under which Chinese headers, in which order.

Stage: write data packs (shared by every format and by the release stage's purge). Guarantees: the columns are
``记录ID`` then the schema's public fields in schema order (never META columns, never ``privacy: drop`` fields,
never fields the rules stage dropped from the records, e.g. by the catalog's ``drop_fields``);
headers are the fields' Chinese titles (made unique if two fields share one); records are in a stable order
(newest decision first, then record ID), so the same records always give the same bytes. A layout can be read
back from a ``datapackage.json`` written earlier, so old releases can be rewritten without today's catalog.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator import paths
from generator.config import Portal
from generator.model import RECORD_ID, DatasetSpec

RECORD_ID_HEADER = "记录ID"
CODE_KEY = "gongshi:code"  # custom field property: the field's code (e.g. CF_XDR_MC) in the catalog schema
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TEXT = pa.large_string()  # text columns are large_string: one column may pass 2 GiB at city scale
RECORD_ID_FIELD: dict[str, Any] = {
    "name": RECORD_ID_HEADER,
    "title": RECORD_ID_HEADER,
    "type": "string",
    "description": "记录的稳定公开编号：由数据集和记录键（决定文书号与机关代码）计算，更正和重建时不变，不含个人信息。",
    "example": "3f9a0c2e7b1d4a56",
    "constraints": {"required": True, "unique": True},
    CODE_KEY: RECORD_ID,
}


@dataclass(frozen=True)
class Column:
    """One public column."""

    header: str  # the name in every file (Chinese title, or 记录ID)
    type: str  # string | date | number | integer
    source: str  # the column in the record table (field code or RECORD_ID); the header when read back
    descriptor: dict[str, Any]  # Frictionless field descriptor, ``name`` = header


@dataclass(frozen=True)
class Stamp:
    """What a package says about its version: the release ID and that release's as-of date."""

    version: str
    created: date

    def created_text(self) -> str:
        return (
            f"{self.created.isoformat()}T00:00:00+08:00"  # the as-of date in Asia/Shanghai, never the clock
        )


@dataclass(frozen=True)
class Layout:
    """Everything the writers need to know about a dataset besides its records."""

    name: str  # dataset id: file stem and package name
    package: dict[str, Any]  # package-level descriptor properties (no resources, version or created)
    columns: tuple[Column, ...]
    stamp: Stamp
    order_by: str = ""  # header of the decision-date column (newest first), if any

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def layout_for(
    spec: DatasetSpec, portal: Portal, stamp: Stamp, present: Collection[str] | None = None
) -> Layout:
    """The layout of a catalog dataset (of its fields in ``present`` only, when given: the columns the public
    records still have after the privacy rules)."""
    columns = columns_for(spec, present)
    date_field = spec.schema.role("date")
    order_by = next((c.header for c in columns if c.source == date_field), "")
    return Layout(spec.id, package_properties(spec, portal), columns, stamp, order_by)


def dataset_iri(base_url: str, dataset: str) -> str:
    """The dataset's identifier: its node in the portal's DCAT catalogue (also the data package's ``id``)."""
    return f"{base_url}{paths.CATALOG_JSONLD}#{dataset}"


def columns_for(spec: DatasetSpec, present: Collection[str] | None = None) -> tuple[Column, ...]:
    """The public columns of a dataset (of its fields in ``present`` only, when given), as every format and the
    per-subject JSON name them."""
    public = set(spec.schema.public_names()).intersection(spec.schema.names if present is None else present)
    fields = [f for f in spec.schema.frictionless()["fields"] if f["name"] in public]
    titles = [str(f.get("title") or f["name"]) for f in fields]
    taken = {RECORD_ID_HEADER}
    columns = [Column(RECORD_ID_HEADER, "string", RECORD_ID, RECORD_ID_FIELD)]
    for field, title in zip(fields, titles, strict=True):
        header = title if titles.count(title) == 1 and title not in taken else f"{title}（{field['name']}）"
        taken.add(header)
        descriptor = {**field, "name": header, "title": title, CODE_KEY: field["name"]}
        columns.append(Column(header, str(field.get("type", "string")), field["name"], descriptor))
    return tuple(columns)


def package_properties(spec: DatasetSpec, portal: Portal) -> dict[str, Any]:
    """Package-level properties of a dataset's data package (Frictionless v2)."""
    config = spec.config
    licence = config.licence or portal.licence
    properties: dict[str, Any] = {
        "$schema": PROFILE,
        "name": spec.id,
        "id": dataset_iri(portal.base_url, spec.id),
        "title": config.title,
        "description": config.description + FORMAT_NOTE,
        "homepage": portal.base_url,
        # Data Package v2 wants a non-empty keywords array when the property is present
        **({"keywords": list(config.keywords)} if config.keywords else {}),
        "licenses": [licence_descriptor(licence.id, licence.title, licence.url)],
        "sources": [{"title": config.publisher}],
        "contributors": [{"title": portal.publisher, "roles": ["publisher"]}],
    }
    return properties


FORMAT_NOTE = (
    "\n\n文件格式：在 Excel 或 WPS 中查看请下载 XLSX 文件——代码和编号都以文本保存，日期和金额可以直接计算。"
    "CSV 为 UTF-8 编码（带 BOM），供程序、数据库和统计软件读取，读取时请把所有列当作文本；"
    "直接用 Excel 或 WPS 打开 CSV 会把 18 位全数字代码和看似数字的记录ID变成科学计数法并丢失末几位、"
    "去掉编号的前导零、把“3-01”这样的编号变成日期。为防止表格软件把文本当作公式执行，"
    "CSV 中以 = + - @、制表符或回车开头的文本前加了一个英文单引号 '（数值列中的负数除外），"
    "XLSX 中这类单元格设为文本（不加引号）；JSON Lines 与 Parquet 保留原值，空值为 null。"
    "每条记录的“记录ID”在所有格式和所有发布版本中保持不变。"
)


def licence_descriptor(name: str, title: str, url: str) -> dict[str, str]:
    descriptor = {"name": name, "title": title}
    return descriptor | ({"path": url} if url else {})


def layout_from_descriptor(descriptor: dict[str, Any]) -> Layout:
    """The layout a ``datapackage.json`` describes (read back to rewrite an old release)."""
    # The XLSX resources carry the schema as it is; the CSV one may have constraints relaxed (see safe.py).
    tables = sorted(
        (r for r in descriptor["resources"] if "schema" in r), key=lambda r: r["format"] != "xlsx"
    )
    fields = tables[0]["schema"]["fields"]
    columns = tuple(Column(f["name"], str(f.get("type", "string")), f["name"], f) for f in fields)
    stamp = Stamp(str(descriptor["version"]), date.fromisoformat(str(descriptor["created"])[:10]))
    package = {k: v for k, v in descriptor.items() if k not in ("resources", "version", "created")}
    return Layout(str(descriptor["name"]), package, columns, stamp)


def public_table(frame: pd.DataFrame, layout: Layout) -> pa.Table:
    """The public columns of a record table as text (null when empty), in publication order: newest decision
    first (undated last), then by record ID — a total, stable order. The order is found from its two columns,
    then each column is made and put in order alone, so a dataset's text is never held twice (at 1 M records
    its largest table, all made and then sorted, was ≈ 2× its size for a moment)."""
    order = _order(frame, layout)
    return pa.table([_text(frame, c.source).take(order) for c in layout.columns], names=layout.headers)


def _order(frame: pd.DataFrame, layout: Layout) -> pa.Array:
    source = {c.header: c.source for c in layout.columns}
    keys = [(layout.order_by, "descending")] if layout.order_by else []
    keys.append((RECORD_ID_HEADER, "ascending"))
    table = pa.table(
        [_text(frame, source[header]) for header, _ in keys], names=[str(n) for n in range(len(keys))]
    )
    return pc.sort_indices(table, [(str(n), way, "at_end") for n, (_, way) in enumerate(keys)])


def _text(frame: pd.DataFrame, source: str) -> pa.Array | pa.ChunkedArray:
    if source not in frame.columns:
        return pa.nulls(len(frame), TEXT)
    values = pa.array(frame[source], from_pandas=True).cast(TEXT)  # zero-copy for pandas' arrow-backed str
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, TEXT), values)
