"""Read and decide the inputs: catalog configuration, rule data, record batches, validation.

Stage: load → validate (shared by ``gongshi build`` and ``gongshi check``). Guarantees: returns every problem
found; ``ok`` is False only when the configuration is unusable (the CLI exits 2); nothing is written here.
Given the previous build's ``state/`` folder, a batch file whose bytes, dataset, schema and gongshi are
unchanged is neither read nor validated again: its outcome — valid rows, rejected rows, problems — comes from
the batch cache (``generator.loading.cache``); the other files of a dataset are read and validated together,
and the result is cut back into each file's outcome for the next build (``generator.validate`` says why a
file's outcome does not depend on the other files). Outcomes are joined in catalog order, so the result is the
same as reading and validating every file (tested differentially, down to the report's bytes); a cached
outcome that is missing, corrupt or made under another key is ignored and its file read. The one check across
datasets (a fulfilment row's 承诺事项编码 must be in a commitment-items dataset: ``validation.crossref``)
runs on the joined outcomes, on every build. A batch file that
gives no records now contributes the rows it gave then (``generator.loading.fallback``); ``write_batch_cache``
writes the batch cache the next build will use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from generator.catalog import load_catalog
from generator.commitments import Commitment, load_commitments
from generator.loading import (
    BatchCache,
    Entry,
    Outcome,
    PreviousCache,
    Snapshot,
    arrow_table,
    batch_path,
    empty_frame,
    frame_of,
    load_batch,
    remember,
    removed_batches,
    write_cache,
)
from generator.model import BATCH, FILE, Catalog, DatasetSpec, StageResult, Table, empty_ledger
from generator.problems import Problem, has_config_errors
from generator.report import assemble_ledger
from generator.rules import RuleData, load_rules, rejected_departments
from generator.validate import check_table
from generator.validation.crossref import check_commitment_items, credit_config


@dataclass
class Inputs:
    """The catalog, its rule data and its validated records (or the configuration problems)."""

    catalog: Catalog | None = None
    rules: RuleData | None = None
    raw: StageResult | None = None
    valid: StageResult | None = None
    commitments: list[Commitment] = field(default_factory=list)
    rejected: pd.DataFrame | None = None  # rejected rows with the department they name (for 合规率)
    problems: list[Problem] = field(default_factory=list)
    batches: BatchCache = field(default_factory=BatchCache)  # for the next build (``write_batch_cache``)

    @property
    def ok(self) -> bool:
        return self.valid is not None and not has_config_errors(self.problems)


def read_inputs(
    catalog_dir: Path, previous_state: Path | None = None, *, cache: bool = True, spool: Path | None = None
) -> Inputs:
    """Load the catalog, rules and commitment templates; if they are usable, read and validate every batch.

    ``previous_state`` is the previous build's ``state/`` folder (``out/state``; missing or unreadable is
    fine): files whose bytes are unchanged since then are not read or validated again (their cached outcome is
    taken), files that give no records now fall back on the rows they gave then. ``cache=False`` (``gongshi
    check``, which writes nothing) skips encoding the new batch cache; ``spool`` is where the new cache's
    entry files are written as they are encoded (the build's staging state), rather than held in memory."""
    catalog, problems = load_catalog(catalog_dir)
    rules, rule_problems = load_rules(catalog_dir)
    commitments, commitment_problems = load_commitments(catalog_dir)
    problems += rule_problems + commitment_problems + credit_config(catalog, rules)
    if catalog is None or rules is None or has_config_errors(problems):
        return Inputs(catalog, rules, problems=problems)
    batches = read_batches(catalog, PreviousCache.open(previous_state), keep=cache, spool=spool)
    raw, valid = batches.raw, check_commitment_items(batches.valid, batches.departments)
    rejected = rejected_departments(batches.departments, assemble_ledger([raw.ledger, valid.ledger]))
    found = problems + raw.problems + valid.problems
    return Inputs(catalog, rules, raw, valid, commitments, rejected, found, batches.cache)


def write_batch_cache(state_dir: Path, inputs: Inputs) -> None:
    """Write the batch cache of this build into ``state_dir`` (the staging ``state/`` folder)."""
    write_cache(state_dir, inputs.batches)


@dataclass
class Batches:
    """Every batch file through load and validate, joined in catalog order."""

    raw: StageResult  # the load stage's ledger and problems (its tables went into ``valid``)
    valid: StageResult  # the validate stage's result
    departments: StageResult  # FILE, ROW and department of each row validation rejected (for 合规率)
    cache: BatchCache  # for the next build


def read_batches(
    catalog: Catalog, previous: PreviousCache, keep: bool = True, spool: Path | None = None
) -> Batches:
    """Load and validate every batch file, oldest first per dataset, taking unchanged files' outcomes from
    ``previous``; the new cache's entries are encoded only when ``keep`` (into ``spool`` when given)."""
    cache = BatchCache(spool=spool)
    outcomes = {
        spec.id: _dataset(catalog.root, spec, previous, cache if keep else None) for spec in catalog.datasets
    }
    every = [o for spec in catalog.datasets for o in outcomes[spec.id]]
    ledger = arrow_table(empty_ledger())
    raw = StageResult(
        {},
        frame_of([ledger, *(o.load_ledger for o in every)]),
        [p for o in every for p in o.load_problems] + removed_batches(catalog, previous),
    )
    valid = StageResult(
        {spec.id: Table(spec, _valid(spec, outcomes[spec.id])) for spec in catalog.datasets},
        frame_of([ledger, *(o.ledger for o in every)]),
        [p for o in every for p in o.problems],
    )
    departments = {
        spec.id: Table(spec, frame_of([o.departments for o in outcomes[spec.id]]))
        for spec in catalog.datasets
        if outcomes[spec.id]
    }
    return Batches(raw, valid, StageResult(departments), cache)


@dataclass
class _Read:
    """A file read now, its rows waiting to be validated with the dataset's other files read now."""

    batch: int
    shown: str
    frame: pd.DataFrame
    load_ledger: pd.DataFrame
    load_problems: list[Problem]
    entry: Entry | None  # its new cache entry, which names the outcome to add


def _dataset(
    root: Path, spec: DatasetSpec, previous: PreviousCache, cache: BatchCache | None
) -> list[Outcome]:
    """A dataset's files' outcomes in order: unchanged files' from the cache, the others read now and
    validated together (one pass over their rows, not one per file)."""
    outcomes: dict[int, Outcome] = {}
    read: list[_Read] = []
    for batch, path in enumerate(spec.batches):
        shown = batch_path(root, path)
        snapshot = Snapshot.take(path) if cache is not None or shown in previous.entries else None
        if (found := _cached(spec, shown, batch, snapshot, previous, cache)) is not None:
            outcomes[batch] = found
            continue
        got = load_batch(spec, path, shown, batch, previous)
        entry = remember(cache, spec, path, got, snapshot, previous, outcome=True)
        read.append(_Read(batch, shown, got.frame, got.ledger(spec.id), got.problems, entry))
    for one, outcome in zip(read, _validated(spec, read), strict=True):
        outcomes[one.batch] = outcome
        if cache is not None and one.entry is not None:
            cache.add_outcome(one.entry, outcome)
    return [outcomes[n] for n in range(len(spec.batches))]


def _cached(
    spec: DatasetSpec,
    shown: str,
    batch: int,
    snapshot: Snapshot | None,
    previous: PreviousCache,
    cache: BatchCache | None,
) -> Outcome | None:
    """The cached outcome of a file whose bytes and keys are unchanged (carried into the new cache)."""
    entry = previous.unchanged(shown, spec, snapshot.sha256) if snapshot is not None else None
    found = previous.outcome(entry, batch) if entry is not None else None
    if found is not None and entry is not None and cache is not None:
        cache.carry(entry, previous)
    return found


def _validated(spec: DatasetSpec, read: list[_Read]) -> list[Outcome]:
    """Validate the rows of the files read now as one table, then cut the result back into each file's
    outcome: a file's valid rows are contiguous (in batch order), its problems and ledger rows name it."""
    if not read:
        return []
    frames = [one.frame for one in read]
    for one in read:
        one.frame = one.frame.iloc[:, :0]  # the joined table below is the only holder of the rows
    table = Table(spec, frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True))
    del frames
    checked = check_table(spec.id, table)
    valid, ledger, departments = (
        arrow_table(f) for f in (checked.valid, checked.ledger, checked.departments)
    )
    batches = checked.valid[BATCH].to_numpy()
    numbers = [one.batch for one in read]
    starts, ends = np.searchsorted(batches, numbers, "left"), np.searchsorted(batches, numbers, "right")
    ledger_rows, department_rows = _rows_of(checked.ledger[FILE]), _rows_of(checked.departments[FILE])
    problems: dict[str, list[Problem]] = {}
    for found in checked.problems:
        problems.setdefault(found.file, []).append(found)
    return [
        Outcome(
            valid.slice(start, end - start),
            ledger.take(ledger_rows.get(one.shown, _NONE)),
            problems.get(one.shown, []),
            departments.take(department_rows.get(one.shown, _NONE)),
            arrow_table(one.load_ledger),
            one.load_problems,
        )
        for one, start, end in zip(read, starts, ends, strict=True)
    ]


_NONE = np.zeros(0, dtype=np.int64)


def _rows_of(files: pd.Series) -> dict[str, np.ndarray]:
    """Each file's row positions in a column of FILE values."""
    codes, uniques = pd.factorize(files)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniques)}


def _valid(spec: DatasetSpec, outcomes: list[Outcome]) -> pd.DataFrame:
    """A dataset's valid rows: its files' in order (without files: the layout validation gives no rows)."""
    if not outcomes:
        return check_table(spec.id, Table(spec, empty_frame(spec.schema))).valid
    return frame_of([o.valid for o in outcomes])
