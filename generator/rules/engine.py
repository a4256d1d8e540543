"""One dataset through the rules: corrections, withdrawals, minors, periods/validity (penalties: ``periods``;
the credit kinds of #15: ``credit``), then privacy last.

Stage: rules. Guarantees: every input row of the dataset ends either in the public frame (current version, not
held) or in exactly one ledger row with a reason — the first hold naming it, superseded versions first;
privacy is applied to the public rows only, after every other rule (so rules may read the unmasked birth date,
and nothing unmasked leaves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.model import FILE, RECORD_ID, ROW, Table, empty_fulfilment
from generator.problems import Problem, problem
from generator.rules.columns import isin
from generator.rules.corrections import latest_versions, rejected_corrections, superseded
from generator.rules.credit import CREDIT_KINDS, credit_rules, fulfilment_figures
from generator.rules.dates import DayCache, Days, iso
from generator.rules.matching import decision_hold, invalid_hold
from generator.rules.periods import first_day_gone, penalty_holds, penalty_periods
from generator.rules.privacy import apply_privacy, minors
from generator.rules.ruleset import RuleData
from generator.rules.validity import dated_holds, validity_holds
from generator.rules.withholding import Hold, settle


@dataclass(frozen=True)
class Decisions:
    """The effective, matched decisions (``matching.resolve`` output) of the whole build, the invalid decision
    rows that name a record (``matching.resolve_invalid``) and the rows the validate stage rejected (its ledger
    rows of fate rejected: a rejected later version of a record is a correction that could not be applied)."""

    repairs: pd.DataFrame
    revocations: pd.DataFrame
    invalid: pd.DataFrame
    rejected: pd.DataFrame


@dataclass(frozen=True)
class Outcome:
    """A dataset after the rules."""

    public: pd.DataFrame
    ledger: pd.DataFrame
    problems: list[Problem]
    until: (
        pd.Series
    )  # penalties, fulfilment: record ID → ISO first day gone (the day after the last public day)
    figures: pd.DataFrame  # fulfilment: the commitment figures (``FULFILMENT_COLUMNS``); others: empty


def evaluate(name: str, table: Table, rules: RuleData, as_of: date, decisions: Decisions) -> Outcome:
    """Rules on every row (all versions, in place: no copy of the frame), then one take of the public rows."""
    frame = table.frame.reset_index(drop=True)
    current = latest_versions(frame)
    repairs = decisions.repairs[decisions.repairs["dataset"] == name]
    holds, problems, until = _holds(name, table, frame, current, rules, as_of, decisions, repairs)
    public, ledger = settle(frame, name, holds)
    figures = (
        fulfilment_figures(name, frame, table.spec.schema, public, ledger["reason"])
        if table.spec.config.kind == "fulfilment"
        else empty_fulfilment()
    )
    rows = np.flatnonzero(public)
    out, masked = apply_privacy(frame, rows, table.spec.schema, rules.publication.privacy, name)
    ids = out[RECORD_ID].to_numpy()
    return Outcome(out, ledger, problems + masked, until.iloc[rows].set_axis(ids), figures)


def _holds(
    name: str, table: Table, frame: pd.DataFrame, current: np.ndarray, rules: RuleData, as_of: date,
    decisions: Decisions, repairs: pd.DataFrame,
) -> tuple[list[Hold], list[Problem], pd.Series]:  # fmt: skip
    """Every hold of the dataset in precedence order (superseded first, so only current versions get others)."""
    schema, kind, publication, days = (
        table.spec.schema,
        table.spec.config.kind,
        rules.publication,
        DayCache(frame),
    )
    revocations = decisions.revocations[decisions.revocations["dataset"] == name]
    invalid = decisions.invalid[decisions.invalid["dataset"] == name]
    corrected, problems = rejected_corrections(frame, current, decisions.rejected, name)
    holds = [superseded(frame, current), decision_hold(frame, revocations, "revocations")]
    holds += [decision_hold(frame, repairs, "repairs"), invalid_hold(frame, invalid), corrected]
    holds += [*minors(frame, schema, publication.privacy, days), *dated_holds(frame, schema, as_of, days)]
    until = pd.Series("", index=frame.index, dtype="str")
    if kind == "penalty":
        periods = penalty_periods(frame, publication.penalty, days)
        holds += penalty_holds(frame, periods, publication.penalty, as_of)
        problems += _early_repairs(frame, current, periods.min_end, repairs, name)
        until = iso(first_day_gone(periods.end))
    elif kind in CREDIT_KINDS:
        own = credit_rules(table.spec.config, frame, schema, publication, as_of, days, holds)
        holds += own.holds
        problems += _early_repairs(frame, current, own.min_end, repairs, name)
        until = iso(first_day_gone(own.end))
    holds += validity_holds(frame, schema, kind, publication, as_of, days)
    return holds, problems, until


def _early_repairs(
    frame: pd.DataFrame, current: np.ndarray, min_end: Days, repairs: pd.DataFrame, name: str
) -> list[Problem]:
    """Warnings for repairs decided on or before the last day of the minimum period (they are honoured)."""
    rows = np.flatnonzero(current & isin(frame[RECORD_ID], repairs[RECORD_ID]))
    minimum = iso(min_end[rows]).set_axis(frame[RECORD_ID].iloc[rows].to_numpy())
    ends = minimum.reindex(repairs[RECORD_ID].to_numpy()).fillna("").to_numpy(dtype=object)
    early = repairs[(ends != "") & (repairs["decided_on"].to_numpy(dtype=object) <= ends)]
    return [_early(r, str(minimum[r[RECORD_ID]]), name) for r in early.to_dict("records")]


def _early(row: dict[str, str], minimum_end: str, name: str) -> Problem:
    text = (
        f"{row[FILE]} 第 {row[ROW]} 行: 信用修复 {row['decision_no']}（{row['decided_on']}）在最短公示期内"
        f"（最短公示期至 {minimum_end}，含当日）；已按修复决定停止公示，请核实"
    )
    where = {"file": row[FILE], "row": int(row[ROW]), "dataset": name}
    return problem("rules-repair-before-minimum", text, field="decided_on", value=row["decided_on"], **where)
