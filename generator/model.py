"""The data that flows between build stages.

Stage: shared. Guarantees: record tables are pandas DataFrames whose schema columns are plain strings
("" when empty; dates ISO ``YYYY-MM-DD``; numbers as canonical decimal text) plus the META columns below,
so every stage can rely on the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.config import DatasetConfig, Portal
from generator.problems import Problem
from generator.schema import Schema

if TYPE_CHECKING:  # the rules package imports this module
    from generator.rules.models import PublicationRules

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
# Commitment figures (信用承诺履约统计), one row per (fulfilment dataset, 事项编码, year of 承诺日期), sorted so;
# the four counts are ints: made = all counted commitments, checked = 践诺 + 失诺, kept = 践诺, broken = 失诺.
FULFILMENT_COLUMNS = ("dataset", "item", "year", "made", "checked", "kept", "broken")


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


@dataclass(frozen=True)
class Stored:
    """Where a dataset's validated rows are when its table holds only some of their columns (a cluster build:
    ``generator.inputs``): each batch file's valid rows, in order, as (Arrow IPC file, rows, batch number)."""

    files: tuple[tuple[str, int, int], ...]

    @cached_property
    def starts(self) -> npt.NDArray[np.int64]:
        """Each file's first row in the dataset, and the dataset's row count last."""
        return np.concatenate([[0], np.cumsum([rows for _, rows, _ in self.files], dtype=np.int64)])


@dataclass
class Table:
    """The records of one dataset at some stage (raw, valid, public)."""

    spec: DatasetSpec
    frame: pd.DataFrame
    # the validated rows on a cluster: ``frame`` holds only the META columns and the department, the rest of
    # each row is in these files (the rules' tasks read them there); None: ``frame`` holds every column
    stored: Stored | None = None


@dataclass
class StageResult:
    """What a row-level stage hands on: tables, ledger rows for rows it took out, and problems."""

    tables: dict[str, Table]
    ledger: pd.DataFrame = field(default_factory=lambda: empty_ledger())
    problems: list[Problem] = field(default_factory=list)


def empty_ledger() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == ROW else "str") for c in LEDGER_COLUMNS})


def empty_fulfilment() -> pd.DataFrame:
    """The commitment figures of a catalog without fulfilment rows: no rows, the right columns and dtypes."""
    return pd.DataFrame(
        {c: pd.Series(dtype="str" if c in ("dataset", "item") else "int64") for c in FULFILMENT_COLUMNS}
    )


@dataclass(frozen=True)
class DataFile:
    """One file written under site/ by the data-pack stage."""

    dataset: str  # dataset id, or "" for portal-wide files (e.g. the all-data zip)
    format: str  # csv | xlsx | jsonl | parquet | datapackage | zip | …
    path: str  # relative to site/, forward slashes (e.g. data/latest/penalties/penalties.csv)
    bytes: int
    sha256: str
    rows: int


@dataclass(frozen=True)
class ReleaseInfo:
    """One data release (a build that changed public data)."""

    id: str  # sorts by date, deterministic for the same inputs and as-of date
    as_of: str  # ISO date
    counts: dict[str, int]  # dataset id → public records in this release
    added: int
    changed: int
    withdrawn: int
    delta_path: str  # relative to site/


@dataclass
class Publication:
    """Everything the output stages (data packs, release, site) need, decided before anything is written."""

    catalog: Catalog
    as_of: date
    tables: dict[str, Table]  # public records only: privacy applied, private fields gone, RECORD_ID kept
    timeliness: pd.DataFrame  # per published record: dataset, _id, department, decided_on, first_published,
    #                           working_days, timely (bool) — from the rules stage
    files: list[DataFile] = field(default_factory=list)  # filled by the data-pack stage
    releases: list[ReleaseInfo] = field(default_factory=list)  # newest last; filled by the release stage
    problems: list[Problem] = field(default_factory=list)  # warnings/notes added by the output stages
    rules: PublicationRules | None = None  # the publication rules applied (the 公示规则 page states them)
    # commitment figures (FULFILMENT_COLUMNS) from the rules stage; empty when the catalog has no fulfilment data
    fulfilment: pd.DataFrame = field(default_factory=lambda: empty_fulfilment())
