"""Removing superseded trees in the background, so that no build waits for millions of files to be deleted.

Stage: after the atomic swap (``generator.swap`` hands over the staging folder, which then holds the old site),
and at the start of the next build for whatever an earlier removal left. Guarantees:

- ``retire(folder, out)`` moves ``folder`` into a fresh ``out/.trash-*`` folder (same filesystem: one rename)
  and starts its removal; it returns at once. The removal is a detached process — ``python -m generator.trash
  <folder>`` in its own session, standard streams on /dev/null, no inherited descriptor but the one below — so
  the build exits without waiting for it, and neither the end of the build nor a kill of the build's process
  group stops it.
- A removal holds ``flock`` on its trash folder from before it starts until it ends: the starting process
  takes the lock and hands the descriptor over (``pass_fds``), and the kernel drops it when the remover exits,
  however it exits. It never holds the output folder's ``.lock`` (``generator.lock``), which the child cannot
  inherit, so a removal in progress is never taken for a build, and the next build starts at once.
- ``sweep(out)``, called by the next build while holding the output lock, starts a removal for every
  ``.trash-*`` folder nobody holds (a removal that was killed midway, or that could not be started) and leaves
  each held one to the live process removing it. Were two removals ever to run on one folder, that would be
  harmless: ``shutil.rmtree(..., ignore_errors=True)`` is idempotent, skipping whatever the other already
  deleted, and only the holder of the output lock ever creates trash folders, so nothing new appears in one.
- Trash is never part of the site: it sits beside ``site/`` in the output folder, outside what is served.
- A removal that cannot be started (no free process slot, no memory) is not an error: the folder stays for the
  next build's sweep. The remover runs at a lower CPU priority (nice 10) than the builds it makes room for.

Test hook: with ``GONGSHI_TEST_PAUSE_REMOVAL=<marker file>`` in its environment, the first remover to claim the
marker writes its PID there (the file appears whole) and stops itself (SIGSTOP) before deleting anything; a
test then continues it (SIGCONT) or kills it. Later removers find the marker taken and go on.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from generator import paths

PAUSE_REMOVAL = "GONGSHI_TEST_PAUSE_REMOVAL"
NICENESS = 10

_started: list[subprocess.Popen[bytes]] = []  # removals started by this process, reaped as new ones start


def retire(folder: Path, out: Path) -> None:
    """Move ``folder`` (inside ``out``) into a new trash folder in one rename, and remove it in the background."""
    trash = Path(tempfile.mkdtemp(prefix=paths.TRASH_PREFIX, dir=out))
    folder.rename(trash / folder.name)
    remove_in_background(trash)


def sweep(out: Path) -> None:
    """Start a removal for every trash folder in ``out`` that no live removal holds; call it holding the lock."""
    for trash in sorted(out.glob(paths.TRASH_PREFIX + "*")):
        remove_in_background(trash)


def remove_in_background(trash: Path) -> None:
    """Start a detached process removing ``trash``, unless one already holds it (or it is gone)."""
    fd = claim(trash)
    if fd is None:
        return
    try:
        _start(trash, fd)
    finally:
        os.close(fd)  # the remover holds its own copy of the locked descriptor


def claim(trash: Path) -> int | None:
    """A descriptor of ``trash`` holding its ``flock``, or ``None`` when a live removal holds it or it is gone."""
    try:
        fd = os.open(trash, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _start(trash: Path, fd: int) -> None:
    _started[:] = [proc for proc in _started if proc.poll() is None]
    command = [sys.executable, "-m", __name__, str(trash.absolute())]  # it runs elsewhere
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(fd,),
            start_new_session=True,
            cwd=paths.PACKAGE_DIR.parent,  # where ``-m generator.trash`` is found, installed or not
        )
    except OSError:
        return  # the folder stays for the next build's sweep
    _started.append(proc)


def started_removals() -> list[int]:
    """The PIDs of the removals this process started that are still running (or not yet reaped)."""
    return [proc.pid for proc in _started if proc.poll() is None]


def main(argv: list[str]) -> int:
    """The remover: delete the trash folder named by ``argv[1]`` (an absolute path whose name starts with
    ``.trash-``; anything else is refused), whatever is left of it."""
    folder = Path(argv[1]) if len(argv) == 2 else None
    if folder is None or not folder.is_absolute() or not folder.name.startswith(paths.TRASH_PREFIX):
        print(f"usage: python -m generator.trash /absolute/path/{paths.TRASH_PREFIX}…", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    _pause_if_asked()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def _pause_if_asked() -> None:
    marker = os.environ.get(PAUSE_REMOVAL)
    if not marker:
        return
    partial = Path(f"{marker}.{os.getpid()}.part")
    partial.write_text(f"{os.getpid()}\n", encoding="utf-8")
    try:
        os.link(partial, marker)  # whole, and only the first remover gets it
    except FileExistsError:
        return
    finally:
        partial.unlink()
    os.kill(os.getpid(), signal.SIGSTOP)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
