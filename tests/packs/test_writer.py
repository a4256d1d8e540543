"""Writing in two processes gives the same files as writing in one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.packs.layout import Stamp, layout_for, public_table
from generator.packs.writer import Job, write_datasets
from tests.packs.builders import catalog, frame, penalty

STAMP = Stamp("2026-11-25", date(2026, 11, 25))


def _jobs(root: Path) -> list[Job]:
    cat = catalog(datasets=("penalties",))
    layout = layout_for(cat.dataset("penalties"), cat.portal, STAMP)
    table = public_table(
        frame("penalties", [penalty(n, CF_SY="=1+1" if n == 3 else "经查") for n in range(1, 40)]), layout
    )
    return [Job(layout, table, root / "penalties")]


def test_xlsx_written_by_a_second_process_is_byte_identical(tmp_path: Path) -> None:
    inline, offloaded = _jobs(tmp_path / "inline"), _jobs(tmp_path / "offloaded")
    write_datasets(inline)
    write_datasets(offloaded, offload_rows=0)
    assert [p.name for p in offloaded[0].written] == [p.name for p in inline[0].written]
    for ours, theirs in zip(inline[0].written, offloaded[0].written, strict=True):
        assert ours.read_bytes() == theirs.read_bytes(), ours.name
