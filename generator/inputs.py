"""Read and decide the inputs: catalog configuration, rule data, record batches, validation.

Stage: load → validate (shared by ``gongshi build`` and ``gongshi check``). Guarantees: returns every problem
found; ``ok`` is False only when the configuration is unusable (the CLI exits 2); nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from generator.catalog import load_catalog
from generator.commitments import Commitment, load_commitments
from generator.load import read_records
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

    @property
    def ok(self) -> bool:
        return self.valid is not None and not has_config_errors(self.problems)


def read_inputs(catalog_dir: Path) -> Inputs:
    """Load the catalog, rules and commitment templates; if usable are usable, read and validate every batch."""
    catalog, problems = load_catalog(catalog_dir)
    rules, rule_problems = load_rules(catalog_dir)
    commitments, commitment_problems = load_commitments(catalog_dir)
    problems += rule_problems + commitment_problems
    if catalog is None or rules is None or has_config_errors(problems):
        return Inputs(catalog, rules, problems=problems)
    raw = read_records(catalog)
    departments = _departments(raw)  # before validate, which takes the raw tables over
    valid = validate(raw)
    rejected = rejected_departments(departments, assemble_ledger([raw.ledger, valid.ledger]))
    return Inputs(catalog, rules, raw, valid, commitments, rejected, problems + raw.problems + valid.problems)


def _departments(raw: StageResult) -> StageResult:
    """Only the row position and department column of every raw table."""
    slim = {}
    for name, table in raw.tables.items():
        column = table.spec.schema.role("department")
        columns = [FILE, ROW] + ([column] if column and column in table.frame.columns else [])
        slim[name] = Table(table.spec, table.frame[columns])
    return StageResult(slim)
