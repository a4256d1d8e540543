"""The typed formats written a slice at a time (on a cluster, by a task holding one slice) are the formats
written from the whole typed table: the same schema, the same rows, the same Parquet bytes."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyarrow import ipc

from generator.cluster import share_table
from generator.packs import parquet
from generator.packs.layout import Layout, Stamp, layout_for, public_table
from generator.packs.sliced import TypedFile, _slices, write_typed
from generator.packs.typed import typed_schema, typed_slice, typed_table
from tests.packs.builders import catalog, frame, penalty

STAMP = Stamp("2026-11-25", date(2026, 11, 25))
AMOUNTS = st.sampled_from(["1.5", "2", "12.345678901", "0.000000001", "-3.25", "1e3", "壹万元", ""])
DATES = st.sampled_from(["2025-01-02", "2024-02-29", "2025-13-01", "", "2025/01/02"])


def text_table(amounts: list[str], dates: list[str]) -> tuple[Layout, pa.Table]:
    spec = catalog(datasets=("penalties",)).dataset("penalties")
    layout = layout_for(spec, catalog().portal, STAMP)
    rows = [penalty(n, CF_NR_FK=a, CF_JDRQ=d) for n, (a, d) in enumerate(zip(amounts, dates, strict=True))]
    return layout, public_table(frame("penalties", rows), layout)


def cut(table: pa.Table, rows: int) -> list[pa.Table]:
    return [table.slice(s, rows) for s in range(0, table.num_rows, rows)] or [table.slice(0, 0)]


@given(st.lists(st.tuples(AMOUNTS, DATES), max_size=30), st.integers(1, 7))
def test_the_slices_typed_one_at_a_time_are_the_whole_typed_table(
    values: list[tuple[str, str]], rows: int
) -> None:
    """A column types only if every slice casts, and a number column's scale is the most of any slice — an
    unparsable value or a long fraction in one slice decides for all."""
    layout, table = text_table([a for a, _ in values], [d for _, d in values])
    whole = typed_table(table, layout)
    schema = typed_schema(lambda: iter(cut(table, rows)), layout)
    assert schema == whole.schema and schema.metadata == whole.schema.metadata
    assert all(a.metadata == b.metadata for a, b in zip(schema, whole.schema, strict=True))
    typed = pa.concat_tables([typed_slice(part, schema) for part in cut(table, rows)])
    assert typed.equals(whole)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15, deadline=None)
@given(st.lists(st.tuples(AMOUNTS, DATES), max_size=40), st.integers(1, 9), st.integers(1, 9))
def test_parquet_written_by_a_task_a_row_group_at_a_time_has_the_bytes_of_the_whole_tables(
    tmp_path_factory: pytest.TempPathFactory, values: list[tuple[str, str]], rows: int, batch: int
) -> None:
    """As on a worker: the text table shared in batches (of another size than a row group), read back a batch
    at a time and re-cut into row groups."""
    tmp = tmp_path_factory.mktemp("typed")
    layout, table = text_table([a for a, _ in values], [d for _, d in values])
    (tmp / "whole").mkdir()
    (tmp / "task").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet, "ROW_GROUP_ROWS", rows)
        [expected] = parquet.write(layout, typed_table(table, layout), tmp / "whole")
    share_table(table, tmp / "text.arrow", batch)
    written, schema = write_typed(TypedFile("parquet", layout, tmp / "text.arrow", tmp / "task", rows))
    assert [p.name for p in written] == [expected.name]
    assert written[0].read_bytes() == expected.read_bytes()
    assert schema == typed_table(table, layout).schema


@given(st.lists(st.integers(0, 5), max_size=8), st.integers(1, 6))
def test_a_files_batches_are_re_cut_into_slices_of_the_rows_asked(batches: list[int], rows: int) -> None:
    table = pa.table({"n": pa.array(range(sum(batches)), pa.int64())})
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema) as writer:
        at = 0
        for size in batches:
            writer.write_table(table.slice(at, size))
            at += size
    reader = ipc.open_file(pa.BufferReader(sink.getvalue()))
    found = list(_slices(reader, rows))
    assert [part.num_rows for part in found] == [len(p) for p in cut(table, rows)]
    assert pa.concat_tables(found).column("n").to_pylist() == list(range(sum(batches)))
    assert all(part.num_rows == rows for part in found[:-1])
