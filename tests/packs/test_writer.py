"""Writing in two processes, or on a Dask cluster (a workbook part a task, a text format a task), gives the same
files as writing in one."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator.cluster import OnCluster, connect, parse_scheduler
from generator.packs import allzip, parquet, tasks, write_packs, xlsx
from generator.packs.job import Job
from generator.packs.layout import Layout, Stamp, layout_for, public_table
from generator.packs.registry import FORMATS
from generator.packs.writer import write_datasets
from tests.packs.builders import catalog, frame, licence, penalty, publication

STAMP = Stamp("2026-11-25", date(2026, 11, 25))


def _jobs(root: Path, rows: int = 39) -> list[Job]:
    cat = catalog(datasets=("penalties",))
    layout = layout_for(cat.dataset("penalties"), cat.portal, STAMP)
    table = public_table(
        frame("penalties", [penalty(n, CF_SY="=1+1" if n == 3 else "经查") for n in range(1, rows + 1)]),
        layout,
    )
    return [Job(layout, table, root / "penalties")]


@pytest.mark.parametrize("rows", [39, 0])
def test_xlsx_written_by_a_second_process_is_byte_identical(tmp_path: Path, rows: int) -> None:
    """(The second process writes a workbook part at a time from the Parquet file, a batch of rows at a time.)"""
    inline, offloaded = _jobs(tmp_path / "inline", rows), _jobs(tmp_path / "offloaded", rows)
    write_datasets(inline)
    write_datasets(offloaded, offload_rows=0)
    assert [p.name for p in offloaded[0].written] == [p.name for p in inline[0].written]
    for ours, theirs in zip(inline[0].written, offloaded[0].written, strict=True):
        assert ours.read_bytes() == theirs.read_bytes(), ours.name


def test_the_second_process_writes_the_workbooks_without_reading_a_whole_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (job,) = _jobs(tmp_path / "inline")
    write_datasets([job])
    monkeypatch.setattr(parquet, "read", lambda _: pytest.fail("the whole table read"))
    alone = tasks.from_parquet("xlsx", job.layout, job.path(".parquet"), _made(tmp_path / "alone"))
    _same_files([job.path(".xlsx")], alone)


def _same_files(ours: list[Path], theirs: list[Path]) -> None:
    assert [p.name for p in theirs] == [p.name for p in ours]
    for one, other in zip(ours, theirs, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name


@pytest.mark.parametrize("row_group", [262_144, 5])  # the packs' row groups; groups smaller than a part
def test_each_xlsx_part_written_alone_from_the_parquet_rows_equals_the_whole_write(
    tmp_path: Path, row_group: int
) -> None:
    (job,) = _jobs(tmp_path / "whole")
    write_datasets([job])
    source = tmp_path / "grouped.parquet"
    pq.write_table(job.typed, source, row_group_size=row_group)
    for max_rows in (7, 13, 39, 100):  # parts cut inside and across row groups, one part, a short one
        whole = xlsx.write(job.layout, job.typed, _made(tmp_path / f"w{max_rows}"), max_rows)
        alone = [
            xlsx.write_part(job.layout, source, _made(tmp_path / f"p{max_rows}"), part, max_rows)
            for part in range(xlsx.parts(job.table.num_rows, max_rows))
        ]
        assert len(alone) == -(-39 // max_rows)
        _same_files(whole, alone)


def test_parquet_rows_are_read_a_batch_at_a_time_from_the_row_groups_that_hold_them(tmp_path: Path) -> None:
    table = pa.table({"n": list(range(1000))})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=64)
    for start, count in ((0, 10), (60, 10), (64, 64), (990, 50), (1000, 5), (0, 1000), (5, 200)):
        pieces = list(parquet.read_rows(tmp_path / "t.parquet", start, count, batch=24))
        assert all(piece.num_rows <= 24 for piece in pieces)
        got = pa.concat_tables(pieces) if pieces else table.slice(0, 0)
        assert got == table.slice(start, count)


def test_a_text_formats_slices_joined_in_order_are_its_whole_file(tmp_path: Path) -> None:
    (job,) = _jobs(tmp_path / "whole")
    for fmt in (f for f in FORMATS if f.write_rows is not None):
        (whole,) = fmt.write(job.layout, job.table, _made(tmp_path / "whole"))
        for rows in (1, 7, 39, 100):
            joined = b""
            for start in range(0, job.table.num_rows, rows):
                fmt.write_rows(job.layout, job.table.slice(start, rows), tmp_path / "slice", start == 0)
                joined += (tmp_path / "slice").read_bytes()
            assert joined == whole.read_bytes(), (fmt.name, rows)


def _refused(layout: Layout, table: pa.Table, folder: Path) -> list[Path]:
    raise AssertionError(f"written in the build's process: {folder}")


@pytest.mark.slow
@pytest.mark.parametrize("slice_rows", [262_144, 10, 1])  # one slice; slices cut inside; a slice a row
def test_every_format_but_parquet_written_on_a_cluster_is_the_same_files_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_rows: int
) -> None:
    here, there = _jobs(tmp_path / "here"), _jobs(tmp_path / "there")
    write_datasets(here)
    monkeypatch.setattr(tasks, "TEXT_ROWS", slice_rows)
    # in this (the build's) process the text and slow formats refuse to write: the workers, separate
    # processes with the real formats, must write them
    refusing = tuple(f if f.name == "parquet" else replace(f, write=_refused) for f in FORMATS)
    cluster = connect(parse_scheduler("local:1"))
    try:
        write_datasets(there, formats=refusing, on=OnCluster(cluster, tmp_path / "tasks"))
    finally:
        cluster.close()
    assert {p.suffix for p in there[0].written} == {".parquet", ".csv", ".jsonl", ".xlsx", ".json"}
    _same_files(here[0].written, there[0].written)
    assert list((tmp_path / "tasks").iterdir()) == []  # each task's file removed once its result was back


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_packs_written_on_a_cluster_equal_one_process_and_the_zip_is_made_on_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = {"penalties": [penalty(n) for n in range(1, 30)], "licences": [licence(n) for n in range(1, 9)]}
    here = write_packs(publication(STAMP.created, records), tmp_path / "here")
    monkeypatch.setattr(allzip, "write", _refused_zip)  # in this process only: the worker must write the zip
    cluster = connect(parse_scheduler("local:1"))
    try:
        there = write_packs(
            publication(STAMP.created, records), tmp_path / "there", OnCluster(cluster, tmp_path / "t")
        )
    finally:
        cluster.close()
    assert [(f.path, f.sha256) for f in there] == [(f.path, f.sha256) for f in here]
    assert any(f.path.endswith(".zip") for f in there)
    for f in here:
        assert (tmp_path / "there" / f.path).read_bytes() == (tmp_path / "here" / f.path).read_bytes(), f.path


def _refused_zip(*args: object) -> Path:
    raise AssertionError("the all-data zip written in the build's process")


def test_a_shared_job_holds_its_rows_memory_mapped_and_reads_them_first(tmp_path: Path) -> None:
    """``share`` (the cluster's packs stage, a job at a time): the file holds the table; the job's rows are then
    read from it (nothing left in Arrow's pool), with the facts the build reads of them taken while in memory;
    the file goes when the stage's stack closes."""
    long = "经" * 32_768
    rows = [penalty(n, CF_SY="=1+1" if n == 2 else long if n == 3 else "经查") for n in range(1, 40)]
    cat = catalog(datasets=("penalties",))
    layout = layout_for(cat.dataset("penalties"), cat.portal, STAMP)
    before = pa.total_allocated_bytes()
    job = Job(layout, public_table(frame("penalties", rows), layout), tmp_path / "penalties")
    alone = Job(layout, job.table, tmp_path / "alone")
    expected = (alone.relaxed, alone.too_long)
    with ExitStack() as stack:
        file = tasks.share(job, tmp_path / "tasks", stack)
        del alone
        assert pa.total_allocated_bytes() == before, "the text table still held in memory"
        assert (job.relaxed, job.too_long) == expected and expected[0] and expected[1] == {"违法事实": 1}
        assert job.shared == file and job.table.equals(public_table(frame("penalties", rows), layout))
    assert not file.exists()
