"""A dataset's rows cut into parts the rules decide one at a time — on a Dask cluster's workers, or in one piece.

Stage: rules. Every rule but two reads one row, or one record (all versions of one key, which share the record
ID): a decision names its record by ID, so each part gets the decisions that name its rows' records (the
decisions joined by key). The two that read across records are decided on the whole dataset first, from its
meta columns alone, and each part gets its share: which row is its key's current version (a key's versions can
lie in different parts: a correction comes in a later batch) with the superseded and rejected-correction holds,
and — not cut at all — the credit kinds (#15), where a subject's current grade is chosen among all its records.

Guarantees: the parts of a dataset are runs of its rows in input order, so their outcomes joined in order are
the dataset's: public rows, ledger rows and public-until dates in input order; problems as one piece gives them
(the corrections' first, then early repairs in the decisions' order, (file, row), then one warning per text field
whose text held personal numbers, its counts summed over the parts). ``cut`` of a dataset into one part is the
dataset itself (nothing copied): the single-process build is the one-part case of the same code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.model import RECORD_ID, Stored, Table, empty_fulfilment
from generator.problems import Problem
from generator.rules.columns import isin
from generator.rules.credit import CREDIT_KINDS
from generator.rules.freetext import Masked
from generator.rules.models import PublicationRules
from generator.rules.privacy import masked_problems
from generator.rules.withholding import Hold

PART_ROWS = 65_536  # rows of a dataset a cluster task decides (a quarter of the packs' Parquet row group)


@dataclass(frozen=True)
class Versions:
    """A dataset's corrections, decided on the whole of it: each key's current version, the holds of the rows a
    later version superseded and of those whose later correction was rejected, and that rejection's errors."""

    current: npt.NDArray[np.bool_]
    superseded: Hold
    corrected: Hold
    problems: list[Problem]


@dataclass(frozen=True)
class Part:
    """A run of a dataset's rows with everything the rules need to decide them alone."""

    name: str
    table: Table  # the dataset's spec and the part's rows (positions from 0)
    publication: PublicationRules
    as_of: date
    repairs: pd.DataFrame  # the effective decisions naming the part's records (``matching.resolve``)
    revocations: pd.DataFrame
    invalid: pd.DataFrame  # the invalid decision rows naming them (``matching.resolve_invalid``)
    current: npt.NDArray[np.bool_]  # the part's rows that are their key's current version
    superseded: Hold  # the corrections' holds on the part's rows (positions in the part)
    corrected: Hold
    shared: Shared | None = None  # where its rows are, when ``table`` holds none (a cluster's task)


@dataclass(frozen=True)
class Shared:
    """A run of a dataset's validated rows in Arrow IPC files the workers read — the file the build wrote, or the
    batch files' outcomes (``model.Stored``) — as (file, start, stop, batch number: -1 keeps the file's); the
    task leaves its outcome in ``folder``."""

    runs: tuple[tuple[str, int, int, int], ...]
    folder: str


@dataclass(frozen=True)
class Outcome:
    """A dataset after the rules."""

    public: pd.DataFrame
    ledger: pd.DataFrame
    problems: list[Problem]
    # penalties, credit kinds: record ID → ISO first day gone (the day after the last public day)
    until: pd.Series
    figures: pd.DataFrame  # fulfilment: the commitment figures (``FULFILMENT_COLUMNS``); others: empty


@dataclass(frozen=True)
class Decided:
    """A part after the rules."""

    public: pd.DataFrame  # its public rows, privacy applied, in input order
    ledger: pd.DataFrame  # a withheld row each for the others, in input order
    until: pd.Series  # record ID → ISO first day gone, for the public rows
    figures: pd.DataFrame  # fulfilment (a dataset never cut): the commitment figures; others: empty
    early: list[Problem]  # repairs decided within the minimum period
    masked: dict[str, Masked] = field(default_factory=dict)  # text field → personal numbers masked in it


Run = Callable[[Callable[[Part], Any], Iterator[Part]], Iterable[Any]]  # a map: results in the parts' order


@dataclass(frozen=True)
class Cutting:
    """How the rules stage decides a dataset: at most ``rows`` rows a part, the parts mapped by ``run`` (a Dask
    cluster's ``map_files``); with a ``folder`` (which every worker sees), each dataset's table is written there
    once and a part carries only where its rows are, and its outcome comes back through a file. Without a
    cutting a dataset is one part, decided in the build's process."""

    rows: int
    run: Run
    folder: Path | None = None


