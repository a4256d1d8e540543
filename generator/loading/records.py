"""Read every dataset's record batches (CSV or XLSX) into raw record tables.

Stage: load (records half; ``generator.catalog`` reads the configuration). Guarantees: each dataset's table
holds its batches' records oldest first (BATCH 0 = oldest), as ``generator.loading.batch`` reads them; every
row not read is in the ledger with a reason, and every file-level issue is a problem naming the dataset and
the file; a file that gives no records falls back on the rows it gave at the last build that could read it
(``generator.loading.fallback``). Withdrawing a file's records means removing the file from the catalog: that
is a warning saying how many rows went with it.

``load_batch`` reads one file and ``remember`` puts it into the next build's cache; ``generator.inputs`` uses
them to skip files whose outcome is cached, ``load_records`` reads every file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from generator.loading.batch import Batch, empty_frame, read_batch, rejected_ledger
from generator.loading.cache import BatchCache, Entry, PreviousCache
from generator.loading.fallback import fall_back
from generator.loading.keys import Snapshot, outcome_key, reading_key
from generator.model import Catalog, DatasetSpec, StageResult, Table
from generator.problems import Problem, problem


def read_records(catalog: Catalog, previous: PreviousCache | None = None) -> StageResult:
    """Read every batch of every dataset, oldest first; rows not read go to the ledger with a reason."""
    return load_records(catalog, previous, keep=False)[0]


def load_records(
    catalog: Catalog, previous: PreviousCache | None = None, keep: bool = True
) -> tuple[StageResult, BatchCache]:
    """``read_records``, falling back on ``previous`` for files that give no records now, and the batch
    cache for the next build (its new entries encoded only when ``keep``)."""
    previous = previous or PreviousCache()
    cache = BatchCache()
    tables: dict[str, Table] = {}
    ledgers: list[pd.DataFrame] = [rejected_ledger("", "", [])]
    problems: list[Problem] = []
    for spec in catalog.datasets:
        frames = [empty_frame(spec.schema)]
        for batch, path in enumerate(spec.batches):
            shown = batch_path(catalog.root, path)
            snapshot = Snapshot.take(path) if keep else None
            got = load_batch(spec, path, shown, batch, previous)
            remember(cache if keep else None, spec, path, got, snapshot, previous)
            frames.append(got.frame)
            ledgers.append(got.ledger(spec.id))
            problems += got.problems
        tables[spec.id] = Table(spec, _concat(frames))
    problems += removed_batches(catalog, previous)
    return StageResult(tables, pd.concat(ledgers, ignore_index=True), problems), cache


def load_batch(spec: DatasetSpec, path: Path, shown: str, batch: int, previous: PreviousCache) -> Batch:
    """Read one file; a file that gives no records falls back on its cached rows. Problems name the dataset."""
    got = read_batch(spec.schema, path, shown, batch)
    if got.unusable is not None:
        got = fall_back(spec, got, got.unusable, shown, batch, previous)
    return replace(got, problems=[replace(p, dataset=spec.id) for p in got.problems], shown=shown)


def remember(
    cache: BatchCache | None,
    spec: DatasetSpec,
    path: Path,
    got: Batch,
    snapshot: Snapshot | None,
    previous: PreviousCache,
    outcome: bool = False,
) -> Entry | None:
    """Put a file into the next build's cache: rows read now, or the previous entry that stood in. With
    ``outcome``, the new entry names the outcome the caller adds (``BatchCache.add_outcome``) once the file is
    validated; that entry is returned. Nothing is cached for a file that changed while it was read."""
    if cache is None:
        return None
    if got.stood_in is not None:
        cache.carry(got.stood_in, previous)
    elif got.table is not None and snapshot is not None and snapshot.unchanged(path):
        shown = got.shown
        checked = outcome_key(spec.schema, spec.id, shown) if outcome else ""
        entry = Entry(shown, spec.id, snapshot.sha256, reading_key(spec.schema), got.table.num_rows, checked)
        cache.add(entry, got.table, previous)
        return entry
    return None


def removed_batches(catalog: Catalog, previous: PreviousCache) -> list[Problem]:
    """A warning for every file the previous build read that the catalog no longer has."""
    seen = {batch_path(catalog.root, path) for spec in catalog.datasets for path in spec.batches}
    return [
        problem(
            "load-batch-removed",
            f"{path} 已不在目录中：上次从该文件读入的 {entry.rows} 行记录随之撤下，不再公示"
            "（如果不是有意撤下，请把文件放回原处后重新构建）",
            file=path,
            dataset=entry.dataset,
        )
        for path, entry in sorted(previous.entries.items())
        if path not in seen
    ]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches as one table (arrow chunks are chained, not copied)."""
    return frames[-1] if len(frames) <= 2 else pd.concat(frames, ignore_index=True)


def batch_path(root: Path, path: Path) -> str:
    """A batch file's path as the FILE column, the ledger and the batch cache name it (relative, ``/``)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.resolve().relative_to(root.resolve()).as_posix()
