"""Read and decide the inputs: catalog configuration, rule data, record batches, validation.

Stage: load → validate (shared by ``gongshi build`` and ``gongshi check``). Guarantees: returns every problem
found; ``ok`` is False only when the configuration is unusable (the CLI exits 2); nothing is written here.
Given the previous build's ``state/`` folder, a batch file that gives no records now contributes the rows it
gave then (``generator.load``); ``write_batch_cache`` writes the batch cache the next build will use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from generator import batchcache
from generator.batchcache import BatchCache, PreviousCache
from generator.catalog import load_catalog
from generator.commitments import Commitment, load_commitments
from generator.load import load_records
from generator.model import FILE, ROW, Catalog, StageResult, Table
from generator.problems import Problem, has_config_errors
from generator.report import assemble_ledger
from generator.rules import RuleData, load_rules, rejected_departments
from generator.validate import validate


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


def read_inputs(catalog_dir: Path, previous_state: Path | None = None, *, cache: bool = True) -> Inputs:
    """Load the catalog, rules and commitment templates; if they are usable, read and validate every batch.

    ``previous_state`` is the previous build's ``state/`` folder (``out/state``; missing or unreadable is
    fine): files that give no records now fall back on the rows they gave then. ``cache=False`` (``gongshi
    check``, which writes nothing) skips encoding the new batch cache."""
    catalog, problems = load_catalog(catalog_dir)
    rules, rule_problems = load_rules(catalog_dir)
    commitments, commitment_problems = load_commitments(catalog_dir)
    problems += rule_problems + commitment_problems
    if catalog is None or rules is None or has_config_errors(problems):
        return Inputs(catalog, rules, problems=problems)
    raw, batches = load_records(catalog, PreviousCache.open(previous_state), keep=cache)
    departments = _departments(raw)  # before validate, which takes the raw tables over
    valid = validate(raw)
    rejected = rejected_departments(departments, assemble_ledger([raw.ledger, valid.ledger]))
    found = problems + raw.problems + valid.problems
    return Inputs(catalog, rules, raw, valid, commitments, rejected, found, batches)


def write_batch_cache(state_dir: Path, inputs: Inputs) -> None:
    """Write the batch cache of this build into ``state_dir`` (the staging ``state/`` folder)."""
    batchcache.write(state_dir, inputs.batches)


def _departments(raw: StageResult) -> StageResult:
    """Only the row position and department column of every raw table."""
    slim = {}
    for name, table in raw.tables.items():
        column = table.spec.schema.role("department")
        columns = [FILE, ROW] + ([column] if column and column in table.frame.columns else [])
        slim[name] = Table(table.spec, table.frame[columns])
    return StageResult(slim)