@dataclass(frozen=True)
class Whole:
    """What a dataset brings to ``cut``: its name and table, the rules and as-of date, the dataset's own
    decisions (repairs, revocations, invalid rows) and its corrections."""

    name: str
    table: Table
    publication: PublicationRules
    as_of: date
    decisions: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
    versions: Versions


Where = Callable[[slice], Shared]  # where a run of a dataset's rows is, for a task that reads them there


def cut(whole: Whole, rows: int | None, where: Where | None = None) -> Iterator[Part]:
    """The parts, at most ``rows`` rows each (None, a credit kind or a smaller dataset: one part, the dataset).
    With ``where`` (``engine.decide_shared`` reads the rows there) a part carries where its rows are instead of
    the rows themselves."""
    count = len(whole.table.frame)
    if rows is None or whole.table.spec.config.kind in CREDIT_KINDS or count <= rows:
        yield _part(whole, slice(0, count), where, alone=True)
        return
    for start in range(0, count, rows):
        yield _part(whole, slice(start, min(start + rows, count)), where)


def _part(whole: Whole, run: slice, where: Where | None, alone: bool = False) -> Part:
    frame, versions = whole.table.frame, whole.versions
    held = (versions.superseded, versions.corrected)
    if alone:  # the dataset itself: nothing sliced, nothing copied
        rows, decisions, current = frame, whole.decisions, versions.current
    else:
        rows, current = frame.iloc[run], versions.current[run]
        decisions = tuple(d[isin(d[RECORD_ID], rows[RECORD_ID])] for d in whole.decisions)
        held = (_within(held[0], run), _within(held[1], run))
    table = Table(whole.table.spec, frame.iloc[:0] if where else rows.reset_index(drop=True))
    shared = where(run) if where else None
    return Part(whole.name, table, whole.publication, whole.as_of, *decisions, current, *held, shared)


def stored_runs(stored: Stored, run: slice) -> tuple[tuple[str, int, int, int], ...]:
    """The runs of the batch files' outcomes that hold a dataset's rows ``run`` (positions in the dataset)."""
    starts, sizes = stored.starts[:-1], np.diff(stored.starts)
    first, stop = np.clip(run.start - starts, 0, sizes), np.clip(run.stop - starts, 0, sizes)
    found = [(stored.files[i][0], int(first[i]), int(stop[i]), stored.files[i][2])
             for i in np.flatnonzero(stop > first).tolist()]  # fmt: skip
    file, _, batch = stored.files[0]
    return tuple(found) or ((file, 0, 0, batch),)  # no rows: none of a file, for its columns


def _within(hold: Hold, run: slice) -> Hold:
    """The hold's rows in ``run``, as positions in it, with their per-row texts."""
    inside = (hold.rows >= run.start) & (hold.rows < run.stop)
    return Hold(hold.reason, hold.rows[inside] - run.start, _texts(hold.message, inside), hold.field,
                _texts(hold.value, inside))  # fmt: skip


def _texts(detail: pd.Series | str, inside: npt.NDArray[np.bool_]) -> pd.Series | str:
    return detail if isinstance(detail, str) else detail[inside].reset_index(drop=True)


def join(whole: Whole, decided: list[Decided]) -> Outcome:
    """The parts' outcomes as the dataset's (one part: its own), problems ordered as one part gives them."""
    early = sorted((p for d in decided for p in d.early), key=lambda p: (p.file, p.row or 0))
    masked = _summed([d.masked for d in decided])
    problems = whole.versions.problems + early + masked_problems(whole.name, whole.table.spec.schema, masked)
    if len(decided) == 1:
        one = decided[0]
        return Outcome(one.public, one.ledger, problems, one.until, one.figures)
    return Outcome(
        pd.concat([d.public for d in decided], ignore_index=True),
        pd.concat([d.ledger for d in decided], ignore_index=True),
        problems,
        pd.concat([d.until for d in decided]),
        empty_fulfilment(),  # only a fulfilment dataset has figures, and it is never cut
    )


def _summed(found: list[dict[str, Masked]]) -> dict[str, Masked]:
    """Per text field, what every part masked in it."""
    total: dict[str, Masked] = {}
    for masked in found:
        for name, one in masked.items():
            into = total.setdefault(name, Masked(Counter()))
            into.cells += one.cells
            into.numbers.update(one.numbers)
    return total
