"""Rewriting data packs that were written before: an old release purged of withdrawn or superseded records
(and of columns no longer published), and the latest packages restamped with the release they belong to.

Stage: write data packs, called by the release stage. Guarantees: a purged dataset folder is written afresh
(new files, never in place — the old ones may be hard links shared with the previous site) from the old
release's own ``datapackage.json`` and JSON Lines file, so its titles, descriptions, order and version stay
those of that release; its columns are that release's, less any the caller says are no longer published (a
field dropped for privacy leaves the old releases' files and schemas too), whatever today's columns are;
restamping changes only ``version``/``created`` of the latest packages and the all-data zip. A rewritten
folder holds the machine formats only (``KEPT_FORMATS``: no XLSX workbook) — see ``release.purge``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from generator import paths
from generator.config import Portal
from generator.model import DataFile
from generator.packs import allzip, jsonl
from generator.packs.datapackage import dumps
from generator.packs.files import data_file
from generator.packs.job import Job
from generator.packs.layout import RECORD_ID_HEADER, TEXT, Layout, Stamp, layout_from_descriptor
from generator.packs.registry import FORMATS
from generator.packs.writer import write_datasets
from generator.workers import second_process

# What an older release keeps: the formats programs replay and audit. The XLSX workbook is for people opening
# today's data (data/latest/ and the current release); writing it again for every kept release on every purge
# cost most of the release stage (measured: 18 of 20 s at 200 k records with one kept release).
KEPT_FORMATS = tuple(f for f in FORMATS if f.name != "xlsx")
# From this much JSON Lines to rewrite on, a second process takes about half the folders. Measured at 200 k
# records over ten days of changes (a purge rewrites the penalties and licences of every kept release each day,
# ≈ 125 MB of JSON Lines a release): with 64 MiB, the release stage on days 6-11 went 5.7 6.8 7.2 8.4 9.4 9.1 →
# 4.9 5.9 6.3 7.0 7.8 7.2 s, but days 2-3 (one or two releases to rewrite) 2.2 2.6 → 2.5 3.2 s: starting the
# process and importing costs more than half of a small purge saves.
OFFLOAD_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Rewrite:
    """One dataset folder to write again: from ``source`` into ``target``, without the records ``drop``, and
    keeping only the columns ``columns`` (None: all of the old release's columns; ``记录ID`` always stays);
    ``hits``: whether the folder holds any record of ``drop``."""

    source: Path
    target: Path
    drop: set[str]
    columns: frozenset[str] | None = None
    hits: bool = True


def rewrite_without(tasks: list[Rewrite]) -> list[int]:
    """Write each task's dataset folder again; returns the records left in each. With much to rewrite (from
    ``OFFLOAD_BYTES`` of JSON Lines on: a city's daily purge of every kept release) a second process writes
    about half of the folders, so both cores work; the files are the same either way."""
    sizes = [sum(f.stat().st_size for f in task.source.glob("*.jsonl")) for task in tasks]
    away = _second_share(sizes) if sum(sizes) >= OFFLOAD_BYTES else set()
    if not away:
        return _rewritten(tasks)
    with second_process() as pool:
        there = pool.submit(_rewritten, [t for i, t in enumerate(tasks) if i in away])
        here = iter(_rewritten([t for i, t in enumerate(tasks) if i not in away]))
        far = iter(there.result())
    return [next(far) if i in away else next(here) for i in range(len(tasks))]


def _rewritten(tasks: list[Rewrite]) -> list[int]:
    """Write the tasks' folders, all in one batch; the records left in each."""
    jobs = [_job(task) for task in tasks]
    write_datasets(jobs, formats=KEPT_FORMATS)
    return [int(job.table.num_rows) for job in jobs]


def _second_share(sizes: list[int]) -> set[int]:
    """The tasks (by index) a second process writes: the largest first, each to whichever process has less."""
    loads, away = [0, 0], set()
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        side = 1 if loads[1] < loads[0] else 0
        loads[side] += sizes[i]
        if side:
            away.add(i)
    return away


def _job(task: Rewrite) -> Job:
    layout = layout_from_descriptor(_descriptor(task.source))
    table = jsonl.read(task.source / f"{layout.name}.jsonl", layout.headers)
    drop = pa.array(sorted(task.drop), TEXT)
    table = table.filter(pc.invert(pc.is_in(table.column(RECORD_ID_HEADER), value_set=drop)))
    if task.columns is not None:
        layout = _narrowed(layout, task.columns)
        table = table.select(layout.headers)
    return Job(layout, table, task.target)


def _narrowed(layout: Layout, columns: frozenset[str]) -> Layout:
    """``layout`` with only the columns named in ``columns`` (and ``记录ID``), in their old order."""
    kept = tuple(c for c in layout.columns if c.header in columns or c.header == RECORD_ID_HEADER)
    return replace(layout, columns=kept, order_by=layout.order_by if layout.order_by in columns else "")


def headers_of(folder: Path) -> list[str]:
    """The column headers of the dataset folder ``folder`` as its ``datapackage.json`` describes them."""
    return layout_from_descriptor(_descriptor(folder)).headers


def restamp(site_dir: Path, portal: Portal, stamp: Stamp, files: list[DataFile]) -> list[DataFile]:
    """Stamp the latest packages and the all-data zip with ``stamp``; returns ``files`` with the rewritten
    ones' sizes and checksums updated."""
    packages = [site_dir / f.path for f in files if f.format == "datapackage"]
    tables = []
    for path in packages:
        descriptor = _descriptor(path.parent) | {"version": stamp.version, "created": stamp.created_text()}
        _replace(path, dumps(descriptor).encode("utf-8"))
        tables.append(_csv_entry(layout_from_descriptor(descriptor), descriptor, path.parent))
    zipped = [f for f in files if f.format == "zip"]
    for f in zipped:
        _replace_zip(site_dir / f.path, portal, stamp, tables)
    return [_refreshed(site_dir, f) if f.format in ("datapackage", "zip") else f for f in files]


def _descriptor(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / paths.DATAPACKAGE_FILE).read_text(encoding="utf-8"))
    return data


def _csv_entry(
    layout: Layout, descriptor: dict[str, Any], folder: Path
) -> tuple[Layout, dict[str, Any], Path]:
    entry = next(r for r in descriptor["resources"] if r.get("format") == "csv")
    return layout, entry, folder / str(entry["path"])


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` as a new file at ``path`` (a new inode: hard links to the old file keep the old bytes)."""
    fresh = path.with_name(path.name + ".new")
    fresh.write_bytes(data)
    os.replace(fresh, path)


def _replace_zip(
    path: Path, portal: Portal, stamp: Stamp, tables: list[tuple[Layout, dict[str, Any], Path]]
) -> None:
    fresh = path.with_name(path.name + ".new")
    allzip.write(fresh, portal, stamp, tables)
    os.replace(fresh, path)


def _refreshed(site_dir: Path, f: DataFile) -> DataFile:
    return data_file(site_dir, site_dir / f.path, f.dataset, f.rows, f.format)


def stamp_of(site_dir: Path, files: list[DataFile]) -> Stamp | None:
    """The stamp the latest packages carry now (None when there are none)."""
    package = next((site_dir / f.path for f in files if f.format == "datapackage"), None)
    if package is None:
        return None
    descriptor = _descriptor(package.parent)
    return Stamp(str(descriptor["version"]), date.fromisoformat(str(descriptor["created"])[:10]))
