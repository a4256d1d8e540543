"""The old site leaves the critical path: after the swap it is removed by a detached process the build does not
wait for, and whatever a removal leaves (killed midway) is swept by the next build.

Removals are held still with the remover's test hook (``GONGSHI_TEST_PAUSE_REMOVAL``: it stops itself before
deleting anything) and the tests synchronise on real events — the marker the remover writes, its stopped state,
its end (pidfd) or a folder's disappearance — with bounded waits, never on the clock.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.lock import hold_output
from generator.swap import new_staging, swap_in
from generator.trash import PAUSE_REMOVAL, claim, remove_in_background, started_removals
from tests.buildproc import LIMIT, TICK, staging_folders, start_build, state, tree_digest, wait_gone


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` every tick until it holds; fails after ``LIMIT`` seconds."""
    deadline = time.monotonic() + LIMIT
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {LIMIT} s"
        time.sleep(TICK)


def make_tree(root: Path, label: str, files: int = 30) -> dict[str, str]:
    """A small folder tree with ``files`` files in nested folders; its digest."""
    for i in range(files):
        target = root / f"d{i % 3}" / f"e{i % 5}" / f"{label}-{i}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{label} {i}\n", encoding="utf-8")
    return tree_digest(root)


def trash_folders(out: Path) -> list[Path]:
    return sorted(out.glob(".trash-*"))


