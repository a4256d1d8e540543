"""One working day of changes to an existing catalog: new records, corrections, list exits, repairs, revocations.

Stage: sample (input for the daily-rebuild tests and benchmarks). ``apply_day(catalog, as_of, rng, …)`` changes
a catalog folder on disk — one made by ``gongshi sample`` or the demo city — the way a credit office's day does,
and says what it did (``DayChanges``). Guarantees:

- deterministic: the same catalog, as-of date and ``random.Random`` state give byte-identical changes;
- realistic input the build accepts: new records come from the sample's own generators (``registry``), decided
  in the last 7 working days before ``as_of``, with record keys no row of the catalog has (文号 serials continue
  after the dataset's highest 〔year〕N号); corrections and list exits re-send the current version of a record
  that is public on ``as_of`` (as ``generator.rules`` decides it) in a later batch with the same key — a
  correction with a 备注 saying so (of penalties, licences, other acts and registrations), an exit with 移出日期 on
  or before ``as_of``; repairs (of penalties and commitment-fulfilment records, preferably decided at least a year
  ago, past every minimum period) and revocations (penalties, licences and credit grades) are rows
  appended to ``decisions/repairs.csv`` and ``decisions/revocations.csv`` naming public records, dated on or
  before ``as_of``; no record is touched twice in one day;
- one new batch file per dataset that changes, named ``<period>_<MMDD>-<NN>.csv`` (``2026_1121-01.csv``) after the
  dataset's own period labels (year, quarter or month of ``as_of``), so it sorts after every existing batch file:
  the build orders batches by file name, and a correction must come after the version it replaces;
- nothing else in the catalog changes; what is asked for but has no candidate left is not made (the counts in
  ``DayChanges`` are what was done).

Parts: ``day_pick`` (which public records the day touches), ``day_new`` (new records), ``day_files`` (the
batch files and decisions rows written); this module re-sends corrections and list exits and puts it together.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from generator.model import DatasetSpec
from generator.sample.day_files import append_repairs, append_revocations, write_batch
from generator.sample.day_new import make_new_records
from generator.sample.day_pick import (
    CORRECTED_KINDS,
    REVOKED_KINDS,
    Chosen,
    Public,
    Touched,
    choose,
    exit_pool,
    grouped,
    pool,
    public_records,
    repair_pool,
)
from generator.sample.rand import Obj

CORRECTION_NOTE = "更正：经核实，原报送信息部分内容录入有误，已更正（{day}）"
EXIT_NOTES = ("已提前移出：信用修复完成", "已提前移出：已履行相关义务", "已提前移出：经复核予以移出")


@dataclass(frozen=True)
class DayChanges:
    """What ``apply_day`` did: record IDs per dataset for each kind of change, and the files it wrote."""

    as_of: date
    # catalog-relative, forward slashes: the new batch files and the decisions files appended to
    files: tuple[str, ...]
    new: Touched = field(default_factory=dict)
    corrections: Touched = field(default_factory=dict)
    list_exits: Touched = field(default_factory=dict)
    repairs: Touched = field(default_factory=dict)
    revocations: Touched = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many records of each kind of change, over all datasets."""
        kinds = ("new", "corrections", "list_exits", "repairs", "revocations")
        return {k: sum(len(ids) for ids in getattr(self, k).values()) for k in kinds}


def apply_day(
    catalog: Path,
    as_of: date,
    rng: random.Random,
    *,
    new_records: int = 0,
    corrections: int = 0,
    list_exits: int = 0,
    repairs: int = 0,
    revocations: int = 0,
    previous_state: Path | None = None,
) -> DayChanges:
    """Apply one day of changes to ``catalog`` (see the module docstring); ``previous_state`` (a build's
    ``state/`` folder) only speeds up reading the catalog."""
    public = public_records(catalog, as_of, previous_state)
    used: set[str] = set()
    chosen = {
        "repairs": choose(rng, repair_pool(public, as_of), repairs, used),
        "revocations": choose(rng, [pool(public, REVOKED_KINDS)], revocations, used),
        "corrections": choose(rng, [pool(public, CORRECTED_KINDS)], corrections, used),
        "list_exits": choose(rng, [exit_pool(public, as_of)], list_exits, used),
    }
    batches: dict[str, list[dict[str, Obj]]] = {}
    new = make_new_records(public, as_of, rng, new_records, batches)
    _resend(public, chosen["corrections"], batches, lambda _, row: _corrected(row, as_of))
    _resend(public, chosen["list_exits"], batches, lambda spec, row: _exited(spec, row, as_of, rng))
    files = [write_batch(public[ds].spec, as_of, parts) for ds, parts in sorted(batches.items())]
    files += append_repairs(catalog, public, chosen["repairs"], as_of, rng)
    files += append_revocations(catalog, public, chosen["revocations"], as_of, rng)
    by_dataset = {k: {ds: tuple(ids) for ds, ids in grouped(v).items()} for k, v in chosen.items()}
    return DayChanges(as_of, tuple(sorted(files)), new, **by_dataset)


# ---- corrections and list exits: the current version re-sent in today's batch ---------------------------
def _resend(
    public: dict[str, Public],
    chosen: Chosen,
    batches: dict[str, list[dict[str, Obj]]],
    change: Callable[[DatasetSpec, dict[str, str]], dict[str, str]],
) -> None:
    """Today's version of each chosen record: its current row as ``change`` makes it."""
    for ds, ids in grouped(chosen).items():
        spec = public[ds].spec
        records = [change(spec, row) for row in public[ds].current(ids)]
        cols = {n: np.asarray([r.get(n, "") for r in records], dtype=object) for n in spec.schema.names}
        batches.setdefault(ds, []).append(cols)


def _corrected(row: dict[str, str], as_of: date) -> dict[str, str]:
    note = CORRECTION_NOTE.format(day=as_of.isoformat())
    remark = row.get("BZ", "")
    return row | {"BZ": f"{remark}；{note}" if remark else note}


def _exited(spec: DatasetSpec, row: dict[str, str], as_of: date, rng: random.Random) -> dict[str, str]:
    removed = spec.schema.role("removed_on") or ""
    when = as_of - timedelta(days=rng.randint(0, 2))
    return row | {removed: when.isoformat(), "BZ": rng.choice(EXIT_NOTES)}
