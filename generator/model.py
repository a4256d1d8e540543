"""The data that flows between build stages.

Stage: shared. Guarantees: record tables are pandas DataFrames whose schema columns are plain strings
("" when empty; dates ISO ``YYYY-MM-DD``; numbers as canonical decimal text) plus the META columns below,
so every stage can rely on the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from generator.config import DatasetConfig, Portal
from generator.problems import Problem
from generator.schema import Schema

# Meta columns carried by every record table (never published as such, except RECORD_ID).
FILE = "_file"  # batch file, relative to the catalog (e.g. datasets/penalties/2024-01.csv)
ROW = "_row"  # row number in that file as a spreadsheet shows it (header = 1, first record = 2)
BATCH = "_batch"  # order of the batch within its dataset (0 = oldest)
KEY = "_key"  # record key, the primary-key values joined by U+001F
RECORD_ID = "_id"  # stable public ID (generator.identifiers.record_id)
META = (FILE, ROW, BATCH, KEY, RECORD_ID)

# Row fates in the ledger.
PUBLISHED, WITHHELD, REJECTED = "published", "withheld", "rejected"
LEDGER_COLUMNS = ("dataset", FILE, ROW, RECORD_ID, "fate", "reason", "field", "value", "message")


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset as configured in the catalog."""

    id: str
    config: DatasetConfig
    schema: Schema
    folder: Path
    batches: tuple[Path, ...]  # oldest first (sorted by file name)


@dataclass(frozen=True)
class Catalog:
    """The catalog's configuration, read and validated; records are read by the load stage."""

    root: Path
    portal: Portal
    datasets: tuple[DatasetSpec, ...]

    def dataset(self, dataset_id: str) -> DatasetSpec:
        return next(d for d in self.datasets if d.id == dataset_id)


@dataclass
class Table:
    """The records of one dataset at some stage (raw, valid, public)."""

    spec: DatasetSpec
    frame: pd.DataFrame


@dataclass
class StageResult:
    """What a row-level stage hands on: tables, ledger rows for rows it took out, and problems."""

    tables: dict[str, Table]
    ledger: pd.DataFrame = field(default_factory=lambda: empty_ledger())
    problems: list[Problem] = field(default_factory=list)


def empty_ledger() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == ROW else "str") for c in LEDGER_COLUMNS})
