"""The credit_kinds fixture catalog (tests/fixtures/credit_kinds): run through load, validate and the rules,
and copied into a temporary folder when a test needs to change a file of it."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from generator.inputs import Inputs, read_inputs
from generator.model import RECORD_ID
from generator.rules import RulesResult, apply_rules

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "credit_kinds"
AS_OF = date(2026, 11, 20)


def copy_fixture(tmp_path: Path) -> Path:
    """A private copy of the fixture catalog (the fixture itself is never written)."""
    target = tmp_path / "catalog"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("make_fixture.py", "__pycache__"))
    return target


def ruled(catalog: Path = FIXTURE, as_of: date = AS_OF) -> tuple[Inputs, RulesResult]:
    """The catalog's inputs and its rules result as of ``as_of`` (no earlier publications). The fixture's own
    results are made once per as-of date (callers must not change them)."""
    if catalog == FIXTURE:
        return _fixture(as_of)
    return _ruled(catalog, as_of)


@cache
def _fixture(as_of: date) -> tuple[Inputs, RulesResult]:
    return _ruled(FIXTURE, as_of)


def _ruled(catalog: Path, as_of: date) -> tuple[Inputs, RulesResult]:
    inputs = read_inputs(catalog, cache=False)
    assert inputs.ok and inputs.valid is not None and inputs.rules is not None, [
        p.message for p in inputs.problems
    ]
    result = apply_rules(inputs.valid, inputs.rules, as_of, pd.Series(dtype="str"), inputs.rejected)
    return inputs, result


def record_ids(inputs: Inputs, dataset: str) -> dict[str, str]:
    """Document number (the dataset's ``document`` role) → record ID, over the dataset's valid rows."""
    assert inputs.valid is not None
    table = inputs.valid.tables[dataset]
    column = table.spec.schema.role("document")
    assert column is not None
    return dict(zip(table.frame[column], table.frame[RECORD_ID], strict=True))


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Add rows (by header text) to a CSV batch of a copied catalog."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writerows([{h: row.get(h, "") for h in header} for row in rows])


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build_fixture(catalog: Path, out: Path, as_of: date = AS_OF) -> Path:
    """A real build of a (copied) fixture catalog into ``out`` (``published/``); returns ``out``."""
    from generator.build import BuildOptions, build

    result = build(BuildOptions(catalog=catalog, out=out, as_of=as_of))
    assert result.config_ok and result.swapped, [p.message for p in result.problems]
    return out
