"""Writing one synthetic record dataset: plan it, lay it out in batches, materialise and write each batch.

Stage: sample. Guarantees: bounded memory (text exists for one batch at a time; the plan is numbers);
the dataset gets exactly the requested number of rows; every spoiled row is reported with its file and
spreadsheet row number (header = 1); duplicate copies come after their original in the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator import paths
from generator.sample import layout, spoil, writer
from generator.sample.context import Context
from generator.sample.plan import Plan
from generator.sample.rand import I64, salt
from generator.sample.registry import Generator, eligible

XLSX_MAX_ROWS = 20_000


@dataclass(frozen=True)
class BadRow:
    """A deliberately bad row: where it is and what is wrong with it."""

    dataset: str
    file: str  # relative to the catalog, forward slashes
    row: int  # as a spreadsheet shows it (header = 1)
    kind: str


@dataclass
class Written:
    """What writing one dataset produced."""

    rows: int = 0
    files: list[str] = field(default_factory=list)
    corrections: int = 0
    bad: list[BadRow] = field(default_factory=list)
    plan: Plan | None = None
    clean: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # untouched records


def write_dataset(gen: Generator, ctx: Context, rows: int, folder: Path) -> Written:
    """Generate and write ``rows`` rows of dataset ``gen`` into ``folder``."""
    if rows <= 0:
        return Written()
    rng = np.random.default_rng([ctx.seed & 0xFFFFFFFF, salt(gen.id)])
    schema = gen.schema()
    at_least = len(spoil.special_kinds(schema))
    records, fixes, kinds = layout.counts(rows, spoil.kinds_for(schema), gen.fix_rate, at_least)
    while True:
        plan = gen.plan(ctx, rng, records)
        lay = layout.arrange(rng, plan, rows, fixes, kinds, eligible)
        short = fixes - len(lay.fixed)
        if short == 0:
            break
        records, fixes = records + short, fixes - short
    done = Written(plan=plan, clean=lay.untouched(plan.n), corrections=len(lay.fixed))
    offset = int(salt(ctx.seed, gen.id) % 3)
    for b, label in enumerate(lay.labels()):
        _write_batch(gen, ctx, plan, lay, b, label, folder, offset, rng, done)
    return done


def _write_batch(
    gen: Generator, ctx: Context, plan: Plan, lay: layout.Layout, b: int, label: str, folder: Path, offset: int,
    rng: np.random.Generator, done: Written,
) -> None:  # fmt: skip
    base = np.flatnonzero(lay.batch == b)
    late = lay.fixed_batch == b
    idx = np.concatenate([base, lay.fixed[late]]).astype(np.int64)
    alter = np.concatenate(
        [np.isin(base, lay.fixed).astype(np.int64), np.full(int(late.sum()), 2, dtype=np.int64)]
    )
    fix_day = np.concatenate([np.zeros(len(base), dtype=np.int64), lay.fix_day[late]])
    cols = gen.materialise(ctx, plan, idx, alter, fix_day)
    schema = gen.schema()
    spoiled: list[tuple[int, str]] = []
    for kind, recs in sorted(lay.bad.items()):
        at = np.flatnonzero(np.isin(idx[: len(base)], recs))
        spoil.spoil(kind, schema, cols, at.astype(np.int64), ctx.seed)
        spoiled += [(int(p), kind) for p in at]
    order = _with_duplicates(rng, idx, len(base), lay.dups)
    position = {old: new for new, old in enumerate(order) if old >= 0}
    dup_rows = [new for new, old in enumerate(order) if old < 0]
    rows = np.asarray([o if o >= 0 else -o - 1 for o in order], dtype=np.int64)
    style = writer.style_for(b, offset, gen.xlsx and b == 1 and len(rows) <= XLSX_MAX_ROWS)
    name = f"{paths.DATASETS_DIR}/{folder.name}/{label}{style.suffix}"
    writer.write_batch(
        folder / f"{label}{style.suffix}", schema, {k: v[rows] for k, v in cols.items()}, style
    )
    done.rows += len(rows)
    done.files.append(name)
    done.bad += [BadRow(folder.name, name, position[p] + 2, kind) for p, kind in spoiled]
    done.bad += [BadRow(folder.name, name, r + 2, layout.DUPLICATE) for r in dup_rows]


def _with_duplicates(rng: np.random.Generator, idx: I64, n_base: int, dups: I64) -> list[int]:
    """Row order of a batch: positions 0…n-1, each duplicated record's copy (as -(pos+1)) somewhere after it."""
    order = list(range(len(idx)))
    for pos in np.flatnonzero(np.isin(idx[:n_base], dups)).tolist():
        at = order.index(pos) + 1 + int(rng.integers(0, len(order) - order.index(pos)))
        order.insert(at, -pos - 1)
    return order
