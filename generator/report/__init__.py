"""The build report: the fate of every input row (the ledger), problem list, and per-dataset counts.

Stage: report (written into the staging folder's report/, never deployed). Guarantees: every input row appears
in the ledger exactly once — published, withheld (reason) or rejected (file, row, field, value, message) — and
the totals in build-report.json add up to the ledger's length (tests check it); ``masked_in_text`` counts, per
dataset and field, the personal numbers (身份证号, mobile numbers) masked inside free text by the rules stage.
The ledger is written (``write_ledger``) as soon as every row's fate is known, and only its counts (``Tally``)
are kept for the summary written at the end: a city's ledger is a row per input row. The HTML page (Chinese,
for the credit office) is ``generator.report.html``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from generator import paths
from generator.collector import give_back_arrow
from generator.model import FILE, LEDGER_COLUMNS, PUBLISHED, RECORD_ID, REJECTED, ROW, WITHHELD, Table
from generator.problems import Problem
from generator.report.html import render

LEDGER_SCHEMA = pa.schema(
    [(name, pa.int64() if name == ROW else pa.large_string()) for name in LEDGER_COLUMNS]
)
LEDGER_SLICE = 65_536  # ledger rows put in order and written at a time
# The columns whose few values repeat from row to row, held as a dictionary while the ledger is put in order
# and cast back to strings a slice at a time as it is written (the same bytes in the file).
_REPEATED = ("dataset", FILE, "fate", "reason", "field", "message")
_HELD_SCHEMA = pa.schema(
    [
        (n, pa.dictionary(pa.int32(), pa.large_string()) if n in _REPEATED else t)
        for n, t in zip(LEDGER_SCHEMA.names, LEDGER_SCHEMA.types, strict=True)
    ]
)
MASKED_IN_TEXT = "privacy-numbers-in-text"  # rules.privacy's warning per (dataset, field); value = count


def published_rows(tables: dict[str, Table]) -> list[pa.Table]:
    """Ledger rows for the records that are public, a table a dataset as ``ledger_table`` holds them: made in
    Arrow, not as one pandas frame of a city's public rows converted afterwards (two copies of them)."""
    return [_published(ds, t.frame[[FILE, ROW, RECORD_ID]]) for ds, t in tables.items() if len(t.frame)]


def _published(dataset: str, meta: pd.DataFrame) -> pa.Table:
    given = {"dataset": dataset, "fate": PUBLISHED}  # on every row: one dictionary entry
    columns = [
        pa.repeat(pa.scalar(given[n], _HELD_SCHEMA.field(n).type), len(meta))
        if n in given
        else _column(meta, n)
        for n in LEDGER_COLUMNS
    ]
    return pa.table(columns, schema=_HELD_SCHEMA)