def pause_removals(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Make the next removal started (here or by a child build) stop itself before deleting anything."""
    marker = tmp_path / f"removal-{os.urandom(4).hex()}.pid"
    monkeypatch.setenv(PAUSE_REMOVAL, str(marker))
    return marker


def paused_remover(marker: Path) -> int:
    """The PID of the removal that claimed ``marker``, once it has stopped itself."""
    wait_for(lambda: marker.exists(), "paused removal's marker")
    pid = int(marker.read_text(encoding="utf-8"))
    wait_for(lambda: state(pid) == "T", "stopped removal")
    return pid


def open_files(pid: int) -> set[str]:
    folder = Path(f"/proc/{pid}/fd")
    return {os.readlink(fd) for fd in folder.iterdir()}


def finish_removal(pid: int) -> None:
    os.kill(pid, signal.SIGCONT)
    assert wait_gone([pid]) == []


def test_swap_puts_the_new_site_in_place_and_a_detached_process_removes_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "published"
    old = make_tree(out / "site", "old")
    with hold_output(out):
        staging = new_staging(out)
        new = make_tree(staging / "site", "new")
        marker = pause_removals(monkeypatch, tmp_path)
        swap_in(staging, out, ("site",))
        assert tree_digest(out / "site") == new  # complete, while the removal has not deleted a file yet
        pid = paused_remover(marker)
    try:
        [trash] = trash_folders(out)
        assert tree_digest(trash / staging.name / "site") == old
        assert staging_folders(out) == []
        assert pid in started_removals()
        assert os.getsid(pid) == pid != os.getsid(0)  # its own session: a kill of the build's group spares it
        assert open_files(pid) == {
            os.devnull,
            str(trash),
        }  # stdio on /dev/null; the lock on its trash, nothing else
        assert claim(trash) is None  # held by the live removal…
        with hold_output(out):  # …which does not hold the output lock: it is not taken for a build
            pass
    finally:
        finish_removal(pid)
    assert trash_folders(out) == []


def test_the_next_build_start_sweeps_leftovers_and_leaves_a_live_removal_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "published"
    held = out / ".trash-held"
    make_tree(held / "site", "held")
    marker = pause_removals(monkeypatch, tmp_path)
    remove_in_background(held)
    pid = paused_remover(marker)
    try:
        leftover, stale = out / ".trash-left", out / ".staging-killed"
        make_tree(leftover / "site", "left")  # a removal killed midway: nobody holds it
        make_tree(stale / "site", "stale")  # a killed build's staging folder
        before = tree_digest(held)
        with hold_output(out):
            staging = new_staging(out)
        assert tree_digest(held) == before  # the paused removal's folder was not touched
        assert staging_folders(out) == [staging] and not stale.exists()  # the stale staging went to the trash
        wait_for(lambda: trash_folders(out) == [held], "removal of the leftover and the stale staging folder")
    finally:
        finish_removal(pid)
    assert trash_folders(out) == []


def test_a_killed_removal_leaves_a_folder_that_the_next_sweep_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "published"
    trash = out / ".trash-killed"
    make_tree(trash / "site", "old")
    marker = pause_removals(monkeypatch, tmp_path)
    remove_in_background(trash)
    pid = paused_remover(marker)
    shutil.rmtree(trash / "site" / "d0")  # as far as it got
    os.kill(pid, signal.SIGKILL)
    assert wait_gone([pid]) == []
    fd = claim(trash)  # the kernel dropped the dead remover's lock
    assert fd is not None
    os.close(fd)
    monkeypatch.delenv(PAUSE_REMOVAL)
    with hold_output(out):
        new_staging(out)
    wait_for(lambda: not trash.exists(), "removal of the killed removal's leftover")


def test_the_remover_refuses_anything_but_an_absolute_trash_folder(tmp_path: Path) -> None:
    keep = tmp_path / "site"
    before = make_tree(keep, "keep")
    for argument in (str(keep), ".trash-x", str(tmp_path)):
        done = subprocess.run(
            [sys.executable, "-m", "generator.trash", argument], capture_output=True, text=True
        )
        assert done.returncode == 2 and "usage" in done.stderr, argument
    assert tree_digest(keep) == before


def published_copy(demo_build: Path, tmp_path: Path) -> Path:
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    return out


@pytest.mark.slow
def test_a_rebuild_returns_with_the_complete_new_site_while_the_old_one_is_still_being_removed(
    demo_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = published_copy(demo_build, tmp_path)
    site = tree_digest(demo_build / "site")
    marker = pause_removals(monkeypatch, tmp_path)
    code, err = start_build(out, as_of="2026-11-20").finish()
    assert code == 0, err  # the command returned although the old site's removal has not even started
    pid = paused_remover(marker)
    try:
        assert tree_digest(out / "site") == site  # the same as-of gives the same bytes: complete
        [trash] = trash_folders(out)
        [old] = [p for p in trash.iterdir() if p.name.startswith(".staging-")]
        assert tree_digest(old / "site") == site  # the superseded site, whole, beside the published one

        monkeypatch.delenv(PAUSE_REMOVAL)
        code, err = start_build(out, as_of="2026-11-20").finish()  # a build while the removal is in progress
        assert code == 0, err
        assert tree_digest(old / "site") == site  # its sweep left the live removal's folder alone
        assert tree_digest(out / "site") == site
    finally:
        finish_removal(pid)
    wait_for(lambda: trash_folders(out) == [], "removal of both superseded sites")


@pytest.mark.slow
def test_a_build_after_a_killed_removal_succeeds_and_sweeps_what_it_left(
    demo_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = published_copy(demo_build, tmp_path)
    marker = pause_removals(monkeypatch, tmp_path)
    code, err = start_build(out, as_of="2026-11-20").finish()
    assert code == 0, err
    pid = paused_remover(marker)
    [trash] = trash_folders(out)
    for folder in sorted(trash.glob("*/site/r/*"))[::2]:  # as far as it got
        shutil.rmtree(folder)
    os.kill(pid, signal.SIGKILL)
    assert wait_gone([pid]) == []

    monkeypatch.delenv(PAUSE_REMOVAL)
    code, err = start_build(out, as_of="2026-11-20").finish()
    assert code == 0, err
    assert tree_digest(out / "site") == tree_digest(demo_build / "site")
    assert staging_folders(out) == []
    wait_for(lambda: trash_folders(out) == [], "removal of the killed removal's leftover")
