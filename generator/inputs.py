"""Read and decide the inputs: catalog configuration, rule data, record batches, validation.

Stage: load → validate (shared by ``gongshi build`` and ``gongshi check``). Guarantees: returns every problem
found; ``ok`` is False only when the configuration is unusable (the CLI exits 2); nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog import load_catalog
from generator.commitments import Commitment, load_commitments
from generator.load import read_records
from generator.model import Catalog, StageResult
from generator.problems import Problem, has_config_errors
from generator.rules import RuleData, load_rules
from generator.validate import validate


@dataclass
class Inputs:
    """The catalog, its rule data and its validated records (or the configuration problems)."""

    catalog: Catalog | None = None
    rules: RuleData | None = None
    raw: StageResult | None = None
    valid: StageResult | None = None
    commitments: list[Commitment] = field(default_factory=list)
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
    valid = validate(raw)
    return Inputs(catalog, rules, raw, valid, commitments, problems + raw.problems + valid.problems)
