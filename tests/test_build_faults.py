"""A build that cannot finish fails cleanly: exit 3, one line saying what failed, the previous site unchanged.

Faults are real: files removed from the staged site, a full disk (a small tmpfs, when the tests run as root as
CI does), a file-size limit set on the running build. Each is injected while the build is held at one of its
checkpoints (``generator.checkpoints``).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.buildproc import Build, staging_folders, start_build, tree_digest
from tests.conftest import DEMO_CATALOG


def published_copy(demo_build: Path, parent: Path) -> Path:
    out = parent / "published"
    shutil.copytree(demo_build, out)
    return out


def failed_line(build: Build) -> str:
    """The build's one-line failure message, once it has ended with exit code 3."""
    code, err = build.finish()
    assert code == 3, err
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.strip()]
    assert line.startswith("构建失败，网站保持上一版不变：")
    return line


@pytest.mark.slow
def test_relative_catalog_and_out_work_from_any_working_folder(demo_build: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    out = published_copy(demo_build, elsewhere)
    before = tree_digest(out / "site")
    catalog = Path(os.path.relpath(DEMO_CATALOG, elsewhere))
    build = start_build(Path("published"), catalog=catalog, as_of="2026-11-20", cwd=elsewhere)
    code, err = build.finish()
    assert code == 0, err
    assert tree_digest(out / "site") == before  # every page rebuilt, byte for byte


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["index.html", "404.html", "search-index"])
def test_site_missing_its_home_page_404_page_or_search_index_is_not_swapped_in(
    missing: str, demo_build: Path, tmp_path: Path
) -> None:
    out = published_copy(demo_build, tmp_path)
    before = tree_digest(out / "site")
    build = start_build(out, pause_at="report")
    build.wait_at_checkpoint()
    [staging] = staging_folders(out)
    target = staging / "site" / missing
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    build.resume()
    assert missing in failed_line(build)
    assert tree_digest(out / "site") == before
    assert staging_folders(out) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 160 MB tmpfs (the demo's published/ is about 50 MB), mounted for the test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Take the disk's free space until ``leave`` bytes are left (or fewer: others may be writing too)."""
    with open(disk / "filler", "wb", buffering=0) as f:
        chunk = 1 << 20
        while chunk >= 4096:
            if shutil.disk_usage(disk).free - chunk < leave:
                chunk //= 2
                continue
            try:
                f.write(b"\0" * chunk)
            except OSError:
                chunk //= 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("checkpoint", "leave", "where"),
    [("site", 2 << 20, r"/\.gongshi-mkdocs-\w+/site/"), ("site-bulk", 0, "")],
    ids=["inside-mkdocs", "while-workers-render"],
)
def test_disk_full_fails_the_build_with_exit_3_naming_the_path_and_keeps_the_site(
    checkpoint: str, leave: int, where: str, demo_build: Path, small_disk: Path
) -> None:
    out = published_copy(demo_build, small_disk)
    before = tree_digest(out / "site")
    build = start_build(out, pause_at=checkpoint)
    build.wait_at_checkpoint()
    fill(small_disk, leave)
    build.resume()
    line = failed_line(build)
    assert "渲染门户网站" in line and "磁盘空间已满" in line and "No space left on device" in line
    assert str(out) in line and re.search(where, line)  # inside mkdocs: a file of its output
    assert tree_digest(out / "site") == before
    assert staging_folders(out) == []


def ignore_file_size_signal() -> None:
    """In the build's process: a write past RLIMIT_FSIZE then fails with EFBIG instead of killing it."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@pytest.mark.slow
def test_write_refused_in_the_pack_stage_fails_the_build_with_exit_3_and_keeps_the_site(
    demo_build: Path, tmp_path: Path
) -> None:
    out = published_copy(demo_build, tmp_path)
    before = tree_digest(out / "site")
    build = start_build(out, pause_at="packs-writing", preexec_fn=ignore_file_size_signal)
    build.wait_at_checkpoint()
    resource.prlimit(build.pid, resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    build.resume()
    line = failed_line(build)
    assert "写出开放数据包" in line and "File too large" in line and str(out) in line
    assert tree_digest(out / "site") == before
