"""Real ``gongshi build`` processes for the tests that kill, hold, starve or race builds.

They synchronise on the build's own progress — its named checkpoints (``generator.checkpoints``) and the
kernel's word that a process stopped or died — never on the clock: every wait is bounded and ends as soon as
the awaited thing happens.
"""

from __future__ import annotations

import hashlib
import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.checkpoints import LOG, PAUSE_AT, PAUSE_MARKER
from tests.conftest import DEMO_CATALOG, REPO

LIMIT = 300.0  # seconds: generous, for a loaded 2-core machine; a wait that succeeds ends at once
TICK = 0.05


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@dataclass
class Build:
    """A ``gongshi build`` child process in its own session (so its whole group can be killed)."""

    proc: subprocess.Popen[str]
    marker: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_at_checkpoint(self) -> None:
        """Until the build has reached its pause checkpoint and stopped itself there."""
        wait_until(lambda: self.marker.exists() and state(self.pid) == "T", self, "the pause checkpoint")
        assert self.marker.read_text(encoding="utf-8").strip() == str(self.pid)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def kill_group(self) -> None:
        os.killpg(self.pid, signal.SIGKILL)
        self.proc.wait(LIMIT)

    def finish(self) -> tuple[int, str]:
        """Wait for the build to end: its exit code and what it wrote to stderr (a build still running after
        ``LIMIT`` is killed, with its workers, before the test fails: none is left behind, stopped or not)."""
        try:
            _, err = self.proc.communicate(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            self.kill_group()
            raise
        return self.proc.returncode, err


def start_build(
    out: Path,
    *,
    pause_at: str | None = None,
    catalog: Path = DEMO_CATALOG,
    as_of: str = "2026-11-21",
    cwd: Path | None = None,
    log: Path | None = None,
    preexec_fn: Callable[[], Any] | None = None,
    extra: tuple[str, ...] = (),
) -> Build:
    """Start ``gongshi build``; with ``pause_at`` it stops itself at that checkpoint (see ``wait_at_checkpoint``)."""
    marker = out.parent / f".paused-{pause_at}-{os.urandom(4).hex()}"
    env = {k: v for k, v in os.environ.items() if k not in (PAUSE_AT, PAUSE_MARKER, LOG)}
    env["PYTHONPATH"] = str(REPO)
    if pause_at:
        env |= {PAUSE_AT: pause_at, PAUSE_MARKER: str(marker)}
    if log:
        env[LOG] = str(log)
    command = [sys.executable, "-m", "generator.cli", "build", "--catalog", str(catalog), "--out", str(out)]
    proc = subprocess.Popen(
        [*command, "--as-of", as_of, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
        cwd=cwd,
        preexec_fn=preexec_fn,
    )
    return Build(proc, marker)


def wait_until(condition: Callable[[], bool], build: Build, what: str) -> None:
    """Until ``condition`` holds; fails at once if the build ends first, or after ``LIMIT`` seconds."""
    waited = 0.0
    while not condition():
        try:
            build.proc.wait(TICK)  # the tick doubles as the check that the build is still running
        except subprocess.TimeoutExpired:
            waited += TICK
            assert waited < LIMIT, f"no {what} within {LIMIT} s"
            continue
        _, err = build.proc.communicate()
        raise AssertionError(f"the build ended (exit {build.proc.returncode}) before {what}:\n{err}")


def state(pid: int) -> str:
    """The process's state letter from /proc (``T``: stopped; ``?`` when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return "?"
    return stat.rsplit(")", 1)[1].split()[0]


def children(pid: int) -> list[int]:
    """The PIDs of ``pid``'s child processes."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text(encoding="utf-8").split()]
    return found


def wait_gone(pids: list[int], timeout: float = LIMIT) -> list[int]:
    """Wait (on pidfds: the kernel says when each process ends) until every pid has ended; the ones that
    have not after ``timeout`` seconds."""
    alive = []
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            ready, _, _ = select.select([fd], [], [], timeout)
            alive += [] if ready else [pid]
        finally:
            os.close(fd)
    return alive


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.glob(".staging-*"))


def catalog_with_an_empty_batch_file_only(folder: Path) -> Path:
    """The demo catalog without the datasets holding its deliberately bad rows, plus one empty batch file: an
    ``error`` problem that rejects no row."""
    shutil.copytree(DEMO_CATALOG, folder)
    for dataset in ("licences", "penalties", "inspections", "evaluations", "registrations", "fulfilment"):
        shutil.rmtree(folder / "datasets" / dataset)
    (folder / "datasets" / "measures" / "2099.csv").write_bytes(b"")
    return folder
