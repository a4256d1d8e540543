"""One dataset through the rules: corrections, withdrawals, minors, periods/validity (penalties: ``periods``;
the credit kinds of #15: ``credit``), then privacy last.

Stage: rules. Guarantees: every input row of the dataset ends either in the public frame (current version, not
held) or in exactly one ledger row with a reason — the first hold naming it, superseded versions first;
privacy is applied to the public rows only, after every other rule (so rules may read the unmasked birth date,
and nothing unmasked leaves). The corrections are decided on the whole dataset, everything else on parts of it
(``parts``: the dataset itself, or on a cluster runs of its rows decided by the workers) with the same outcome.
"""

from __future__ import annotations

import pickle
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.cluster import share_table, shared_table, spill
from generator.loading.outcome import valid_rows_between
from generator.model import FILE, RECORD_ID, ROW, Stored, Table, empty_fulfilment
from generator.problems import Problem, problem
from generator.rules.columns import isin
from generator.rules.corrections import latest_versions, rejected_corrections, superseded
from generator.rules.credit import CREDIT_KINDS, credit_rules, fulfilment_figures
from generator.rules.dates import DayCache, Days, iso
from generator.rules.matching import decision_hold, invalid_hold
from generator.rules.parts import (
    Cutting,
    Decided,
    Outcome,
    Part,
    Shared,
    Versions,
    Whole,
    cut,
    join,
    stored_runs,
)
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


def evaluate(
    name: str,
    table: Table,
    rules: RuleData,
    as_of: date,
    decisions: Decisions,
    cutting: Cutting | None = None,
) -> Outcome:
    """The dataset after the rules: its corrections decided whole, then its parts (``parts.cut``: one part, the
    dataset, without a ``cutting``), joined."""
    frame = table.frame.reset_index(drop=True)
    whole = Whole(name, Table(table.spec, frame, table.stored), rules.publication, as_of, _own(decisions, name),
                  _versions(name, frame, decisions.rejected))  # fmt: skip
    if cutting is None or cutting.folder is None:
        assert table.stored is None, "a table holding only some columns is decided by tasks reading the rest"
    if cutting is None:
        return join(whole, [decide(part) for part in cut(whole, None)])
    if cutting.folder is None:
        return join(whole, list(cutting.run(decide, cut(whole, cutting.rows))))
    return join(whole, _carried(whole, cutting, cutting.folder))


def _carried(whole: Whole, cutting: Cutting, folder: Path) -> list[Decided]:
    """The parts decided by tasks that read their rows where they are — the batch files' outcomes when the
    build holds only some columns of them (``model.Stored``), else the dataset's table, shared in ``folder``
    — and leave their outcome in a file there (a part's outcome is as large as its rows: no need to carry it)."""
    folder.mkdir(parents=True, exist_ok=True)
    stored = whole.table.stored
    file = folder / f"rules-{whole.name}.arrow"
    if stored is None:
        share_table(pa.Table.from_pandas(whole.table.frame, preserve_index=False), file)
    where = partial(_where, stored, str(file), str(folder))
    try:
        return [_taken(Path(left)) for left in cutting.run(decide_shared, cut(whole, cutting.rows, where))]
    finally:
        file.unlink(missing_ok=True)


def _where(stored: Stored | None, file: str, folder: str, run: slice) -> Shared:
    runs = ((file, run.start, run.stop, -1),) if stored is None else stored_runs(stored, run)
    return Shared(runs, folder)


def decide_shared(part: Part) -> str:
    """On a worker: ``decide`` of a part whose rows are in shared files; the outcome, pickled into a file in
    the stage's folder, is named in the result."""
    assert part.shared is not None
    where = part.shared
    with ExitStack() as stack:  # the outcome is pickled before the files are unmapped
        runs = [_run(stack, *run) for run in where.runs]
        rows = (
            runs[0] if len(runs) == 1 else pa.concat_tables(runs, promote_options="permissive")
        ).to_pandas()
        decided = decide(replace(part, table=Table(part.table.spec, rows), shared=None))
        return str(_leave(decided, Path(where.folder)))


