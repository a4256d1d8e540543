"""A file that gives no records now stands on the rows it gave at the last build that could read it.

Stage: load. Guarantees: **a file that gives no records is never taken for "no records"** — its error names
the file and the cause, and the rows of its last readable version (the batch cache,
``generator.loading.cache``) are used instead, in the shape of the current schema (columns it lacks are empty)
and numbered as the file's batch; the error then says how many rows were kept, and the entry is named in
``Batch.stood_in`` so that it is carried into the new cache (``remember``). Only without a readable cached
copy does the file contribute nothing, and the error says why (no previous state consulted, the cached copy
unusable, or never read before).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.loading.batch import Batch, blank_column, to_frame
from generator.loading.cache import PreviousCache
from generator.model import ROW, DatasetSpec
from generator.problems import Problem
from generator.schema import Schema


def fall_back(
    spec: DatasetSpec, got: Batch, unusable: Problem, shown: str, batch: int, previous: PreviousCache
) -> Batch:
    """The rows this file gave at the last build that could read it, or nothing and a problem saying so."""
    found = previous.rows(shown)
    frame = _cached_frame(found[1], spec.schema, shown, batch) if found else None
    if found is None or frame is None:
        message = f"{unusable.message}；{_nothing_cached(previous, shown)}"
        return replace(got, problems=[replace(unusable, message=message), *got.problems], unusable=None)
    entry = found[0]
    message = (
        f"{unusable.message}；本次沿用上次成功读取的版本（{entry.rows} 行），这些记录照常校验、公示，"
        "不会因为本次读不出而撤下；请改正文件后重新提交"
    )
    return Batch(frame, [], [replace(unusable, message=message)], stood_in=entry)


def _nothing_cached(previous: PreviousCache, shown: str) -> str:
    if not previous.consulted:
        return "本次未对照上次构建的状态；构建时会沿用上次成功读取的版本，没有时本文件的记录不会公示"
    if shown in previous.entries:
        return "上次成功读取的版本不可用，本文件的记录本次未公示"
    return "此前没有成功读取过本文件，本文件的记录本次未公示"


def _cached_frame(table: pa.Table, schema: Schema, shown: str, batch: int) -> pd.DataFrame | None:
    """Cached rows in the shape of the current schema (columns it lacks are empty), or None if foreign."""
    if ROW not in table.column_names:
        return None
    try:
        arrays = {
            name: table[name].cast(pa.large_string())
            if name in table.column_names
            else blank_column(table.num_rows)
            for name in schema.names
        }
        rows = table[ROW].to_numpy().astype(np.int64)
    except (pa.ArrowException, ValueError, TypeError):
        return None
    return to_frame(arrays, shown, rows, batch)
