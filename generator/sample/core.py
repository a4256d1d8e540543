"""``gongshi sample``: write a complete, realistic synthetic catalog for demos, tests and benchmarks.

Stage: sample. Guarantees: the same (records, seed) give byte-identical files; the folder loads with
``generator.catalog.load_catalog`` without problems; ``records`` (N) is exactly the number of data rows in
the batch files of the record datasets — penalties, licences, inspections and the three lists, counting
corrections, duplicate-key copies and the other deliberately bad rows — while the fixed measures list
(32 rows) is not counted, nor are the credit-supervision datasets (evaluations, registrations, fulfilment:
≈ 6.5 % of N on top, see ``registry.CREDIT``), written after the others so those keep their bytes. It writes
portal.yaml, datasets/ and decisions/ only (rules/ and commitments/ belong to other parts of the project and
fall back to packaged defaults); a commitment-items dataset only when the folder has none.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator import paths
from generator.sample import catalog_files, inspections, measures, subjects, writer
from generator.sample.batches import BadRow, Written, write_dataset
from generator.sample.context import Context
from generator.sample.decisions import write_decisions
from generator.sample.registry import CREDIT, GENERATORS, allocate, allocate_credit
from generator.sample.subjects import ORG
from generator.schema import builtin_schema

MEASURES_FILE = "2024.csv"


@dataclass(frozen=True)
class SampleSummary:
    """What ``write_sample`` wrote."""

    records: int  # N: data rows across the record datasets' batch files
    rows: dict[str, int]  # record dataset id → data rows written
    files: dict[str, int]  # dataset id → batch files written (record and credit datasets)
    corrections: dict[str, int]  # dataset id → rows that re-send an earlier record with the same key
    bad_rows: tuple[BadRow, ...]  # deliberately bad rows, with file and row number
    repairs: int  # repairs of existing penalty records
    unknown_repairs: int  # repairs naming no record (always 1)
    revocations: int
    measures: int  # rows of the measures list (not part of ``records``)
    credit_rows: dict[str, int] = dataclasses.field(default_factory=dict)  # credit dataset → rows, not in N
    broken_repairs: int = 0  # repairs of 失诺 fulfilment records
    featured: tuple[str, ...] = ()  # 统一社会信用代码 of the penalised, listed firms graded D with a 失诺

    def bad_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(b.kind for b in self.bad_rows).items()))

    def __str__(self) -> str:
        """One line for people: counts only (the bad rows themselves can be tens of thousands)."""
        per = "，".join(f"{k} {v}" for k, v in self.rows.items())
        return (
            f"{self.records} 条记录（{per}），{sum(self.files.values())} 个批次文件，更正 {sum(self.corrections.values())} 行，"
            f"故意错误 {len(self.bad_rows)} 行，信用修复 {self.repairs} 条（另 {self.unknown_repairs} 条指向不存在的记录），"
            f"撤销 {self.revocations} 条，惩戒措施 {self.measures} 条" + self._credit()
        )

    def _credit(self) -> str:
        if not self.credit_rows:
            return ""
        rows = self.credit_rows
        return (
            f"；另有信用评价 {rows.get('evaluations', 0)} 条、自愿注册 {rows.get('registrations', 0)} 条、"
            f"承诺履约 {rows.get('fulfilment', 0)} 条（不计入记录数），失诺信用修复 {self.broken_repairs} 条"
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
    rows = min(allocate_credit(records).values())  # every credit dataset has a row for each featured subject:
    most = min(max(8, rows // 40), rows // 5)  # 8 in the demo, few enough not to skew a big sample's grades
    credit_ctx = dataclasses.replace(ctx, featured=featured_subjects(written)[:most])
    credit = _write_credit(out, credit_ctx, records)
    repairs, revocations, broken = write_decisions(out, credit_ctx, {**written, **credit})
    every = {**written, **credit}
    return SampleSummary(
        records=sum(w.rows for w in written.values()),
        rows={k: w.rows for k, w in written.items()},
        files={k: len(w.files) for k, w in every.items()},
        corrections={k: w.corrections for k, w in every.items()},
        bad_rows=tuple(b for w in every.values() for b in w.bad),
        repairs=repairs,
        unknown_repairs=1,
        revocations=revocations,
        measures=n_measures,
        credit_rows={k: w.rows for k, w in credit.items()},
        broken_repairs=broken,
        featured=_featured_codes(credit_ctx),
    )


def _write_credit(out: Path, ctx: Context, records: int) -> dict[str, Written]:
    """The credit-supervision datasets (and a commitment-items list for fulfilment when the folder has none)."""
    catalog_files.write_commitment_items(out)
    written: dict[str, Written] = {}
    for gen, rows in zip(CREDIT, allocate_credit(records).values(), strict=True):
        folder = out / paths.DATASETS_DIR / gen.id
        catalog_files.write_dataset_yaml(folder, gen.id)
        written[gen.id] = write_dataset(gen, ctx, rows, folder)
    return written


def featured_subjects(written: dict[str, Written]) -> tuple[tuple[int, int, int], ...]:
    """Organisations on the punishment list (untouched entries) that also have a penalty, most recently listed
    first: (kind, group, number) as the plans hold them."""
    listed, fined = written.get("list-punishment"), written.get("penalties")
    if listed is None or fined is None or listed.plan is None or fined.plan is None:
        return ()
    pl, pe = listed.plan, fined.plan
    has_penalty = set(
        zip(pe.col("kind").tolist(), pe.col("group").tolist(), pe.col("number").tolist(), strict=True)
    )
    out: list[tuple[int, int, int]] = []
    for i in sorted(range(pl.n), key=lambda i: (-int(pl.day[i]), i)):
        who = (int(pl.col("kind")[i]), int(pl.col("group")[i]), int(pl.col("number")[i]))
        if listed.clean[i] and who[0] == ORG and who in has_penalty and who not in out:
            out.append(who)
    return tuple(out)


def _featured_codes(ctx: Context) -> tuple[str, ...]:
    arr = np.asarray(ctx.featured, dtype=np.int64).reshape(-1, 3)
    return tuple(subjects.columns(arr[:, 0], arr[:, 1], arr[:, 2], ctx.seed)["uscc"].tolist())


def _prepare(out: Path, replace: bool) -> None:
    """Refuse to overwrite what a previous run wrote unless ``replace``; never touch anything else."""
    datasets = out / paths.DATASETS_DIR
    owned = [datasets / g.id for g in (*GENERATORS, *CREDIT)] + [datasets / "measures"]
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
