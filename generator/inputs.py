"""Read and decide the inputs: catalog configuration, rule data, record batches, validation.

Stage: load → validate (shared by ``gongshi build`` and ``gongshi check``). Guarantees: returns every problem
found; ``ok`` is False only when the configuration is unusable (the CLI exits 2); nothing is written here.
Given the previous build's ``state/`` folder, a batch file whose bytes, dataset, schema and gongshi are
unchanged is neither read nor validated again: its outcome — valid rows, rejected rows, problems — comes from
the batch cache (``generator.loading.cache``); the other files of a dataset are read and validated together,
and the result is cut back into each file's outcome for the next build (``generator.validate`` says why a
file's outcome does not depend on the other files) — or, with a Dask cluster (``on``), each file is read and
validated alone by a task on a worker (``generator.loading.checked``), with the same result but for the
columns held: on a cluster the validated tables hold only META and the department (``kept_columns``) and
name the batch files' outcomes holding the rest (``model.Stored``), which the rules' tasks read. Outcomes are joined in catalog order, so the result is the
same as reading and validating every file (tested differentially, down to the report's bytes); a cached
outcome that is missing, corrupt or made under another key is ignored and its file read. The one check across
datasets (a fulfilment row's 承诺事项编码 must be in a commitment-items dataset: ``validation.crossref``)
runs on the joined outcomes, on every build. A batch file that
gives no records now contributes the rows it gave then (``generator.loading.fallback``); ``write_batch_cache``
writes the batch cache the next build will use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pandas as pd

from generator.catalog import load_catalog
from generator.checkpoints import checkpoint
from generator.cluster import OnCluster
from generator.commitments import Commitment, load_commitments
from generator.loading import (
    BatchCache,
    Outcome,
    PreviousCache,
    Snapshot,
    arrow_table,
    batch_path,
    empty_frame,
    frame_of,
    removed_batches,
    write_cache,
)
from generator.loading.checked import FileTask, on_cluster, read_now, validated
from generator.loading.outcome import whole_rows
from generator.model import META, Catalog, DatasetSpec, StageResult, Stored, Table, empty_ledger
from generator.problems import Problem, has_config_errors
from generator.report import assemble_ledger
from generator.rules import RuleData, load_rules, rejected_departments
from generator.rules.credit import CREDIT_KINDS
from generator.validate import check_table
from generator.validation.crossref import check_commitment_items, credit_config

WHOLE_KINDS = (*CREDIT_KINDS, "commitment-items")  # read whole on a cluster too: ``kept_columns``


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
    catalog_dir: Path,
    previous_state: Path | None = None,
    *,
    cache: bool = True,
    spool: Path | None = None,
    on: OnCluster | None = None,
) -> Inputs:
    """Load the catalog, rules and commitment templates; if they are usable, read and validate every batch.

    ``previous_state`` is the previous build's ``state/`` folder (``out/state``; missing or unreadable is
    fine): files whose bytes are unchanged since then are not read or validated again (their cached outcome is
    taken), files that give no records now fall back on the rows they gave then. ``cache=False`` (``gongshi
    check``, which writes nothing) skips encoding the new batch cache; ``spool`` is where the new cache's
    entry files are written as they are encoded (the build's staging state), rather than held in memory; ``on``
    names the Dask cluster that reads and validates the files (``generator.loading.checked``)."""
    catalog, problems = load_catalog(catalog_dir)
    rules, rule_problems = load_rules(catalog_dir)
    commitments, commitment_problems = load_commitments(catalog_dir)
    problems += rule_problems + commitment_problems + credit_config(catalog, rules)
    if catalog is None or rules is None or has_config_errors(problems):
        return Inputs(catalog, rules, problems=problems)
    batches = read_batches(catalog, PreviousCache.open(previous_state), cache, spool, on)
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
    catalog: Catalog,
    previous: PreviousCache,
    keep: bool = True,
    spool: Path | None = None,
    on: OnCluster | None = None,
) -> Batches:
    """Load and validate every batch file, oldest first per dataset, taking unchanged files' outcomes from
    ``previous``; the new cache's entries are encoded only when ``keep`` (into ``spool`` when given). With
    ``on``, the files are read and validated on a Dask cluster, one task per file, with the same result."""
    cache = BatchCache(spool=spool)
    kept = cache if keep else None
    narrow = on is not None and keep  # the outcomes stay where the rules' tasks can read the rest
    plans = [
        _plan(catalog.root, spec, previous, kept, kept_columns(spec) if narrow else None)
        for spec in catalog.datasets
    ]
    if on is None:
        outcomes = {plan.spec.id: _here(plan, kept) for plan in plans}
        checkpoint("load-files")
    else:
        outcomes = _on_cluster(plans, on, kept, spool if keep else None)
    every = [o for spec in catalog.datasets for o in outcomes[spec.id]]
    ledger = arrow_table(empty_ledger())
    raw = StageResult(
        {},
        frame_of([ledger, *(o.load_ledger for o in every)]),
        [p for o in every for p in o.load_problems] + removed_batches(catalog, previous),
    )
    valid = StageResult(
        {spec.id: _valid(spec, outcomes[spec.id]) for spec in catalog.datasets},
        frame_of([ledger, *(o.ledger for o in every)]),
        [p for o in every for p in o.problems],
    )
    departments = {
        spec.id: Table(spec, frame_of([o.departments for o in outcomes[spec.id]]))
        for spec in catalog.datasets
        if outcomes[spec.id]
    }
    return Batches(raw, valid, StageResult(departments), cache)


def kept_columns(spec: DatasetSpec) -> tuple[str, ...] | None:
    """The columns of a dataset's validated rows the build holds on a cluster when the batch files' outcomes
    are kept (the rules' tasks read the rest from them): META and the department — all the corrections, the
    decisions' matching and the departments' counts read. None (every column) for the kinds read across rows
    or datasets after validation (the commitment items and the credit kinds, decided whole)."""
    if spec.config.kind in WHOLE_KINDS:
        return None
    department = spec.schema.role("department")
    return (*META, *([str(department)] if department else []))


@dataclass
class _Plan:
    """A dataset's files: the outcomes taken from the cache, and the files to read now, and the columns of
    their valid rows to read (None: all)."""

    spec: DatasetSpec
    cached: dict[int, Outcome]
    now: list[FileTask]
    columns: tuple[str, ...] | None = None

    def outcomes(self, fresh: Iterable[Outcome]) -> list[Outcome]:
        """Every file's outcome in batch order, given the outcomes of the files read now (in their order)."""
        found = dict(self.cached)
        found.update(zip((task.batch for task in self.now), fresh, strict=True))
        return [found[n] for n in range(len(self.spec.batches))]


def _plan(
    root: Path,
    spec: DatasetSpec,
    previous: PreviousCache,
    cache: BatchCache | None,
    columns: tuple[str, ...] | None,
) -> _Plan:
    """Which of a dataset's files have a cached outcome (carried into the new cache) and which are read now."""
    plan = _Plan(spec, {}, [], columns)
    for batch, path in enumerate(spec.batches):
        shown = batch_path(root, path)
        snapshot = Snapshot.take(path) if cache is not None or shown in previous.entries else None
        if (found := _cached(spec, shown, batch, snapshot, previous, cache, columns)) is not None:
            plan.cached[batch] = found
        else:
            plan.now.append(FileTask(spec, path, shown, batch, snapshot, previous))
    return plan


def _here(plan: _Plan, cache: BatchCache | None) -> list[Outcome]:
    """A dataset's outcomes, its files read now in this process and validated together (one pass over their
    rows, not one per file)."""
    read = [read_now(task, cache) for task in plan.now]
    fresh = validated(plan.spec, read)
    if cache is not None:
        for one, outcome in zip(read, fresh, strict=True):
            if one.entry is not None:
                cache.add_outcome(one.entry, outcome)
    return plan.outcomes(fresh)


def _on_cluster(
    plans: list[_Plan], on: OnCluster, cache: BatchCache | None, spool: Path | None
) -> dict[str, list[Outcome]]:
    """Every dataset's outcomes, its files read now on the cluster (all datasets' files in one go: the
    workers keep busy across datasets)."""
    columns = [plan.columns for plan in plans for _ in plan.now]
    fresh = iter(list(on_cluster([task for plan in plans for task in plan.now], on, cache, spool, columns)))
    return {plan.spec.id: plan.outcomes(islice(fresh, len(plan.now))) for plan in plans}


def _cached(
    spec: DatasetSpec,
    shown: str,
    batch: int,
    snapshot: Snapshot | None,
    previous: PreviousCache,
    cache: BatchCache | None,
    columns: tuple[str, ...] | None,
) -> Outcome | None:
    """The cached outcome of a file whose bytes and keys are unchanged (carried into the new cache)."""
    entry = previous.unchanged(shown, spec, snapshot.sha256) if snapshot is not None else None
    found = previous.outcome(entry, batch, columns) if entry is not None else None
    if found is not None and entry is not None and cache is not None:
        cache.carry(entry, previous)
    return found


def _valid(spec: DatasetSpec, outcomes: list[Outcome]) -> Table:
    """A dataset's valid rows: its files' in order (without files: the layout validation gives no rows). When
    every file's were read with only some columns, the table holds those and says where the rest is
    (``model.Stored``); when only some files' were (an outcome that is not kept), all are read whole."""
    if not outcomes:
        return Table(spec, check_table(spec.id, Table(spec, empty_frame(spec.schema))).valid)
    sources = [o.source for o in outcomes]
    if all(sources):
        files = tuple(
            (str(f), o.valid.num_rows, n) for n, (f, o) in enumerate(zip(sources, outcomes, strict=True))
        )
        return Table(spec, frame_of([o.valid for o in outcomes]), Stored(files))
    return Table(spec, frame_of([whole_rows(o, n) for n, o in enumerate(outcomes)]))
