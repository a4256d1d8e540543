"""A shared view read back memory-mapped (``payloads.mapped``) is the same frame — columns, dtypes, index,
values — whose buffers are the file's pages, not the build's memory, and it outlives the file's removal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from generator.site.payloads import mapped, share
from tests.site.conftest import publication
from tests.site.credit_tables import credit_tables, views_of


def test_a_shared_view_read_back_mapped_is_the_same_frame_held_in_the_files_pages(tmp_path: Path) -> None:
    few = views_of(publication().tables | credit_tables())
    views = [replace(v, frame=pd.concat([v.frame] * 500, ignore_index=True)) for v in few]  # above the noise
    shared = share(views, tmp_path / "views")
    assert 0 < len(shared.files) < len(views), "some views shared, a kind kept whole not"
    held = sum(pa.Table.from_pandas(views[vi].frame).nbytes for vi in shared.files)
    before = pa.total_allocated_bytes()
    back = mapped(views, shared)
    assert pa.total_allocated_bytes() - before < held / 100, "the frames were copied, not mapped"
    for file in shared.written():
        Path(file).unlink()
    for vi, (view, again) in enumerate(zip(views, back, strict=True)):
        pd.testing.assert_frame_equal(again.frame, view.frame)
        assert (again.frame is view.frame) is (vi not in shared.files)
        assert again.spec is view.spec and again.fields == view.fields
