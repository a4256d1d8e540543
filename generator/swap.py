"""Atomic swap: the staged build replaces the published one in a single rename per folder.

Stage: last. Guarantees: until ``swap_in`` runs, the previous ``published/site`` is untouched; a build that
fails or is killed leaves only a ``.staging-*`` folder behind, which the next build removes. Both
``new_staging`` and ``swap_in`` run only while the caller holds the output folder's lock (``generator.lock``),
so a stale staging folder is never one a running build is still writing. On Linux the swap uses
renameat2(RENAME_EXCHANGE) so there is no moment without a site folder; elsewhere, two renames.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

from generator.paths import STAGING_PREFIX

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def new_staging(out: Path) -> Path:
    """A fresh staging folder inside ``out`` (same filesystem, so the final rename is atomic), after removing
    the ones killed builds left behind; call it only while holding ``out``'s lock."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))


def swap_in(staging: Path, out: Path, names: tuple[str, ...]) -> None:
    """Move ``staging/<name>`` to ``out/<name>`` for each name, atomically per folder, then drop the old ones."""
    for name in names:
        new, current = staging / name, out / name
        if not new.exists():
            continue
        if current.exists() and _exchange(new, current):
            continue  # the old folder now sits in staging and goes with it below
        if current.exists():
            current.rename(staging / f"{name}.old")
        new.rename(current)
    shutil.rmtree(staging, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


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
