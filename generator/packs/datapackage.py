"""``datapackage.json``: the Frictionless (v2) description of a dataset's files.

Stage: write data packs. Guarantees: name, title, description, version (the release ID), created (the
release's as-of date, never the clock), licences, sources and contributors; one resource per file with path,
format, media type, bytes and ``hash: "sha256:…"``. CSV and XLSX are table resources whose schema is the
catalog schema restricted to the public columns plus ``记录ID`` (primary key), with Chinese names, titles and
descriptions — ``frictionless validate`` checks them cell by cell with stock frictionless. JSON Lines and
Parquet are listed as files (checked by size and hash): reading them as tables needs frictionless extras, and
Parquet carries its own typed schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator import paths
from generator.packs.files import facts, file_format
from generator.packs.layout import RECORD_ID_HEADER, Layout
from generator.packs.safe import relax

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
RESOURCE_ORDER = ("csv", "xlsx", "jsonl", "parquet")
FIRST_KEYS = ("$schema", "name", "title", "description", "version", "created")


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
    ordered_files = sorted(files, key=lambda p: (RESOURCE_ORDER.index(file_format(p)), p.name))
    return ordered | {"resources": [resource(layout, p, relaxed) for p in ordered_files]}


def resource(layout: Layout, path: Path, relaxed: list[str]) -> dict[str, Any]:
    """The resource entry of one file (``relaxed``: CSV columns where values got a leading quote)."""
    fmt = file_format(path)
    size, sha = facts(path)
    entry: dict[str, Any] = {
        "name": path.name.replace(".", "-").lower(),
        "type": "table" if fmt in ("csv", "xlsx") else "file",
        "path": path.name,
        "title": f"{layout.package.get('title', layout.name)}（{TITLES.get(fmt, fmt)}）",
        "format": fmt,
        "mediatype": MEDIA_TYPES.get(fmt, "application/octet-stream"),
        "bytes": size,
        "hash": f"sha256:{sha}",
    }
    if fmt == "csv":
        entry |= {"encoding": "utf-8", "schema": schema(layout, relaxed)}
    elif fmt == "xlsx":
        entry["schema"] = schema(layout, [])
    else:
        entry["encoding"] = "utf-8" if fmt == "jsonl" else None
        entry = {k: v for k, v in entry.items() if v is not None}
    return entry


def schema(layout: Layout, relaxed: list[str]) -> dict[str, Any]:
    fields = [relax(c.descriptor) if c.header in relaxed else c.descriptor for c in layout.columns]
    return {"fields": fields, "primaryKey": [RECORD_ID_HEADER], "missingValues": [""]}
