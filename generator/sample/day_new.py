"""New records for one working day of changes (for ``day.apply_day``).

Stage: sample (input for the daily-rebuild tests and benchmarks). Guarantees:

- realistic input the build accepts: new records come from the sample's own generators (``registry``), spread
  over the record datasets the catalog has by their shares, decided in the last 7 working days before
  ``as_of`` and submitted on ``as_of``;
- record keys no row of the catalog has (文号 serials continue after the dataset's highest 〔year〕N号; a key
  that still clashes is renumbered once, then left out), and no key twice in one day;
- deterministic: the same catalog, as-of date and ``random.Random`` state give the same records.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import chinese_calendar
import numpy as np

from generator.identifiers import record_id
from generator.model import DatasetSpec
from generator.sample import plan as P
from generator.sample.context import Context
from generator.sample.day_pick import Public, Touched
from generator.sample.rand import Obj
from generator.sample.registry import GENERATORS, Generator

SERIALS = ("seq", "iseq", "dseq")  # the plan columns that number a record's 文号 / licence number
DECIDED_WITHIN = 7  # working days before the as-of date


def make_new_records(
    public: dict[str, Public],
    as_of: date,
    rng: random.Random,
    count: int,
    batches: dict[str, list[dict[str, Obj]]],
) -> Touched:
    """``count`` new records spread over the sample's record datasets this catalog has, by their shares."""
    present = [g for g in GENERATORS if g.id in public]
    ctx = Context(rng.getrandbits(31), max(sum(len(p.known) for p in public.values()), 1))
    made: Touched = {}
    for gen, n in _allocate(present, count).items():
        if n > 0:
            np_rng = np.random.default_rng(rng.getrandbits(64))
            cols, ids = _fresh(gen, ctx, np_rng, n, as_of, public[gen.id])
            batches.setdefault(gen.id, []).append(cols)
            made[gen.id] = tuple(sorted(ids))
    return made


def _allocate(present: list[Generator], count: int) -> dict[Generator, int]:
    """Split ``count`` over ``present`` by share, largest remainder first (ties: registry order)."""
    total = sum(g.share for g in present) or 1.0
    raw = [g.share / total * count for g in present]
    whole = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - whole[i]), i))
    for i in order[: count - sum(whole)]:
        whole[i] += 1
    return dict(zip(present, whole, strict=True))


def _fresh(
    gen: Generator, ctx: Context, np_rng: np.random.Generator, count: int, as_of: date, dataset: Public
) -> tuple[dict[str, Obj], list[str]]:
    """``count`` rows of new records of ``gen``, decided recently, with keys the catalog does not have: serials
    after the highest on file; a row whose key still clashes (a number format without the serial, such as a
    permit numbered by the holder's code) is renumbered once, then left out."""
    spare = count * 2 + 8
    plan = gen.plan(ctx, np_rng, spare)
    plan.day = np.sort(_recent_days(np_rng, as_of, spare, DECIDED_WITHIN))
    plan.submit = np.full(spare, _day(as_of), dtype=np.int64)
    serials = [name for name in SERIALS if name in plan.cols]
    for name in serials:
        plan.cols[name] = dataset.highest + 1 + np.arange(spare, dtype=np.int64)
    idx = np.arange(spare, dtype=np.int64)
    cols = _materialise(gen, ctx, plan, idx)
    ids = _ids(dataset.spec, cols)
    clash = _clashes(ids, dataset.known)
    if clash.any():
        for name in serials:
            plan.cols[name][clash] += len(dataset.known) + spare
        again = _materialise(gen, ctx, plan, idx[clash])
        for name in cols:
            cols[name][clash] = again[name]
        ids = _ids(dataset.spec, cols)
        clash = _clashes(ids, dataset.known)
    keep = np.flatnonzero(~clash)[:count]
    if len(keep) < count:
        raise RuntimeError(f"{gen.id}：无法生成 {count} 条记录键不重复的新记录")
    return {k: v[keep] for k, v in cols.items()}, [ids[i] for i in keep.tolist()]


def _materialise(gen: Generator, ctx: Context, plan: P.Plan, idx: np.ndarray) -> dict[str, Obj]:
    zeros = np.zeros(len(idx), dtype=np.int64)
    return gen.materialise(ctx, plan, idx, zeros, zeros)


def _ids(spec: DatasetSpec, cols: dict[str, Obj]) -> list[str]:
    keys = zip(*(cols[name].tolist() for name in spec.schema.primary_key), strict=True)
    return [record_id(spec.id, list(key)) for key in keys]


def _clashes(ids: list[str], known: set[str]) -> np.ndarray:
    """True for an ID on file already or earlier in ``ids``."""
    seen: set[str] = set()
    clash = np.zeros(len(ids), dtype=bool)
    for i, rid in enumerate(ids):
        clash[i] = rid in known or rid in seen
        seen.add(rid)
    return clash


def _recent_days(np_rng: np.random.Generator, as_of: date, n: int, within: int) -> np.ndarray:
    """``n`` days (since 1970-01-01) drawn from the last ``within`` working days before ``as_of``."""
    days: list[int] = []
    current = as_of
    while len(days) < within:
        current -= timedelta(days=1)
        if is_workday(current):
            days.append(_day(current))
    return np.asarray(days, dtype=np.int64)[np_rng.integers(0, within, n)]


def is_workday(day: date) -> bool:
    """The legal calendar where ``chinese_calendar`` covers the year, Monday to Friday beyond it."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _day(day: date) -> int:
    return (day - P.EPOCH).days
