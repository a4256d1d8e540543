"""A batch file's outcome: the file through load and validate, as the batch cache keeps it.

Stage: load (the batch cache, ``generator.loading.cache``; the outcome is filled by ``generator.inputs``).
Guarantees: ``decode_outcome`` gives back what ``encode_outcome`` was given — the valid rows (an Arrow IPC
file in record batches of at most ``OUTCOME_BATCH_ROWS`` rows, renumbered to the batch asked for) and, as
JSON, both stages' ledger rows and problems (levels taken from the documented codes) and the departments of
the rejected rows — or raises (ValueError, KeyError, …) when the files are not such an outcome, or its valid
rows do not match their recorded count and columns.
``valid_rows_between`` gives a run of the valid rows, decompressing only the record batches that hold it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.model import BATCH, ROW
from generator.problems import Problem, problem

OUTCOME_FORMAT = 1
# Rows per record batch of an outcome's valid rows: a rules task (65,536 rows of a dataset, ``rules.parts``) then
# decompresses and holds its own rows and at most two such batches more, not every batch file its part touches.
OUTCOME_BATCH_ROWS = 16_384


@dataclass
class Outcome:
    """One batch file through load and validate, as arrow tables (joined into the stages' pandas frames once
    per dataset, not once per file): what a later build may take instead of reading and checking the file."""

    valid: pa.Table  # the validate stage's valid rows
    ledger: pa.Table  # the validate stage's ledger rows
    problems: list[Problem]  # the validate stage's
    departments: pa.Table  # FILE, ROW and department of each row validation rejected
    load_ledger: pa.Table  # the load stage's ledger rows (rows not read)
    load_problems: list[Problem]
    # the file holding every column of ``valid`` when ``valid`` was read with only some (``decode_outcome``)
    source: Path | None = None


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A stage's frame as an arrow table without pandas metadata (``to_pandas`` gives the same frame back)."""
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def frame_of(tables: list[pa.Table]) -> pd.DataFrame:
    """Arrow tables of one layout joined into one frame (text columns are chained, not copied)."""
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def encode_outcome(outcome: Outcome) -> tuple[bytes, bytes]:
    """The outcome's valid rows as an Arrow IPC file, and the rest as JSON. IPC because hundreds of files are
    read on every build and Parquet's per-file cost measured twice IPC's; LZ4 because it decompresses in about
    half zstd's CPU time (0.6 s against 1.1 s for 1 M rows, at 2.2x the disk: ≈ 230 MB)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, outcome.valid.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as f:
        f.write_table(outcome.valid, max_chunksize=OUTCOME_BATCH_ROWS)
    rest = {
        "format": OUTCOME_FORMAT,
        "valid": {"rows": outcome.valid.num_rows, "columns": outcome.valid.column_names},
        "ledger": _columns(outcome.ledger),
        "problems": [_problem_data(p) for p in outcome.problems],
        "departments": _columns(outcome.departments),
        "load_ledger": _columns(outcome.load_ledger),
        "load_problems": [_problem_data(p) for p in outcome.load_problems],
    }
    text = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))
    return bytes(sink.getvalue()), text.encode("utf-8", "surrogatepass")


def decode_outcome(rows: Path, rest: Path, batch: int, columns: Sequence[str] | None = None) -> Outcome:
    """An outcome as ``encode_outcome`` wrote it; raises (ValueError, KeyError, …) if it is not one. With
    ``columns`` its valid rows hold only those of them it has (the others are not even decompressed), and
    ``source`` names the file holding them all."""
    data = json.loads(rest.read_bytes().decode("utf-8", "surrogatepass"))
    if data["format"] != OUTCOME_FORMAT:
        raise ValueError("foreign outcome format")
    with pa.OSFile(str(rows)) as source, pa.ipc.open_file(source) as f:
        if f.schema.names != data["valid"]["columns"]:
            raise ValueError("the valid rows do not match their outcome")
        valid = f.read_all() if columns is None else _some(source, f.schema.names, columns)
    if valid.num_rows != data["valid"]["rows"]:
        raise ValueError("the valid rows do not match their outcome")
    return Outcome(
        numbered(valid, batch),
        _table(data["ledger"]),
        _problems(data["problems"]),
        _table(data["departments"]),
        _table(data["load_ledger"]),
        _problems(data["load_problems"]),
        None if columns is None else rows,
    )


def _some(source: pa.OSFile, names: list[str], columns: Sequence[str]) -> pa.Table:
    """The file's valid rows with only ``columns`` (those it has, in its order; BATCH always)."""
    wanted = {*columns, BATCH}
    fields = [i for i, name in enumerate(names) if name in wanted]
    source.seek(0)
    with pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(included_fields=fields)) as f:
        return f.read_all()


def whole_rows(outcome: Outcome, batch: int) -> pa.Table:
    """An outcome's valid rows with every column (read again from ``source`` when it was read with some)."""
    return outcome.valid if outcome.source is None else valid_rows(outcome.source, batch)


def valid_rows(file: str | Path, batch: int) -> pa.Table:
    """Every column of the valid rows an outcome's file holds, numbered as batch ``batch``."""
    with pa.OSFile(str(file)) as source, pa.ipc.open_file(source) as f:
        return numbered(f.read_all(), batch)


def valid_rows_between(file: str | Path, start: int, stop: int, batch: int) -> pa.Table:
    """Rows ``start`` to ``stop - 1`` of the valid rows an outcome's file holds, numbered as batch ``batch``:
    only the record batches holding them are decompressed (their sizes are read from the BATCH column alone)."""
    with pa.OSFile(str(file)) as source:
        sizes = np.array(_batch_sizes(source), dtype=np.int64)
        begins = np.cumsum(sizes) - sizes
        wanted = np.flatnonzero((begins < stop) & (begins + sizes > start)).tolist()
        source.seek(0)
        with pa.ipc.open_file(source) as f:
            rows = pa.Table.from_batches([f.get_batch(i) for i in wanted], f.schema)
    first = int(begins[wanted[0]]) if wanted else start
    return numbered(rows.slice(start - first, stop - start), batch)


def _batch_sizes(source: pa.OSFile) -> list[int]:
    """The rows of each record batch of an IPC file with a BATCH column (only that column decompressed)."""
    with pa.ipc.open_file(source) as f:
        field = f.schema.names.index(BATCH)
    source.seek(0)
    with pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(included_fields=[field])) as f:
        return [f.get_batch(i).num_rows for i in range(f.num_record_batches)]


def numbered(valid: pa.Table, batch: int) -> pa.Table:
    """Valid rows with their BATCH column set to ``batch`` (an outcome is numbered as the batch asked for)."""
    number = pa.array(np.full(valid.num_rows, batch, dtype=np.int64))
    return valid.set_column(valid.column_names.index(BATCH), BATCH, number)


def _columns(table: pa.Table) -> dict[str, list[Any]]:
    return {name: table[name].to_pylist() for name in table.column_names}


def _table(columns: dict[str, list[Any]]) -> pa.Table:
    """A ledger-like table: ROW int64, every other column text (as the stages build them)."""
    return pa.table(
        {
            name: pa.array(values, pa.int64() if name == ROW else pa.large_string())
            for name, values in columns.items()
        }
    )


def _problem_data(found: Problem) -> dict[str, Any]:
    data = found.to_dict()
    del data["level"]  # taken from the documented code when read back, as ``problem`` does
    return data


def _problems(items: list[dict[str, Any]]) -> list[Problem]:
    return [problem(item.pop("code"), item.pop("message"), **item) for item in items]