def _leave(decided: Decided, folder: Path) -> Path:
    """A part's outcome in two files: its public rows as an uncompressed Arrow IPC file beside the rest,
    pickled (the build maps the rows instead of reading them: ``_taken``)."""
    left = spill(replace(decided, public=decided.public.iloc[:0]), folder)
    share_table(pa.Table.from_pandas(decided.public, preserve_index=False), left.with_suffix(".arrow"))
    return left


def _run(stack: ExitStack, file: str, start: int, stop: int, batch: int) -> pa.Table:
    """Rows ``start`` to ``stop - 1`` of a batch file's outcome numbered as ``batch`` (only its record batches
    holding them decompressed), or with ``batch`` -1 of the table the build shared (memory-mapped)."""
    if batch >= 0:
        return valid_rows_between(file, start, stop, batch)
    return stack.enter_context(shared_table(file)).slice(start, stop - start)


def _taken(file: Path) -> Decided:
    """The outcome a task left in ``file`` and its public rows beside (``_leave``); both files are removed.
    The public rows stay memory-mapped: the build's public tables are pages of those files, which the system
    reads in as the later stages ask and drops again under pressure, not memory of the build's own (a city's
    public tables are hundreds of megabytes). The mapping outlives the file's name (the data stays on disk
    until the last view of it goes)."""
    with file.open("rb") as f:
        decided: Decided = pickle.load(f)
    file.unlink()
    rows = file.with_suffix(".arrow")
    with shared_table(rows) as table:  # the frame keeps the mapping when the file is closed (and removed)
        public = table.to_pandas()
    rows.unlink()
    return replace(decided, public=public)


def _own(decisions: Decisions, name: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The dataset's repairs, revocations and invalid decision rows."""
    frames = (decisions.repairs, decisions.revocations, decisions.invalid)
    return tuple(f[f["dataset"] == name] for f in frames)


def _versions(name: str, frame: pd.DataFrame, rejected: pd.DataFrame) -> Versions:
    """Corrections, on the whole dataset (a key's versions may lie in different parts)."""
    current = latest_versions(frame)
    corrected, problems = rejected_corrections(frame, current, rejected, name)
    return Versions(current, superseded(frame, current), corrected, problems)


def decide(part: Part) -> Decided:
    """The rules on a part: every row (all versions, in place: no copy of the frame), then one take of the
    public rows."""
    frame, spec = part.table.frame, part.table.spec
    holds, early, until = _holds(part, frame)
    public, ledger = settle(frame, part.name, holds)
    figures = (
        fulfilment_figures(part.name, frame, spec.schema, public, ledger["reason"])
        if spec.config.kind == "fulfilment"
        else empty_fulfilment()
    )
    rows = np.flatnonzero(public)
    out, masked = apply_privacy(frame, rows, spec.schema, part.publication.privacy)
    ids = out[RECORD_ID].to_numpy()
    return Decided(out, ledger, until.iloc[rows].set_axis(ids), figures, early, masked)


def _holds(part: Part, frame: pd.DataFrame) -> tuple[list[Hold], list[Problem], pd.Series]:
    """Every hold of the part in precedence order (superseded first, so only current versions get others),
    the early repairs' warnings, and each row's first day gone."""
    schema, kind, publication = part.table.spec.schema, part.table.spec.config.kind, part.publication
    days, as_of, current = DayCache(frame), part.as_of, part.current
    holds = [part.superseded, decision_hold(frame, part.revocations, "revocations")]
    holds += [
        decision_hold(frame, part.repairs, "repairs"),
        invalid_hold(frame, part.invalid),
        part.corrected,
    ]
    holds += [*minors(frame, schema, publication.privacy, days), *dated_holds(frame, schema, as_of, days)]
    until = pd.Series("", index=frame.index, dtype="str")
    problems: list[Problem] = []
    if kind == "penalty":
        periods = penalty_periods(frame, publication.penalty, days)
        holds += penalty_holds(frame, periods, publication.penalty, as_of)
        problems = _early_repairs(frame, current, periods.min_end, part.repairs, part.name)
        until = iso(first_day_gone(periods.end))
    elif kind in CREDIT_KINDS:
        own = credit_rules(part.table.spec.config, frame, schema, publication, as_of, days, holds)
        holds += own.holds
        problems = _early_repairs(frame, current, own.min_end, part.repairs, part.name)
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
