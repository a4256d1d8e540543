"""Validate raw record tables against their Table Schema.

Stage: validate (after load, before rules). Guarantees: every row of every raw table ends either in the
returned valid table or in the returned ledger as rejected — never both, never neither; the ledger and the
problems are this stage's own (the caller keeps the load stage's); the record tables move out of the raw
result into the returned one (never two copies of the data). Valid tables keep the raw columns with
dates as YYYY-MM-DD and numbers as canonical decimal text, plus KEY and RECORD_ID. A key repeated within one
batch rejects the later rows; a key repeated in a later batch is kept for the rules stage (a correction).
Checks are frictionless's (required, type, minimum, length, enum, pattern, primary key) plus gongshi's
(requiredWhen, uscc, ric, multiple + vocabulary); tests compare the flagged rows with frictionless itself.
Warnings (``validate-ric-unknown-area``) are problems that reject nothing.

**Every verdict depends on one batch file alone**: a cell's checks read only its own row (``requiredWhen`` and
``ric`` read another cell of the same row; distinct values are parsed once, but each verdict is the value's
own), and the primary-key check compares rows of the same batch, which is one file. So validating any of a
dataset's files together (``check_table``) and cutting the result by file gives each file exactly its share
of what validating the whole table gives — valid rows, ledger rows, problems, in the same order (problems sort
by row, then by check, and a file's rows are contiguous) — which is what lets a build take an unchanged file's
outcome from the batch cache (``generator.inputs``; tested differentially). Anything that looks across files
(a key repeated in a later batch: a correction) belongs to the rules stage, which sees the whole table on
every build.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.model import FILE, ROW, StageResult, Table, empty_ledger
from generator.problems import Problem
from generator.validation.checks import Finding, check_field
from generator.validation.outcome import ledger_of, problems_of, rejected_rows
from generator.validation.table import duplicate_keys, keyless, record_keys, valid_table


@dataclass
class Checked:
    """One table (or one batch file's rows) validated."""

    valid: pd.DataFrame  # the rows that passed: raw columns normalised, KEY and RECORD_ID added
    ledger: pd.DataFrame  # a ledger row per rejected row
    problems: list[Problem]  # a problem per failing cell (warnings included)
    departments: pd.DataFrame  # FILE, ROW and the schema's department column (if any) of each rejected row


def validate(raw: StageResult) -> StageResult:
    """Check every table; return the valid rows, a ledger row per rejected row, and a problem per bad cell.

    The record tables move from ``raw`` into the result (``raw.tables`` is left empty; ``raw.ledger`` and
    ``raw.problems`` are untouched): each raw column is released as soon as its valid copy exists, so a
    build holds one copy of the data, not two (that kept a million rows under the 2 GiB budget)."""
    tables: dict[str, Table] = {}
    ledgers: list[pd.DataFrame] = [empty_ledger()]
    problems: list[Problem] = []
    for dataset in list(raw.tables):
        table = raw.tables.pop(dataset)
        checked = check_table(dataset, table)
        tables[dataset] = Table(table.spec, checked.valid)
        ledgers.append(checked.ledger)
        problems += checked.problems
    return StageResult(tables, pd.concat(ledgers, ignore_index=True), problems)


def check_table(dataset: str, table: Table) -> Checked:
    """Validate one raw table (a whole dataset, or one batch file's rows). Consumes ``table.frame``: its
    columns are released as their valid copies are made (the caller should hold no other reference)."""
    frame, schema = table.frame.copy(deep=False), table.spec.schema
    table.frame = frame.iloc[:, :0]  # from here on ``frame`` is the only holder of the raw columns
    findings: list[Finding] = []
    normalised: dict[str, pd.Series] = {}
    for f in schema.fields:
        found, values = check_field(frame, schema, f)
        findings += found
        if values is not None:
            normalised[f.name] = values
    key = record_keys(frame, schema)
    findings += duplicate_keys(frame, schema, key)
    rejecting = [f for f in findings if f.rejects]  # the others are warnings: the row stays valid
    rejected = rejected_rows(frame, rejecting)
    ledger = (
        ledger_of(dataset, frame, rejecting, key, keyless(frame, schema)) if rejecting else empty_ledger()
    )
    found_problems = problems_of(dataset, frame, findings)
    departments = _departments(frame, table.spec.schema.role("department"), rejected)
    return Checked(
        valid_table(dataset, frame, normalised, key, rejected), ledger, found_problems, departments
    )


def _departments(frame: pd.DataFrame, column: str | None, rejected: np.ndarray) -> pd.DataFrame:
    """FILE, ROW and department of the rejected rows (the report's 合规率 is per department)."""
    columns = [FILE, ROW] + ([column] if column and column in frame.columns else [])
    return frame.loc[rejected, columns].reset_index(drop=True)
