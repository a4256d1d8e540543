"""Worker processes die with the build that started them.

Stage: shared by the stages that use a process pool (site's bulk pages, the data packs' slow formats, the
release purge's second process: ``second_process``).
Guarantees: ``die_with_parent`` — run as a pool's ``initializer`` with the parent's PID — makes the Linux kernel
send the worker SIGKILL when its parent dies, however it dies (SIGKILL included, when no Python code runs to
shut the pool down). Without it, a ``ProcessPoolExecutor`` worker of a killed build waits on its task queue
forever: its siblings, forked from the same parent, keep that queue's pipe open. Elsewhere it does nothing.

Why ctypes: prctl(PR_SET_PDEATHSIG) is the kernel's way to do this, and neither Python's ``os`` nor
``multiprocessing`` offers it (no library in the lock file does either). The death signal is tied to the
*thread* that forked the worker; pools start their workers from the calling thread, which is the build's
thread and outlives the pool. A parent that died between the fork and the prctl call is caught by comparing
``getppid`` with the PID handed in.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask for SIGKILL when the parent process ``parent`` dies; exit at once if it already has."""
    if not sys.platform.startswith("linux"):
        return
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def second_process() -> ProcessPoolExecutor:
    """A pool of one spawned process that dies with this one: work beside the build's own (spawned, not forked:
    it imports what it needs rather than copying the build's tables)."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,  # a killed build leaves no worker behind
        initargs=(os.getpid(),),
    )
