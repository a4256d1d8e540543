"""A batch file's outcome as the batch cache keeps it: written in record batches of at most
``OUTCOME_BATCH_ROWS`` rows, and a run of its valid rows read back decompressing only the batches that hold it —
so a cluster's rules task holds its part, not every batch file its part touches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.loading.outcome import (
    OUTCOME_BATCH_ROWS,
    Outcome,
    decode_outcome,
    encode_outcome,
    valid_rows,
    valid_rows_between,
)
from generator.model import BATCH, FILE, ROW

LZ4 = pa.ipc.IpcWriteOptions(compression="lz4")


def rows(count: int) -> pa.Table:
    """Valid rows as the validate stage leaves them: a batch number, the row and a text column last."""
    return pa.table(
        {
            BATCH: pa.array(np.zeros(count, dtype=np.int64)),
            ROW: pa.array(np.arange(2, count + 2, dtype=np.int64)),
            "处罚内容": pa.array([f"罚款{n}元" for n in range(count)], pa.large_string()),
        }
    )


def write_batches(file: Path, sizes: list[int]) -> list[tuple[int, int]]:
    """An LZ4 IPC file of ``rows`` in record batches of ``sizes``; returns each batch's byte range."""
    table, ranges, start = rows(sum(sizes)), [], 0
    with pa.OSFile(str(file), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=LZ4) as writer:
        for size in sizes:
            before = sink.tell()
            writer.write_batch(table.slice(start, size).combine_chunks().to_batches()[0])
            ranges.append((before, sink.tell()))
            start += size
    return ranges


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 30), min_size=1, max_size=6), data=st.data())
def test_a_run_of_an_outcomes_rows_equals_that_slice_of_the_whole(
    sizes: list[int], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    file = tmp_path_factory.mktemp("outcome") / "rows.arrow"
    write_batches(file, sizes)
    start = data.draw(st.integers(0, sum(sizes)))
    stop = data.draw(st.integers(start, sum(sizes)))
    run = valid_rows_between(file, start, stop, 7)
    assert run.equals(valid_rows(file, 7).slice(start, stop - start))
    assert run[BATCH].to_pylist() == [7] * (stop - start)


def test_record_batches_outside_the_run_are_not_decompressed(tmp_path: Path) -> None:
    file = tmp_path / "rows.arrow"
    ranges = write_batches(file, [100, 100, 100, 100])
    data = bytearray(file.read_bytes())
    for _, end in (ranges[0], ranges[3]):  # the text column's compressed bytes end each batch's body
        data[end - 40 : end - 8] = b"\xff" * 32
    file.write_bytes(bytes(data))
    with pytest.raises(OSError, match="decompress"):
        valid_rows(file, 0)
    assert valid_rows_between(file, 150, 250, 0)[ROW].to_pylist() == list(range(152, 252))


def test_an_outcome_is_written_in_bounded_record_batches_and_read_back_whole(tmp_path: Path) -> None:
    count = OUTCOME_BATCH_ROWS * 2 + 5
    empty = pa.table({FILE: pa.array([], pa.large_string()), ROW: pa.array([], pa.int64())})
    rows_bytes, rest = encode_outcome(Outcome(rows(count), empty, [], empty, empty, []))
    (tmp_path / "rows.arrow").write_bytes(rows_bytes)
    (tmp_path / "rest.json").write_bytes(rest)
    with pa.ipc.open_file(pa.BufferReader(rows_bytes)) as f:
        sizes = [f.get_batch(i).num_rows for i in range(f.num_record_batches)]
    assert sizes == [OUTCOME_BATCH_ROWS, OUTCOME_BATCH_ROWS, 5]
    back = decode_outcome(tmp_path / "rows.arrow", tmp_path / "rest.json", 0)
    assert back.valid.equals(rows(count))