def assemble_ledger(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One ledger, sorted by dataset, file and row, with every column present."""
    frames = [p for p in parts if len(p)]
    ledger = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(LEDGER_COLUMNS))
    for column in LEDGER_COLUMNS:
        if column not in ledger:
            ledger[column] = ""
    ledger = ledger[list(LEDGER_COLUMNS)].fillna("")
    ledger[ROW] = ledger[ROW].astype("int64")
    return ledger.sort_values(["dataset", FILE, ROW], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Tally:
    """What the report states of the ledger: its fates' totals and its rows, fates and reasons per dataset and
    per file — all the build keeps of the ledger once it is written (a few entries per file, not a row per
    input row)."""

    totals: dict[str, int]  # "rows" and each fate's count
    datasets: dict[str, Any]  # dataset → {"rows", each fate's count, "reasons": {"fate:reason": n}}
    files: dict[str, Any]  # batch file → the same


def tally(ledger: pd.DataFrame) -> Tally:
    """The ledger's counts, as the report states them."""
    fates = ledger["fate"].value_counts()  # (a Counter over the column: 0.87 s at 1 M rows, this 0.02 s)
    totals = {"rows": len(ledger), **{f: int(fates.get(f, 0)) for f in (PUBLISHED, WITHHELD, REJECTED)}}
    return Tally(totals, _per(ledger, "dataset"), _per(ledger, FILE))


def write_ledger(
    report_dir: Path, parts: Sequence[pd.DataFrame | pa.Table], slice_rows: int = LEDGER_SLICE
) -> Tally:
    """Write the ledger of ``parts`` (the rows ``assemble_ledger`` gives, in its order) into ``report_dir`` as
    Parquet, a slice of ``slice_rows`` rows at a time; return its counts. In Arrow, its rows put in order as
    they are written rather than sorted first: pandas' way (the parts joined, the columns picked, the gaps
    filled, the rows sorted, then converted) made copies of a city's whole ledger (a 1 M build's 1,065,045 rows,
    three runs each: the process's anonymous memory rose 464–484 MiB while it was written, now 230–267 MiB;
    1.3–1.6 s of CPU, now 1.6–2.4 s). The columns whose values repeat are held as dictionaries meanwhile (1 M,
    one build each: the rise while it is written 219 → 201 MiB, what it leaves held until the next stage hands
    memory back +132 → −29 MiB). The public records' rows come as Arrow tables, Arrow's freed buffers are handed
    back before the counts, and the counts are grouped on the dictionary columns (``bench_report_ledger.py``,
    1.03 M rows, 3 rounds against the code before: the peak 230 → 142 MiB, 2.4 → 1.9 s of CPU, best)."""
    ledger = ledger_table(parts)
    order = _ledger_order(ledger)
    report_dir.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(report_dir / paths.LEDGER_FILE, LEDGER_SCHEMA, compression="zstd") as writer:
        for start in range(0, len(order), slice_rows):
            writer.write_table(ledger.take(order[start : start + slice_rows]).cast(LEDGER_SCHEMA))
    give_back_arrow()  # the slices' and the writer's buffers, before the counts are made
    return tally(ledger.select(["dataset", FILE, "fate", "reason"]).to_pandas())


def ledger_table(parts: Sequence[pd.DataFrame | pa.Table]) -> pa.Table:
    """The rows of ``parts`` in one table, in the parts' order (not sorted), as ``_HELD_SCHEMA``: each column of
    ``LEDGER_COLUMNS`` a string ('' where a part has none or a value is missing) but ``ROW``; a part already an
    Arrow table is taken as it is (``published_rows``)."""
    tables = [part if isinstance(part, pa.Table) else _part_table(part) for part in parts if len(part)]
    return pa.concat_tables(tables) if tables else _HELD_SCHEMA.empty_table()


def _part_table(part: pd.DataFrame) -> pa.Table:
    return pa.table([_column(part, name) for name in LEDGER_COLUMNS], schema=_HELD_SCHEMA)


def _column(part: pd.DataFrame, name: str) -> pa.Array:
    """Column ``name`` of a ledger part: '' where the part has no such column or a value is missing."""
    if name == ROW:
        return pa.array(part[ROW].to_numpy(dtype=np.int64))
    if name not in part:
        return pa.repeat(pa.scalar("", _HELD_SCHEMA.field(name).type), len(part))
    if name not in _REPEATED:
        return pa.array(part[name], pa.large_string()).fill_null("")
    codes, values = pd.factorize(part[name].fillna(""))  # each distinct string made once in Arrow, not a row
    return pa.DictionaryArray.from_arrays(codes.astype(np.int32), pa.array(values, pa.large_string()))


def _ledger_order(ledger: pa.Table) -> np.ndarray:
    """The ledger's rows sorted by dataset, file and row, rows alike keeping their order (a stable sort): on
    the ranks of the few datasets and files, not on the strings (1 M rows: Arrow's sort of the strings took
    1.3 s, this 0.2 s)."""
    keys = (ledger.column(ROW).to_numpy(), _ranks(ledger.column(FILE)), _ranks(ledger.column("dataset")))
    order: np.ndarray = np.lexsort(keys)  # by the last key first; stable
    return order


def _ranks(column: pa.ChunkedArray) -> np.ndarray:
    """Each value's place among the (dictionary) column's distinct values, sorted."""
    chunks = column.unify_dictionaries().chunks
    if not chunks:
        return np.empty(0, dtype=np.int64)
    dictionary = chunks[0].dictionary
    places = np.empty(len(dictionary), dtype=np.int64)
    places[pc.sort_indices(dictionary).to_numpy()] = np.arange(len(places))
    ranks: np.ndarray = places[np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])]
    return ranks


