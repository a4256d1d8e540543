"""One build at a time per output folder: an exclusive lock on ``<out>/.lock``.

Stage: around the whole build (taken before anything in the output folder is read or written). Guarantees:
- ``hold_output`` takes ``fcntl.flock`` on ``<out>/.lock`` without waiting; when another process holds it, it
  raises ``OutputBusy`` naming that process (its PID and start time, which the holder writes into the file),
  having touched nothing else — in particular not the holder's staging folder.
- The kernel releases the lock when the holding process dies, however it dies, so a lock left by a killed
  build is simply taken by the next one: there is no stale-lock cleanup to get wrong. (Forked workers share the
  lock while they live; they die with their parent, see ``generator.workers``.)
- Only the lock holder may create or remove ``.staging-*`` folders (``generator.swap``), or create
  ``.trash-*`` ones. The background removal of a ``.trash-*`` folder never holds this lock (it cannot inherit
  the descriptor; it holds a lock on its trash folder instead, ``generator.trash``), so it is never taken for
  a build.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from generator import paths


class OutputBusy(Exception):
    """Another build holds the output folder."""

    def __init__(self, out: Path, holder: str) -> None:
        super().__init__(f"{out} is being built by {holder}")
        self.out = out
        self.holder = holder


@contextmanager
def hold_output(out: Path) -> Iterator[None]:
    """Hold the lock on ``out`` (created if missing) for the duration of the ``with`` block."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / paths.LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(out, _holder(fd)) from None
        _write_holder(fd)
        yield
    finally:
        os.close(fd)  # releases the lock


def _write_holder(fd: int) -> None:
    os.ftruncate(fd, 0)
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    os.pwrite(fd, f"PID {os.getpid()}，{started} 开始\n".encode(), 0)


def _holder(fd: int) -> str:
    """What the holder wrote about itself (it may not have written yet)."""
    text = os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
    return text or "另一个构建进程"
