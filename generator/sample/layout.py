"""Where each synthetic row goes: batch files, corrections re-sent later, and the deliberately bad rows.

Stage: sample. Guarantees: the rows of a dataset add up exactly to the requested count
(records + corrections + duplicate-key copies); a correction lands in a strictly later batch, on a day
inside that batch's period and after the original's submission; bad rows are spread over every kind the
dataset can have and never touch a corrected, repaired or revoked record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from generator.sample import plan as P
from generator.sample.plan import Plan
from generator.sample.rand import I64

BAD_RATE = 0.015
DUPLICATE = "duplicate-key"


@dataclass
class Layout:
    """The batch of every record, the corrections, the bad rows and the duplicate copies."""

    gran: str
    periods: I64  # sorted period ordinals that have rows
    batch: I64  # per record: index into periods
    fixed: I64  # records corrected later
    fixed_batch: I64
    fix_day: I64
    bad: dict[str, I64]  # kind → records whose row is spoiled that way
    dups: I64  # records whose row appears twice in its batch

    def labels(self) -> list[str]:
        return [P.period_label(int(p), self.gran) for p in self.periods]

    def untouched(self, n: int) -> np.ndarray:
        """Records that are neither corrected, bad nor duplicated."""
        mask = np.ones(n, dtype=bool)
        for part in (self.fixed, self.dups, *self.bad.values()):
            mask[part] = False
        return mask


def counts(
    rows: int, bad_kinds: tuple[str, ...], fix_rate: float, at_least: int = 0
) -> tuple[int, int, list[str]]:
    """(records, corrections, bad kinds one per bad row) so that records + corrections + duplicates = rows;
    at least ``at_least`` bad rows (the first kinds) when the dataset has ten rows for each."""
    n_bad = max(round(rows * BAD_RATE), at_least if rows >= 10 * at_least else 0)
    kinds = [bad_kinds[i % len(bad_kinds)] for i in range(n_bad)]
    fixes = round(rows * fix_rate)
    return rows - fixes - kinds.count(DUPLICATE), fixes, kinds


def arrange(
    rng: np.random.Generator,
    plan: Plan,
    rows: int,
    fixes: int,
    kinds: list[str],
    eligible: Callable[[Plan, str], np.ndarray],
) -> Layout:
    """Assign batches, pick the corrections and the bad rows (``eligible`` says which records can be spoiled how)."""
    gran = P.granularity(rows)
    per = P.periods(plan.submit, gran)
    periods, batch = np.unique(per, return_inverse=True)
    fixed, fixed_batch, fix_day = _corrections(rng, plan, periods, batch.astype(np.int64), fixes, gran)
    free = np.ones(plan.n, dtype=bool)
    free[fixed] = False
    bad: dict[str, list[int]] = {}
    wanted = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    for kind, count in wanted.items():  # in first-appearance order: deterministic
        ok = np.flatnonzero(free & eligible(plan, kind if kind != DUPLICATE else "any"))
        got = (
            rng.choice(ok, size=min(count, len(ok)), replace=False)
            if len(ok)
            else np.zeros(0, dtype=np.int64)
        )
        free[got] = False
        bad.setdefault(kind, []).extend(got.tolist())
        spare = np.flatnonzero(free)[: count - len(got)]  # none of this kind left: a missing value instead
        free[spare] = False
        bad.setdefault("missing-required", []).extend(spare.tolist())
    dups = np.sort(np.asarray(bad.pop(DUPLICATE, []), dtype=np.int64))
    spoiled = {k: np.sort(np.asarray(v, dtype=np.int64)) for k, v in bad.items() if v}
    return Layout(gran, periods, batch.astype(np.int64), fixed, fixed_batch, fix_day, spoiled, dups)


def _corrections(
    rng: np.random.Generator, plan: Plan, periods: I64, batch: I64, fixes: int, gran: str
) -> tuple[I64, I64, I64]:
    candidates = np.flatnonzero(batch < len(periods) - 1)
    chosen = np.sort(rng.choice(candidates, size=min(fixes, len(candidates)), replace=False))
    later = len(periods) - 1 - batch[chosen]
    target = batch[chosen] + 1 + (rng.random(len(chosen)) * np.minimum(later, 6)).astype(np.int64)
    bounds = np.asarray([P.period_bounds(int(periods[t]), gran) for t in target], dtype=np.int64).reshape(
        -1, 2
    )
    low = np.maximum(bounds[:, 0], plan.submit[chosen] + 1)
    day = low + (rng.random(len(chosen)) * (bounds[:, 1] - low + 1)).astype(np.int64)
    return chosen.astype(np.int64), target, day
