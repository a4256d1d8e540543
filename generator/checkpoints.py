"""Named checkpoints in the build, where a test can hold it still (kill it, fill the disk, start a rival build).

Stage: shared by the build's stages (test hook only). Guarantees: without the environment variables below a
checkpoint costs two environment lookups and does nothing (a build passes a dozen). With them, a test
synchronises on the build's own progress instead of on the clock:

- ``GONGSHI_TEST_PAUSE_AT=<name>``: the first time the build process reaches checkpoint ``<name>`` it writes
  its PID to the file named by ``GONGSHI_TEST_PAUSE_MARKER`` (write-then-rename, so the file appears whole) and
  stops itself with SIGSTOP. The test waits for the marker, does what it wants, then sends SIGCONT (the build
  goes on) or SIGKILL.
- ``GONGSHI_TEST_CHECKPOINT_LOG=<file>``: every checkpoint reached is appended to ``<file>``, one name a line
  (shows the hook covers every stage).

Checkpoints are called from the build process only, never from its worker processes. ``CHECKPOINTS`` lists
them in the order a build passes them: one at every stage boundary (named after the stage about to start),
``load-files`` inside the load stage (with ``--scheduler``: once the first batch file's outcome is back from a
worker, the others being read; without: once every batch file is read and validated), ``packs-writing`` inside the data-pack stage (some formats written, others not), ``site-bulk`` inside the site
stage (while the worker processes render the bulk pages) and ``swap`` just before the atomic swap.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

PAUSE_AT = "GONGSHI_TEST_PAUSE_AT"
PAUSE_MARKER = "GONGSHI_TEST_PAUSE_MARKER"
LOG = "GONGSHI_TEST_CHECKPOINT_LOG"

CHECKPOINTS = (
    "load",
    "load-files",
    "rules",
    "packs",
    "packs-writing",
    "release",
    "site",
    "site-bulk",
    "search",
    "precompress",
    "report",
    "swap",
)

_passed: set[str] = set()


def checkpoint(name: str) -> None:
    """Mark that the build reached ``name`` (one of ``CHECKPOINTS``); pause here if a test asked to."""
    log = os.environ.get(LOG)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(name + "\n")
    if os.environ.get(PAUSE_AT) != name or name in _passed:
        return
    _passed.add(name)
    marker = Path(os.environ[PAUSE_MARKER])
    partial = marker.with_name(marker.name + ".part")
    partial.write_text(f"{os.getpid()}\n", encoding="utf-8")
    partial.rename(marker)
    os.kill(os.getpid(), signal.SIGSTOP)
