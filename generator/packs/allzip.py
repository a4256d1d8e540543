"""The "all data" zip: every dataset's latest CSV plus one data package describing them all.

Stage: write data packs. Guarantees: a deterministic zip — entries in sorted name order, every timestamp the
release's as-of date at 00:00, fixed permissions — so the same data and release give the same bytes; inside,
``datapackage.json`` (Frictionless v2, one CSV table resource per dataset with its schema, size and hash) and
``<dataset>.csv``. CSV is the one format every program reads; the other formats (XLSX for spreadsheets) stay
per dataset.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.config import Portal
from generator.packs.datapackage import dumps
from generator.packs.layout import PROFILE, Layout, Stamp, dataset_iri, licence_descriptor

PACKAGE_NAME = "all-data"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Zip:
    """What the zip is made of (a task's whole input on a cluster)."""

    target: Path
    portal: Portal
    stamp: Stamp
    # each dataset's layout, CSV resource entry and CSV file
    tables: list[tuple[Layout, dict[str, Any], Path]]


def write_zip(zipped: Zip) -> Path:
    """Write the zip ``zipped`` describes (in the build's process, or as a task on a Dask worker)."""
    return write(zipped.target, zipped.portal, zipped.stamp, zipped.tables)


def write(
    target: Path, portal: Portal, stamp: Stamp, tables: list[tuple[Layout, dict[str, Any], Path]]
) -> Path:
    """Write the zip; ``tables`` holds each dataset's layout, CSV resource entry and CSV file."""
    entries: dict[str, Path | bytes] = {f"{layout.name}.csv": csv for layout, _, csv in tables}
    entries["datapackage.json"] = dumps(_package(portal, stamp, tables)).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name in sorted(entries):
            _add(zf, name, entries[name], stamp)
    return target


def _add(zf: zipfile.ZipFile, name: str, source: Path | bytes, stamp: Stamp) -> None:
    info = zipfile.ZipInfo(
        name, date_time=(stamp.created.year, stamp.created.month, stamp.created.day, 0, 0, 0)
    )
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # unix, whatever the build machine
    if isinstance(source, bytes):
        zf.writestr(info, source)
        return
    info.file_size = source.stat().st_size  # lets zipfile choose ZIP64 up front for big files
    with open(source, "rb") as src, zf.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, CHUNK)


def _package(
    portal: Portal, stamp: Stamp, tables: list[tuple[Layout, dict[str, Any], Path]]
) -> dict[str, Any]:
    licence = portal.licence
    return {
        "$schema": PROFILE,
        "name": PACKAGE_NAME,
        "id": dataset_iri(portal.base_url, PACKAGE_NAME),
        "title": f"{portal.name} 全部公开数据",
        "description": f"{portal.publisher}发布的全部数据集的最新公开记录（CSV），每个数据集一个表。"
        "CSV 供程序读取，请把所有列当作文本读取；在 Excel 或 WPS 中查看请下载各数据集的 XLSX 文件。",
        "version": stamp.version,
        "created": stamp.created_text(),
        "homepage": portal.base_url,
        "licenses": [licence_descriptor(licence.id, licence.title, licence.url)],
        "contributors": [{"title": portal.publisher, "roles": ["publisher"]}],
        "resources": [_resource(layout, entry) for layout, entry, _ in tables],
    }


def _resource(layout: Layout, entry: dict[str, Any]) -> dict[str, Any]:
    resource = {**entry, "name": layout.name, "path": f"{layout.name}.csv"}
    return resource | {"licenses": layout.package["licenses"], "sources": layout.package.get("sources", [])}