def summarise(counted: Tally, problems: list[Problem], context: dict[str, Any]) -> dict[str, Any]:
    """The JSON report: totals, per dataset and per file counts, reasons, problems."""
    return {
        **context,
        "totals": counted.totals,
        "datasets": counted.datasets,
        "files": counted.files,
        "masked_in_text": masked_in_text(problems),
        "problem_counts": dict(sorted(Counter(p.code for p in problems).items())),
        "problems": [p.to_dict() for p in problems],
    }


def masked_in_text(problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """Dataset → {"numbers": total, "fields": {field: n}}: personal numbers masked inside free text (from the
    rules stage's ``privacy-numbers-in-text`` warnings, whose value is the count); datasets without any are absent."""
    result: dict[str, dict[str, Any]] = {}
    for p in problems:
        if p.code == MASKED_IN_TEXT:
            entry = result.setdefault(p.dataset, {"numbers": 0, "fields": {}})
            entry["numbers"] += int(p.value)
            entry["fields"][p.field] = entry["fields"].get(p.field, 0) + int(p.value)
    return dict(sorted(result.items()))


def _per(ledger: pd.DataFrame, column: str) -> dict[str, Any]:
    """Rows, fates and reasons per value of ``column``, sorted by it: two group-bys over the whole ledger
    rather than a Counter and a group-by per file (measured at 1 M rows and 388 files: 0.96 → 0.55 s)."""
    counts: dict[str, dict[str, int]] = {}
    for (name, fate), n in _sizes(ledger, [column, "fate"]):
        counts.setdefault(name, {})[fate] = n
    reasons: dict[str, dict[str, int]] = {}
    unpublished = ledger[ledger["fate"] != PUBLISHED]
    for (name, fate, reason), n in _sizes(unpublished, [column, "fate", "reason"]):
        reasons.setdefault(name, {})[f"{fate}:{reason}"] = n
    return {
        name: {
            "rows": sum(fates.values()),
            **{f: fates.get(f, 0) for f in (PUBLISHED, WITHHELD, REJECTED)},
            "reasons": reasons.get(name, {}),
        }
        for name, fates in counts.items()
    }


def _sizes(frame: pd.DataFrame, keys: list[str]) -> list[tuple[tuple[str, ...], int]]:
    """The rows of each combination of ``keys`` found, sorted by it (the columns may be categorical, whose
    categories come in no order: the report's ledger's are, not copied into strings a row)."""
    sizes = frame.groupby(keys, sort=False, observed=True).size()
    return sorted((tuple(str(k) for k in key), int(n)) for key, n in sizes.items() if n)


def write_json(path: Path, data: Any, default: Callable[[Any], Any] | None = None) -> None:
    """``data`` into ``path`` as ``json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)`` writes it, and
    a newline, the text streamed into the file rather than made whole: a city's build report and problems are
    tens of MB of JSON, and their text (Chinese: 2–4 bytes a character in a Python string) and its UTF-8 copy
    raised the process's memory for a moment (1 M records: by 103 and 246 MiB for the state's build.json in
    two builds)."""
    with path.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True, default=default)
        f.write("\n")


def write_report(report_dir: Path, summary: dict[str, Any]) -> None:
    """Write build-report.json and build-report.html into ``report_dir`` (the ledger is ``write_ledger``'s)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    write_json(report_dir / paths.BUILD_REPORT_JSON, summary, default=str)
    (report_dir / paths.BUILD_REPORT_HTML).write_text(render(summary), encoding="utf-8")
