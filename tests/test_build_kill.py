"""A build killed anywhere leaves the previous site exactly as it was, and no process behind.

Each build is held at one of its named checkpoints (``generator.checkpoints``) and killed there: the tests
synchronise on the build's own progress, never on the clock.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.checkpoints import CHECKPOINTS
from tests.buildproc import LIMIT, children, staging_folders, start_build, tree_digest, wait_gone


def published_copy(demo_build: Path, tmp_path: Path) -> Path:
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", CHECKPOINTS)
def test_build_killed_at_checkpoint_leaves_the_previous_site_untouched(
    name: str, demo_build: Path, tmp_path: Path
) -> None:
    out = published_copy(demo_build, tmp_path)
    before = tree_digest(out / "site"), tree_digest(out / "state")
    build = start_build(out, pause_at=name)
    build.wait_at_checkpoint()
    build.kill_group()
    assert (tree_digest(out / "site"), tree_digest(out / "state")) == before


@pytest.mark.slow
def test_build_after_a_killed_one_takes_its_lock_clears_its_staging_and_passes_every_checkpoint(
    demo_build: Path, tmp_path: Path
) -> None:
    out = published_copy(demo_build, tmp_path)
    before = tree_digest(out / "site")
    killed = start_build(out, pause_at="site-bulk")
    killed.wait_at_checkpoint()
    killed.kill_group()
    assert len(staging_folders(out)) == 1
    log = tmp_path / "checkpoints.log"
    code, err = start_build(out, log=log).finish()
    assert code == 0, err
    assert log.read_text(encoding="utf-8").split() == list(CHECKPOINTS)
    assert staging_folders(out) == []
    assert tree_digest(out / "site") != before and (out / "site" / "index.html").is_file()


@pytest.mark.slow
def test_page_workers_die_when_the_build_is_killed_while_they_render(
    demo_build: Path, tmp_path: Path
) -> None:
    out = published_copy(demo_build, tmp_path)
    build = start_build(out, pause_at="site-bulk")
    build.wait_at_checkpoint()
    workers = children(build.pid)
    assert len(workers) >= 2  # --jobs 2
    os.kill(build.pid, signal.SIGKILL)  # the build only: its workers must follow by themselves
    build.proc.wait(LIMIT)
    try:
        assert wait_gone(workers, timeout=60) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)  # whatever is left of the group, should the test fail


SPAWNED_POOL = """
import multiprocessing, os, signal
from concurrent.futures import ProcessPoolExecutor
from generator.workers import die_with_parent

context = multiprocessing.get_context("spawn")  # as the data packs' second process
pool = ProcessPoolExecutor(1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
print(pool.submit(os.getpid).result(), flush=True)  # the worker is up, its initializer has run
pool.submit(signal.pause)
signal.pause()
"""


def test_spawned_pool_worker_started_with_die_with_parent_dies_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", SPAWNED_POOL], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        parent.kill()
        parent.wait(LIMIT)
        assert wait_gone([worker], timeout=60) == []  # without the initializer it waits for work forever
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)
