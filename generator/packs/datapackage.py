"""``datapackage.json``: the Frictionless (v2) description of a dataset's files.

Stage: write data packs. Guarantees: valid against the Data Package v2 profile (``$schema``): name, ``id`` (the
dataset's IRI in the DCAT catalogue, the same in every release), title, description, version (the release ID),
created (the release's as-of date, never the clock), licences, sources and contributors; one resource per file
with path, format, media type, bytes, ``hash: "sha256:…"`` and a description saying what the file is for (the
CSV's says to read it as text and not to open it in a spreadsheet; the XLSX's that it is the one for
Excel/WPS). Every file is a ``"type": "table"`` resource (v2 knows no other type) whose schema is the catalog
schema restricted to the public columns plus ``记录ID`` (primary key), with Chinese names, titles and
descriptions: the CSV's allows the leading quote of neutralised formula-like values (``safe``), the others
hold the exact values — ``frictionless validate`` checks every format cell by cell (JSON Lines with its
``jsonlines`` extra). An empty JSON Lines file (a dataset, or a purged old release, without any public record)
is left out of the package: it describes nothing, and frictionless-py cannot read an empty JSON Lines table (it
takes the header from the first line); CSV, XLSX and Parquet describe the empty table. The Parquet resource has its hash but no ``bytes``: frictionless-py reads Parquet through
pyarrow and cannot count its bytes, so it would call every Parquet file wrong (its size is in ``catalog.json``
and the release manifest). XLSX parts are listed in part order, the first under the plain name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator import paths
from generator.packs.files import facts, file_format
from generator.packs.layout import RECORD_ID_HEADER, Layout
from generator.packs.safe import relax
from generator.packs.xlsx import MAX_DATA_ROWS, part_number

MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl",
    "parquet": "application/vnd.apache.parquet",
}
TITLES = {
    "csv": "CSV（UTF-8，带 BOM）",
    "xlsx": "Excel 工作簿",
    "jsonl": "JSON Lines",
    "parquet": "Parquet（带类型）",
}
DESCRIPTIONS = {
    "csv": "UTF-8 编码（带 BOM）的 CSV，供程序、数据库和统计软件读取：请把所有列当作文本读取，代码和编号才能保持原样。"
    "不要直接用 Excel 或 WPS 打开（长数字代码会变成科学计数法、编号的前导零会丢失、“3-01”这类编号会变成日期），"
    "在表格软件中请使用 XLSX 文件。以 = + - @ 等开头的文本前加了英文单引号 '。",
    "xlsx": "推荐用 Excel 或 WPS 查看：代码和编号都以文本保存，日期为日期格式，金额为数值，首行为表头。",
    "jsonl": "每行一条记录的 JSON 对象，键为中文字段名，值为原始公开文本，空值为 null。",
    "parquet": "带类型的列式文件（日期为日期类型，金额为精确小数），供 pandas、DuckDB、Spark 等分析工具读取。",
}
RESOURCE_ORDER = ("csv", "xlsx", "jsonl", "parquet")
FIRST_KEYS = ("$schema", "name", "id", "title", "description", "version", "created")


def write(layout: Layout, folder: Path, files: list[Path], relaxed: list[str]) -> Path:
    """Write ``datapackage.json`` describing ``files`` (all in ``folder``)."""
    path = folder / paths.DATAPACKAGE_FILE
    path.write_text(dumps(descriptor(layout, files, relaxed)), encoding="utf-8")
    return path


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def descriptor(layout: Layout, files: list[Path], relaxed: list[str]) -> dict[str, Any]:
    stamps = {"version": layout.stamp.version, "created": layout.stamp.created_text()}
    merged = {**layout.package, **stamps}
    ordered = {k: merged[k] for k in FIRST_KEYS if k in merged} | merged
    parts = sum(1 for p in files if file_format(p) == "xlsx")
    described = [p for p in files if not (file_format(p) == "jsonl" and facts(p)[0] == 0)]
    resources = [
        resource(layout, p, relaxed, parts) for p in sorted(described, key=lambda p: _order(layout, p))
    ]
    return ordered | {"resources": resources}


def _order(layout: Layout, path: Path) -> tuple[int, int, str]:
    """Formats in ``RESOURCE_ORDER``; XLSX parts in part order (the plain name first)."""
    fmt = file_format(path)
    part = part_number(layout.name, path.name) if fmt == "xlsx" else 0
    return RESOURCE_ORDER.index(fmt) if fmt in RESOURCE_ORDER else len(RESOURCE_ORDER), part, path.name


def resource(layout: Layout, path: Path, relaxed: list[str], parts: int = 1) -> dict[str, Any]:
    """The resource entry of one file (``relaxed``: CSV columns where values got a leading quote; ``parts``:
    how many XLSX files the records fill)."""
    fmt = file_format(path)
    size, sha = facts(path)
    entry: dict[str, Any] = {
        "name": path.name.replace(".", "-").lower(),
        "type": "table",
        "path": path.name,
        "title": f"{layout.package.get('title', layout.name)}（{_title(layout, path, fmt, parts)}）",
        "description": DESCRIPTIONS.get(fmt, "") + _part_note(layout, path, fmt, parts),
        "format": fmt,
        "mediatype": MEDIA_TYPES.get(fmt, "application/octet-stream"),
        "bytes": size,
        "hash": f"sha256:{sha}",
    }
    if fmt in ("csv", "jsonl"):
        entry["encoding"] = "utf-8"
    if fmt == "parquet":
        del entry["bytes"]
    return entry | {"schema": schema(layout, relaxed if fmt == "csv" else [])}


def _title(layout: Layout, path: Path, fmt: str, parts: int) -> str:
    title = TITLES.get(fmt, fmt)
    if fmt == "xlsx" and parts > 1:
        title += f"，第 {part_number(layout.name, path.name)}/{parts} 部分"
    return title


def _part_note(layout: Layout, path: Path, fmt: str, parts: int) -> str:
    if fmt != "xlsx" or parts == 1:
        return ""
    part = part_number(layout.name, path.name)
    first = (part - 1) * MAX_DATA_ROWS + 1
    return (
        f"记录超过 Excel 的行数上限，按顺序分成 {parts} 个工作簿：本文件是第 {part} 个，"
        f"从第 {first:,} 条记录开始（第一个工作簿的文件名不带编号）。"
    )


def schema(layout: Layout, relaxed: list[str]) -> dict[str, Any]:
    fields = [relax(c.descriptor) if c.header in relaxed else c.descriptor for c in layout.columns]
    return {"fields": fields, "primaryKey": [RECORD_ID_HEADER], "missingValues": [""]}
