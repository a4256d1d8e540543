"""A build killed anywhere leaves the previous site exactly as it was, and no process behind — an incremental
build included (the killed builds start from a published folder whose state describes its site).

Each build is held at one of its named checkpoints (``generator.checkpoints``) and killed there: the tests
synchronise on the build's own progress, never on the clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator import paths
from generator.checkpoints import CHECKPOINTS
from tests.buildproc import LIMIT, children, staging_folders, start_build, tree_digest, wait_gone


def published_copy(demo_build: Path, tmp_path: Path) -> Path:
    """A copy of the demo build whose state still describes its site, so the next build is incremental (the
    copy's site is another folder: its seals are re-pointed at it — the files are the same bytes)."""
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    for name in (paths.SITE_DIGESTS_SEAL, paths.PAGE_UNITS_SEAL):
        seal = out / paths.STATE_DIR / name
        data = json.loads(seal.read_text(encoding="utf-8"))
        seal.write_text(
            json.dumps(data | {"site_inode": os.stat(out / paths.SITE_DIR).st_ino}), encoding="utf-8"
        )
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
    changes = json.loads((out / paths.REPORT_DIR / paths.CHANGES_JSON).read_text(encoding="utf-8"))
    assert changes["basis"] == "digests"  # the killed build left the state sound: this one was incremental


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
import os, signal
from generator.workers import second_process

pool = second_process()  # the data packs' and the release purge's second process
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
