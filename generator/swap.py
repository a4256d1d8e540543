"""Atomic swap: the staged build replaces the published one in a single rename per folder.

Stage: last. Guarantees:
- Until ``swap_in`` runs, the previous ``published/site`` is untouched; a build that fails or is killed leaves
  at most a ``.staging-*`` folder behind, which the next build clears. ``new_staging``, ``swap_in`` and
  ``discard`` run only while the caller holds the output folder's lock (``generator.lock``), so a stale staging
  folder is never one a running build is still writing.
- On Linux the swap uses renameat2(RENAME_EXCHANGE), so there is no moment without a site folder; elsewhere,
  two renames.
- The superseded tree is out of the build's critical path. After the exchange the old folders sit in the
  staging folder, which is moved whole, in one rename, into a fresh ``out/.trash-*`` folder and removed by a
  detached background process (``generator.trash``): the build — and the command line — return at once, and
  the site is complete before the removal starts. The same happens to a failed build's staging folder and to
  stale ones found at the start of a build; an empty staging folder is simply removed.
- The next build's start (``tidy``, holding the lock; a build with nothing to do included) sweeps the output
  folder: every ``.trash-*`` that no live removal holds (its remover was killed, or could not be started) gets
  a new removal, and one still being removed is left to its remover (each removal holds ``flock`` on its trash
  folder; concurrent removal of one tree would be harmless anyway, ``rmtree`` with ``ignore_errors`` being
  idempotent). A removal never holds the output lock, so it is never taken for a build.
- Once the exchange has happened nothing can fail the build: trouble moving or removing the old tree leaves it
  for the next sweep.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import tempfile
from pathlib import Path

from generator.paths import STAGING_PREFIX
from generator.trash import retire, sweep

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def new_staging(out: Path) -> Path:
    """A fresh staging folder inside ``out`` (same filesystem, so the final rename is atomic), after ``tidy``;
    call it only while holding ``out``'s lock."""
    out.mkdir(parents=True, exist_ok=True)
    tidy(out)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))


def tidy(out: Path) -> None:
    """Sweep the trash and hand the staging folders that killed builds left behind to background removal;
    call it only while holding ``out``'s lock."""
    sweep(out)
    for stale in sorted(out.glob(STAGING_PREFIX + "*")):
        discard(stale)


def swap_in(staging: Path, out: Path, names: tuple[str, ...]) -> None:
    """Move ``staging/<name>`` to ``out/<name>`` for each name, atomically per folder; the old folders are then
    removed in the background (see the module's docstring)."""
    for name in names:
        new, current = staging / name, out / name
        if not new.exists():
            continue
        if current.exists() and _exchange(new, current):
            continue  # the old folder now sits in staging and goes with it below
        if current.exists():
            current.rename(staging / f"{name}.old")
        new.rename(current)
    discard(staging)


def discard(staging: Path) -> None:
    """Drop a staging folder without waiting for it: removed at once when empty, else retired to the trash.
    Never raises: whatever could not be moved stays for the next build's sweep."""
    with contextlib.suppress(OSError):
        if not staging.exists():
            return
        try:
            staging.rmdir()
            return
        except OSError:
            pass  # not empty
        retire(staging, staging.parent)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): no library offers it (Python's os has no renameat2), so call libc."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    func = getattr(libc, "renameat2", None)
    if func is None:
        return False
    result = func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
