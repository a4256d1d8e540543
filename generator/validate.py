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
"""

from __future__ import annotations

import pandas as pd

from generator.model import StageResult, Table, empty_ledger
from generator.problems import Problem
from generator.validation.checks import Finding, check_field
from generator.validation.outcome import ledger_of, problems_of, rejected_rows
from generator.validation.table import duplicate_keys, keyless, record_keys, valid_table


def validate(raw: StageResult) -> StageResult:
    """Check every table; return the valid rows, a ledger row per rejected row, and a problem per bad cell.

    The record tables move from ``raw`` into the result (``raw.tables`` is left empty; ``raw.ledger`` and
    ``raw.problems`` are untouched): each raw column is released as soon as its valid copy exists, so a
    build holds one copy of the data, not two (that kept a million rows under the 2 GiB budget)."""
    tables: dict[str, Table] = {}
    ledgers: list[pd.DataFrame] = [empty_ledger()]
    problems: list[Problem] = []
    for dataset in list(raw.tables):
        spec = raw.tables[dataset].spec
        valid, ledger, found = _validate_table(dataset, raw.tables)
        tables[dataset] = Table(spec, valid)
        ledgers.append(ledger)
        problems += found
    return StageResult(tables, pd.concat(ledgers, ignore_index=True), problems)


def _validate_table(dataset: str, raw: dict[str, Table]) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    table = raw.pop(dataset)
    frame, schema = table.frame.copy(deep=False), table.spec.schema
    del table  # from here on ``frame`` is the only holder of the raw columns (unless the caller kept one)
    findings: list[Finding] = []
    normalised: dict[str, pd.Series] = {}
    for f in schema.fields:
        found, values = check_field(frame, schema, f)
        findings += found
        if values is not None:
            normalised[f.name] = values
    key = record_keys(frame, schema)
    if (duplicates := duplicate_keys(frame, schema, key)) is not None:
        findings.append(duplicates)
    rejecting = [f for f in findings if f.rejects]  # the others are warnings: the row stays valid
    rejected = rejected_rows(frame, rejecting)
    ledger = (
        ledger_of(dataset, frame, rejecting, key, keyless(frame, schema)) if rejecting else empty_ledger()
    )
    found_problems = problems_of(dataset, frame, findings)
    return valid_table(dataset, frame, normalised, key, rejected), ledger, found_problems
