"""``gongshi sample``: write a complete, realistic synthetic catalog for demos, tests and benchmarks.

Stage: sample. Guarantees: the same (records, seed) give byte-identical files; the folder loads with
``generator.catalog.load_catalog`` without problems; ``records`` (N) is exactly the number of data rows in
the batch files of the record datasets — penalties, licences, inspections and the three lists, counting
corrections, duplicate-key copies and the other deliberately bad rows — while the fixed measures list
(32 rows) is not counted. It writes portal.yaml, datasets/ and decisions/ only (rules/ and commitments/
belong to other parts of the project and fall back to packaged defaults).
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator import paths
from generator.sample import catalog_files, inspections, measures, writer
from generator.sample.batches import BadRow, Written, write_dataset
from generator.sample.context import Context
from generator.sample.decisions import write_decisions
from generator.sample.registry import GENERATORS, allocate
from generator.schema import builtin_schema

MEASURES_FILE = "2024.csv"


@dataclass(frozen=True)
class SampleSummary:
    """What ``write_sample`` wrote."""

    records: int  # N: data rows across the record datasets' batch files
    rows: dict[str, int]  # dataset id → data rows written
    files: dict[str, int]  # dataset id → batch files written
    corrections: dict[str, int]  # dataset id → rows that re-send an earlier record with the same key
    bad_rows: tuple[BadRow, ...]  # deliberately bad rows, with file and row number
    repairs: int  # repairs of existing penalty records
    unknown_repairs: int  # repairs naming no record (always 1)
    revocations: int
    measures: int  # rows of the measures list (not part of ``records``)

    def bad_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(b.kind for b in self.bad_rows).items()))

    def __str__(self) -> str:
        """One line for people: counts only (the bad rows themselves can be tens of thousands)."""
        per = "，".join(f"{k} {v}" for k, v in self.rows.items())
        return (
            f"{self.records} 条记录（{per}），{sum(self.files.values())} 个批次文件，更正 {sum(self.corrections.values())} 行，"
            f"故意错误 {len(self.bad_rows)} 行，信用修复 {self.repairs} 条（另 {self.unknown_repairs} 条指向不存在的记录），"
            f"撤销 {self.revocations} 条，惩戒措施 {self.measures} 条"
        )


def write_sample(out: Path, records: int, seed: int = 0, *, replace: bool = False) -> SampleSummary:
    """Write a synthetic catalog of ``records`` rows into ``out``.

    Raises ``ValueError`` for a negative count and ``FileExistsError`` when ``out`` already holds this
    generator's datasets or decisions files, unless ``replace``: then exactly those (and portal.yaml) are
    rewritten; other datasets, rules/ and commitments/ are left alone.
    """
    if records < 0:
        raise ValueError("记录数不能为负数")
    _prepare(out, replace)
    ctx = Context(seed, records)
    catalog_files.write_portal(out)
    written: dict[str, Written] = {}
    for gen, rows in zip(GENERATORS, allocate(records).values(), strict=True):
        folder = out / paths.DATASETS_DIR / gen.id
        catalog_files.write_dataset_yaml(folder, gen.id)
        if gen.id == "inspections":
            (folder / paths.DATASET_SCHEMA_FILE).write_text(inspections.SCHEMA_YAML, encoding="utf-8")
        written[gen.id] = write_dataset(gen, ctx, rows, folder)
    n_measures = _write_measures(out)
    repairs, revocations = write_decisions(out, ctx, written)
    return SampleSummary(
        records=sum(w.rows for w in written.values()),
        rows={k: w.rows for k, w in written.items()},
        files={k: len(w.files) for k, w in written.items()},
        corrections={k: w.corrections for k, w in written.items()},
        bad_rows=tuple(b for w in written.values() for b in w.bad),
        repairs=repairs,
        unknown_repairs=1,
        revocations=revocations,
        measures=n_measures,
    )


def _prepare(out: Path, replace: bool) -> None:
    """Refuse to overwrite what a previous run wrote unless ``replace``; never touch anything else."""
    datasets = out / paths.DATASETS_DIR
    owned = [datasets / g.id for g in GENERATORS] + [datasets / "measures"]
    owned += [out / paths.REPAIRS_FILE, out / paths.REVOCATIONS_FILE]
    busy = [p for p in owned if p.exists()]
    if busy and not replace:
        raise FileExistsError(f"{busy[0]} 已存在：请换一个空目录，或明确要求替换")
    for p in busy:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _write_measures(out: Path) -> int:
    folder = out / paths.DATASETS_DIR / "measures"
    catalog_files.write_dataset_yaml(folder, "measures")
    rows = measures.rows()
    cols = {k: np.asarray([r[k] for r in rows], dtype=object) for k in rows[0]}
    writer.write_batch(
        folder / MEASURES_FILE, builtin_schema("measures"), cols, writer.Style("title", "utf-8-sig")
    )
    return len(rows)
