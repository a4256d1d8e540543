"""One build at a time per output folder: a second one stops at once, naming the first, and harms nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.buildproc import staging_folders, start_build, tree_digest


@pytest.mark.slow
def test_second_build_on_the_same_output_exits_3_naming_the_first_and_leaves_its_work_alone(
    demo_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    before, folder = tree_digest(out / "site"), (out / "site").stat().st_ino
    first = start_build(out, pause_at="site-bulk", as_of="2026-11-20")
    first.wait_at_checkpoint()
    [staging] = staging_folders(out)

    code, err = start_build(out).finish()
    assert code == 3, err
    [line] = [line for line in err.splitlines() if line.strip()]
    assert f"PID {first.pid}" in line and str(out) in line
    assert staging_folders(out) == [staging] and (staging / "site").is_dir()
    assert tree_digest(out / "site") == before

    first.resume()
    code, err = first.finish()
    assert code == 0, err
    assert staging_folders(out) == []
    assert (out / "site").stat().st_ino != folder  # a new site folder was swapped in…
    assert tree_digest(out / "site") == before  # …and it is complete: the same as-of gives the same bytes
